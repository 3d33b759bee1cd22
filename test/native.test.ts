// Native backend parity: every kernel against the TypeScript reference on odd shapes, on each
// CPU path this machine runs and with 1 and 2 threads, with guard regions around every output
// to catch out-of-bounds writes. Skips (with a message) when the addon is not built.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Backend, ConvGeometry, ElementwiseActivation, Labels, PoolGeometry, WarpGeometry } from '../src/backend/backend.js';
import { loadNative, type NativeBackend } from '../src/backend/native/index.js';
import { tensorKernels, tsBackend } from '../src/backend/ts/index.js';
import { windowGeometry } from '../src/layers/layer.js';

const { backend: native, reason } = loadNative();
const skip = native ? false : `native addon not built (${reason}); run \`npm run build:native\``;

// ---- helpers ----

let seed = 12345;
function random(): number {
  // xorshift32: deterministic inputs without the library's Random
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
}
function randn(n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (random() * 2 - 1) * scale;
  return a;
}

const GUARD = 17;
const SENTINEL = 1234.5;

/** A Float32Array view of n elements inside a bigger buffer whose guard cells hold a sentinel. */
function guarded(n: number, init?: Float32Array): { view: Float32Array; check: (label: string) => void } {
  const full = new Float32Array(n + 2 * GUARD).fill(SENTINEL);
  const view = full.subarray(GUARD, GUARD + n);
  if (init) view.set(init);
  return {
    view,
    check(label) {
      for (let i = 0; i < GUARD; i++) {
        assert.equal(full[i], SENTINEL, `${label}: write before the output (guard ${i})`);
        assert.equal(full[GUARD + n + i], SENTINEL, `${label}: write past the output (guard ${i})`);
      }
    },
  };
}

/** Max |a − b| must stay within tol·(1 + |b|); prints the max difference on failure (llm.c's check_tensor). */
function checkTensor(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, label: string): void {
  assert.equal(a.length, b.length, `${label}: length`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!));
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  assert.ok(worst <= tol, `${label}: max relative difference ${worst} at ${at} (native ${a[at]}, ts ${b[at]})`);
}

/** Run the same kernel on both backends; the native output lives in a guarded view. */
function compare(label: string, n: number, tol: number, run: (b: Backend, out: Float32Array) => void, init?: Float32Array): Float32Array {
  const expected = new Float32Array(n);
  if (init) expected.set(init);
  run(tsBackend, expected);
  const out = guarded(n, init);
  run(native!, out.view);
  out.check(label);
  checkTensor(out.view, expected, tol, label);
  return out.view.slice();
}

function convGeometry(batch: number, inH: number, inW: number, inC: number, outC: number, k: [number, number], s: [number, number], padding: 'valid' | 'same'): ConvGeometry {
  const h = windowGeometry(inH, k[0], s[0], padding);
  const w = windowGeometry(inW, k[1], s[1], padding);
  return { batch, inH, inW, inC, outH: h.out, outW: w.out, outC, kH: k[0], kW: k[1], strideH: s[0], strideW: s[1], padTop: h.padBefore, padLeft: w.padBefore };
}

function poolGeometry(batch: number, inH: number, inW: number, channels: number, p: [number, number], s: [number, number], padding: 'valid' | 'same'): PoolGeometry {
  const h = windowGeometry(inH, p[0], s[0], padding);
  const w = windowGeometry(inW, p[1], s[1], padding);
  return { batch, inH, inW, channels, outH: h.out, outW: w.out, poolH: p[0], poolW: p[1], strideH: s[0], strideW: s[1], padTop: h.padBefore, padLeft: w.padBefore };
}

// ---- the cases, run once per CPU path and thread count ----

const matmulShapes: [number, number, number][] = [[1, 1, 1], [1, 10, 64], [7, 13, 5], [17, 33, 300], [64, 10, 64], [130, 70, 513], [300, 31, 9]];
const convCases: ConvGeometry[] = [
  convGeometry(3, 28, 28, 1, 32, [3, 3], [1, 1], 'valid'), // the tutorial's first layer
  convGeometry(2, 13, 13, 32, 64, [3, 3], [1, 1], 'valid'),
  convGeometry(1, 7, 9, 3, 5, [3, 3], [2, 2], 'same'),
  convGeometry(2, 8, 7, 5, 17, [2, 3], [1, 2], 'same'),
  convGeometry(3, 6, 5, 7, 9, [1, 1], [1, 1], 'valid'), // cols is x itself
  convGeometry(1, 5, 5, 2, 3, [5, 5], [1, 1], 'same'),
  convGeometry(2, 9, 9, 4, 6, [3, 3], [3, 2], 'valid'),
  convGeometry(2, 10, 9, 2, 40, [3, 3], [1, 1], 'same'), // direct conv: a 32-channel block, then 8
  convGeometry(2, 9, 8, 1, 32, [5, 5], [1, 1], 'same'), // direct, patch 25: taps in 3s, then 1
  convGeometry(1, 6, 7, 2, 33, [4, 4], [1, 1], 'valid'), // direct, patch 32: taps in 3s, then 2; 32 + 1 channels
  convGeometry(1, 3, 1100, 1, 8, [3, 3], [1, 1], 'valid'), // direct, one output row per chunk
];
const poolCases: PoolGeometry[] = [
  poolGeometry(3, 26, 26, 32, [2, 2], [2, 2], 'valid'),
  poolGeometry(2, 11, 11, 7, [2, 2], [2, 2], 'valid'),
  poolGeometry(1, 7, 9, 3, [3, 3], [2, 2], 'same'),
  poolGeometry(2, 6, 5, 5, [3, 2], [1, 1], 'same'),
];
const acts: ElementwiseActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];

function runCases(tag: string): void {
  for (const [m, n, k] of matmulShapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const accumulate of [false, true]) {
          const a = randn(m * k);
          const b = randn(k * n);
          const c0 = randn(m * n);
          const label = `${tag} matmul ${m}x${n}x${k} tA=${transA} tB=${transB} acc=${accumulate}`;
          compare(label, m * n, 1e-6 * (k + 8), (be, c) => be.matmul(c, a, b, m, n, k, { transA, transB, accumulate }), c0);
        }
      }
    }
  }

  for (const g of convCases) {
    const xs = g.batch * g.inH * g.inW * g.inC;
    const ws = g.kH * g.kW * g.inC * g.outC;
    const ys = g.batch * g.outH * g.outW * g.outC;
    const x = randn(xs);
    const w = randn(ws, 0.5);
    const bias = randn(g.outC);
    const dy = randn(ys);
    const patch = g.kH * g.kW * g.inC;
    const label = `${tag} conv ${JSON.stringify(g)}`;
    compare(`${label} forward`, ys, 1e-6 * (patch + 8), (be, y) => be.conv2d(y, x, w, null, g));
    compare(`${label} forward+bias`, ys, 1e-6 * (patch + 8), (be, y) => be.conv2d(y, x, w, bias, g));
    for (const act of ['relu', 'tanh', 'sigmoid'] as const) compare(`${label} forward+bias ${act}`, ys, 1e-6 * (patch + 8), (be, y) => be.conv2d(y, x, w, bias, g, act));
    compare(`${label} backwardInput`, xs, 1e-6 * (g.outC * 9 + 8), (be, dx) => be.conv2dBackwardInput(dx, dy, w, g), randn(xs));
    compare(`${label} backwardFilter`, ws, 1e-6 * (ys + 8), (be, dw) => be.conv2dBackwardFilter(dw, x, dy, g), randn(ws));
  }

  for (const g of poolCases) {
    const xs = g.batch * g.inH * g.inW * g.channels;
    const ys = g.batch * g.outH * g.outW * g.channels;
    const x = randn(xs);
    // ties: equal values must pick the first index, as the reference does
    for (let i = 0; i < xs; i += 7) x[i] = x[i + 1] ?? x[i]!;
    const label = `${tag} pool ${JSON.stringify(g)}`;
    const argTs = new Int32Array(ys);
    const argNative = new Int32Array(ys + 2 * GUARD).fill(-7);
    const argView = argNative.subarray(GUARD, GUARD + ys);
    compare(`${label} forward`, ys, 0, (be, y) => be.maxPool(y, be === tsBackend ? argTs : argView, x, g));
    assert.deepEqual(argView, argTs, `${label}: argmax`);
    for (let i = 0; i < GUARD; i++) assert.ok(argNative[i] === -7 && argNative[GUARD + ys + i] === -7, `${label}: argmax guard`);
    const dy = randn(ys);
    compare(`${label} backward`, xs, 0, (be, dx) => be.maxPoolBackward(dx, dy, argTs, g), randn(xs));
  }

  for (const [rows, cols] of [[1, 1], [3, 10], [37, 33], [500, 70], [40, 9000]] as [number, number][]) {
    const n = rows * cols;
    const x = randn(n, 3);
    const bias = randn(cols);
    const label = `${tag} ${rows}x${cols}`;
    for (const act of acts) {
      compare(`${label} biasActivation ${act}`, n, 1e-7, (be, y) => be.biasActivation(y, bias, rows, cols, act), x);
      compare(`${label} biasActivation ${act} no bias`, n, 1e-7, (be, y) => be.biasActivation(y, null, rows, cols, act), x);
      compare(`${label} activation ${act}`, n, 1e-7, (be, y) => be.activation(y, x, act));
      const y = new Float32Array(n);
      tsBackend.activation(y, x, act);
      const dy = randn(n);
      compare(`${label} activationBackward ${act}`, n, 1e-7, (be, dx) => be.activationBackward(dx, dy, y, act));
      // dx may alias dy
      compare(`${label} activationBackward ${act} in place`, n, 1e-7, (be, d) => be.activationBackward(d, d, y, act), dy);
    }
    // sums over rows: the native kernel adds fixed chunks of rows, then the chunks in order
    const sumTol = 1e-7 * (rows + 8);
    compare(`${label} biasGrad`, cols, sumTol, (be, db) => be.biasGrad(db, x, rows, cols), randn(cols));
    for (const act of acts) {
      const y = new Float32Array(n);
      tsBackend.activation(y, x, act);
      const dy = randn(n);
      const dbTs = new Float32Array(cols);
      const db = guarded(cols, randn(cols));
      const dz = compare(`${label} biasActivationBackward ${act} dz`, n, 1e-7, (be, out) => be.biasActivationBackward(out, be === tsBackend ? dbTs : db.view, dy, y, rows, cols, act));
      db.check(`${label} biasActivationBackward ${act} db`);
      checkTensor(db.view, dbTs, sumTol, `${label} biasActivationBackward ${act} db`);
      // in place (dz aliases dy), and without a bias
      compare(`${label} biasActivationBackward ${act} in place`, n, 1e-7, (be, d) => be.biasActivationBackward(d, new Float32Array(cols), d, y, rows, cols, act), dy);
      compare(`${label} biasActivationBackward ${act} no bias`, n, 0, (be, out) => be.biasActivationBackward(out, null, dy, y, rows, cols, act), dz);
    }
    const bytes = Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
    const picks = Int32Array.from({ length: 2 * rows + 1 }, () => Math.floor(random() * rows));
    compare(`${label} gatherBytes`, picks.length * cols, 0, (be, out) => be.gatherBytes(out, bytes, picks, cols, 1 / 255));
    compare(`${label} softmax`, n, 1e-7, (be, y) => be.softmax(y, x, rows, cols));
    const sm = new Float32Array(n);
    tsBackend.softmax(sm, x, rows, cols);
    const dy = randn(n);
    compare(`${label} softmaxBackward`, n, 1e-7, (be, dx) => be.softmaxBackward(dx, dy, sm, rows, cols));
    compare(`${label} multiply`, n, 0, (be, y) => be.multiply(y, x, dy));

    const sparse: Labels = { data: Float32Array.from({ length: rows }, () => Math.floor(random() * cols)), sparse: true };
    const dense: Labels = { data: new Float32Array(n), sparse: false };
    for (let r = 0; r < rows; r++) dense.data[r * cols + Math.floor(random() * cols)] = 1;
    const probs = new Float32Array(n);
    tsBackend.softmax(probs, x, rows, cols);
    for (const labels of [sparse, dense]) {
      const kind = labels.sparse ? 'sparse' : 'dense';
      for (const [name, input] of [['softmaxCrossEntropy', x], ['crossEntropy', probs], ['meanSquaredError', probs]] as const) {
        let lossTs = 0;
        let lossNative = 0;
        compare(`${label} ${name} ${kind}`, n, 1e-6, (be, grad) => {
          const loss = be[name](grad, input, labels, rows, cols, 1 / rows);
          if (be === tsBackend) lossTs = loss;
          else lossNative = loss;
        });
        assert.ok(Math.abs(lossNative - lossTs) <= 1e-9 * (1 + Math.abs(lossTs)), `${label} ${name} ${kind}: loss ${lossNative} vs ${lossTs}`);
        assert.equal(native![name](null, input, labels, rows, cols, 1), lossNative, `${label} ${name} ${kind}: loss without grad`);
      }
      assert.equal(native!.countCorrect(probs, labels, rows, cols), tsBackend.countCorrect(probs, labels, rows, cols), `${label} countCorrect ${kind}`);
    }
  }
  const binary: Labels = { data: Float32Array.from([0, 1, 1, 0, 1]), sparse: false };
  const pred = Float32Array.from([0.2, 0.7, 0.4, 0.6, 0.5]);
  assert.equal(native!.countCorrect(pred, binary, 5, 1), tsBackend.countCorrect(pred, binary, 5, 1), `${tag} countCorrect binary`);

  for (const n of [1, 7, 1000, 4099, 50001]) {
    const p0 = randn(n);
    const g = randn(n);
    const s1 = randn(n, 0.1).map(Math.abs);
    const s2 = randn(n, 0.1).map(Math.abs);
    const label = `${tag} optimizers n=${n}`;
    /** Run an update on copies of (param, slots) and compare every array it changes: native runs in
     *  float (as TF.js does), the reference in double, so they agree to float rounding. */
    const both = (name: string, slots: Float32Array[], run: (be: Backend, p: Float32Array, s: Float32Array[]) => void): void => {
      const results = [tsBackend, native!].map((be) => {
        const p = guarded(n, p0);
        const s = slots.map((init) => guarded(n, init));
        run(be, p.view, s.map((x) => x.view));
        p.check(`${label} ${name} param`);
        s.forEach((x) => x.check(`${label} ${name} slot`));
        return [p.view, ...s.map((x) => x.view)];
      });
      results[0]!.forEach((expected, i) => checkTensor(results[1]![i]!, expected, 1e-6, `${label} ${name} array ${i}`));
    };
    both('sgd', [], (be, p) => be.sgdUpdate(p, g, null, 0.01, 0, false));
    both('sgd momentum', [s1], (be, p, [v]) => be.sgdUpdate(p, g, v!, 0.01, 0.9, false));
    both('sgd nesterov', [s1], (be, p, [v]) => be.sgdUpdate(p, g, v!, 0.01, 0.9, true));
    both('rmsprop', [s1], (be, p, [ms]) => be.rmspropUpdate(p, g, ms!, 0.001, 0.9, 1e-7));
    both('adam', [s1, s2], (be, p, [m, v]) => be.adamUpdate(p, g, m!, v!, 0.001, 0.9, 0.999, 1e-7, 3));
    both('nadam', [s1, s2], (be, p, [m, v]) => be.nadamUpdate(p, g, m!, v!, 0.001, 0.9, 0.999, 1e-7, 0.6, 0.2, 0.003));
    both('weight decay', [], (be, p) => be.weightDecay(p, 0.004));
  }
}

test('native kernels match the reference on every CPU path, with 1 and 2 threads', { skip }, () => {
  const be = native as NativeBackend;
  const threads = be.getThreads();
  const path = be.getCpuPath();
  try {
    for (const p of be.cpuPaths()) {
      assert.ok(be.setCpuPath(p));
      for (const t of [1, 2]) {
        be.setThreads(t);
        runCases(`[${p}, ${t} thread${t > 1 ? 's' : ''}]`);
      }
    }
  } finally {
    be.setThreads(threads);
    be.setCpuPath(path);
  }
});

test('native results are identical for 1 and 2 threads', { skip }, () => {
  const be = native as NativeBackend;
  const threads = be.getThreads();
  const run = (t: number): Float32Array[] => {
    be.setThreads(t);
    seed = 777;
    const outs: Float32Array[] = [];
    for (const [m, n, k] of [[300, 64, 577], [64, 288, 64], [288, 64, 7744]] as [number, number, number][]) {
      const c = new Float32Array(m * n);
      be.matmul(c, randn(m * k), randn(k * n), m, n, k, { transA: m === 288 });
      outs.push(c);
    }
    const g = convGeometry(16, 13, 13, 32, 64, [3, 3], [1, 1], 'valid');
    const x = randn(16 * 13 * 13 * 32);
    const dy = randn(16 * 11 * 11 * 64);
    const w = randn(9 * 32 * 64);
    const y = new Float32Array(dy.length);
    be.conv2d(y, x, w, null, g);
    const dx = new Float32Array(x.length);
    be.conv2dBackwardInput(dx, dy, w, g);
    const dw = new Float32Array(w.length);
    be.conv2dBackwardFilter(dw, x, dy, g);
    const db = new Float32Array(64);
    be.biasGrad(db, dy, 16 * 11 * 11, 64);
    const dz = new Float32Array(dy.length);
    const db2 = new Float32Array(64);
    be.biasActivationBackward(dz, db2, dy, y, 16 * 11 * 11, 64, 'relu');
    // the first layer's shape takes the direct conv
    const g1 = convGeometry(16, 28, 28, 1, 32, [3, 3], [1, 1], 'valid');
    const x1 = randn(16 * 28 * 28);
    const dy1 = randn(16 * 26 * 26 * 32);
    const w1 = randn(9 * 32);
    const y1 = new Float32Array(dy1.length);
    be.conv2d(y1, x1, w1, w1.subarray(0, 32), g1);
    const dw1 = new Float32Array(w1.length);
    be.conv2dBackwardFilter(dw1, x1, dy1, g1);
    return [...outs, y, dx, dw, db, dz, db2, y1, dw1];
  };
  try {
    const one = run(1);
    const two = run(2);
    one.forEach((a, i) => assert.deepEqual(two[i], a, `output ${i} differs between 1 and 2 threads`));
  } finally {
    be.setThreads(threads);
  }
});

test('native kernels reject arrays shorter than their dims instead of writing past them', { skip }, () => {
  assert.throws(() => native!.matmul(new Float32Array(5), new Float32Array(6), new Float32Array(6), 2, 3, 3), /c has 5 elements, needs 6/);
  const g = convGeometry(1, 5, 5, 2, 3, [3, 3], [1, 1], 'valid');
  assert.throws(() => native!.conv2d(new Float32Array(26), new Float32Array(50), new Float32Array(54), null, g), /y has 26 elements/);
  // sizes whose product would wrap around
  assert.throws(() => native!.conv2d(new Float32Array(27), new Float32Array(50), new Float32Array(54), null, { ...g, kH: 2 ** 32, kW: 2 ** 32 }), /conv geometry is too large/);
  assert.throws(() => native!.biasActivation(new Float32Array(6), new Float32Array(2), 2, 3, 'relu'), /bias has 2 elements/);
  assert.throws(() => native!.gatherBytes(new Float32Array(8), new Uint8Array(8), Int32Array.from([0, 2]), 4, 1), /index 2 is outside the 2 samples/);
});

// Sizes of 2^32: their products wrap a 64-bit count (2^64) to 0, so only a checked product stops
// a kernel from writing far past a tiny array. Every kernel that takes sizes is listed here.
const W = 2 ** 32;
const f = (n = 4) => new Float32Array(n);
const hugePool: PoolGeometry = { batch: W, inH: W, inW: 2, channels: 2, outH: W, outW: 1, poolH: 2, poolW: 2, strideH: 2, strideW: 2, padTop: 0, padLeft: 0 };
const hugeConv: ConvGeometry = { batch: W, inH: W, inW: 3, inC: 1, outH: W, outW: 1, outC: 1, kH: 3, kW: 3, strideH: 1, strideW: 1, padTop: 0, padLeft: 0 };
const hugeWarp: WarpGeometry = { batch: W, inH: W, inW: 2, channels: 1, outH: W, outW: 2 };
const labels: Labels = { data: f(), sparse: false };
const WRAPPING_CALLS: Record<string, (be: Backend) => void> = {
  matmul: (be) => be.matmul(f(), f(), f(), W, W, W),
  conv2d: (be) => be.conv2d(f(), f(), f(), null, hugeConv),
  conv2dBackwardInput: (be) => be.conv2dBackwardInput(f(), f(), f(), hugeConv),
  conv2dBackwardFilter: (be) => be.conv2dBackwardFilter(f(), f(), f(), hugeConv),
  depthwiseConv2d: (be) => be.depthwiseConv2d(f(), f(), f(), null, hugeConv),
  depthwiseConv2dBackwardInput: (be) => be.depthwiseConv2dBackwardInput(f(), f(), f(), hugeConv),
  depthwiseConv2dBackwardFilter: (be) => be.depthwiseConv2dBackwardFilter(f(), f(), f(), hugeConv),
  maxPool: (be) => be.maxPool(f(), new Int32Array(4), f(), hugePool),
  affineTransform: (be) => be.affineTransform(f(), f(), f(), hugeWarp, 'bilinear', 'constant', 0),
  affineTransformBackward: (be) => be.affineTransformBackward(f(), f(), f(), hugeWarp, 'bilinear', 'constant'),
  adjustColor: (be) => be.adjustColor(f(), f(), null, null, { batch: W, pixels: W, channels: W }, 0, 1),
  adjustColorBackward: (be) => be.adjustColorBackward(f(), f(), f(), null, null, { batch: W, pixels: W, channels: W }, 0, 1),
  maxPoolBackward: (be) => be.maxPoolBackward(f(), f(), new Int32Array(4), hugePool),
  biasActivation: (be) => be.biasActivation(f(), null, W, W, 'relu'),
  biasGrad: (be) => be.biasGrad(f(), f(), W, W),
  biasActivationBackward: (be) => be.biasActivationBackward(f(), null, f(), f(), W, W, 'relu'),
  // a sample size is at most 2^40, so 512 indices make a product past the 2^48 limit
  gatherBytes: (be) => be.gatherBytes(f(), new Uint8Array(4), new Int32Array(512), 2 ** 40, 1),
  softmax: (be) => be.softmax(f(), f(), W, W),
  softmaxBackward: (be) => be.softmaxBackward(f(), f(), f(), W, W),
  softmaxCrossEntropy: (be) => be.softmaxCrossEntropy(null, f(), labels, W, W, 1),
  crossEntropy: (be) => be.crossEntropy(null, f(), labels, W, W, 1),
  binaryCrossEntropy: (be) => be.binaryCrossEntropy(null, f(), labels, W, W, false, 1),
  meanSquaredError: (be) => be.meanSquaredError(null, f(), labels, W, W, 1),
  countCorrect: (be) => be.countCorrect(f(), labels, W, W),
  batchNormStatistics: (be) => be.batchNormStatistics(f(), f(), f(), W, W, W),
  batchNormForward: (be) => be.batchNormForward(f(), f(), f(), f(), null, null, 1e-3, W, W, W),
  batchNormBackward: (be) => be.batchNormBackward(null, null, null, f(), f(), f(), f(), null, 1e-3, W, W, W, true),
  layerNormForward: (be) => be.layerNormForward(f(), f(), f(), f(), null, null, 1e-3, W, W),
  layerNormBackward: (be) => be.layerNormBackward(null, null, null, f(), f(), f(), f(), null, 1e-3, W, W),
};
// kernels whose sizes are their arrays' own lengths take no size arguments to wrap
const SIZED_BY_ARRAYS = ['activation', 'activationBackward', 'multiply', 'sgdUpdate', 'rmspropUpdate', 'adamUpdate', 'nadamUpdate', 'weightDecay'];

test('every native kernel that takes sizes refuses sizes whose products wrap around', { skip }, () => {
  // the general tensor kernels are the reference's own, shared by the native backend
  const kernels = Object.keys(tsBackend).filter((k) => typeof (tsBackend as unknown as Record<string, unknown>)[k] === 'function' && !(k in tensorKernels));
  assert.deepEqual(kernels.filter((k) => !(k in WRAPPING_CALLS) && !SIZED_BY_ARRAYS.includes(k)), [], 'a kernel is missing from WRAPPING_CALLS');
  for (const [name, call] of Object.entries(WRAPPING_CALLS)) {
    assert.throws(() => call(native!), (e: Error) => e instanceof RangeError && /too large/.test(e.message), name);
  }
});

test('configuration calls run no JavaScript under the kernel lock (no deadlock on a hostile argument)', { skip, timeout: 10_000 }, () => {
  const hostile = { toString: () => String(native!.getThreads()) };
  assert.equal(native!.setCpuPath(hostile as unknown as 'avx2'), false);
  assert.equal(native!.setCpuPath(native!.getCpuPath()), true);
});

test('a missing addon reports unavailable and the ts backend is used', () => {
  const missing = loadNative('/nonexistent/tegaki-missing.node');
  assert.equal(missing.backend, null);
  assert.match(missing.reason, /no addon at/);

  const index = fileURLToPath(new URL('../src/node.js', import.meta.url));
  const script = `import(${JSON.stringify(index)}).then((t) => { try { console.log(t.getBackend()); } catch (e) { console.log(e.name + ': ' + e.message); } })`;
  const env: Record<string, string | undefined> = { ...process.env, TEGAKI_NATIVE_PATH: '/nonexistent/tegaki-missing.node' };
  delete env['TEGAKI_BACKEND'];
  const auto = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
  assert.equal(auto.stdout.trim(), 'ts');
  const forced = spawnSync(process.execPath, ['-e', script], { env: { ...env, TEGAKI_BACKEND: 'native' }, encoding: 'utf8' });
  assert.match(forced.stdout.trim(), /^TegakiError: The native backend is not available \(no addon at/);
});
