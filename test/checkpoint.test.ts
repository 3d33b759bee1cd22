// Checkpoints: modelCheckpoint files, and backupAndRestore resuming a stopped run to exactly the
// weights of a run that was never stopped.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { backupAndRestore, datasets, layers, loadModel, modelCheckpoint, sequential, type Callback } from '../src/node.js';

const mnist = datasets.mnist.load();
const x = datasets.take(mnist.train.images, 300);
const y = datasets.take(mnist.train.labels, 300);

function smallCnn(optimizer: string) {
  const model = sequential({ seed: 21 });
  model.add(layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }));
  model.add(layers.maxPooling2d({ poolSize: 2 }));
  model.add(layers.flatten());
  model.add(layers.dropout({ rate: 0.2 }));
  model.add(layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

const weightsOf = (m: { getWeights(): { f32: Float32Array }[] }) => m.getWeights().flatMap((w) => [...w.f32]);
const fitOptions = { epochs: 3, batchSize: 32, seed: 5, verbose: 0 as const, validationSplit: 0.1 };

/** Stops the model after `batches` batches in total, as a Ctrl-C handler would. */
function stopAfter(batches: number): Callback & { model?: { stopTraining: boolean } } {
  let count = 0;
  const cb: Callback & { model?: { stopTraining: boolean } } = {
    setModel: (m) => void (cb.model = m),
    onBatchEnd: () => {
      if (++count === batches) cb.model!.stopTraining = true;
    },
  };
  return cb;
}

for (const [optimizer, stopAt] of [['rmsprop', 13], ['adam', 9], ['sgd', 3]] as const) {
  test(`a run stopped mid-epoch (${optimizer}, after ${stopAt} batches) resumes to the same weights`, async () => {
    const straight = smallCnn(optimizer);
    const straightHistory = await straight.fit(x, y, fitOptions);

    const backupDir = join(mkdtempSync(join(tmpdir(), 'tegaki-backup-')), 'backup');
    const first = smallCnn(optimizer);
    const partial = await first.fit(x, y, { ...fitOptions, callbacks: [stopAfter(stopAt), backupAndRestore({ backupDir })] });
    assert.ok(partial.epoch.length < 3, 'the first run stopped early');
    assert.ok(existsSync(join(backupDir, 'latest.json')), 'interruption left a backup');

    // a new process would rebuild the model from scratch: different initial weights must not matter
    const second = smallCnn(optimizer);
    second.layers[0]!.weights[0]!.value.f32.fill(0.5);
    const resumed = await second.fit(x, y, { ...fitOptions, callbacks: [backupAndRestore({ backupDir })] });
    assert.deepEqual(weightsOf(second), weightsOf(straight));
    assert.deepEqual(resumed.history, straightHistory.history);
    assert.equal(existsSync(backupDir), false, 'a completed run removes its backup');
  });
}

test('a stop requested in the last batch of an epoch is still resumable', async () => {
  const straight = smallCnn('rmsprop');
  await straight.fit(x, y, fitOptions);
  const backupDir = join(mkdtempSync(join(tmpdir(), 'tegaki-backup-')), 'b');
  const stepsPerEpoch = Math.ceil(270 / 32);
  await smallCnn('rmsprop').fit(x, y, { ...fitOptions, callbacks: [stopAfter(stepsPerEpoch), backupAndRestore({ backupDir })] });
  const resumed = smallCnn('rmsprop');
  await resumed.fit(x, y, { ...fitOptions, callbacks: [backupAndRestore({ backupDir })] });
  assert.deepEqual(weightsOf(resumed), weightsOf(straight));
});

test('modelCheckpoint saves every epoch, or only the best', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tegaki-ckpt-'));
  const model = smallCnn('rmsprop');
  const bestLosses: number[] = [];
  await model.fit(x, y, {
    ...fitOptions,
    callbacks: [
      modelCheckpoint({ filepath: join(root, 'epoch-{epoch}') }),
      modelCheckpoint({ filepath: join(root, 'best'), monitor: 'val_loss', saveBestOnly: true }),
      { onEpochEnd: (_e, logs) => void bestLosses.push(logs['val_loss']!) },
    ],
  });
  assert.deepEqual(readdirSync(root).sort(), ['best', 'epoch-1', 'epoch-2', 'epoch-3']);
  const epoch3 = loadModel(join(root, 'epoch-3'));
  assert.deepEqual(weightsOf(epoch3), weightsOf(model));
  assert.equal(epoch3.metadata.history?.['val_loss']?.length, 3);
  const best = loadModel(join(root, 'best'));
  const bestEpoch = bestLosses.indexOf(Math.min(...bestLosses));
  assert.equal(best.metadata.history?.['val_loss']?.length, bestEpoch + 1, 'the best epoch was the last one saved');
});
