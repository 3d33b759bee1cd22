// The example programs (examples/), run on a slice of MNIST once on @tensorflow/tfjs and once on
// tegaki from the same initial weights: losses, accuracies and predictions must agree.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import * as tg from '../src/node.js';
import { trainCoreModel } from '../examples/mnist-core.js';
import { loadMnist, takeSamples, type TF } from '../examples/mnist-data.js';
import { mnistDataset, trainOnDataset } from '../examples/mnist-dataset.js';
import { trainLayersModel } from '../examples/mnist-layers.js';
import { trainSaveAndLoad } from '../examples/mnist-node.js';
import { transferLearning } from '../examples/mnist-transfer.js';
import { checkClose } from './helpers/check.js';
import { tfjs as loadTfjs, registerFileRouter } from './helpers/tfjs.js';

const theirs = (await loadTfjs()) as unknown as TF;
registerFileRouter();
const ours = tg as unknown as TF;

/**
 * 160 training and 40 test images: TF.js' cpu backend takes seconds per batch for the gradients of
 * a convolution, and the programs must all run within a minute there.
 */
const mnist = loadMnist(160);
const data = { train: mnist.train, test: takeSamples(mnist.test, 40) };
const quiet = () => {};

/** Float32 sums in a different order drift apart step by step; one epoch stays well within this. */
const TOL = 1e-4;

/** Per-epoch values of a History, metric by metric in a fixed order. */
function historyValues(history: Record<string, unknown[]>): number[] {
  return Object.keys(history).sort().flatMap((k) => history[k]! as number[]);
}

test('mnist-layers: fit with callbacks (onBatchEnd, onEpochEnd, logs.acc), evaluate and predict().argMax give TF.js\' numbers', async () => {
  const options = { epochs: 1, batchSize: 32, shuffle: false, log: quiet };
  const expected = await trainLayersModel(theirs, data, options);
  const got = await trainLayersModel(ours, data, { ...options, initialWeights: expected.initialWeights });
  assert.equal(got.batchLosses.length, expected.batchLosses.length, 'onBatchEnd calls');
  checkClose(got.batchLosses, expected.batchLosses, TOL, 'batch losses');
  assert.deepEqual(Object.keys(got.epochLogs[0]!).sort(), Object.keys(expected.epochLogs[0]!).sort(), 'epoch log keys');
  const epochValues = (logs: typeof got.epochLogs) => logs.flatMap((l) => Object.keys(l).sort().map((k) => l[k]!));
  checkClose(epochValues(got.epochLogs), epochValues(expected.epochLogs), TOL, 'epoch logs');
  checkClose([got.testLoss, got.testAcc], [expected.testLoss, expected.testAcc], TOL, 'evaluate');
  assert.deepEqual(got.predictions, expected.predictions);
});

test('mnist-core: variables, conv2d, maxPool, matMul, losses.softmaxCrossEntropy and sgd.minimize give TF.js\' numbers', async () => {
  const options = { batchSize: 32, log: quiet };
  // seeded: with TF.js' unseeded draw, five steps do not always end below where they began
  const expected = await trainCoreModel(theirs, data, { ...options, seed: 7 });
  const got = await trainCoreModel(ours, data, { ...options, initialWeights: expected.initialWeights });
  assert.ok(expected.costs.at(-1)! < expected.costs[0]!, 'the program learns');
  checkClose(got.costs, expected.costs, TOL, 'costs');
  checkClose(got.weights.flat(), expected.weights.flat(), TOL, 'trained variables');
  assert.deepEqual(got.predictions, expected.predictions);
});

test("mnist-node: train, save('file://…'), loadLayersModel('file://…/model.json'), evaluate again: TF.js' numbers, the same before and after", async () => {
  const folder = mkdtempSync(join(tmpdir(), 'tegaki-examples-'));
  const options = { epochs: 1, shuffle: false, log: quiet };
  const expected = await trainSaveAndLoad(theirs, data, { ...options, modelDir: join(folder, 'tfjs') });
  const got = await trainSaveAndLoad(ours, data, { ...options, modelDir: join(folder, 'tegaki'), initialWeights: expected.initialWeights });
  assert.deepEqual(Object.keys(got.history).sort(), Object.keys(expected.history).sort());
  checkClose(historyValues(got.history), historyValues(expected.history), TOL, 'history');
  checkClose([got.testLoss, got.testAcc], [expected.testLoss, expected.testAcc], TOL, 'evaluate');
  assert.deepEqual([got.loadedLoss, got.loadedAcc], [got.testLoss, got.testAcc], 'the loaded model scores as the saved one');
});

test('mnist-transfer: frozen layers, tf.model from an inner layer\'s output, a new head by apply, fine-tuning: TF.js\' numbers', async () => {
  const options = { epochs: 1, shuffle: false, log: quiet };
  const expected = await transferLearning(theirs, data, options);
  const got = await transferLearning(ours, data, { ...options, initialWeights: expected.initialWeights });
  assert.ok(expected.baseUnchanged && got.baseUnchanged, 'fine-tuning leaves the frozen layers alone');
  assert.equal(got.trainableWeights, expected.trainableWeights);
  checkClose([...got.base.losses, got.base.testLoss, got.base.testAcc], [...expected.base.losses, expected.base.testLoss, expected.base.testAcc], TOL, 'base model');
  checkClose([...got.transfer.losses, got.transfer.testLoss, got.transfer.testAcc], [...expected.transfer.losses, expected.transfer.testLoss, expected.transfer.testAcc], TOL, 'transfer model');
});

test('mnist-dataset: tf.data generator, array, zip and batch with fitDataset and evaluateDataset give TF.js\' numbers', async () => {
  const options = { epochs: 1, shuffleBufferSize: 0, log: quiet };
  const expected = await trainOnDataset(theirs, data, options);
  const got = await trainOnDataset(ours, data, { ...options, initialWeights: expected.initialWeights });
  assert.deepEqual(Object.keys(got.history).sort(), Object.keys(expected.history).sort());
  checkClose(historyValues(got.history), historyValues(expected.history), TOL, 'history');
  checkClose([got.testLoss, got.testAcc], [expected.testLoss, expected.testAcc], TOL, 'evaluateDataset');
});

test('mnist-dataset with a shuffle: the same images in another order, as on TF.js, and training still learns', async () => {
  // each library's shuffle draws from its own generator, so only what does not depend on the order is compared
  const fingerprints = async (tf: TF, shuffle: number) => {
    const pipeline = mnistDataset(tf, data.test);
    const elements = await (shuffle > 0 ? pipeline.shuffle(shuffle) : pipeline).toArray();
    return elements.map(({ xs, ys }) => xs.sum().dataSync()[0]! + 1000 * ys.argMax().dataSync()[0]!);
  };
  const inOrder = await fingerprints(ours, 0);
  const shuffled = await fingerprints(ours, 50);
  const theirShuffle = await fingerprints(theirs, 50);
  assert.notDeepEqual(shuffled, inOrder);
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  assert.deepEqual(sorted(shuffled), sorted(inOrder));
  checkClose(sorted(shuffled), sorted(theirShuffle), 1e-6, 'the shuffled images');
  const { history } = await trainOnDataset(ours, data, { epochs: 2, shuffleBufferSize: 100, log: quiet });
  const losses = history['loss'] as number[];
  assert.ok(losses.every(Number.isFinite) && losses[1]! < losses[0]!, `losses ${losses}`);
});
