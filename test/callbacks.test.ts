// Keras' callbacks on a small model, through Sequential.fit (its fused path) and a functional
// model's fit: reduceLROnPlateau's schedule of reductions, learningRateScheduler, csvLogger's file,
// lambdaCallback's call order, terminateOnNaN; and their refusals.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import * as tg from '../src/node.js';
import { uniformArray } from './helpers/check.js';

const KINDS = ['sequential', 'functional'] as const;
type Kind = (typeof KINDS)[number];

/** A dense 3 → 4 (tanh) → 2 regression, compiled with plain SGD at lr. */
function build(kind: Kind, lr = 0.1): tg.LayersModel {
  let model: tg.LayersModel;
  if (kind === 'sequential') {
    const s = tg.sequential({ seed: 3 });
    s.add(tg.layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }));
    s.add(tg.layers.dense({ units: 2 }));
    model = s;
  } else {
    const input = tg.input({ shape: [3] });
    const hidden = tg.layers.dense({ units: 4, activation: 'tanh' }).apply(input) as tg.SymbolicTensor;
    model = tg.model({ inputs: input, outputs: tg.layers.dense({ units: 2 }).apply(hidden) as tg.SymbolicTensor });
  }
  model.compile({ optimizer: tg.optimizers.sgd({ learningRate: lr }), loss: 'meanSquaredError' });
  return model;
}

const X = uniformArray(8 * 3, 61);
const Y = uniformArray(8 * 2, 62);
const x = () => tg.tensor2d(X, [8, 3]);
const y = () => tg.tensor2d(Y, [8, 2]);
const quiet = { batchSize: 4, shuffle: false, verbose: 0 as const };
const tempDir = () => mkdtempSync(join(tmpdir(), 'tegaki-callbacks-'));
const lrOf = (model: tg.LayersModel) => model.optimizer!.learningRate;

test('reduceLROnPlateau lowers the rate after patience epochs without improvement, waits out the cooldown, stops at minLr, and logs the rate', async () => {
  for (const kind of KINDS) {
    const model = build(kind);
    // a minDelta no change of this loss reaches: only the first epoch improves on the start (Infinity)
    const reduce = tg.callbacks.reduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 2, cooldown: 1, minDelta: 10, minLr: 0.02 });
    const logged: number[] = [];
    const history = await model.fit(x(), y(), { ...quiet, epochs: 9, callbacks: [reduce, tg.callbacks.lambdaCallback({ onEpochEnd: (_, logs) => void logged.push(logs!['learning_rate']!) })] });
    // Keras' steps: epoch 2 reduces (wait 2); epoch 3 spends the cooldown; epoch 4 reduces; epoch 6
    // would reach 0.0125 and stops at minLr; epoch 8 finds the rate at minLr and leaves it
    assert.deepEqual(logged, [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02], kind);
    assert.equal(lrOf(model), 0.02);
    assert.equal(history.epoch.length, 9);
  }
});

test("reduceLROnPlateau's 'auto' mode maximizes a quantity named with 'acc', as Keras'", async () => {
  const model = build('sequential');
  const reduce = tg.callbacks.reduceLROnPlateau({ monitor: 'acc_like', patience: 1, factor: 0.5, minDelta: 0 });
  // rising values improve when maximized: the rate never falls; falling ones lower it every epoch
  const feed = (values: number[]) => tg.callbacks.lambdaCallback({ onEpochEnd: (epoch, logs) => void (logs!['acc_like'] = values[epoch]!) });
  await model.fit(x(), y(), { ...quiet, epochs: 3, callbacks: [feed([0.1, 0.2, 0.3]), reduce] });
  assert.equal(lrOf(model), 0.1);
  await model.fit(x(), y(), { ...quiet, epochs: 3, callbacks: [feed([0.3, 0.2, 0.1]), reduce] });
  assert.equal(lrOf(model), 0.025);
});

test('learningRateScheduler sets each epoch\'s rate from schedule(epoch, rate) before its first batch, and logs it', async () => {
  for (const kind of KINDS) {
    const model = build(kind);
    const perBatch: number[] = [];
    const logged: number[] = [];
    const scheduler = tg.callbacks.learningRateScheduler((epoch, lr) => (epoch < 1 ? lr : lr * 0.5));
    const spy = tg.callbacks.lambdaCallback({ onBatchBegin: () => void perBatch.push(lrOf(model)), onEpochEnd: (_, logs) => void logged.push(logs!['learning_rate']!) });
    await model.fit(x(), y(), { ...quiet, epochs: 3, callbacks: [scheduler, spy] });
    assert.deepEqual(perBatch, [0.1, 0.1, 0.05, 0.05, 0.025, 0.025], kind);
    assert.deepEqual(logged, [0.1, 0.05, 0.025], kind);
  }
});

test('learningRateScheduler and reduceLROnPlateau refuse what they cannot use, in one line', async () => {
  const model = build('sequential');
  await assert.rejects(model.fit(x(), y(), { ...quiet, callbacks: [tg.callbacks.learningRateScheduler(() => '0.1' as never)] }), /^TegakiError: learningRateScheduler: the schedule must return a number >= 0; for epoch 0 it returned "0\.1"\.$/);
  const scheduled = build('sequential');
  scheduled.compile({ optimizer: tg.optimizers.sgd({ learningRate: tg.optimizers.schedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 10 }) }), loss: 'meanSquaredError' });
  await assert.rejects(scheduled.fit(x(), y(), { ...quiet, callbacks: [tg.callbacks.learningRateScheduler((_, lr) => lr)] }), /SGD: the learning rate follows the schedule CosineDecay it was created with and cannot be set/);
  await assert.rejects(model.fit(x(), y(), { ...quiet, callbacks: [tg.callbacks.reduceLROnPlateau()] }), /reduceLROnPlateau monitors 'val_loss', which is not logged\. Logged: loss, learning_rate\./);
  const refusals: [() => unknown, RegExp][] = [
    [() => tg.callbacks.reduceLROnPlateau({ factor: 1 }), /^reduceLROnPlateau: expected factor to be a number in \[0, 1\) \(ReduceLROnPlateau does not support a factor >= 1\), received factor=1\.$/],
    [() => tg.callbacks.reduceLROnPlateau({ patience: 1.5 }), /^reduceLROnPlateau: expected patience to be a whole number >= 0, received patience=1\.5\.$/],
    [() => tg.callbacks.reduceLROnPlateau({ mode: 'maximum' as never }), /^reduceLROnPlateau: expected mode to be 'auto', 'min' or 'max', received mode="maximum"\.$/],
    [() => tg.callbacks.reduceLROnPlateau({ min_lr: 0.1 } as never), /^reduceLROnPlateau: option 'min_lr' is not supported/],
    [() => tg.callbacks.learningRateScheduler(0.1 as never), /^learningRateScheduler: expected schedule to be a function \(epoch, learningRate\) => learningRate, received 0\.1\.$/],
    [() => tg.callbacks.learningRateScheduler((_, lr) => lr, 2), /^learningRateScheduler: expected verbose to be 0 or 1, received verbose=2\.$/],
  ];
  for (const [make, message] of refusals) assert.throws(make, (e: Error) => e instanceof tg.TegakiError && message.test(e.message), String(message));
});

test("csvLogger writes Keras' CSV (sorted keys after epoch, \\r\\n rows), appends without a second header, and leaves no temporary file", async () => {
  for (const kind of KINDS) {
    const dir = tempDir();
    const file = join(dir, 'log.csv');
    const model = build(kind);
    const first = await model.fit(x(), y(), { ...quiet, epochs: 2, validationData: [x(), y()], callbacks: [tg.callbacks.csvLogger(file)] });
    const row = (epoch: number, h: tg.History, at: number) => `${epoch},${h.history['loss']![at]},${h.history['val_loss']![at]}\r\n`;
    assert.equal(readFileSync(file, 'utf8'), `epoch,loss,val_loss\r\n${row(0, first, 0)}${row(1, first, 1)}`, kind);
    const second = await model.fit(x(), y(), { ...quiet, epochs: 1, validationData: [x(), y()], callbacks: [tg.callbacks.csvLogger(file, ',', true)] });
    assert.equal(readFileSync(file, 'utf8'), `epoch,loss,val_loss\r\n${row(0, first, 0)}${row(1, first, 1)}${row(0, second, 0)}`, `${kind}: appended`);
    // without append, the file starts again; with another separator
    await model.fit(x(), y(), { ...quiet, epochs: 1, callbacks: [tg.callbacks.csvLogger(file, ';')] });
    assert.match(readFileSync(file, 'utf8'), /^epoch;loss\r\n0;[0-9.e-]+\r\n$/);
    assert.deepEqual(readdirSync(dir), ['log.csv'], 'only the log: every write went through a renamed temporary file');
  }
});

test('csvLogger refuses a path it cannot write before the first epoch, and bad arguments, in one line', async () => {
  const dir = tempDir();
  const model = build('sequential');
  let batches = 0;
  const counter = tg.callbacks.lambdaCallback({ onBatchEnd: () => void batches++ });
  await assert.rejects(model.fit(x(), y(), { ...quiet, callbacks: [tg.callbacks.csvLogger(join(dir, 'missing', 'log.csv')), counter] }), (e: Error) => e instanceof tg.TegakiError && e.message === `csvLogger: cannot write ${join(dir, 'missing', 'log.csv')} (no such file or folder).`);
  assert.equal(batches, 0, 'nothing trained');
  writeFileSync(join(dir, 'folder.csv'), '');
  await assert.rejects(model.fit(x(), y(), { ...quiet, callbacks: [tg.callbacks.csvLogger(dir)] }), /^TegakiError: csvLogger: cannot write .* \(/);
  assert.throws(() => tg.callbacks.csvLogger(''), /^TegakiError: csvLogger: expected filename to be a path, received filename=""\.$/);
  assert.throws(() => tg.callbacks.csvLogger('x.csv', ', '), /^TegakiError: csvLogger: expected separator to be one character other than a quote or line break, received separator=", "\.$/);
  assert.throws(() => tg.callbacks.csvLogger('x.csv', ',', 'yes' as never), /^TegakiError: csvLogger: expected append to be true or false, received append="yes"\.$/);
});

test('lambdaCallback calls its functions in the order fit reaches them, with their arguments', async () => {
  for (const kind of KINDS) {
    const model = build(kind);
    const calls: string[] = [];
    const record = (name: string) => (...args: unknown[]) => void calls.push([name, ...args.filter((a) => typeof a === 'number')].join(' '));
    await model.fit(x(), y(), {
      ...quiet,
      epochs: 2,
      callbacks: [tg.callbacks.lambdaCallback({
        onTrainBegin: record('trainBegin'), onEpochBegin: record('epochBegin'), onBatchBegin: record('batchBegin'),
        onBatchEnd: record('batchEnd'), onEpochEnd: record('epochEnd'), onTrainEnd: record('trainEnd'),
      })],
    });
    const epoch = (e: number) => [`epochBegin ${e}`, 'batchBegin 0', 'batchEnd 0', 'batchBegin 1', 'batchEnd 1', `epochEnd ${e}`];
    assert.deepEqual(calls, ['trainBegin', ...epoch(0), ...epoch(1), 'trainEnd'], kind);
  }
  assert.throws(() => tg.callbacks.lambdaCallback({ onTrainBatchBegin: () => {} } as never), /^TegakiError: lambdaCallback: option 'onTrainBatchBegin' is not supported \(supported: onEpochBegin, onEpochEnd, onBatchBegin, onBatchEnd, onTrainBegin, onTrainEnd\)\.$/);
  assert.throws(() => tg.callbacks.lambdaCallback({ onEpochEnd: 'print' as never }), /^TegakiError: lambdaCallback: onEpochEnd must be a function, received string\.$/);
});

test("terminateOnNaN stops at the first batch whose loss is NaN, as Keras'; with raiseError it throws and no onTrainEnd runs", async () => {
  // sample 5 holds NaN: the second batch of 4 has a NaN loss
  const poisoned = tg.tensor2d(X.map((v, i) => (i === 15 ? NaN : v)), [8, 3]);
  for (const kind of KINDS) {
    const model = build(kind);
    const stop = tg.callbacks.terminateOnNaN({ verbose: false });
    const batches: number[] = [];
    await model.fit(poisoned, y(), { ...quiet, epochs: 3, callbacks: [stop, tg.callbacks.lambdaCallback({ onBatchEnd: (b) => void batches.push(b) })] });
    assert.deepEqual(stop.stoppedAt && [stop.stoppedAt.epoch, stop.stoppedAt.batch], [0, 1], kind);
    assert.deepEqual(batches, [0, 1], `${kind}: no batch after it`);

    let ended = false;
    const raising = tg.callbacks.terminateOnNaN({ raiseError: true });
    // a fresh model: the NaN step above left the first one's weights NaN
    await assert.rejects(build(kind).fit(poisoned, y(), { ...quiet, epochs: 3, callbacks: [raising, tg.callbacks.lambdaCallback({ onTrainEnd: () => void (ended = true) })] }), /^TegakiError: NaN or Inf loss encountered at batch 1\. Loss value: NaN\. Terminating training immediately\.$/);
    assert.equal(ended, false, `${kind}: onTrainEnd is skipped`);
  }
});
