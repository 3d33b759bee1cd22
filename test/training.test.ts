// Training end to end: MNIST slices reach sane accuracy, one seed reproduces a run exactly,
// validation and callbacks behave as in Keras, and misuse gives clear errors.

import assert from 'node:assert/strict';
import test from 'node:test';
import { TensorSource, withSampleShape } from '../src/data/source.js';
import { buildTutorialModel, datasets, earlyStopping, layers, sequential, Tensor, TegakiError, type Callback } from '../src/node.js';

const mnist = datasets.mnist.load();
const quiet = { verbose: 0 as const };
const flat = (images: datasets.ByteImages) => images.withShape([784]);

test('the tutorial NN learns MNIST: 5,000 images, 2 epochs, > 0.85 on 2,000 test images', async () => {
  const model = buildTutorialModel('nn', { seed: 7 });
  model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(datasets.take(flat(mnist.train.images), 5000), datasets.take(mnist.train.labels, 5000), { epochs: 2, batchSize: 64, ...quiet });
  assert.equal(history.history['loss']!.length, 2);
  assert.ok(history.history['loss']![1]! < history.history['loss']![0]!, 'loss falls from epoch 1 to 2');
  const [, accuracy] = model.evaluate(datasets.take(flat(mnist.test.images), 2000), datasets.take(mnist.test.labels, 2000)) as Tensor[];
  assert.ok(accuracy!.dataSync()[0]! > 0.85, `test accuracy ${accuracy}`);
});

test('the tutorial CNN learns MNIST: 1,500 images, 1 epoch, > 0.7 on 1,000 test images', async () => {
  const model = buildTutorialModel('cnn', { seed: 3 });
  model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  await model.fit(datasets.take(mnist.train.images, 1500), datasets.take(mnist.train.labels, 1500), { epochs: 1, batchSize: 32, ...quiet });
  const [, accuracy] = model.evaluate(datasets.take(mnist.test.images, 1000), datasets.take(mnist.test.labels, 1000)) as Tensor[];
  assert.ok(accuracy!.dataSync()[0]! > 0.7, `test accuracy ${accuracy}`);
});

async function trainSmall(seed: number, dropout = true) {
  const model = sequential({ seed });
  model.add(layers.dense({ units: 16, activation: 'relu', inputShape: [784] }));
  if (dropout) model.add(layers.dropout({ rate: 0.3 }));
  model.add(layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const labels = mnist.train.labels.withOneHot(false);
  await model.fit(datasets.take(flat(mnist.train.images), 600), datasets.take(labels, 600), { epochs: 2, batchSize: 50, ...quiet });
  return model;
}

test('one seed gives the same weights, shuffles and dropout; another seed differs', async () => {
  const [a, b, c] = [await trainSmall(11), await trainSmall(11), await trainSmall(12)];
  const flatWeights = (m: typeof a) => m.getWeights().flatMap((w) => [...w.f32]);
  assert.deepEqual(flatWeights(a), flatWeights(b));
  assert.notDeepEqual(flatWeights(a), flatWeights(c));
  const x = datasets.take(flat(mnist.test.images), 200);
  assert.deepEqual([...a.predict(x).f32], [...b.predict(x).f32]);
});

test('validationSplit holds out the last samples and logs val_loss and val_accuracy', async () => {
  const model = buildTutorialModel('nn', { seed: 1 });
  model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const seen: number[] = [];
  const countBatches: Callback = { onBatchEnd: (_b, logs) => void seen.push(logs['size']!) };
  const history = await model.fit(datasets.take(flat(mnist.train.images), 1000), datasets.take(mnist.train.labels, 1000), {
    epochs: 1, batchSize: 100, validationSplit: 0.2, callbacks: [countBatches], ...quiet,
  });
  assert.equal(seen.reduce((a, b) => a + b, 0), 800, 'trains on 80% of the samples');
  assert.deepEqual(Object.keys(history.history).sort(), ['acc', 'loss', 'val_acc', 'val_loss']);
  const heldOut = model.evaluate(new datasets.SubsetSource(flat(mnist.train.images), Int32Array.from({ length: 200 }, (_, i) => 800 + i)), new datasets.SubsetSource(mnist.train.labels, Int32Array.from({ length: 200 }, (_, i) => 800 + i)), { batchSize: 100 });
  const heldOutLoss = ((heldOut as Tensor[])[0]!).dataSync()[0]!;
  assert.ok(Math.abs(heldOutLoss - history.history['val_loss']![0]!) < 1e-6, 'val_loss is the loss on the last 20%');
});

test('earlyStopping stops after `patience` epochs without improvement and restores the best weights', async () => {
  // A model that cannot improve: learning rate tiny, monitor a quantity that rises.
  const model = sequential({ seed: 5 });
  model.add(layers.dense({ units: 1, inputShape: [1] }));
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const x = new Tensor([4, 1], [0, 1, 2, 3]);
  const y = new Tensor([4, 1], [1, 3, 5, 7]);
  const weightsPerEpoch: number[][] = [];
  const record: Callback = { onEpochEnd: () => void weightsPerEpoch.push(model.getWeights().flatMap((w) => [...w.f32])) };
  // monitor 'loss' in max mode: epoch 0 is the best, every later (lower) loss is "worse"
  const stop = earlyStopping({ monitor: 'loss', mode: 'max', patience: 2, restoreBestWeights: true });
  const history = await model.fit(x, y, { epochs: 20, batchSize: 4, shuffle: false, callbacks: [record, stop], ...quiet });
  assert.equal(history.epoch.length, 3, 'best epoch + 2 epochs of patience');
  assert.equal(stop.stoppedEpoch, 2);
  assert.deepEqual(model.getWeights().flatMap((w) => [...w.f32]), weightsPerEpoch[0]);
});

test('withSampleShape views samples in a model\'s input shape, values unchanged', () => {
  const source = new TensorSource(new Tensor([3, 2, 2, 1], Float32Array.from({ length: 12 }, (_, i) => i)));
  const flatView = withSampleShape(source, [4]);
  assert.deepEqual(flatView.sampleShape, [4]);
  const out = new Float32Array(8);
  flatView.gather([2, 0], out);
  assert.deepEqual([...out], [8, 9, 10, 11, 0, 1, 2, 3]);
  assert.equal(withSampleShape(source, [2, 2, 1]), source, 'the same shape is the source itself');
  assert.ok(withSampleShape(mnist.test.images, [784]) instanceof datasets.ByteImages, 'bytes stay bytes (the native gather)');
  assert.throws(() => withSampleShape(source, [5]), (e: Error) => e instanceof TegakiError && /\(2, 2, 1\).*\(5,?\)/.test(e.message));
});

test('misuse fails with one clear TegakiError', async () => {
  const model = buildTutorialModel('nn', { seed: 0 });
  const x = datasets.take(flat(mnist.train.images), 10);
  const y = datasets.take(mnist.train.labels, 10);
  await assert.rejects(model.fit(x, y, quiet), /not compiled: call compile/);
  model.compile({ optimizer: 'rmsprop', loss: 'sparseCategoricalCrossentropy' });
  await assert.rejects(model.fit(x, y, quiet), /expects class indices .* received labels of shape \(None, 10\)/);
  model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy' });
  await assert.rejects(model.fit(datasets.take(mnist.train.images, 10), y, quiet), /expects inputs \(None, 784\), received samples of shape \(None, 28, 28, 1\)/);
  await assert.rejects(model.fit(x, datasets.take(mnist.train.labels, 9), quiet), /x has 10 samples but y has 9/);
  await assert.rejects(model.fit(x, y, { batchSize: 0, ...quiet }), /batchSize=0/);
  await assert.rejects(model.fit(x, y, { validationSplit: 1.5, ...quiet }), /validationSplit=1.5/);
  assert.throws(() => model.compile({ optimizer: 'lion', loss: 'categoricalCrossentropy' }), (e: Error) => e instanceof TegakiError && /Unknown optimizer 'lion'/.test(e.message));
  assert.throws(() => model.compile({ optimizer: 'sgd', loss: 'focal' }), /Unknown loss 'focal'/);
  assert.throws(() => layers.conv2d({ filters: 0, kernelSize: 3 }), /Received filters=0/);
  assert.throws(() => layers.dense({ units: 4, activation: 'swish' as 'relu' }), /Unknown activation 'swish'/);
});

test('callbacks get the parameters of the run (setParams, as in Keras); the model keeps no loop state', async () => {
  const model = buildTutorialModel('nn', { seed: 2 });
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const seen: unknown[] = [];
  const batches: number[] = [];
  const callback: Callback = { setParams: (p) => void seen.push(p), onBatchEnd: (b) => void batches.push(b) };
  await model.fit(datasets.take(flat(mnist.train.images), 1001), datasets.take(mnist.train.labels, 1001), { epochs: 2, batchSize: 32, validationSplit: 0.2, callbacks: [callback], ...quiet });
  assert.deepEqual(seen, [{ epochs: 2, initialEpoch: 0, samples: 800, steps: 25, batchSize: 32, verbose: 0, doValidation: true, metrics: ['loss', 'acc'] }]);
  assert.equal(batches.length, 50);
  assert.equal(Math.max(...batches), 24);
  assert.equal('trainingSnapshot' in model, false, 'where fit stands is the loop\'s, not a field of the model');
});

test('terminateOnNaN stops at the first batch whose loss is not finite (Keras TerminateOnNaN)', async () => {
  const model = buildTutorialModel('nn', { seed: 2 });
  model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy' });
  model.optimizer!.learningRate = 1e30;
  const { terminateOnNaN } = await import('../src/node.js');
  const stop = terminateOnNaN({ verbose: false });
  let batches = 0;
  const history = await model.fit(datasets.take(flat(mnist.train.images), 2000), datasets.take(mnist.train.labels, 2000), { epochs: 3, batchSize: 32, callbacks: [stop, { onBatchEnd: () => void batches++ }], ...quiet });
  assert.ok(stop.stoppedAt, 'stopped');
  assert.ok(!Number.isFinite(stop.stoppedAt.loss));
  assert.equal(batches, stop.stoppedAt.batch + 1, 'no batch after the one that diverged');
  assert.equal(history.epoch.length, 0, 'the epoch was not completed');
});
