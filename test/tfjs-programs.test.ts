// Programs written once in TensorFlow.js' idiom and run twice — on @tensorflow/tfjs and on tegaki
// with only the namespace swapped — must print the same numbers: a layers model trained with fit
// and a callbacks object reading logs.acc, evaluate(...)[1].dataSync(), predict(...).argMax(-1);
// and the core-API MNIST loop (variables, conv2d, maxPool, losses.softmaxCrossEntropy, minimize).

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import type * as tfjs from '@tensorflow/tfjs';
import * as tg from '../src/node.js';
import { checkClose, uniformArray } from './helpers/check.js';
import { tfjs as loadTfjs } from './helpers/tfjs.js';

const tf = await loadTfjs();
type Lib = typeof tfjs;
const ours = tg as unknown as Lib;

/** A small classification problem: 48 points in 4 dimensions, 3 classes. */
const X = uniformArray(48 * 4, 11);
const LABELS = Array.from({ length: 48 }, (_, i) => (X[i * 4]! + X[i * 4 + 1]! > 0.3 ? 0 : X[i * 4 + 2]! > 0 ? 1 : 2));

async function layersProgram(t: Lib, initial?: number[][]) {
  const model = t.sequential();
  model.add(t.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }));
  model.add(t.layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: t.train.sgd(0.2), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  if (initial) model.setWeights(initial.map((w, i) => t.tensor(w, model.getWeights()[i]!.shape)));
  const start = model.getWeights().map((w) => Array.from(w.dataSync()));
  const xs = t.tensor2d(X, [48, 4]);
  const ys = t.oneHot(t.tensor1d(LABELS, 'int32'), 3).toFloat();
  const seen: number[][] = [];
  const history = await model.fit(xs, ys, {
    epochs: 4, batchSize: 8, shuffle: false, verbose: 0, validationSplit: 0.25,
    callbacks: { onEpochEnd: async (_epoch: number, logs?: tfjs.Logs) => void seen.push([logs!['loss']!, logs!['acc']!, logs!['val_acc']!]) },
  });
  const result = model.evaluate(xs, ys) as tfjs.Scalar[];
  const predicted = Array.from((model.predict(xs) as tfjs.Tensor).argMax(-1).dataSync());
  return { start, seen, history: history.history, loss: result[0]!.dataSync()[0]!, acc: result[1]!.dataSync()[0]!, predicted, weights: model.getWeights().map((w) => Array.from(w.dataSync())) };
}

test('a layers program (fit with a callbacks object, logs.acc, evaluate, predict().argMax) gives TF.js\' numbers', async () => {
  const theirs = await layersProgram(tf);
  const mine = await layersProgram(ours, theirs.start);
  assert.deepEqual(Object.keys(mine.history).sort(), Object.keys(theirs.history).sort());
  checkClose(mine.seen.flat(), theirs.seen.flat(), 1e-4, 'epoch logs (loss, acc, val_acc)');
  checkClose(mine.weights.flat(), theirs.weights.flat(), 1e-4, 'trained weights');
  checkClose([mine.loss, mine.acc], [theirs.loss, theirs.acc], 1e-4, 'evaluate');
  assert.deepEqual(mine.predicted, theirs.predicted);
});

/** The core-API MNIST model of the TF.js examples, in miniature: variables and ops, trained by minimize. */
function coreProgram(t: Lib, seedWeights: Float32Array[]) {
  const conv1 = t.variable(t.tensor4d(seedWeights[0]!, [3, 3, 1, 4]));
  const dense = t.variable(t.tensor2d(seedWeights[1]!, [4 * 4 * 4, 3]));
  const bias = t.variable(t.zeros([3]));
  const model = (x: tfjs.Tensor) => t.tidy(() => {
    const h = t.relu(t.conv2d(x as tfjs.Tensor4D, conv1 as unknown as tfjs.Tensor4D, 1, 'same'));
    const pooled = t.maxPool(h as tfjs.Tensor4D, 2, 2, 'valid');
    return t.add(t.matMul(pooled.reshape([-1, 4 * 4 * 4]), dense), bias);
  });
  const images = t.tensor4d(uniformArray(6 * 8 * 8, 3, 0, 1), [6, 8, 8, 1]);
  const labels = t.oneHot(t.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3);
  const optimizer = t.train.sgd(0.5);
  const costs: number[] = [];
  for (let step = 0; step < 8; step++) {
    const cost = optimizer.minimize(() => t.losses.softmaxCrossEntropy(labels, model(images)).mean() as tfjs.Scalar, true);
    costs.push(cost!.dataSync()[0]!);
  }
  const predictions = Array.from(model(images).argMax(1).dataSync());
  const out = { costs, predictions, weights: [...conv1.dataSync(), ...dense.dataSync(), ...bias.dataSync()] };
  t.dispose([conv1, dense, bias]);
  return out;
}

test('a core-API program (variables, conv2d, maxPool, losses.softmaxCrossEntropy, sgd.minimize) gives TF.js\' numbers', () => {
  const start = [uniformArray(3 * 3 * 4, 21, -0.5, 0.5), uniformArray(64 * 3, 22, -0.3, 0.3)];
  const theirs = coreProgram(tf, start);
  const mine = coreProgram(ours, start);
  assert.ok(theirs.costs.at(-1)! < theirs.costs[0]!, 'the program learns');
  checkClose(mine.costs, theirs.costs, 1e-4, 'costs');
  checkClose(mine.weights, theirs.weights, 1e-4, 'trained variables');
  assert.deepEqual(mine.predictions, theirs.predictions);
});

test("model.save('file://…') and tf.loadLayersModel('file://…/model.json') round trip", async () => {
  const model = tg.sequential({ seed: 3 });
  model.add(tg.layers.dense({ units: 5, activation: 'relu', inputShape: [4] }));
  model.add(tg.layers.dense({ units: 2, activation: 'softmax' }));
  const dir = join(mkdtempSync(join(tmpdir(), 'tegaki-file-')), 'model');
  const result = await model.save(`file://${dir}`);
  assert.ok(result.modelArtifactsInfo.weightDataBytes > 0);
  const loaded = await tg.loadLayersModel(`file://${dir}/model.json`);
  const x = tg.tensor2d(X.subarray(0, 12), [3, 4]);
  assert.deepEqual((loaded.predict(x) as tg.Tensor).dataSync(), model.predict(x).dataSync());
  await assert.rejects(tg.loadLayersModel('indexeddb://nowhere'), /no handler for indexeddb:\/\//);
});

test('options tegaki does not implement are refused by name, never ignored', async () => {
  const refusals: [() => unknown, RegExp][] = [
    [() => tg.layers.dense({ units: 3, weights: [] } as never), /Dense: option 'weights' is not supported/],
    [() => tg.layers.dense({ units: 3, batchSize: 4 } as never), /Dense: option 'batchSize' is not supported/],
    [() => tg.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 }), /Conv2D: strides > 1 is not supported together with dilationRate > 1/],
    [() => tg.layers.conv2d({ filters: 2, kernelSize: 3, dataFormat: 'channelsFirst' as never }), /Conv2D: dataFormat="channelsFirst" is not supported yet/],
    [() => tg.layers.maxPooling2d({ poolSize: 2, dataFormat: 'channelsFirst' as never }), /MaxPooling2D: dataFormat="channelsFirst" is not supported yet/],
    [() => tg.layers.gaussianNoise({ stddev: 0.5, seed: 1 } as never), /GaussianNoise: option 'seed' is not supported/],
    [() => tg.layers.dense({ units: 3, dtype: 'int32' } as never), /Dense: dtype 'int32' is not supported/],
  ];
  for (const [make, message] of refusals) assert.throws(make, (e: Error) => e instanceof tg.TegakiError && message.test(e.message), String(message));
  // honoured: TF.js' inputDim, dataFormat and dilationRate at their defaults
  assert.deepEqual(tg.layers.dense({ units: 2, inputDim: 5 }).declaredInputShape, [5]);
  assert.doesNotThrow(() => tg.layers.conv2d({ filters: 2, kernelSize: 3, dataFormat: 'channelsLast', dilationRate: [1, 1] }));
  const model = tg.sequential({ seed: 1 });
  model.add(tg.layers.dense({ units: 2, inputShape: [3] }));
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const x = tg.ones([4, 3]);
  const y = tg.zeros([4, 2]);
  // sampleWeight, which TF.js refuses, is honoured as Keras does it (sample-weight.test)
  assert.throws(() => model.evaluate(x, y, { sampleWeights: tg.ones([4]) } as never), /evaluate: option 'sampleWeights'/);
  // TF.js' lineLength and positions (fractions of the line) lay the table out
  const lines: string[] = [];
  model.summary(80, [0.5, 0.8, 1], (line) => lines.push(line));
  assert.ok(lines.filter((line) => /^[_=]+$/.test(line)).every((line) => line.length === 80) && lines[2]!.length === 80, 'rules and rows are 80 wide');
  assert.equal(lines[2]!.indexOf('Output Shape'), 40);
  assert.equal(lines[2]!.indexOf('Param #'), 64);
  assert.throws(() => model.summary(80, [0.9, 0.5, 1]), /positions must increase/);
});

test('classWeight weighs each class\'s samples in the loss as TF.js does', async () => {
  const run = async (t: Lib, initial?: number[][]) => {
    const model = t.sequential();
    model.add(t.layers.dense({ units: 5, activation: 'tanh', inputShape: [4] }));
    model.add(t.layers.dense({ units: 3, activation: 'softmax' }));
    model.compile({ optimizer: t.train.sgd(0.3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    if (initial) model.setWeights(initial.map((w, i) => t.tensor(w, model.getWeights()[i]!.shape)));
    const start = model.getWeights().map((w) => Array.from(w.dataSync()));
    const ys = t.oneHot(t.tensor1d(LABELS, 'int32'), 3).toFloat();
    const history = await model.fit(t.tensor2d(X, [48, 4]), ys, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0, classWeight: { 0: 1, 1: 4, 2: 0.5 } });
    return { start, loss: history.history['loss'] as number[], weights: model.getWeights().map((w) => Array.from(w.dataSync())) };
  };
  const theirs = await run(tf);
  const mine = await run(ours, theirs.start);
  checkClose(mine.loss, theirs.loss, 1e-4, 'weighted loss per epoch');
  checkClose(mine.weights.flat(), theirs.weights.flat(), 1e-4, 'trained weights');
  const model = tg.sequential({ layers: [tg.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' })] });
  model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  await assert.rejects(model.fit(tg.tensor2d(X, [48, 4]), tg.tensor1d(LABELS), { classWeight: { 0: 1, 1: 2 }, verbose: 0 }), /classWeight must contain all classes in the training data. The class 2 exists/);
  await assert.rejects(model.fit(tg.tensor2d(X, [48, 4]), tg.tensor1d(LABELS), { classWeight: { 0: 'x' } as never, verbose: 0 }), /classWeight must map class indices to finite numbers/);
});

test('yieldEvery and onYield: fit lets the event loop run when TF.js says it would', async () => {
  const model = tg.sequential({ seed: 2 });
  model.add(tg.layers.dense({ units: 2, inputShape: [3] }));
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const x = tg.ones([40, 3]);
  const y = tg.zeros([40, 2]);
  const yields = async (yieldEvery: 'batch' | 'epoch' | 'never') => {
    const seen: [number, number][] = [];
    await model.fit(x, y, { epochs: 2, batchSize: 10, verbose: 0, yieldEvery, callbacks: { onYield: (epoch: number, batch: number) => void seen.push([epoch, batch]) } });
    return seen;
  };
  assert.equal((await yields('batch')).length, 8, 'after every batch');
  assert.deepEqual(await yields('epoch'), [[0, 3], [1, 3]]);
  assert.deepEqual(await yields('never'), []);
  await assert.rejects(model.fit(x, y, { verbose: 0, yieldEvery: 'sometimes' as never }), /yieldEvery to be 'auto', 'batch', 'epoch', 'never' or a number/);
  const dir = join(mkdtempSync(join(tmpdir(), 'tegaki-opts-')), 'm');
  await assert.rejects(model.save(`file://${dir}`, { trainableOnly: true }), /save: trainableOnly is not supported yet/);
  await model.save(`file://${dir}`, { includeOptimizer: true });
  await model.save(`file://${dir}`, { includeOptimizer: false });
  const progress: number[] = [];
  await tg.loadLayersModel(`file://${dir}/model.json`, { onProgress: (f) => void progress.push(f) });
  assert.deepEqual(progress, [1]);
  await assert.rejects(tg.loadLayersModel(`file://${dir}/model.json`, { weightPathPrefix: 'x' } as never), /loadLayersModel: option 'weightPathPrefix' is not supported/);
});
