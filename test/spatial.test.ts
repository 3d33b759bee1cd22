// Convolution and pooling variants and the spatial shape layers against TensorFlow.js (cpu backend):
// averagePooling2d, global pooling, zeroPadding2d, cropping2D, upSampling2d, depthwiseConv2d,
// separableConv2d, conv2dTranspose and dense on rank > 2. For each: forward and gradients of the
// fused kernels and of call() against TF.js' own layer on the same weights, finite differences,
// model.json both ways, a Sequential fit step (fused) equal to a functional one (tape), and the new
// native kernels against the TypeScript reference. Runs on the backend TEGAKI_BACKEND names.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import type * as tfjs from '@tensorflow/tfjs';
import type { ConvGeometry, ElementwiseActivation, PoolGeometry, ResizeGeometry } from '../src/backend/backend.js';
import { loadNative } from '../src/backend/native/index.js';
import { tsBackend } from '../src/backend/ts/index.js';
import type { FusedLayer } from '../src/layers/fused.js';
import { add, mul, sum } from '../src/ops/arithmetic.js';
import { ones } from '../src/ops/creation.js';
import { gradientsOf } from '../src/ops/engine.js';
import { windowGeometry } from '../src/ops/windows.js';
import * as tg from '../src/node.js';
import { checkClose, checkGradient, distinctArray, dot, uniformArray } from './helpers/check.js';
import { compareKernels } from './helpers/kernels.js';
import { tempDir } from './helpers/cli.js';
import { serveFolder, tfjs as loadTfjs } from './helpers/tfjs.js';

const tf = await loadTfjs();
const FORWARD_TOL = 1e-5;
const GRAD_TOL = 1e-4;
const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

interface LayerCase {
  /** The factory name, the same in tegaki and TF.js. */
  factory: string;
  args: Record<string, unknown>;
  inputShape: number[];
  /** Max pooling needs inputs without near-ties for finite differences. */
  distinct?: boolean;
  /**
   * Why TF.js' own gradient cannot serve for this (weightless, linear) layer; dL/dx is then checked
   * against the adjoint of TF.js' forward: dL/dx[i] = Σ forward(e_i)·r.
   */
  linearReference?: string;
  /** Why TF.js cannot differentiate this layer: gradients are checked by finite differences only. */
  noTfGradient?: string;
}

const AVG_SAME = 'TF.js 4.22\'s avgPool gradient divides by the whole window where padding cut it (its forward does not)';

const CASES: LayerCase[] = [
  { factory: 'averagePooling2d', args: { poolSize: 2 }, inputShape: [6, 7, 3] },
  { factory: 'averagePooling2d', args: { poolSize: 3, strides: 2, padding: 'same' }, inputShape: [7, 6, 2], linearReference: AVG_SAME },
  { factory: 'averagePooling2d', args: { poolSize: [2, 3], strides: 1, padding: 'same' }, inputShape: [5, 5, 17], linearReference: AVG_SAME },
  { factory: 'globalAveragePooling2d', args: {}, inputShape: [5, 4, 3] },
  { factory: 'globalMaxPooling2d', args: {}, inputShape: [4, 5, 3], distinct: true },
  { factory: 'zeroPadding2d', args: {}, inputShape: [3, 4, 2] },
  { factory: 'zeroPadding2d', args: { padding: [[1, 2], [0, 3]] }, inputShape: [3, 4, 2] },
  { factory: 'cropping2D', args: { cropping: [1, 2] }, inputShape: [5, 6, 2] },
  { factory: 'cropping2D', args: { cropping: [[0, 2], [1, 0]] }, inputShape: [5, 6, 2] },
  { factory: 'upSampling2d', args: {}, inputShape: [3, 4, 2], linearReference: 'TF.js 4.22\'s resizeNearestNeighbor gradient disagrees with its forward' },
  { factory: 'upSampling2d', args: { size: [3, 2], interpolation: 'bilinear' }, inputShape: [3, 4, 2], linearReference: 'TF.js 4.22\'s resizeBilinear gradient fails for a non-square input' },
  { factory: 'upSampling2d', args: { size: [2, 2], interpolation: 'bilinear' }, inputShape: [5, 3, 1], linearReference: 'TF.js 4.22\'s resizeBilinear gradient fails for a non-square input' },
  { factory: 'depthwiseConv2d', args: { kernelSize: 3, activation: 'tanh' }, inputShape: [6, 7, 3] },
  { factory: 'depthwiseConv2d', args: { kernelSize: [2, 3], depthMultiplier: 2, strides: 2, padding: 'same' }, inputShape: [7, 6, 3] },
  { factory: 'depthwiseConv2d', args: { kernelSize: 3, depthMultiplier: 3, padding: 'same', useBias: false }, inputShape: [5, 5, 2] },
  { factory: 'separableConv2d', args: { filters: 4, kernelSize: 3, activation: 'relu' }, inputShape: [6, 7, 3] },
  { factory: 'separableConv2d', args: { filters: 3, kernelSize: [3, 2], depthMultiplier: 2, strides: 2, padding: 'same', activation: 'tanh' }, inputShape: [7, 6, 2] },
  { factory: 'separableConv2d', args: { filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same', useBias: false }, inputShape: [7, 7, 2], noTfGradient: 'TF.js 4.22 refuses the gradient of a dilated depthwiseConv2d' },
  { factory: 'conv2dTranspose', args: { filters: 3, kernelSize: 3, activation: 'tanh' }, inputShape: [4, 5, 2] },
  { factory: 'conv2dTranspose', args: { filters: 2, kernelSize: 3, strides: 2, padding: 'same' }, inputShape: [4, 3, 3] },
  { factory: 'conv2dTranspose', args: { filters: 2, kernelSize: [2, 4], strides: [3, 2], padding: 'valid', useBias: false }, inputShape: [3, 4, 2] },
  { factory: 'dense', args: { units: 4, activation: 'tanh' }, inputShape: [3, 5] },
  { factory: 'dense', args: { units: 3, activation: 'softmax' }, inputShape: [2, 3, 4] },
];

type Factory = (args: never) => tg.layers.Layer;
const ours = (c: LayerCase): FusedLayer => ((tg.layers as unknown as Record<string, Factory>)[c.factory]!)({ ...c.args } as never) as unknown as FusedLayer;
const theirs = (c: LayerCase): tfjs.layers.Layer => ((tf.layers as unknown as Record<string, (a: unknown) => tfjs.layers.Layer>)[c.factory]!)({ ...c.args });
const labelOf = (c: LayerCase): string => `${c.factory}(${JSON.stringify(c.args)}) on ${JSON.stringify(c.inputShape)}`;

const BATCH = 3;
const inputOf = (c: LayerCase, seed: number): Float32Array => (c.distinct ? distinctArray(BATCH * size(c.inputShape), seed, 0.01) : uniformArray(BATCH * size(c.inputShape), seed));

/** TF.js' gradients of Σ layer(x)·r with respect to x and each weight, as arrays. */
function tfGradients(their: tfjs.layers.Layer, xt: tfjs.Tensor, rt: tfjs.Tensor): [Float32Array, Float32Array[]] {
  const loss = (t: tfjs.Tensor): tfjs.Scalar => tf.sum(tf.mul(their.apply(t) as tfjs.Tensor, rt));
  const dx = tf.grad(loss)(xt);
  const vars = their.trainableWeights.map((w) => w.read() as tfjs.Variable);
  const dw = vars.length > 0 ? tf.variableGrads(() => loss(xt), vars).grads : {};
  const out: [Float32Array, Float32Array[]] = [dx.dataSync() as Float32Array, vars.map((v) => dw[v.name]!.dataSync() as Float32Array)];
  tf.dispose([dx, rt, ...Object.values(dw)]);
  return out;
}

/** For a layer linear in x: dL/dx[i] = Σ layer(e_i)·r, from TF.js' forward alone. */
function linearAdjoint(their: tfjs.layers.Layer, x: tg.Tensor, r: Float32Array): Float32Array {
  const out = new Float32Array(x.size);
  const basis = new Float32Array(x.size);
  for (let i = 0; i < x.size; i++) {
    basis.fill(0);
    basis[i] = 1;
    const y = tf.tidy(() => (their.apply(tf.tensor(basis, x.shape as number[])) as tfjs.Tensor).dataSync());
    out[i] = dot(y, r);
  }
  return out;
}

for (const [index, c] of CASES.entries()) {
  const name = labelOf(c);
  test(`${name}: fused and call() match TF.js' layer on the same weights (forward, dL/dx, dL/dW) and finite differences`, () => {
    const layer = ours(c);
    layer.buildFor(c.inputShape, new tg.Random(1));
    layer.weights.forEach((w, i) => w.value.f32.set(uniformArray(w.value.size, 10 + i, -0.5, 0.5)));
    const x = new tg.Tensor([BATCH, ...c.inputShape], inputOf(c, 100 + index));
    const y = layer.forward(x, { training: false, rng: new tg.Random(0) });
    const fused = Float32Array.from(y.f32);
    const r = uniformArray(y.size, 200 + index);
    const dx = Float32Array.from(layer.backward(new tg.Tensor(y.shape, r)).f32);
    const dws = layer.weights.map((w) => Float32Array.from(w.grad.f32));

    // TF.js' own layer with our weights
    const their = theirs(c);
    const xt = tf.tensor(x.f32, x.shape as number[]);
    tf.dispose(their.apply(xt) as tfjs.Tensor);
    assert.deepEqual(their.getWeights().map((w) => w.shape), layer.weights.map((w) => w.value.shape), `${name}: weight shapes in Keras order`);
    assert.deepEqual(their.weights.map((w) => w.originalName.split('/').at(-1)), layer.weights.map((w) => w.name), `${name}: weight names`);
    their.setWeights(layer.weights.map((w) => tf.tensor(w.value.f32, w.value.shape as number[])));
    const expected = their.apply(xt) as tfjs.Tensor;
    assert.deepEqual(expected.shape, y.shape, `${name}: output shape`);
    assert.deepEqual(layer.computeOutputShape([null, ...c.inputShape]), their.computeOutputShape([null, ...c.inputShape]), `${name}: computeOutputShape`);
    checkClose(fused, expected.dataSync(), FORWARD_TOL, `${name} forward`);

    const sources = [x, ...layer.weights.map((w) => w.value)];
    const tape = gradientsOf(() => sum(mul(layer.call(x) as tg.Tensor, new tg.Tensor(y.shape, r))), sources, undefined, (t) => ones(t.shape), add);
    checkClose((layer.call(x) as tg.Tensor).f32, expected.dataSync(), FORWARD_TOL, `${name} call() forward`);
    if (!c.noTfGradient) {
      const [theirDx, theirDw] = c.linearReference ? [linearAdjoint(their, x, r), []] : tfGradients(their, xt, tf.tensor(r, y.shape as number[]));
      // the fused kernels, then call() on the tape as functional models and custom code train the layer
      for (const [path, grads] of [['fused', [dx, ...dws]], ['call()', tape.grads.map((g) => g!.f32)]] as const) {
        checkClose(grads[0]!, theirDx, GRAD_TOL, `${name} ${path} dL/dx`);
        theirDw.forEach((g, i) => checkClose(grads[i + 1]!, g, GRAD_TOL, `${name} ${path} dL/d${layer.weights[i]!.name}`));
      }
    } else {
      tape.grads.forEach((g, i) => checkClose(g!.f32, [dx, ...dws][i]!, GRAD_TOL, `${name} call() gradient ${i} vs fused`));
    }

    // finite differences of Σ forward(x)·r, for the input and every weight
    const value = (): number => dot(layer.forward(x, { training: false, rng: new tg.Random(0) }).f32, r);
    // relu's kink and max's switch need small steps
    const options = { eps: c.distinct || c.args['activation'] === 'relu' ? 1e-3 : 1e-2, tol: 3e-2, maxChecks: 40 };
    checkGradient(`${name} dL/dx vs finite differences`, value, x.f32, dx, options);
    layer.weights.forEach((w, i) => checkGradient(`${name} dL/d${w.name} vs finite differences`, value, w.value.f32, dws[i]!, options));
    tf.dispose([xt, expected]);
  });
}

test('getConfig round trip and TF.js\' config for every case (camelCase, pairs where TF.js writes pairs)', () => {
  for (const c of CASES) {
    const layer = ours(c);
    const config = layer.getConfig();
    const Class = layer.constructor as new (args: never) => FusedLayer;
    assert.deepEqual(new Class(structuredClone(config) as never).getConfig(), config, `${labelOf(c)}: round trip`);
    const their = theirs(c).getConfig();
    // TF.js' SeparableConv2D leaves depthMultiplier out of its config (Keras writes it)
    assert.deepEqual(Object.keys(config).filter((k) => !(k in their)), c.factory === 'separableConv2d' ? ['depthMultiplier'] : [], `${labelOf(c)}: keys TF.js lacks`);
    for (const key of Object.keys(config)) {
      if (key === 'name' || key.endsWith('Initializer') || !(key in their)) continue;
      assert.deepEqual(config[key], their[key], `${labelOf(c)}: config ${key}`);
    }
  }
});

// ---- model.json both ways ----

/** Two models covering every new layer, written once for tegaki and TF.js (same factory names). */
function buildModels(lib: typeof tg | typeof tf): { model: tg.Sequential | tfjs.Sequential; inputShape: number[] }[] {
  const l = lib.layers as unknown as Record<string, (a: unknown) => never>;
  const convs = lib.sequential();
  // depthMultiplier 1: TF.js does not save a SeparableConv2D's depthMultiplier, so it cannot reload any other
  convs.add(l['separableConv2d']!({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [8, 9, 2] }));
  convs.add(l['depthwiseConv2d']!({ kernelSize: 3, depthMultiplier: 2, strides: 2, activation: 'tanh' }));
  convs.add(l['conv2dTranspose']!({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }));
  convs.add(l['averagePooling2d']!({ poolSize: 2, strides: 1, padding: 'same' }));
  convs.add(l['globalAveragePooling2d']!({}));
  convs.add(l['dense']!({ units: 3, activation: 'softmax' }));
  const shapes = lib.sequential();
  shapes.add(l['zeroPadding2d']!({ padding: [[1, 0], [2, 1]], inputShape: [5, 6, 2] }));
  shapes.add(l['cropping2D']!({ cropping: [[0, 1], [1, 1]] }));
  shapes.add(l['upSampling2d']!({ size: [2, 3], interpolation: 'bilinear' }));
  shapes.add(l['dense']!({ units: 4, activation: 'tanh' }));
  shapes.add(l['upSampling2d']!({}));
  shapes.add(l['globalMaxPooling2d']!({}));
  return [{ model: convs, inputShape: [8, 9, 2] }, { model: shapes, inputShape: [5, 6, 2] }];
}

test('models of these layers saved by TF.js load in tegaki and predict the same', async () => {
  for (const [i, { model, inputShape }] of buildModels(tf).entries()) {
    const theirModel = model as tfjs.Sequential;
    const dir = tempDir(`tfjs-spatial-${i}`);
    await theirModel.save(tf.io.withSaveHandler(async (artifacts) => {
      writeFileSync(join(dir, 'group1-shard1of1.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
      const json = { modelTopology: artifacts.modelTopology, format: artifacts.format, generatedBy: artifacts.generatedBy, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: artifacts.weightSpecs }] };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = tg.loadModel(dir);
    assert.deepEqual(loaded.layers.map((l) => l.className), theirModel.layers.map((l) => l.getClassName()));
    const x = new tg.Tensor([4, ...inputShape], uniformArray(4 * size(inputShape), 30 + i, 0, 1));
    const expected = (theirModel.predict(tf.tensor(x.f32, x.shape as number[])) as tfjs.Tensor).dataSync();
    checkClose(loaded.predict(x).f32, expected, FORWARD_TOL, `model ${i}: we predict what TF.js predicts`);
  }
});

test('models of these layers saved by tegaki load in TF.js and predict the same', async () => {
  for (const [i, { model, inputShape }] of buildModels(tg).entries()) {
    const ourModel = model as tg.Sequential;
    const dir = tempDir(`tegaki-spatial-${i}`);
    await ourModel.save(dir);
    const x = new tg.Tensor([4, ...inputShape], uniformArray(4 * size(inputShape), 40 + i, 0, 1));
    const expected = ourModel.predict(x);
    const their = await serveFolder(dir, (base) => tf.loadLayersModel(`${base}/model.json`));
    assert.deepEqual(their.layers.map((l) => l.getClassName()), ourModel.layers.map((l) => l.className));
    checkClose((their.predict(tf.tensor(x.f32, x.shape as number[])) as tfjs.Tensor).dataSync(), expected.f32, FORWARD_TOL, `model ${i}: TF.js predicts what we predict`);
  }
});

test('dense on rank 3 ending a Sequential model: a loss per position (on the tape), as TF.js computes it', async () => {
  const make = <M extends typeof tg | typeof tf>(lib: M) => {
    const l = lib.layers as unknown as Record<string, (a: unknown) => never>;
    const model = lib.sequential();
    model.add(l['dense']!({ units: 5, activation: 'tanh', inputShape: [3, 4] }));
    model.add(l['dense']!({ units: 3, activation: 'softmax' }));
    model.compile({ optimizer: lib.train.sgd(0.5) as never, loss: 'categoricalCrossentropy' });
    return model;
  };
  const [mine, their] = [make(tg) as tg.Sequential, make(tf) as tfjs.Sequential];
  their.setWeights(mine.getWeights().map((w) => tf.tensor(w.f32, w.shape as number[])));
  const xs = uniformArray(6 * 3 * 4, 80);
  const labels = new Float32Array(6 * 3 * 3);
  for (let i = 0; i < 18; i++) labels[i * 3 + (i % 3)] = 1;
  const h1 = await mine.fit(new tg.Tensor([6, 3, 4], xs), new tg.Tensor([6, 3, 3], labels), { batchSize: 6, epochs: 2, shuffle: false, verbose: 0 });
  const h2 = await their.fit(tf.tensor(xs, [6, 3, 4]), tf.tensor(labels, [6, 3, 3]), { batchSize: 6, epochs: 2, shuffle: false, verbose: 0 });
  checkClose(h1.history['loss'] as number[], h2.history['loss'] as number[], 1e-5, 'losses per epoch');
  mine.getWeights().forEach((w, i) => checkClose(w.f32, their.getWeights()[i]!.dataSync(), 1e-4, `weight ${i} after two steps`));
});

test('a Sequential fit step on the fused kernels equals the same step on the tape (functional model)', async () => {
  for (const [i, { model, inputShape }] of buildModels(tg).entries()) {
    const fused = model as tg.Sequential;
    fused.compile({ optimizer: tg.train.sgd(0.1), loss: 'sparseCategoricalCrossentropy' });
    // the same layers, rebuilt from their configs, applied to a symbolic input: trained on the tape
    const input = tg.input({ shape: inputShape });
    const copies = fused.layers.map((layer) => new (layer.constructor as new (a: unknown) => tg.layers.Layer)({ ...layer.getConfig(), name: `${layer.name}_tape`, batchInputShape: undefined }));
    let h: tg.layers.SymbolicTensor = input;
    for (const layer of copies) h = layer.apply(h) as tg.layers.SymbolicTensor;
    const tape = tg.model({ inputs: input, outputs: h });
    tape.compile({ optimizer: tg.train.sgd(0.1), loss: 'sparseCategoricalCrossentropy' });
    tape.setWeights(fused.getWeights());
    const x = new tg.Tensor([6, ...inputShape], uniformArray(6 * size(inputShape), 50 + i, 0, 1));
    const units = fused.outputs[0]!.shape.at(-1)!;
    const labels = new tg.Tensor([6], [0, 1, 2, 0, 1, 2].map((v) => v % units));
    await fused.fit(x, labels, { batchSize: 6, epochs: 1, shuffle: false, verbose: 0 });
    await tape.fit(x, labels, { batchSize: 6, epochs: 1, shuffle: false, verbose: 0 });
    const [a, b] = [fused.getWeights(), tape.getWeights()];
    assert.equal(a.length, b.length);
    a.forEach((w, j) => checkClose(w.f32, b[j]!.f32, 1e-4, `model ${i} weight ${j} after one step`));
  }
});

// ---- the new native kernels against the reference, with guard regions ----

const { backend: native, reason } = loadNative();
function depthwiseGeometry(batch: number, inH: number, inW: number, inC: number, m: number, k: [number, number], s: [number, number], padding: 'valid' | 'same', d: [number, number] = [1, 1]): ConvGeometry {
  const h = windowGeometry(inH, (k[0] - 1) * d[0] + 1, s[0], padding);
  const w = windowGeometry(inW, (k[1] - 1) * d[1] + 1, s[1], padding);
  return { batch, inH, inW, inC, outH: h.out, outW: w.out, outC: inC * m, kH: k[0], kW: k[1], strideH: s[0], strideW: s[1], padTop: h.padBefore, padLeft: w.padBefore, dilationH: d[0], dilationW: d[1] };
}

function poolGeometry(batch: number, inH: number, inW: number, channels: number, p: [number, number], s: [number, number], padding: 'valid' | 'same'): PoolGeometry {
  const h = windowGeometry(inH, p[0], s[0], padding);
  const w = windowGeometry(inW, p[1], s[1], padding);
  return { batch, inH, inW, channels, outH: h.out, outW: w.out, poolH: p[0], poolW: p[1], strideH: s[0], strideW: s[1], padTop: h.padBefore, padLeft: w.padBefore };
}

const DEPTHWISE_CASES: ConvGeometry[] = [
  depthwiseGeometry(3, 14, 13, 8, 1, [3, 3], [1, 1], 'same'), // MobileNet's shape of block
  depthwiseGeometry(2, 9, 10, 3, 4, [3, 2], [2, 2], 'valid'),
  depthwiseGeometry(2, 7, 8, 5, 2, [3, 3], [1, 1], 'same', [2, 3]),
  depthwiseGeometry(1, 5, 6, 1, 3, [5, 5], [2, 1], 'same'), // taps mostly in the padding
];
const POOL_CASES: PoolGeometry[] = [
  poolGeometry(3, 14, 13, 8, [2, 2], [2, 2], 'valid'),
  poolGeometry(2, 7, 6, 17, [3, 3], [2, 2], 'same'),
  poolGeometry(2, 5, 5, 3, [2, 3], [1, 1], 'same'),
  poolGeometry(2, 6, 7, 4, [6, 7], [1, 1], 'valid'), // a global pool
];

test('native depthwise and average-pool kernels match the reference on every CPU path and thread count', { skip: native ? false : `native addon not built (${reason})` }, () => {
  const be = native!;
  const [path, threads] = [be.getCpuPath(), be.getThreads()];
  let worst = 0;
  try {
    for (const cpu of be.cpuPaths()) {
      be.setCpuPath(cpu);
      for (const n of [1, 2]) {
        be.setThreads(n);
        for (const [i, g] of DEPTHWISE_CASES.entries()) {
          const [xs, ws, ys] = [g.batch * g.inH * g.inW * g.inC, g.kH * g.kW * g.outC, g.batch * g.outH * g.outW * g.outC];
          const [x, w, bias, dy] = [uniformArray(xs, 10 * i), uniformArray(ws, 10 * i + 1, -0.5, 0.5), uniformArray(g.outC, 10 * i + 2), uniformArray(ys, 10 * i + 3)];
          const label = `${cpu}, ${n} thread(s), depthwise ${JSON.stringify(g)}`;
          for (const act of ['linear', 'relu', 'sigmoid'] as ElementwiseActivation[]) {
            worst = Math.max(worst, compareKernels(be, `${label} forward ${act}`, ys, (k, y) => k.depthwiseConv2d(y, x, w, act === 'sigmoid' ? null : bias, g, act), uniformArray(ys, 99)));
          }
          worst = Math.max(worst, compareKernels(be, `${label} backwardInput`, xs, (k, dx) => k.depthwiseConv2dBackwardInput(dx, dy, w, g), uniformArray(xs, 99)));
          worst = Math.max(worst, compareKernels(be, `${label} backwardFilter`, ws, (k, dw) => k.depthwiseConv2dBackwardFilter(dw, x, dy, g), uniformArray(ws, 99)));
        }
        for (const [i, g] of POOL_CASES.entries()) {
          const [xs, ys] = [g.batch * g.inH * g.inW * g.channels, g.batch * g.outH * g.outW * g.channels];
          const [x, dy] = [uniformArray(xs, 50 + i), uniformArray(ys, 60 + i)];
          const label = `${cpu}, ${n} thread(s), avgPool ${JSON.stringify(g)}`;
          worst = Math.max(worst, compareKernels(be, `${label} forward`, ys, (k, y) => k.avgPool(y, x, g), uniformArray(ys, 99)));
          worst = Math.max(worst, compareKernels(be, `${label} backward`, xs, (k, dx) => k.avgPoolBackward(dx, dy, g), uniformArray(xs, 99)));
        }
      }
    }
  } finally {
    be.setCpuPath(path);
    be.setThreads(threads);
  }
  assert.ok(worst <= 1e-5, `max relative difference ${worst}`);
});

test('resize kernels: nearest repeats, bilinear interpolates, and backward is the adjoint of forward', () => {
  const g: ResizeGeometry = { batch: 1, inH: 2, inW: 2, channels: 1, outH: 4, outW: 4, bilinear: false };
  const x = Float32Array.from([1, 2, 3, 4]);
  const y = new Float32Array(16);
  tsBackend.resize(y, x, g);
  assert.deepEqual([...y], [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  tsBackend.resize(y, x, { ...g, bilinear: true });
  // rows and columns at 0, 0.5, 1, 1.5 of the source: the last ones clamp to the edge
  assert.deepEqual([...y], [1, 1.5, 2, 2, 2, 2.5, 3, 3, 3, 3.5, 4, 4, 3, 3.5, 4, 4]);
  for (const bilinear of [false, true]) {
    const h: ResizeGeometry = { batch: 2, inH: 3, inW: 5, channels: 2, outH: 7, outW: 4, bilinear };
    const [xs, ys] = [2 * 3 * 5 * 2, 2 * 7 * 4 * 2];
    const [a, b] = [uniformArray(xs, 70), uniformArray(ys, 71)];
    const [ya, xb] = [new Float32Array(ys), new Float32Array(xs)];
    tsBackend.resize(ya, a, h);
    tsBackend.resizeBackward(xb, b, h);
    // <resize(a), b> = <a, resizeBackward(b)>
    assert.ok(Math.abs(dot(ya, b) - dot(a, xb)) < 1e-4, `adjoint (bilinear=${bilinear})`);
  }
});
