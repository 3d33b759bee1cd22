// Dilated (atrous) convolution against TensorFlow.js (cpu backend): tf.conv2d with dilations —
// forward, gradients and finite differences —, the Conv2D layer's dilationRate (fused kernels and
// call() on the tape, config and model.json both ways), the native kernels against the reference,
// and the refusals. Runs on the backend TEGAKI_BACKEND names.
// TF.js 4.22 refuses the gradient of a dilated conv2d, so the reference gradient is TF.js' gradient
// of the same convolution written with its filter spread out by zeros (then at dilation 1).

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import type * as tfjs from '@tensorflow/tfjs';
import type { ConvGeometry, ElementwiseActivation } from '../src/backend/backend.js';
import { loadNative } from '../src/backend/native/index.js';
import type { FusedLayer } from '../src/layers/fused.js';
import { add, mul, sum } from '../src/ops/arithmetic.js';
import { ones } from '../src/ops/creation.js';
import { gradientsOf } from '../src/ops/engine.js';
import { dilatedWindow, windowGeometry } from '../src/ops/windows.js';
import * as tg from '../src/node.js';
import { checkClose, checkGradient, dot, uniformArray } from './helpers/check.js';
import { compareKernels } from './helpers/kernels.js';
import { tempDir } from './helpers/cli.js';
import { serveFolder, tfjs as loadTfjs } from './helpers/tfjs.js';

const tf = await loadTfjs();
const FORWARD_TOL = 1e-5;
const GRAD_TOL = 1e-4;

type Pair = [number, number];
type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
const pairOf = (v: number | Pair): Pair => (typeof v === 'number' ? [v, v] : v);

/** A [reach, k] 0/1 matrix that moves row i of a k-row matrix to row i·d. */
function spreadMatrix(k: number, d: number): tfjs.Tensor2D {
  const reach = dilatedWindow(k, d);
  const m = new Float32Array(reach * k);
  for (let i = 0; i < k; i++) m[i * d * k + i] = 1;
  return tf.tensor2d(m, [reach, k]);
}

/**
 * The filter with dilation − 1 zero rows and columns between its taps, built from ops TF.js
 * differentiates (a spreading matrix times the filter, along each axis): conv2d with it at dilation 1
 * is the dilated conv2d, and its gradient with respect to w is the dilated one's.
 */
function spreadFilter(w: tfjs.Tensor, dilations: number | Pair): tfjs.Tensor4D {
  const [dH, dW] = pairOf(dilations);
  const [kH, kW, c, o] = w.shape as [number, number, number, number];
  const reachH = dilatedWindow(kH, dH);
  const reachW = dilatedWindow(kW, dW);
  const alongH = tf.matMul(spreadMatrix(kH, dH), tf.reshape(w, [kH, kW * c * o])); // [reachH, kW·c·o]
  const wFirst = tf.reshape(tf.transpose(tf.reshape(alongH, [reachH, kW, c * o]), [1, 0, 2]), [kW, reachH * c * o]);
  const alongW = tf.matMul(spreadMatrix(kW, dW), wFirst); // [reachW, reachH·c·o]
  return tf.reshape(tf.transpose(tf.reshape(alongW, [reachW, reachH, c * o]), [1, 0, 2]), [reachH, reachW, c, o]);
}

/** TF.js' dilated conv2d as it runs its forward, and as it can differentiate it. */
const tfConv = (x: tfjs.Tensor, w: tfjs.Tensor, pad: Pad, dilations: number | Pair): tfjs.Tensor =>
  tf.conv2d(x as tfjs.Tensor4D, w as tfjs.Tensor4D, 1, pad, 'NHWC', dilations);
const tfConvSpread = (x: tfjs.Tensor, w: tfjs.Tensor, pad: Pad, dilations: number | Pair): tfjs.Tensor =>
  tf.conv2d(x as tfjs.Tensor4D, spreadFilter(w, dilations), 1, pad, 'NHWC');

const ourConv = (x: tg.Tensor, w: tg.Tensor, pad: Pad, dilations: number | Pair): tg.Tensor => tg.conv2d(x, w, 1, pad, 'NHWC', dilations);

// ---- the op ----

interface OpCase {
  why: string;
  x: number[];
  filter: [number, number, number, number];
  dilations: number | Pair;
  pad: Pad;
}

const OP_CASES: OpCase[] = [
  { why: 'valid, batch 2, 3 → 4 channels', x: [2, 9, 10, 3], filter: [3, 3, 3, 4], dilations: 2, pad: 'valid' },
  { why: 'same, different dilations per axis', x: [1, 8, 7, 2], filter: [3, 2, 2, 5], dilations: [2, 3], pad: 'same' },
  { why: 'same with an even kernel: uneven padding', x: [2, 8, 9, 3], filter: [4, 2, 3, 2], dilations: [3, 2], pad: 'same' },
  { why: 'explicit padding', x: [2, 7, 9, 1], filter: [2, 3, 1, 3], dilations: [3, 2], pad: [[0, 0], [1, 2], [3, 0], [0, 0]] },
  { why: 'rank 3 input, numeric padding', x: [6, 6, 4], filter: [3, 3, 4, 2], dilations: 2, pad: 1 },
  { why: 'a patch small enough for the native direct kernel when undilated', x: [2, 10, 9, 1], filter: [3, 3, 1, 32], dilations: 2, pad: 'same' },
  { why: 'a large patch: the GEMM gathers dilated taps', x: [2, 11, 12, 24], filter: [3, 3, 24, 40], dilations: [2, 3], pad: 'valid' },
  { why: 'rows dilated only: kernel rows stay contiguous', x: [2, 9, 8, 5], filter: [3, 3, 5, 6], dilations: [2, 1], pad: 'same' },
  { why: '1×1 filter: dilation changes nothing', x: [2, 5, 6, 7], filter: [1, 1, 7, 3], dilations: 2, pad: 'valid' },
  { why: 'the filter reaches past the input on both sides', x: [1, 6, 6, 2], filter: [3, 3, 2, 2], dilations: 3, pad: 'same' },
];

test('TF.js 4.22 refuses the gradient of a dilated conv2d (so the reference below spreads the filter)', () => {
  const x = tf.ones([1, 5, 5, 1]) as tfjs.Tensor4D;
  const w = tf.ones([2, 2, 1, 1]) as tfjs.Tensor4D;
  assert.throws(() => tf.grad((t: tfjs.Tensor) => tfConv(t, w, 'valid', 2))(x), /dilation rates greater than 1 are not yet supported in gradients/);
  // and the spread filter computes the same forward
  checkClose(tfConvSpread(x, w, 'valid', 2).dataSync(), tfConv(x, w, 'valid', 2).dataSync(), FORWARD_TOL, 'spread filter forward');
});

for (const [index, c] of OP_CASES.entries()) {
  const name = `conv2d ${JSON.stringify(c.x)} * ${JSON.stringify(c.filter)}, dilations ${JSON.stringify(c.dilations)}, pad ${JSON.stringify(c.pad)} (${c.why})`;
  test(`${name}: forward and gradients match TF.js and finite differences`, () => {
    const xv = uniformArray(c.x.reduce((a, b) => a * b, 1), 100 + index);
    const wv = uniformArray(c.filter.reduce((a, b) => a * b, 1), 200 + index, -0.5, 0.5);
    const [xt, wt] = [tf.tensor(xv, c.x), tf.tensor(wv, c.filter)];
    const [x, w] = [tg.tensor(xv.slice(), c.x), tg.tensor(wv.slice(), c.filter)];

    const expected = tfConv(xt, wt, c.pad, c.dilations);
    const got = ourConv(x, w, c.pad, c.dilations);
    assert.deepEqual([...got.shape], expected.shape, `${name}: shape`);
    checkClose(got.dataSync(), expected.dataSync(), FORWARD_TOL, `${name} forward`);

    const dy = uniformArray(got.size, 300 + index);
    const theirs = tf.grads((a: tfjs.Tensor, b: tfjs.Tensor) => tfConvSpread(a, b, c.pad, c.dilations))([xt, wt], tf.tensor(dy, expected.shape));
    const mine = tg.grads((a: tg.Tensor, b: tg.Tensor) => ourConv(a, b, c.pad, c.dilations))([x, w], tg.tensor(dy, got.shape));
    const loss = (): number => dot(ourConv(x, w, c.pad, c.dilations).dataSync(), dy);
    ['dL/dx', 'dL/dfilter'].forEach((label, i) => {
      assert.deepEqual([...mine[i]!.shape], [c.x, c.filter][i], `${name}: ${label} shape`);
      checkClose(mine[i]!.dataSync(), theirs[i]!.dataSync(), GRAD_TOL, `${name} ${label} vs TF.js`);
      // loss = Σ conv·dy is linear in each input, so central differences are exact up to rounding
      checkGradient(`${name} ${label} vs finite differences`, loss, [x, w][i]!.f32, mine[i]!.dataSync(), { eps: 1e-2, tol: 2e-2, maxChecks: 60 });
    });
    tf.dispose([xt, wt, expected, ...theirs]);
  });
}

// ---- the kernels: native against the reference, with guard regions ----

const { backend: native, reason } = loadNative();

function dilatedGeometry(batch: number, inH: number, inW: number, inC: number, outC: number, k: Pair, d: Pair, padding: 'valid' | 'same'): ConvGeometry {
  const h = windowGeometry(inH, dilatedWindow(k[0], d[0]), 1, padding);
  const w = windowGeometry(inW, dilatedWindow(k[1], d[1]), 1, padding);
  return { batch, inH, inW, inC, outH: h.out, outW: w.out, outC, kH: k[0], kW: k[1], strideH: 1, strideW: 1, padTop: h.padBefore, padLeft: w.padBefore, dilationH: d[0], dilationW: d[1] };
}

const KERNEL_CASES: ConvGeometry[] = [
  dilatedGeometry(3, 28, 28, 1, 32, [3, 3], [2, 2], 'valid'), // the tutorial's first layer, dilated
  dilatedGeometry(2, 13, 13, 32, 64, [3, 3], [2, 3], 'same'), // its second
  dilatedGeometry(2, 9, 10, 3, 17, [2, 3], [3, 1], 'same'), // columns undilated: contiguous kernel rows
  dilatedGeometry(1, 6, 5, 2, 9, [3, 3], [3, 3], 'same'), // taps mostly in the padding
  dilatedGeometry(2, 7, 6, 5, 3, [1, 1], [2, 2], 'valid'), // 1×1: x is its own im2col matrix
];

test('native dilated kernels match the reference on every CPU path and thread count', { skip: native ? false : `native addon not built (${reason})` }, () => {
  const be = native!;
  const [path, threads] = [be.getCpuPath(), be.getThreads()];
  try {
    for (const cpu of be.cpuPaths()) {
      be.setCpuPath(cpu);
      for (const n of [1, 2]) {
        be.setThreads(n);
        for (const [i, g] of KERNEL_CASES.entries()) {
          const [xs, ws, ys] = [g.batch * g.inH * g.inW * g.inC, g.kH * g.kW * g.inC * g.outC, g.batch * g.outH * g.outW * g.outC];
          const [x, w, bias, dy] = [uniformArray(xs, 10 * i), uniformArray(ws, 10 * i + 1, -0.5, 0.5), uniformArray(g.outC, 10 * i + 2), uniformArray(ys, 10 * i + 3)];
          const label = `${cpu}, ${n} thread(s), ${JSON.stringify(g)}`;
          for (const act of ['linear', 'relu', 'tanh'] as ElementwiseActivation[]) {
            compareKernels(be, `${label} forward ${act}`, ys, (k, y) => k.conv2d(y, x, w, bias, g, act), uniformArray(ys, 7));
          }
          compareKernels(be, `${label} backwardInput`, xs, (k, dx) => k.conv2dBackwardInput(dx, dy, w, g), uniformArray(xs, 8));
          compareKernels(be, `${label} backwardFilter`, ws, (k, dw) => k.conv2dBackwardFilter(dw, x, dy, g), uniformArray(ws, 9));
        }
      }
    }
  } finally {
    be.setCpuPath(path);
    be.setThreads(threads);
  }
});

// ---- the layer ----

interface LayerCase {
  args: tg.layers.Conv2DArgs;
  inputShape: [number, number, number];
  batch: number;
}

const LAYER_CASES: LayerCase[] = [
  { args: { filters: 4, kernelSize: 3, dilationRate: 2, activation: 'relu' }, inputShape: [9, 10, 3], batch: 3 },
  { args: { filters: 3, kernelSize: [3, 2], dilationRate: [2, 3], padding: 'same', activation: 'tanh' }, inputShape: [8, 9, 2], batch: 2 },
  { args: { filters: 32, kernelSize: 3, dilationRate: [1, 2], padding: 'same', useBias: false }, inputShape: [10, 10, 1], batch: 2 },
];

/** TF.js' activation by name, for the reference written in ops. */
function tfActivate(z: tfjs.Tensor, activation: string | undefined): tfjs.Tensor {
  if (activation === 'relu') return tf.relu(z);
  if (activation === 'tanh') return tf.tanh(z);
  return z;
}

for (const c of LAYER_CASES) {
  const name = `Conv2D ${JSON.stringify(c.args)} on ${JSON.stringify(c.inputShape)}`;
  test(`${name}: forward and gradients match TF.js on the same weights, fused and through call()`, () => {
    const layer = tg.layers.conv2d(c.args) as unknown as FusedLayer;
    layer.buildFor(c.inputShape, new tg.Random(1));
    layer.weights.forEach((w, i) => w.value.f32.set(uniformArray(w.value.size, 10 + i, -0.5, 0.5)));
    const x = new tg.Tensor([c.batch, ...c.inputShape], uniformArray(c.batch * c.inputShape.reduce((a, b) => a * b, 1), 2));
    const y = layer.forward(x, { training: false, rng: new tg.Random(0) });
    const fused = Float32Array.from(y.f32);
    const r = uniformArray(y.size, 3);
    const dx = Float32Array.from(layer.backward(new tg.Tensor(y.shape, r)).f32);

    // TF.js' own layer, with our weights, for the forward
    const theirLayer = tf.layers.conv2d({ ...c.args, inputShape: c.inputShape } as never);
    const xt = tf.tensor(x.f32, x.shape as number[]);
    const expected = theirLayer.apply(xt) as tfjs.Tensor;
    theirLayer.setWeights(layer.weights.map((w) => tf.tensor(w.value.f32, w.value.shape as number[])));
    const theirs = theirLayer.apply(xt) as tfjs.Tensor;
    tf.dispose(expected);
    assert.deepEqual(theirs.shape, y.shape, `${name}: output shape`);
    assert.deepEqual(layer.computeOutputShape([null, ...c.inputShape]), theirLayer.computeOutputShape([null, ...c.inputShape]), `${name}: computeOutputShape`);
    checkClose(fused, theirs.dataSync(), FORWARD_TOL, `${name} forward`);

    // the reference gradients: the same layer in TF.js ops, with the spread kernel
    const wt = layer.weights.map((w) => tf.tensor(w.value.f32, w.value.shape as number[]));
    const padding = c.args.padding ?? 'valid';
    const f = (xa: tfjs.Tensor, k: tfjs.Tensor, b?: tfjs.Tensor): tfjs.Tensor => {
      const z = tfConvSpread(xa, k, padding, c.args.dilationRate!);
      return tf.sum(tf.mul(tfActivate(b ? tf.add(z, b) : z, c.args.activation), tf.tensor(r, y.shape as number[])));
    };
    const grads = tf.grads(f as (...args: tfjs.Tensor[]) => tfjs.Tensor)([xt, ...wt]);
    checkClose(dx, grads[0]!.dataSync(), GRAD_TOL, `${name} fused dL/dx`);
    layer.weights.forEach((w, i) => checkClose(w.grad.f32, grads[i + 1]!.dataSync(), GRAD_TOL, `${name} fused dL/d${w.name}`));

    // the same layer through call() on the tape, as functional models and custom code train it
    const sources = [x, ...layer.weights.map((w) => w.value)];
    const tape = gradientsOf(() => sum(mul(layer.call(x) as tg.Tensor, new tg.Tensor(y.shape, r))), sources, undefined, (t) => ones(t.shape), add);
    checkClose((layer.call(x) as tg.Tensor).f32, theirs.dataSync(), FORWARD_TOL, `${name} call() forward`);
    tape.grads.forEach((g, i) => checkClose(g!.f32, grads[i]!.dataSync(), GRAD_TOL, `${name} call() gradient ${i}`));
    tf.dispose([xt, theirs, ...wt, ...grads]);
  });
}

test('Conv2D dilationRate: getConfig round trip, a number becomes a pair as in TF.js', () => {
  const layer = tg.layers.conv2d({ filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same', inputShape: [7, 7, 1] });
  const config = layer.getConfig();
  assert.deepEqual(config['dilationRate'], [2, 2]);
  assert.deepEqual(config['dilationRate'], tf.layers.conv2d({ filters: 2, kernelSize: 3, dilationRate: 2 }).getConfig()['dilationRate']);
  const copy = new tg.layers.Conv2D(structuredClone(config) as never);
  assert.deepEqual(copy.getConfig(), config);
  // a snapshot: editing it leaves the layer alone
  (config['dilationRate'] as number[]).fill(9);
  assert.deepEqual(layer.getConfig()['dilationRate'], [2, 2]);
  assert.deepEqual(tg.layers.conv2d({ filters: 2, kernelSize: 3 }).getConfig()['dilationRate'], [1, 1]);
});

// ---- model.json, both ways ----

const modelJson = (dir: string): { modelTopology: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } } } => JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));

function dilatedModel(): tg.Sequential {
  const model = tg.sequential({ seed: 4 });
  model.add(tg.layers.conv2d({ filters: 4, kernelSize: [3, 2], dilationRate: [2, 3], padding: 'same', activation: 'relu', inputShape: [10, 11, 2] }));
  model.add(tg.layers.conv2d({ filters: 3, kernelSize: 3, dilationRate: 2, activation: 'tanh' }));
  model.add(tg.layers.flatten());
  model.add(tg.layers.dense({ units: 3, activation: 'softmax' }));
  return model;
}

test('a dilated model trains, saves dilation_rate in model.json, loads back, and TF.js predicts the same', async () => {
  const model = dilatedModel();
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  const xs = new tg.Tensor([8, 10, 11, 2], uniformArray(8 * 10 * 11 * 2, 21, 0, 1));
  const ys = new tg.Tensor([8], [0, 1, 2, 0, 1, 2, 0, 1]);
  const history = await model.fit(xs, ys, { epochs: 3, batchSize: 4, verbose: 0 });
  const losses = history.history['loss'] as number[];
  assert.ok(losses.every(Number.isFinite) && losses[2]! < losses[0]!, `loss falls: ${losses.join(', ')}`);

  const dir = tempDir('dilated');
  await model.save(dir);
  const convs = modelJson(dir).modelTopology.config.layers.filter((l) => l.class_name === 'Conv2D');
  assert.deepEqual(convs.map((l) => l.config['dilation_rate']), [[2, 3], [2, 2]]);

  const x = new tg.Tensor([3, 10, 11, 2], uniformArray(3 * 10 * 11 * 2, 22, 0, 1));
  const expected = model.predict(x);
  const loaded = tg.loadModel(dir);
  assert.deepEqual(loaded.layers.slice(0, 2).map((l) => l.getConfig()['dilationRate']), [[2, 3], [2, 2]]);
  assert.deepEqual([...loaded.predict(x).f32], [...expected.f32]);

  const theirs = await serveFolder(dir, (base) => tf.loadLayersModel(`${base}/model.json`));
  assert.deepEqual(theirs.layers.slice(0, 2).map((l) => l.getConfig()['dilationRate']), [[2, 3], [2, 2]]);
  const theirPrediction = (theirs.predict(tf.tensor(x.f32, x.shape as number[])) as tfjs.Tensor).dataSync();
  checkClose(theirPrediction, expected.f32, FORWARD_TOL, 'TF.js predicts what we predict');
});

test('tegaki loads a dilated model saved by TF.js and predicts the same', async () => {
  const theirs = tf.sequential();
  theirs.add(tf.layers.conv2d({ filters: 3, kernelSize: 3, dilationRate: [2, 3], padding: 'same', activation: 'relu', inputShape: [9, 10, 1] }));
  theirs.add(tf.layers.conv2d({ filters: 2, kernelSize: 2, dilationRate: 3 }));
  theirs.add(tf.layers.flatten());
  theirs.add(tf.layers.dense({ units: 4, activation: 'softmax' }));
  const dir = tempDir('tfjs-dilated');
  // TF.js' own serialization, laid out on disk as its file handler does
  await theirs.save(tf.io.withSaveHandler(async (artifacts) => {
    writeFileSync(join(dir, 'group1-shard1of1.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
    const json = { modelTopology: artifacts.modelTopology, format: artifacts.format, generatedBy: artifacts.generatedBy, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: artifacts.weightSpecs }] };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  assert.deepEqual(modelJson(dir).modelTopology.config.layers.filter((l) => l.class_name === 'Conv2D').map((l) => l.config['dilation_rate']), [[2, 3], [3, 3]]);
  const ours = tg.loadModel(dir);
  assert.deepEqual(ours.layers.slice(0, 2).map((l) => l.getConfig()['dilationRate']), [[2, 3], [3, 3]]);
  const x = new tg.Tensor([3, 9, 10, 1], uniformArray(3 * 9 * 10, 23, 0, 1));
  const expected = (theirs.predict(tf.tensor(x.f32, [3, 9, 10, 1])) as tfjs.Tensor).dataSync();
  checkClose(ours.predict(x).f32, expected, FORWARD_TOL, 'we predict what TF.js predicts');
});

// ---- refusals: one line each, naming the value ----

function assertRefused(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: Error) => e instanceof tg.TegakiError && message.test(e.message) && !e.message.includes('\n'), String(message));
}

test('refusals: dilation 0, strides and dilations both above 1 (as TF.js), a dilated filter larger than the input', () => {
  const x = tg.ones([1, 6, 6, 1]);
  const w = tg.ones([3, 3, 1, 1]);
  const [xt, wt] = [tf.ones([1, 6, 6, 1]) as tfjs.Tensor4D, tf.ones([3, 3, 1, 1]) as tfjs.Tensor4D];
  const both: [number | Pair, number | Pair, RegExp][] = [
    [1, 0, /conv2d: dilations must be a positive integer or a pair of them, received 0\./],
    [1, [2, 0], /conv2d: dilations must be a positive integer or a pair of them, received \[2,0\]\./],
    [2, 2, /conv2d: either strides or dilations must be 1, received strides 2 and dilations 2\./],
    [[1, 2], [2, 1], /conv2d: either strides or dilations must be 1, received strides \[1,2\] and dilations \[2,1\]\./],
  ];
  for (const [strides, dilations, message] of both) {
    assertRefused(() => tg.conv2d(x, w, strides, 'same', 'NHWC', dilations), message);
    assert.throws(() => tf.conv2d(xt, wt, strides, 'same', 'NHWC', dilations), `TF.js refuses strides ${JSON.stringify(strides)} with dilations ${JSON.stringify(dilations)} too`);
  }
  assertRefused(() => tg.conv2d(x, w, 1, 'valid', 'NHWC', 3), /conv2d: a 3×3 filter dilated by 3×3 \(reaching 7×7\) does not fit an input of 6×6\./);
  // the chained form takes the same arguments
  assertRefused(() => x.conv2d(w, 2, 'same', 'NHWC', 2), /either strides or dilations must be 1/);
  assert.deepEqual([...x.conv2d(w, 1, 'same', 'NHWC', 2).shape], [1, 6, 6, 1]);
});

test('refusals: the Conv2D layer and model.json', async () => {
  assertRefused(() => tg.layers.conv2d({ filters: 2, kernelSize: 3, dilationRate: 0 }), /Expected dilationRate of layer Conv2D to be a positive integer or a pair of them\. Received dilationRate=0\./);
  assertRefused(() => tg.layers.conv2d({ filters: 2, kernelSize: 3, dilationRate: [2, 2, 2] as never }), /Received dilationRate=\[2,2,2\]\./);
  assertRefused(() => tg.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 }), /Conv2D: strides > 1 is not supported together with dilationRate > 1\. Received strides=\[2,2\] and dilationRate=\[2,2\]\./);
  assertRefused(() => tg.sequential().add(tg.layers.conv2d({ filters: 2, kernelSize: 3, dilationRate: 2, inputShape: [4, 4, 1] })), /a 3×3 window dilated by 2×2 does not fit input \(None, 4, 4, 1\)/);

  const dir = tempDir('bad-dilation');
  await dilatedModel().save(dir);
  const good = modelJson(dir);
  for (const [edit, message] of [
    [{ dilation_rate: [0, 2] }, /model\.json.*Received dilationRate=\[0,2\]\./],
    [{ dilation_rate: 'two' }, /model\.json.*Received dilationRate="two"\./],
    [{ strides: [2, 2] }, /model\.json.*strides > 1 is not supported together with dilationRate > 1/],
  ] as const) {
    const json = structuredClone(good);
    Object.assign(json.modelTopology.config.layers.find((l) => l.class_name === 'Conv2D')!.config, edit);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    assertRefused(() => tg.loadModel(dir), message);
  }
});
