// sampleWeight (Keras' sample_weight) in fit and evaluate, on Sequential's fused kernels and on the
// tape: each sample's loss times its weight (and its class weight), Σ w·loss / batch size. TF.js
// refuses sampleWeight, so the reference is TF.js training with a loss that multiplies by the same
// weights (one batch per epoch), and duplicated samples for integer weights.

import assert from 'node:assert/strict';
import test from 'node:test';
import type * as tfjs from '@tensorflow/tfjs';
import * as tg from '../src/node.js';
import { checkClose, uniformArray } from './helpers/check.js';
import { tfjs as loadTfjs } from './helpers/tfjs.js';

const tf = await loadTfjs();
type Lib = typeof tfjs;
const ours = tg as unknown as Lib;

const N = 10;
const X = uniformArray(N * 3, 81);
const CLASS = Array.from({ length: N }, (_, i) => (X[i * 3]! + X[i * 3 + 1]! > 0 ? 1 : 0));
const W = Float32Array.from([1, 0.5, 2, 0, 1.5, 1, 3, 0.25, 1, 2]);
const CLASS_WEIGHT = { 0: 1, 1: 3 };

const weightsOf = (m: tfjs.LayersModel): number[] => m.getWeights().flatMap((w) => Array.from(w.dataSync()));

/** The same small network as a Sequential or a functional model (which trains on the tape). */
function network(t: Lib, functional: boolean, units: number, activation: 'softmax' | 'sigmoid'): tfjs.LayersModel {
  const hidden = { units: 4, activation: 'tanh' as const };
  if (!functional) return t.sequential({ layers: [t.layers.dense({ ...hidden, inputShape: [3] }), t.layers.dense({ units, activation })] });
  const input = t.input({ shape: [3] });
  const h = t.layers.dense(hidden).apply(input) as tfjs.SymbolicTensor;
  return t.model({ inputs: input, outputs: t.layers.dense({ units, activation }).apply(h) as tfjs.SymbolicTensor });
}

interface Run {
  loss: number[];
  weights: number[];
}

/** Three epochs of one batch each; `weights` multiply each sample's loss in TF.js' loss function. */
async function theirRun(loss: 'categoricalCrossentropy' | 'binaryCrossentropy', y: tfjs.Tensor, weights: Float32Array, initial: number[][], functional: boolean): Promise<Run> {
  const model = network(tf, functional, y.shape[1]!, loss === 'binaryCrossentropy' ? 'sigmoid' : 'softmax');
  const w = tf.tensor1d(weights);
  const perSample = loss === 'binaryCrossentropy' ? tf.metrics.binaryCrossentropy : tf.metrics.categoricalCrossentropy;
  model.compile({ optimizer: tf.train.sgd(0.5), loss: (yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => tf.mul(perSample(yTrue, yPred), w) });
  model.setWeights(initial.map((v, i) => tf.tensor(v, model.getWeights()[i]!.shape)));
  const h = await model.fit(tf.tensor2d(X, [N, 3]), y, { epochs: 3, batchSize: N, shuffle: false, verbose: 0 });
  return { loss: h.history['loss'] as number[], weights: weightsOf(model) };
}

async function ourRun(loss: 'categoricalCrossentropy' | 'binaryCrossentropy', y: tg.Tensor, initial: number[][], functional: boolean, options: tg.FitOptions): Promise<Run> {
  const model = network(ours, functional, y.shape[1]!, loss === 'binaryCrossentropy' ? 'sigmoid' : 'softmax') as unknown as tg.LayersModel;
  model.compile({ optimizer: tg.train.sgd(0.5), loss });
  model.setWeights(initial.map((v, i) => new tg.Tensor(model.getWeights()[i]!.shape, Float32Array.from(v))));
  const h = await model.fit(new tg.Tensor([N, 3], X), y, { epochs: 3, batchSize: N, shuffle: false, verbose: 0, ...options });
  return { loss: h.history['loss']!, weights: model.getWeights().flatMap((w) => [...w.dataSync()]) };
}

function initialWeights(units: number): number[][] {
  return network(tf, false, units, 'softmax').getWeights().map((w, i) => Array.from(uniformArray(w.size, 90 + i, -0.8, 0.8)));
}

for (const functional of [false, true]) {
  const path = functional ? 'a functional model (tape)' : 'a Sequential (fused kernels)';
  test(`${path}: fit with sampleWeight gives TF.js' weighted loss and weights`, async () => {
    const initial = initialWeights(2);
    const y = CLASS.flatMap((c) => (c === 1 ? [0, 1] : [1, 0]));
    const theirs = await theirRun('categoricalCrossentropy', tf.tensor2d(y, [N, 2]), W, initial, functional);
    const mine = await ourRun('categoricalCrossentropy', new tg.Tensor([N, 2], Float32Array.from(y)), initial, functional, { sampleWeight: new tg.Tensor([N], W) });
    checkClose(mine.loss, theirs.loss, 1e-5, `${path}: weighted loss per epoch`);
    checkClose(mine.weights, theirs.weights, 1e-5, `${path}: weights after 3 steps`);
  });

  test(`${path}: sampleWeight and classWeight multiply (binaryCrossentropy)`, async () => {
    const initial = initialWeights(1);
    const combined = W.map((w, i) => w * CLASS_WEIGHT[CLASS[i] as 0 | 1]);
    const theirs = await theirRun('binaryCrossentropy', tf.tensor2d(CLASS, [N, 1]), combined, initial, functional);
    const mine = await ourRun('binaryCrossentropy', new tg.Tensor([N, 1], Float32Array.from(CLASS)), initial, functional, { sampleWeight: new tg.Tensor([N, 1], W), classWeight: CLASS_WEIGHT });
    checkClose(mine.loss, theirs.loss, 1e-5, `${path}: loss per epoch`);
    checkClose(mine.weights, theirs.weights, 1e-5, `${path}: weights after 3 steps`);
  });
}

test('integer sample weights train as duplicated samples (same gradient sum, learning rate scaled by the sample count)', async () => {
  const counts = [2, 0, 1, 3, 1, 1, 0, 2, 1, 1];
  const y = Float32Array.from(CLASS);
  const initial = initialWeights(1);
  const train = async (x: Float32Array, labels: Float32Array, lr: number, sampleWeight?: tg.Tensor): Promise<number[]> => {
    const n = labels.length;
    const model = network(ours, false, 1, 'sigmoid') as unknown as tg.Sequential;
    model.compile({ optimizer: tg.train.sgd(lr), loss: 'binaryCrossentropy' });
    model.setWeights(initial.map((v, i) => new tg.Tensor(model.getWeights()[i]!.shape, Float32Array.from(v))));
    await model.fit(new tg.Tensor([n, 3], x), new tg.Tensor([n, 1], labels), { epochs: 2, batchSize: n, verbose: 0, sampleWeight });
    return model.getWeights().flatMap((w) => [...w.dataSync()]);
  };
  const weighted = await train(X, y, 0.3, new tg.Tensor([N], Float32Array.from(counts)));
  const index = counts.flatMap((c, i) => Array<number>(c).fill(i));
  const duplicated = await train(Float32Array.from(index.flatMap((i) => [...X.subarray(i * 3, i * 3 + 3)])), Float32Array.from(index.map((i) => y[i]!)), (0.3 * index.length) / N);
  checkClose(weighted, duplicated, 1e-5, 'weights: sampleWeight vs duplicated samples');
});

test('evaluate with sampleWeight is Σ w·loss / samples over batches; validationData takes [x, y, sampleWeight]; validationSplit splits the weights', async () => {
  const model = network(ours, false, 1, 'sigmoid') as unknown as tg.Sequential;
  model.compile({ optimizer: tg.train.sgd(0.1), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const x = new tg.Tensor([N, 3], X);
  const y = new tg.Tensor([N, 1], Float32Array.from(CLASS));
  const w = new tg.Tensor([N], W);
  const perSample = Array.from(tg.lossFunctions.binaryCrossentropy(y, model.predict(x)).dataSync());
  const want = perSample.reduce((s, l, i) => s + l * W[i]!, 0) / N;
  const [loss, acc] = (model.evaluate(x, y, { batchSize: 3, sampleWeight: w }) as tg.Tensor[]).map((t) => t.dataSync()[0]!);
  checkClose([loss!], [want], 1e-6, 'weighted evaluate loss');
  // accuracy is a plain metric (Keras' metrics, not weighted_metrics): unweighted
  const [, accUnweighted] = (model.evaluate(x, y, { batchSize: 3 }) as tg.Tensor[]).map((t) => t.dataSync()[0]!);
  assert.equal(acc, accUnweighted);

  const h = await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, validationData: [x, y, w] });
  const after = (model.evaluate(x, y, { sampleWeight: w }) as tg.Tensor[])[0]!.dataSync()[0]!;
  checkClose([h.history['val_loss']![0]!], [after], 1e-6, 'val_loss with validation sample weights');

  const split = await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false, validationSplit: 0.3, sampleWeight: w });
  const tail = (t: tg.Tensor): tg.Tensor => tg.slice(t, [7], [3]);
  const tailLoss = (model.evaluate(tail(x), tail(y), { sampleWeight: tail(w) }) as tg.Tensor[])[0]!.dataSync()[0]!;
  checkClose([split.history['val_loss']![0]!], [tailLoss], 1e-6, 'val_loss of the split-off samples with their weights');
});

test('bad sampleWeight is refused with one line naming it', async () => {
  const model = network(ours, false, 1, 'sigmoid') as unknown as tg.Sequential;
  model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
  const x = new tg.Tensor([N, 3], X);
  const y = new tg.Tensor([N, 1], Float32Array.from(CLASS));
  const refuses = (p: Promise<unknown>, pattern: RegExp): Promise<void> => assert.rejects(p, (e: Error) => e instanceof tg.TegakiError && pattern.test(e.message));
  await refuses(model.fit(x, y, { verbose: 0, sampleWeight: new tg.Tensor([N - 1], W.subarray(1)) }), /sampleWeight has 9 weights for 10 samples/);
  await refuses(model.fit(x, y, { verbose: 0, sampleWeight: new tg.Tensor([N, 2]) }), /sampleWeight must have shape \[10\] or \[10, 1\].*received \(10, 2\)/);
  await refuses(model.fit(x, y, { verbose: 0, sampleWeight: [1, 2] as unknown as tg.Tensor }), /sampleWeight must be a tensor/);
  await refuses(model.fit(x, y, { verbose: 0, validationData: [x, y, W] as unknown as [tg.Tensor, tg.Tensor, tg.Tensor] }), /validationData\[2\] must be a tensor/);
  assert.throws(() => model.evaluate(x, y, { sampleWeight: new tg.Tensor([3], W.subarray(0, 3)) }), /sampleWeight has 3 weights for 10 samples/);
});

test('weightedMetrics (Keras\' weighted_metrics): Σ w·value / Σ w over the epoch, prefixed weighted_ beside the same plain metric', async () => {
  for (const functional of [false, true]) {
    const model = network(ours, functional, 1, 'sigmoid') as unknown as tg.LayersModel;
    model.compile({ optimizer: tg.train.sgd(0), loss: 'binaryCrossentropy', metrics: ['accuracy', 'mae'], weightedMetrics: ['accuracy', 'mse', 'precision'] });
    const x = new tg.Tensor([N, 3], X);
    const y = new tg.Tensor([N, 1], Float32Array.from(CLASS));
    const p = model.predict(x) as tg.Tensor;
    const logs = (model.evaluate(x, y, { batchSize: 4, sampleWeight: new tg.Tensor([N], W) }) as tg.Tensor[]).map((t) => t.dataSync()[0]!);
    const wSum = W.reduce((s, w) => s + w, 0);
    const right: number[] = CLASS.map((c, i) => ((p.dataSync()[i]! > 0.5 ? 1 : 0) === c ? 1 : 0));
    const weightedMean = (v: number[]): number => v.reduce((s, x, i) => s + x * W[i]!, 0) / wSum;
    const tp = CLASS.reduce((s: number, c, i) => s + (c === 1 && p.dataSync()[i]! > 0.5 ? W[i]! : 0), 0);
    const fp = CLASS.reduce((s: number, c, i) => s + (c === 0 && p.dataSync()[i]! > 0.5 ? W[i]! : 0), 0);
    const want = [
      right.reduce((s, v) => s + v, 0) / N,
      CLASS.reduce((s: number, c, i) => s + Math.abs(p.dataSync()[i]! - c), 0) / N,
      weightedMean(right),
      weightedMean(CLASS.map((c, i) => (p.dataSync()[i]! - c) ** 2)),
      tp + fp > 0 ? tp / (tp + fp) : 0,
    ];
    checkClose(logs.slice(1), want, 1e-6, `${functional ? 'functional' : 'Sequential'}: acc, mae, weighted_acc, mse, precision`);
    const h = await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, sampleWeight: new tg.Tensor([N], W) });
    assert.deepEqual(Object.keys(h.history), ['loss', 'acc', 'mae', 'weighted_acc', 'mse', 'precision']);
    checkClose(Object.values(h.history).slice(1).map((v) => v[0]!), want, 1e-6, 'the same in fit (learning rate 0)');
  }
});
