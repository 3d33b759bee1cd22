// BatchNormalization and LayerNormalization: parity with TF.js' layers on the same weights (forward,
// dL/dx, dL/dW, moving statistics), finite differences, native kernels against the reference,
// training steps and model.json round trips both ways with TF.js, frozen layers, summary().

import assert from 'node:assert/strict';
import test from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import * as tg from '../src/node.js';
import { layers, Random, Tensor, TegakiError } from '../src/node.js';
import { loadNative } from '../src/backend/native/index.js';
import { tsBackend } from '../src/backend/ts/index.js';
import type { FusedLayer } from '../src/layers/fused.js';
import { add, mul, sum } from '../src/ops/arithmetic.js';
import { ones } from '../src/ops/creation.js';
import { gradientsOf } from '../src/ops/engine.js';
import { checkClose, checkGradient, dot, uniformArray } from './helpers/check.js';
import { tfjs } from './helpers/tfjs.js';

const SAVED = { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const, modelTopologyBytes: 0, weightSpecsBytes: 0, weightDataBytes: 0 } };

const FORWARD_TOL = 1e-5;
const GRAD_TOL = 1e-4;
const worst: Record<string, number> = {};
function compare(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, label: string, kind: string): void {
  worst[kind] = Math.max(worst[kind] ?? 0, checkClose(a, b, tol, label));
}
test.after(() => console.log(`normalization: max relative differences ${JSON.stringify(worst)}`));

const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Non-trivial weights: gamma, beta around 0 and 1, moving variance positive. */
function randomizeWeights(layer: tg.layers.Layer, seed: number): void {
  layer.weights.forEach((w, i) => {
    const [low, high] = w.name === 'gamma' || w.name === 'moving_variance' ? [0.5, 1.5] : [-0.5, 0.5];
    w.value.f32.set(uniformArray(w.value.size, seed + i, low, high));
  });
}

type TF_ = Awaited<ReturnType<typeof tfjs>>;
type NormLayer = tg.layers.BatchNormalization | tg.layers.LayerNormalization;
type Args = Record<string, unknown>;

/** What the layer computes, in TF.js ops: (x − mean)·rsqrt(variance + ε)·gamma + beta, and the moving statistics after. */
function tfFormula(tf: TF_, layer: NormLayer, x: TF.Tensor, weights: Record<string, TF.Tensor>, training: boolean): { y: TF.Tensor; after: TF.Tensor[] } {
  const rank = x.rank;
  const bn = layer instanceof tg.layers.BatchNormalization;
  // BN: statistics over every axis but the features one; LN: over the trailing axes
  const featureAxes = bn ? [((layer.axis % rank) + rank) % rank] : (Array.isArray(layer.axis) ? layer.axis : [layer.axis]).map((a) => ((a % rank) + rank) % rank);
  const axes = x.shape.map((_, i) => i).filter((i) => (bn ? !featureAxes.includes(i) : featureAxes.includes(i)));
  const paramShape = x.shape.map((d, i) => (featureAxes.includes(i) ? d : 1));
  const param = (name: string): TF.Tensor | null => (weights[name] ? weights[name]!.reshape(paramShape) : null);
  const batchStatistics = !bn || training;
  const moments = tf.moments(x, axes, true);
  const m = batchStatistics ? moments.mean : param('moving_mean')!;
  const v = batchStatistics ? moments.variance : param('moving_variance')!;
  let y = tf.mul(tf.sub(x, m), tf.rsqrt(tf.add(v, layer.epsilon)));
  if (param('gamma')) y = tf.mul(y, param('gamma')!);
  if (param('beta')) y = tf.add(y, param('beta')!);
  const after = layer.weights.map((w) => {
    const value = weights[w.name]!;
    if (!bn || !training || !w.name.startsWith('moving_')) return value;
    const batchValue = (w.name === 'moving_mean' ? moments.mean : moments.variance).reshape(value.shape);
    return tf.sub(value, tf.mul(tf.sub(value, batchValue), 1 - layer.momentum));
  });
  return { y, after };
}

/**
 * One layer against TF.js: forward, dL/dx and dL/d(trainable weights) for L = Σ y·r, through the
 * fused kernels and through call() on the tape, and the weights after (moving statistics).
 * oracle 'layer' is TF.js' own layer; 'ops' the formula in TF.js ops, for the cases TF.js' layer
 * gets wrong (its CPU batchNorm kernel broadcasts mean and scale along the last axis only) or
 * cannot differentiate (its batchNorm gradient without an offset).
 */
async function checkAgainstTfjs(label: string, factory: 'batchNormalization' | 'layerNormalization', args: Args, inputShape: number[], batch: number, training: boolean, oracle: 'layer' | 'ops' = 'layer'): Promise<void> {
  const tf = await tfjs();
  const make = (): NormLayer => (layers[factory] as (a: Args) => NormLayer)({ ...args });
  const fused = make();
  fused.buildFor(inputShape, new Random(1));
  randomizeWeights(fused, 10);
  const initial = fused.getWeights();
  // a non-zero mean per feature, so centring matters
  const x = new Tensor([batch, ...inputShape], uniformArray(batch * sizeOf(inputShape), 2, -1, 2));
  const y = fused.forward(x, { training, rng: new Random(0) });
  const r = uniformArray(y.size, 3);
  const dx = Float32Array.from(fused.backward(new Tensor(y.shape, r)).f32);
  const trainable = fused.trainableWeights;

  const xt = tf.tensor(x.f32, x.shape as number[]);
  const rt = tf.tensor(r, y.shape as number[]);
  const wt = initial.map((w) => tf.tensor(w.f32, w.shape as number[]));
  const trainableAt = fused.weights.map((w, i) => (trainable.includes(w) ? i : -1)).filter((i) => i >= 0);
  let out: TF.Tensor;
  let grads: TF.Tensor[];
  let after: TF.Tensor[];
  if (oracle === 'layer') {
    const theirs = (tf.layers[factory] as (a: Args) => TF.layers.Layer)({ ...args });
    theirs.build([null, ...inputShape]);
    theirs.setWeights(wt);
    const xv = tf.variable(xt);
    const vars = [xv, ...theirs.trainableWeights.map((w) => w.read() as TF.Variable)];
    const result = tf.variableGrads(() => {
      out = tf.keep(theirs.apply(xv, { training }) as TF.Tensor);
      return tf.sum(tf.mul(out, rt)) as TF.Scalar;
    }, vars);
    grads = vars.map((v) => result.grads[v.name]!);
    after = theirs.getWeights();
  } else {
    const named = (list: TF.Tensor[]): Record<string, TF.Tensor> => Object.fromEntries(fused.weights.map((w, i) => [w.name, list[i]!]));
    const f = (...inputs: TF.Tensor[]): TF.Tensor => {
      const list = [...wt];
      trainableAt.forEach((at, i) => (list[at] = inputs[i + 1]!));
      return tfFormula(tf, fused, inputs[0]!, named(list), training).y;
    };
    ({ y: out, after } = tfFormula(tf, fused, xt, named(wt), training));
    grads = tf.grads((...inputs: TF.Tensor[]) => tf.sum(tf.mul(f(...inputs), rt)))([xt, ...trainableAt.map((i) => wt[i]!)]);
  }
  compare(y.f32, out!.dataSync(), FORWARD_TOL, `${label} forward`, 'forward');
  compare(dx, grads[0]!.dataSync(), GRAD_TOL, `${label} dL/dx`, 'gradient');
  trainable.forEach((w, i) => compare(w.grad.f32, grads[i + 1]!.dataSync(), GRAD_TOL, `${label} dL/d${w.name}`, 'gradient'));
  fused.weights.forEach((w, i) => compare(w.value.f32, after[i]!.dataSync(), FORWARD_TOL, `${label} ${w.name} after the step`, 'moving statistics'));

  // call() on the tape, from the same initial weights
  const tape = make();
  tape.buildFor(inputShape, new Random(1));
  tape.setWeights(initial);
  const sources = [x, ...tape.trainableWeights.map((w) => w.value)];
  let viaCall: Tensor | null = null;
  const g = gradientsOf(() => sum(mul((viaCall = tape.call(x, { training }) as Tensor), new Tensor(y.shape, r))), sources, undefined, (t) => ones(t.shape), add);
  compare(viaCall!.f32, out!.dataSync(), FORWARD_TOL, `${label} call()`, 'forward');
  g.grads.forEach((grad, i) => compare(grad!.f32, grads[i]!.dataSync(), GRAD_TOL, `${label} call() gradient ${i}`, 'gradient'));
  tape.weights.forEach((w, i) => compare(w.value.f32, after[i]!.dataSync(), FORWARD_TOL, `${label} call() ${w.name} after`, 'moving statistics'));
  tf.dispose([xt, rt, out!, ...wt, ...grads, ...after]);
}

test('batchNormalization matches TF.js: after dense and conv2d (NHWC), axis -1 and 1, training and inference', async () => {
  for (const training of [true, false]) {
    await checkAgainstTfjs(`bn dense-like training=${training}`, 'batchNormalization', {}, [5], 6, training);
    await checkAgainstTfjs(`bn NHWC training=${training}`, 'batchNormalization', { momentum: 0.9, epsilon: 1e-2 }, [4, 5, 3], 3, training);
    await checkAgainstTfjs(`bn axis 3 training=${training}`, 'batchNormalization', { axis: 3 }, [3, 3, 20], 2, training);
    await checkAgainstTfjs(`bn axis 1 training=${training}`, 'batchNormalization', { axis: 1 }, [4, 3, 2], 3, training, 'ops');
  }
  // TF.js' layer cannot train these (its call reads gamma and beta unconditionally), nor
  // differentiate them (its batchNorm gradient without an offset fails)
  await checkAgainstTfjs('bn no center', 'batchNormalization', { center: false }, [4], 5, false, 'ops');
  await checkAgainstTfjs('bn no center, training', 'batchNormalization', { center: false }, [4], 5, true, 'ops');
  await checkAgainstTfjs('bn no scale, training', 'batchNormalization', { scale: false }, [2, 2, 3], 2, true, 'ops');
});

test('layerNormalization matches TF.js: last axis, trailing axes, without center or scale', async () => {
  await checkAgainstTfjs('ln rank 2', 'layerNormalization', {}, [7], 4, true);
  await checkAgainstTfjs('ln rank 3', 'layerNormalization', { epsilon: 1e-5 }, [3, 6], 2, true);
  await checkAgainstTfjs('ln axes [1, 2, 3]', 'layerNormalization', { axis: [1, 2, 3] }, [3, 2, 4], 2, false);
  await checkAgainstTfjs('ln no center', 'layerNormalization', { center: false }, [5], 3, true, 'ops');
  await checkAgainstTfjs('ln no scale', 'layerNormalization', { scale: false }, [5], 3, true, 'ops');
});

/** Central differences of L = Σ y·r against backward, for x and the trainable weights. */
function checkFiniteDifferences(label: string, layer: FusedLayer, inputShape: number[], batch: number, training: boolean): void {
  layer.buildFor(inputShape, new Random(1));
  randomizeWeights(layer, 20);
  const x = new Tensor([batch, ...inputShape], uniformArray(batch * sizeOf(inputShape), 21));
  const run = () => layer.forward(x, { training, rng: new Random(0) });
  const y = run();
  const r = uniformArray(y.size, 22);
  const dx = Float32Array.from(layer.backward(new Tensor(y.shape, r.slice())).f32);
  const loss = () => dot(run().f32, r);
  checkGradient(`${label} dL/dx`, loss, x.f32, dx);
  for (const w of layer.trainableWeights) checkGradient(`${label} dL/d${w.name}`, loss, w.value.f32, Float32Array.from(w.grad.f32));
}

test('finite differences: batch and layer normalization, training and inference, with and without gamma/beta', () => {
  for (const training of [true, false]) {
    checkFiniteDifferences(`bn training=${training}`, layers.batchNormalization({}), [3, 3, 4], 3, training);
    checkFiniteDifferences(`bn axis 1 training=${training}`, layers.batchNormalization({ axis: 1, center: false }), [3, 4], 3, training);
    checkFiniteDifferences(`bn no scale training=${training}`, layers.batchNormalization({ scale: false }), [6], 4, training);
  }
  checkFiniteDifferences('ln', layers.layerNormalization({}), [6], 3, true);
  checkFiniteDifferences('ln axes [-2, -1]', layers.layerNormalization({ axis: [-2, -1], scale: false }), [2, 3, 4], 2, true);
});

const { backend: native, reason } = loadNative();

test('native batch- and layer-normalization kernels equal the reference: odd shapes, threads 1 and 2, no writes outside', { skip: native ? false : `native addon not built (${reason})` }, () => {
  const nb = native!;
  const threads = nb.getThreads();
  const GUARD = 8;
  const guarded = (n: number): { full: Float32Array; view: Float32Array } => {
    const full = new Float32Array(n + 2 * GUARD).fill(777);
    return { full, view: full.subarray(GUARD, GUARD + n) };
  };
  const intact = (full: Float32Array, label: string): void => {
    for (let i = 0; i < GUARD; i++) assert.ok(full[i] === 777 && full[full.length - 1 - i] === 777, `${label}: wrote outside its output`);
  };
  // [outer, channels, inner]: NHWC with few and many channels (one block, several, a ragged one),
  // inner > 1, and one large enough to run on several threads
  const shapes: [number, number, number][] = [[7, 3, 1], [50, 37, 1], [6, 5, 9], [3000, 32, 1], [40, 20, 60]];
  try {
    for (const n of [1, 2]) {
      nb.setThreads(n);
      for (const [outer, channels, inner] of shapes) {
        const size = outer * channels * inner;
        const label = `[${outer}, ${channels}, ${inner}] threads=${n}`;
        const x = uniformArray(size, 31, -1, 3);
        const dy = uniformArray(size, 32);
        const gamma = uniformArray(channels, 33, 0.5, 1.5);
        const beta = uniformArray(channels, 34);
        const stats = (b: typeof tsBackend | typeof nb) => {
          const m = guarded(channels);
          const v = guarded(channels);
          b.batchNormStatistics(m.view, v.view, x, outer, channels, inner);
          intact(m.full, `${label} mean`);
          intact(v.full, `${label} variance`);
          return [m.view, v.view] as const;
        };
        const [m, v] = stats(tsBackend);
        const [nm, nv] = stats(nb);
        compare(nm, m, 1e-6, `${label} mean`, 'native');
        compare(nv, v, 1e-6, `${label} variance`, 'native');
        for (const [g, b] of [[gamma, beta], [null, null]] as const) {
          const y = guarded(size);
          const ny = guarded(size);
          tsBackend.batchNormForward(y.view, x, m, v, g, b, 1e-3, outer, channels, inner);
          nb.batchNormForward(ny.view, x, m, v, g, b, 1e-3, outer, channels, inner);
          intact(ny.full, `${label} y`);
          compare(ny.view, y.view, 1e-6, `${label} forward`, 'native');
          for (const batchStatistics of [true, false]) {
            const outs = [tsBackend, nb].map((k) => {
              const dx = guarded(size);
              const dg = guarded(channels);
              const db = guarded(channels);
              k.batchNormBackward(dx.view, dg.view, db.view, dy, x, m, v, g, 1e-3, outer, channels, inner, batchStatistics);
              [dx, dg, db].forEach((t) => intact(t.full, `${label} backward`));
              return [dx.view, dg.view, db.view];
            });
            ['dx', 'dgamma', 'dbeta'].forEach((name, i) => compare(outs[1]![i]!, outs[0]![i]!, 1e-5, `${label} ${name} batchStatistics=${batchStatistics}`, 'native'));
            // dx may be skipped: the weight gradients alone
            const dg = new Float32Array(channels);
            nb.batchNormBackward(null, dg, null, dy, x, m, v, g, 1e-3, outer, channels, inner, batchStatistics);
            compare(dg, outs[0]![1]!, 1e-5, `${label} dgamma without dx`, 'native');
          }
        }
      }
      // layer normalization: [rows, cols], short rows, one column, and enough rows for several threads
      for (const [rows, cols] of [[7, 5], [3, 1], [300, 130]] as const) {
        const size = rows * cols;
        const label = `layer norm [${rows}, ${cols}] threads=${n}`;
        const x = uniformArray(size, 35, -1, 3);
        const dy = uniformArray(size, 36);
        for (const [g, b] of [[uniformArray(cols, 37, 0.5, 1.5), uniformArray(cols, 38)], [null, null]] as const) {
          const outs = [tsBackend, nb].map((k) => {
            const [y, m, v, dx, dg, db] = [size, rows, rows, size, cols, cols].map((len) => guarded(len));
            k.layerNormForward(y!.view, m!.view, v!.view, x, g, b, 1e-3, rows, cols);
            k.layerNormBackward(dx!.view, dg!.view, db!.view, dy, x, m!.view, v!.view, g, 1e-3, rows, cols);
            [y, m, v, dx, dg, db].forEach((t) => intact(t!.full, label));
            return [y!.view, m!.view, v!.view, dx!.view, dg!.view, db!.view];
          });
          ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'].forEach((name, i) => compare(outs[1]![i]!, outs[0]![i]!, 1e-5, `${label} ${name}`, 'native'));
        }
      }
    }
  } finally {
    nb.setThreads(threads);
  }
});

/** conv2d → batchNormalization → relu → flatten → layerNormalization → dense softmax, in either library. */
function convBnModel(t: typeof tg | typeof TF, seed?: number) {
  const lib = t as typeof tg;
  const model = lib.sequential(seed === undefined ? {} : { seed });
  model.add(lib.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [6, 6, 2] }));
  model.add(lib.layers.batchNormalization({ momentum: 0.8 }));
  model.add(lib.layers.activation({ activation: 'relu' }));
  model.add(lib.layers.flatten());
  model.add(lib.layers.layerNormalization({}));
  model.add(lib.layers.dense({ units: 3, activation: 'softmax' }));
  return model;
}

const N = 8;
const IMAGES = uniformArray(N * 72, 41, -1, 2);
const LABELS = Float32Array.from({ length: N * 3 }, (_, i) => (Math.floor(i / 3) % 3 === i % 3 ? 1 : 0));

test('a conv + batchNormalization model trained in TF.js loads in tegaki and predicts the same (moving statistics moved)', async () => {
  const tf = await tfjs();
  const theirs = convBnModel(tf as never) as unknown as TF.Sequential;
  theirs.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const xs = tf.tensor4d(IMAGES, [N, 6, 6, 2]);
  await theirs.fit(xs, tf.tensor2d(LABELS, [N, 3]), { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
  const movingMean = theirs.layers[1]!.getWeights()[2]!.dataSync();
  assert.ok(movingMean.some((v) => Math.abs(v) > 1e-3), 'TF.js moved the moving mean');
  const expected = (theirs.predict(xs) as TF.Tensor).dataSync();
  let loaded: tg.LayersModel | null = null;
  await theirs.save(tf.io.withSaveHandler(async (artifacts: TF.io.ModelArtifacts) => {
    loaded = tg.modelFromArtifacts(artifacts as never, 'their model');
    return SAVED;
  }));
  const x = tg.tensor4d(IMAGES, [N, 6, 6, 2]);
  compare((loaded!.predict(x) as Tensor).dataSync(), expected, FORWARD_TOL, 'tegaki on TF.js artifacts', 'round trip');
  assert.deepEqual(loaded!.layers[1]!.weights.map((w) => w.name), ['gamma', 'beta', 'moving_mean', 'moving_variance']);
  compare(loaded!.layers[1]!.weights[2]!.value.f32, movingMean, 0, 'moving mean loaded', 'round trip');
});

test('a conv + batchNormalization model trained in tegaki loads in TF.js and predicts the same', async () => {
  const tf = await tfjs();
  const model = convBnModel(tg, 3) as tg.Sequential;
  model.compile({ optimizer: tg.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const x = tg.tensor4d(IMAGES, [N, 6, 6, 2]);
  await model.fit(x, tg.tensor2d(LABELS, [N, 3]), { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
  assert.ok(model.layers[1]!.weights[3]!.value.f32.some((v) => Math.abs(v - 1) > 1e-3), 'fit moved the moving variance');
  const expected = (model.predict(x) as Tensor).dataSync();
  let artifacts: TF.io.ModelArtifacts | null = null;
  await model.save(tg.io.withSaveHandler(async (a) => {
    artifacts = a as never;
    return SAVED;
  }));
  const theirs = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
  compare((theirs.predict(tf.tensor4d(IMAGES, [N, 6, 6, 2])) as TF.Tensor).dataSync(), expected, FORWARD_TOL, 'TF.js on tegaki artifacts', 'round trip');
  assert.equal(theirs.layers[1]!.nonTrainableWeights.length, 2, 'moving statistics are non-trainable in TF.js too');
});

test('one training step equals TF.js: loss, gradients and moving statistics, on the fused path and on the tape', async () => {
  const tf = await tfjs();
  const theirs = convBnModel(tf as never) as unknown as TF.Sequential;
  const lr = 0.5;
  theirs.compile({ optimizer: tf.train.sgd(lr), loss: 'categoricalCrossentropy' });
  // non-trivial starting weights, moving statistics included, layer by layer in Keras order
  // (model.getWeights differs: TF.js lists every trainable weight first, tegaki keeps layer order)
  const start = theirs.layers.map((layer, l) => layer.weights.map((w, i) => {
    const seed = 50 + 10 * l + i;
    const name = w.originalName;
    return /moving_variance|gamma/.test(name) ? uniformArray(sizeOf(w.shape as number[]), seed, 0.5, 1.5) : uniformArray(sizeOf(w.shape as number[]), seed, -0.4, 0.4);
  }));
  theirs.layers.forEach((layer, l) => layer.setWeights(start[l]!.map((v, i) => tf.tensor(v, layer.weights[i]!.shape as number[]))));
  const theirLoss = (await theirs.trainOnBatch(tf.tensor4d(IMAGES, [N, 6, 6, 2]), tf.tensor2d(LABELS, [N, 3]))) as number;
  const theirAfter = theirs.layers.map((layer) => layer.getWeights().map((w) => w.dataSync()));

  const x = tg.tensor4d(IMAGES, [N, 6, 6, 2]);
  const y = tg.tensor2d(LABELS, [N, 3]);
  const fusedModel = convBnModel(tg, 1) as tg.Sequential;
  // the same layers as a functional model run on the tape
  const input = tg.input({ shape: [6, 6, 2] });
  const stack = convBnModel(tg, 1).layers;
  let h = input as tg.SymbolicTensor;
  for (const layer of stack) h = layer.apply(h) as tg.SymbolicTensor;
  const tapeModel = tg.model({ inputs: input, outputs: h });
  for (const [label, model] of [['fused', fusedModel], ['tape', tapeModel]] as const) {
    model.compile({ optimizer: tg.train.sgd(lr), loss: 'categoricalCrossentropy' });
    const ours = model.layers.filter((layer) => !(layer instanceof tg.layers.InputLayer));
    ours.forEach((layer, l) => layer.setWeights(start[l]!.map((v, i) => new Tensor(layer.weights[i]!.shape, v))));
    const loss = (await model.trainOnBatch(x, y)) as number;
    compare([loss], [theirLoss], 1e-5, `${label}: loss`, 'training step');
    ours.forEach((layer, l) => layer.weights.forEach((w, i) => {
      const name = `${layer.name}/${w.name}`;
      const before = start[l]![i]!;
      const theirValue = theirAfter[l]![i]!;
      if (/moving/.test(name)) compare(w.value.f32, theirValue, 1e-5, `${label}: ${name} after the step`, 'training step');
      // batch normalization cancels a bias before it: its gradient is rounding noise on both sides
      else if (/conv2d.*bias/.test(name)) assert.ok(w.value.f32.every((v, j) => Math.abs(before[j]! - v) / lr < 1e-5), `${label}: conv bias gradient ~0`);
      // gradients: (before − after) / lr
      else compare(w.value.f32.map((v, j) => (before[j]! - v) / lr), theirValue.map((v, j) => (before[j]! - v) / lr), GRAD_TOL, `${label}: gradient of ${name}`, 'training step');
    }));
  }
});

test('summary() counts the moving statistics as non-trainable; trainable = false runs in inference mode (Keras 3)', async () => {
  const model = tg.sequential({ seed: 2, layers: [layers.dense({ units: 4, inputShape: [3] }), layers.batchNormalization({}), layers.dense({ units: 2, activation: 'softmax' })] });
  const lines: string[] = [];
  model.summary(undefined, undefined, (line) => lines.push(line));
  const text = lines.join('\n');
  assert.match(text, /batch_normalization \(BatchNo\s+\(None, 4\)\s+16/);
  assert.match(text, /Total params: 42/);
  assert.match(text, /Trainable params: 34/);
  assert.match(text, /Non-trainable params: 8/);

  // frozen: the moving statistics and gamma stay, and training normalizes with the moving statistics
  const bn = model.layers[1] as tg.layers.BatchNormalization;
  bn.trainable = false;
  randomizeWeights(bn, 60);
  const frozen = bn.getWeights();
  const x = new Tensor([5, 3], uniformArray(15, 61));
  const before = (model.predict(x) as Tensor).f32.slice();
  model.compile({ optimizer: tg.train.sgd(0.1), loss: 'sparseCategoricalCrossentropy' });
  const labels = new Tensor([5], [0, 1, 1, 0, 1]);
  await model.fit(x, labels, { epochs: 1, batchSize: 5, verbose: 0 });
  bn.getWeights().forEach((w, i) => assert.deepEqual([...w.f32], [...frozen[i]!.f32], `${bn.weights[i]!.name} unchanged`));
  assert.notDeepEqual([...(model.predict(x) as Tensor).f32], [...before], 'the other layers trained');
  // forward in training mode equals inference mode for the frozen layer, on both paths
  const h = new Tensor([5, 4], uniformArray(20, 62));
  const inference = Float32Array.from(bn.forward(h, { training: false, rng: new Random(0) }).f32);
  compare(bn.forward(h, { training: true, rng: new Random(0) }).f32, inference, 0, 'frozen forward in training', 'frozen');
  compare((bn.call(h, { training: true }) as Tensor).f32, inference, FORWARD_TOL, 'frozen call() in training', 'frozen');
});

test('constructor and build validation: TegakiError quoting the value', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => layers.batchNormalization({ momentum: 1.5 }), /Received momentum=1\.5\./],
    [() => layers.batchNormalization({ epsilon: 0 }), /Received epsilon=0\./],
    [() => layers.batchNormalization({ axis: 1.5 }), /Received axis=1\.5\./],
    [() => layers.batchNormalization({ center: 'yes' as never }), /Received center="yes"\./],
    [() => layers.batchNormalization({ gammaInitializer: 'nope' }), /gammaInitializer: unknown initializer "nope"/],
    [() => layers.batchNormalization({ betaConstraint: 'nonNeg' } as never), /betaConstraint/],
    [() => layers.batchNormalization({ axis: 0 }).buildFor([4], new Random(0)), /axis=0 is the batch axis/],
    [() => layers.batchNormalization({ axis: 3 }).buildFor([4, 2], new Random(0)), /axis=3 is out of range/],
    [() => layers.layerNormalization({ axis: 'last' as never }), /Received axis="last"\./],
    [() => layers.layerNormalization({ axis: [1] }).buildFor([4, 2], new Random(0)), /only trailing axes/],
    [() => layers.layerNormalization({ gammaRegularizer: 'l2' } as never), /gammaRegularizer/],
  ];
  for (const [make, message] of cases) {
    assert.throws(make, (e: unknown) => e instanceof TegakiError && message.test(e.message), `expected TegakiError matching ${message}`);
  }
});

test('predict folds batchNormalization into a linear conv2d or dense before it: the same predictions, refreshed after training', async () => {
  const model = tg.sequential({ seed: 4, layers: [
    layers.conv2d({ filters: 5, kernelSize: 3, padding: 'same', inputShape: [6, 6, 2] }),
    layers.batchNormalization({ momentum: 0.5 }),
    layers.activation({ activation: 'relu' }),
    layers.conv2d({ filters: 3, kernelSize: 2, useBias: false }),
    layers.batchNormalization({ axis: 3, center: false }),
    layers.flatten(),
    layers.dense({ units: 4 }),
    layers.batchNormalization({ scale: false }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ] });
  for (const l of model.layers) if (l instanceof tg.layers.BatchNormalization) randomizeWeights(l, 70);
  const x = tg.tensor4d(IMAGES, [N, 6, 6, 2]);
  const check = (label: string): void => {
    const unfolded = Float32Array.from(model.forward(x, false).f32);
    compare((model.predict(x, { batchSize: 3 }) as Tensor).f32, unfolded, 1e-5, label, 'folded predict');
  };
  check('folded predict');
  model.compile({ optimizer: tg.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  await model.fit(x, tg.tensor2d(LABELS, [N, 3]), { epochs: 2, batchSize: 4, verbose: 0 });
  check('folded predict after fit (weights and moving statistics changed)');
});
