// Nothing let in: files made to hurt — a gzip bomb of an IDX file, FIFOs named like images or
// models, a model.json that declares a million units, links that lead nowhere, tampered backups,
// and every field of model.json and training.json replaced by nonsense. Each gets one clear error
// (a TegakiError, one line naming the file or field), bounded memory, and no hang.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import test from 'node:test';
import { gzipSync } from 'node:zlib';
import { backupAndRestore, buildTutorialModel, datasets, loadModel, saveModel, TegakiError } from '../src/node.js';
import { loadDataset } from '../src/data/datasets.js';
import { runCli, startCli, tempDir } from './helpers/cli.js';
import { digitPhoto } from './helpers/photos.js';
import { Random } from '../src/node.js';

const distSrc = fileURLToPath(new URL('../src/', import.meta.url));
const pauseAt = fileURLToPath(new URL('./fixtures/pause-at.js', import.meta.url));

/** One line on stderr starting 'tegaki: error:', no stack trace, status 1. */
function assertOneLineError(r: { status: number | null; stderr: string }, pattern: RegExp, label: string): void {
  assert.equal(r.status, 1, `${label}: ${r.stderr}`);
  assert.equal(r.stderr.trim().split('\n').length, 1, `${label}: one line, got: ${r.stderr}`);
  assert.match(r.stderr, /^tegaki: error: /, label);
  assert.doesNotMatch(r.stderr, /unexpected error|\n\s+at /, label);
  assert.match(r.stderr, pattern, label);
}

/**
 * Peak memory of a child process that runs `code` (an ES module body with `dist` as the compiled
 * src/ URL). VmHWM, not getrusage: Linux carries the parent's peak into a child's ru_maxrss.
 */
function childRss(code: string): { rssMb: number; output: string } {
  const peak = "Number(/VmHWM:\\s+(\\d+)/.exec((await import('node:fs')).readFileSync('/proc/self/status', 'utf8'))[1]) / 1024";
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const dist = ${JSON.stringify(pathToFileURL(distSrc).href)};\n${code}\nconsole.log('RSS', ${peak});`], { encoding: 'utf8', timeout: 60_000 });
  const rss = Number(/RSS ([\d.]+)/.exec(r.stdout)?.[1]);
  assert.ok(Number.isFinite(rss), r.stdout + r.stderr);
  return { rssMb: rss, output: r.stdout };
}

function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  assert.equal(r.status, 0, 'mkfifo');
}

function idxHeader(dims: number[]): Buffer {
  const b = Buffer.alloc(4 + 4 * dims.length);
  b[2] = 0x08;
  b[3] = dims.length;
  dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
  return b;
}

/** A saved NN with metadata, as `tegaki train` writes it (untrained weights do for these tests). */
function savedNn(classNames = [...'0123456789']): string {
  const dir = tempDir('nn');
  saveModel(buildTutorialModel('nn', { seed: 1 }), dir, { classNames, input: { shape: [784], scale: 1 / 255, style: 'mnist-digit' } });
  return dir;
}

test('class names that do not match the outputs are refused at load (4)', () => {
  const dir = tempDir('names');
  saveModel(buildTutorialModel('nn', { seed: 1 }), dir, { classNames: ['a'] });
  assert.throws(() => loadModel(dir), (e: Error) => e instanceof TegakiError && /model\.json: userDefinedMetadata\.tegaki\.classNames names 1 class, but the model has 10 outputs\./.test(e.message));
  // the model is refused before any image is read
  assertOneLineError(runCli(['predict', '--model', dir, 'seven.png']), /classNames names 1 class, but the model has 10 outputs/, 'predict');
  const shape = tempDir('shape');
  saveModel(buildTutorialModel('nn', { seed: 1 }), shape, { input: { shape: [28, 28, 1], scale: 1 / 255 } });
  assert.throws(() => loadModel(shape), /input\.shape is \[28,28,1\], but the model takes \(None, 784\)/);
});

test('a gzip bomb in an IDX file is refused from its header, without inflating it (10)', () => {
  const dir = tempDir('bomb');
  // declares 10×28×28 images, inflates to 400 MB
  const bomb = gzipSync(Buffer.concat([idxHeader([10, 28, 28]), Buffer.alloc(400e6)]), { level: 9 });
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), bomb);
  const { rssMb, output } = childRss(`
    const { readIdx } = await import(dist + 'data/idx.js');
    try { readIdx(${JSON.stringify(join(dir, 'train-images-idx3-ubyte.gz'))}); } catch (e) { console.log(e.name + ': ' + e.message); }`);
  assert.match(output, /TegakiError: .*train-images-idx3-ubyte\.gz: gzip data inflates to more than the 7856 bytes its IDX header declares\./);
  assert.ok(rssMb < 250, `peak RSS ${rssMb} MB`);
  // a header declaring more than the limit is refused before inflating anything
  const huge = gzipSync(Buffer.concat([idxHeader([100000, 100000, 1000]), Buffer.alloc(1000)]));
  writeFileSync(join(dir, 'huge-idx3-ubyte.gz'), huge);
  assert.throws(() => datasets.readIdx(join(dir, 'huge-idx3-ubyte.gz')), /header declares 100000×100000×1000 values, more than the \d+-byte limit/);
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), Buffer.concat([idxHeader([10]), Buffer.alloc(10)]));
  assertOneLineError(runCli(['train', '--data', dir, '--epochs', '1']), /inflates to more than the 7856 bytes/, 'train --data');
});

test('FIFOs and other special files are never read: refused by name, skipped in folders (11)', async () => {
  const root = tempDir('fifo');
  // a class-folder dataset with a FIFO among the images: skipped with a warning
  const data = join(root, 'data');
  const test0 = datasets.mnist.load().test;
  for (const [c, digit] of [['a', 0], ['b', 1]] as const) {
    mkdirSync(join(data, c), { recursive: true });
    for (let i = 0; i < 3; i++) writeFileSync(join(data, c, `${i}.png`), await digitPhoto(test0.images.pixels.subarray((digit * 7 + i) * 784, (digit * 7 + i + 1) * 784), new Random(i)));
  }
  mkfifo(join(data, 'a', 'pipe.png'));
  const loaded = await loadDataset(data, { validationSplit: 0.34 });
  assert.equal(loaded.train.images.length + loaded.test.images.length, 6);
  assert.ok(loaded.warnings.some((w) => /pipe\.png: not a regular file/.test(w)), loaded.warnings.join('\n'));
  // named on the command line, or as model and data files: refused at once
  const model = savedNn();
  const pipe = join(root, 'digit.png');
  mkfifo(pipe);
  const predict = runCli(['predict', '--model', model, pipe], { timeoutMs: 30_000 });
  assert.equal(predict.status, 1);
  assert.match(predict.stderr, /digit\.png: not a regular file \(a pipe, device or socket\); refused\./);
  const folder = runCli(['predict', '--model', model, join(data, 'a')], { timeoutMs: 30_000 });
  assert.equal(folder.status, 0, folder.stderr);
  assert.match(folder.stderr, /warning: skipped .*pipe\.png: not a regular file/);
  const fifoModel = join(root, 'fifo-model');
  mkdirSync(fifoModel);
  mkfifo(join(fifoModel, 'model.json'));
  assert.throws(() => loadModel(fifoModel), /model\.json: not a regular file/);
  const fifoIdx = join(root, 'idx');
  mkdirSync(fifoIdx);
  mkfifo(join(fifoIdx, 'train-images-idx3-ubyte'));
  writeFileSync(join(fifoIdx, 'train-labels-idx1-ubyte'), Buffer.concat([idxHeader([1]), Buffer.alloc(1)]));
  assertOneLineError(runCli(['train', '--data', fifoIdx, '--epochs', '1'], { timeoutMs: 30_000 }), /train-images-idx3-ubyte: not a regular file/, 'FIFO IDX');
});

test('a model.json declaring huge layers is refused before anything is allocated (12)', () => {
  const dir = savedNn();
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  json.modelTopology.config.layers[0].config.units = 1_000_000;
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  const { rssMb, output } = childRss(`
    const { loadModel } = await import(dist + 'model/files.js');
    try { loadModel(${JSON.stringify(dir)}); } catch (e) { console.log(e.name + ': ' + e.message); }`);
  assert.match(output, /TegakiError: .*model\.json: weight dense\/kernel has shape \(784, 64\) in the manifest, the layer needs \(784, 1000000\)\./);
  assert.ok(rssMb < 250, `peak RSS ${rssMb} MB`);
});

test('a model.json whose input or layer outputs are huge is refused, weights or not (12)', () => {
  const dir = tempDir('huge-input');
  const topology = {
    class_name: 'Sequential',
    config: {
      name: 'huge',
      layers: [
        { class_name: 'InputLayer', config: { batch_input_shape: [null, 30000, 30000, 3] } },
        { class_name: 'MaxPooling2D', config: { pool_size: [30000, 30000] } },
        { class_name: 'Flatten', config: {} },
        { class_name: 'Activation', config: { activation: 'softmax' } },
      ],
    },
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: topology, weightsManifest: [] }));
  assertOneLineError(runCli(['summary', '--model', dir]), /the input \(None, 30000, 30000, 3\) holds 2700000000 values per sample, more than the 16777216 tegaki accepts/, 'huge input');
});

test('links that lead nowhere or in a loop, as a dataset or inside one, are one clear error (13)', async () => {
  const root = tempDir('links');
  symlinkSync(join(root, 'missing'), join(root, 'dangling'));
  symlinkSync(join(root, 'loop-b'), join(root, 'loop-a'));
  symlinkSync(join(root, 'loop-a'), join(root, 'loop-b'));
  for (const name of ['dangling', 'loop-a']) {
    assertOneLineError(runCli(['train', '--data', join(root, name), '--epochs', '1']), new RegExp(`${name}: no such dataset`), name);
  }
  const data = join(root, 'data');
  for (const c of ['a', 'b']) {
    mkdirSync(join(data, c), { recursive: true });
    copyFileSync(fileURLToPath(new URL('../../node_modules/@fontsource/dejavu-sans/package.json', import.meta.url)), join(data, c, 'not-an-image.png'));
  }
  symlinkSync(join(root, 'missing'), join(data, 'c'));
  symlinkSync(join(root, 'missing.png'), join(data, 'a', 'gone.png'));
  // the class link leads nowhere (not a class); the image link and the fake PNG are skipped, leaving nothing
  assertOneLineError(runCli(['train', '--data', data, '--epochs', '1']), /data\/a: none of its images could be read\./, 'class folder of unreadable files');
});

test('malformed layer and weight entries in model.json are one clear error (13)', () => {
  const dir = savedNn();
  const original = readFileSync(join(dir, 'model.json'), 'utf8');
  const edits: [string, (j: any) => void, RegExp][] = [
    ['null layer', (j) => (j.modelTopology.config.layers[1] = null), /layer 1: not a layer/],
    ['null weight entry', (j) => (j.weightsManifest[0].weights[2] = null), /weightsManifest\[0\]\.weights\[2\] must be an object with a name/],
    ['missing shape', (j) => delete j.weightsManifest[0].weights[0].shape, /weight 'dense\/kernel': shape is missing or not a list/],
    ['string shape', (j) => (j.weightsManifest[0].weights[0].shape = '784,64'), /shape is missing or not a list/],
    ['null group', (j) => (j.weightsManifest[0] = null), /weightsManifest\[0\] must have paths and weights lists/],
    ['quantized', (j) => (j.weightsManifest[0].weights[0].quantization = { dtype: 'uint8' }), /quantized/],
  ];
  for (const [label, edit, message] of edits) {
    const j = JSON.parse(original);
    edit(j);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
    assertOneLineError(runCli(['summary', '--model', dir]), message, label);
  }
});

/** Every way to spoil one value of a JSON document: each node replaced by nonsense, or removed. */
function* spoiled(json: unknown): Generator<{ where: string; value: unknown }> {
  const replacements: unknown[] = [null, 'x', -1, 1e300, 0.5, [], {}, [null], true];
  const paths: (string | number)[][] = [];
  const walk = (node: unknown, path: (string | number)[]): void => {
    paths.push(path);
    if (Array.isArray(node)) node.forEach((v, i) => walk(v, [...path, i]));
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
  };
  walk(json, []);
  for (const path of paths.slice(1)) {
    for (const r of [...replacements, undefined]) {
      const copy = structuredClone(json) as Record<string | number, unknown>;
      let node = copy;
      for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
      if (r === undefined) delete node[path.at(-1)!];
      else node[path.at(-1)!] = r;
      yield { where: `${path.join('.')} = ${JSON.stringify(r) ?? '(removed)'}`, value: copy };
    }
  }
}

test('every field of model.json spoiled in every way: a model or a TegakiError, never a crash', () => {
  const dir = savedNn();
  const original = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  let cases = 0;
  let refused = 0;
  for (const { where, value } of spoiled(original)) {
    writeFileSync(join(dir, 'model.json'), JSON.stringify(value));
    cases++;
    try {
      loadModel(dir);
    } catch (e) {
      assert.ok(e instanceof TegakiError, `${where}: ${(e as Error).stack}`);
      assert.ok(!e.message.includes('\n'), `${where}: one line`);
      refused++;
    }
  }
  assert.ok(cases > 500 && refused > cases / 4, `${cases} cases, ${refused} refused`);
});

/** A real backup of a finished NN run that was killed before its test (the CLI's own format). */
async function killedRunWithBackup(): Promise<string> {
  const dir = join(tempDir('backup'), 'run');
  const run = startCli(['train', '--model', 'nn', '--epochs', '1', '--limit', '640', '--seed', '2', '--out', dir], { preload: [pauseAt], env: { TEGAKI_TEST_PAUSE: 'evaluate' } });
  await run.waitFor(/PAUSE evaluate/);
  run.child.kill('SIGKILL');
  await run.exited;
  return dir;
}

test('tampered backups are refused by --resume with one line naming the file or field (13)', async () => {
  const original = await killedRunWithBackup();
  const latest = JSON.parse(readFileSync(join(original, 'backup', 'latest.json'), 'utf8')).backup as string;
  const variants: [string, (dir: string, backup: string) => void, RegExp][] = [
    ['odd-length optimizer state', (_d, b) => truncateSync(join(b, 'optimizer.bin'), readFileSync(join(b, 'optimizer.bin')).length - 3), /optimizer\.bin: optimizer state does not fit this model \(\d+ bytes, expected \d+\)/],
    ['longer optimizer state', (_d, b) => writeFileSync(join(b, 'optimizer.bin'), Buffer.concat([readFileSync(join(b, 'optimizer.bin')), Buffer.alloc(8)])), /optimizer state does not fit this model/],
    ['slot counts moved between weights', (_d, b) => editJson(join(b, 'training.json'), (j) => (j.optimizer.slotCounts = [0, 2, 1, 1])), /training\.json: optimizer\.slotCounts \[0,2,1,1\] do not fit this model and optimizer \(\[1,1,1,1\]\)/],
    ['extra: null', (_d, b) => editJson(join(b, 'training.json'), (j) => (j.extra = null)), /the backup holds no training settings/],
    ['bad saved setting', (_d, b) => editJson(join(b, 'training.json'), (j) => (j.extra.settings.epochs = 0)), /the saved setting epochs expects an integer ≥ 1, received '0'/],
    ['bad snapshot', (_d, b) => editJson(join(b, 'training.json'), (j) => (j.snapshot.shuffleState = [1, 2])), /training\.json: snapshot\.shuffleState is missing or malformed/],
    ['step past the epoch', (_d, b) => editJson(join(b, 'training.json'), (j) => ((j.snapshot.step = 10 ** 6), (j.snapshot.epoch = 0))), /backup stands at epoch 1, batch 1000000: outside this fit/],
    ['pointer out of the folder', (d) => writeFileSync(join(d, 'backup', 'latest.json'), JSON.stringify({ backup: '../../etc' })), /latest\.json: does not name a backup folder/],
    ['pointer not JSON', (d) => writeFileSync(join(d, 'backup', 'latest.json'), '{'), /latest\.json: cannot be read/],
    ['weights not finite', (_d, b) => {
      const file = readdirSync(b).find((f) => f.startsWith('weights-'))!;
      const bytes = readFileSync(join(b, file));
      bytes.writeFloatLE(NaN, 0);
      writeFileSync(join(b, file), bytes);
    }, /contains NaN at index 0/],
  ];
  for (const [label, tamper, message] of variants) {
    const dir = join(tempDir('tampered'), 'run');
    cpSync(original, dir, { recursive: true });
    tamper(dir, join(dir, 'backup', latest));
    assertOneLineError(runCli(['train', '--resume', dir]), message, label);
  }
  // the untampered backup still resumes
  assert.equal(runCli(['train', '--resume', original]).status, 0);
});

function editJson(path: string, edit: (j: any) => void): void {
  const j = JSON.parse(readFileSync(path, 'utf8'));
  edit(j);
  writeFileSync(path, JSON.stringify(j));
}

test('every field of a backup spoiled in every way: resumed or a TegakiError, never a crash', async () => {
  const original = await killedRunWithBackup();
  const name = JSON.parse(readFileSync(join(original, 'backup', 'latest.json'), 'utf8')).backup as string;
  const file = join(original, 'backup', name, 'training.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const x = datasets.take(datasets.mnist.load().train.images, 64);
  const y = datasets.take(datasets.mnist.load().train.labels, 64);
  let cases = 0;
  for (const { where, value } of spoiled(json)) {
    writeFileSync(file, JSON.stringify(value));
    const model = buildTutorialModel('nn', { seed: 2 });
    model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    cases++;
    try {
      await model.fit(datasets.withSampleShape(x, [784]), y, { epochs: 1, batchSize: 32, verbose: 0, callbacks: [backupAndRestore({ backupDir: join(original, 'backup'), keepOnCompletion: true })] });
    } catch (e) {
      assert.ok(e instanceof TegakiError, `${where}: ${(e as Error).stack}`);
    }
  }
  assert.ok(cases > 200, `${cases} cases`);
  rmSync(original, { recursive: true, force: true });
});

test('report and output options that cannot work fail before any work, in one line (13)', async () => {
  const model = savedNn();
  assertOneLineError(runCli(['evaluate', '--model', model, '--count', '20000', '--cols', '1']), /over the 16384-pixel limit: show fewer images \(--count\) or more per row \(--cols\)/, 'grid too large');
  const file = join(tempDir('save-inputs'), 'taken');
  writeFileSync(file, '');
  const photo = join(tempDir('photos'), 'd0.png');
  const test0 = datasets.mnist.load().test;
  writeFileSync(photo, await digitPhoto(test0.images.pixels.subarray(0, 784), new Random(1)));
  assertOneLineError(runCli(['predict', '--model', model, '--save-inputs', file, photo]), /taken: exists and is not a folder/, '--save-inputs on a file');
  // d0.png and d0.jpg (and a second d0.png) each get their own picture
  const jpgDir = tempDir('jpg');
  const sharp = (await import('sharp')).default;
  writeFileSync(join(jpgDir, 'd0.jpg'), await sharp(readFileSync(photo)).jpeg().toBuffer());
  copyFileSync(photo, join(jpgDir, 'd0.png'));
  const out = join(tempDir('seen'), 'inputs');
  const r = runCli(['predict', '--model', model, '--save-inputs', out, photo, jpgDir]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['d0-2.png', 'd0.jpg.png', 'd0.png']);
});
