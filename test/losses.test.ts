// Losses: each per-sample loss (forward and gradient) against TF.js' own loss of the same name, or
// against tfjs-core's tf.losses / a reference written here where TF.js has no such form; central
// differences for every gradient; the fused kernels against the ops and native against ts.

import assert from 'node:assert/strict';
import test from 'node:test';
import type * as tfjs from '@tensorflow/tfjs';
import * as tg from '../src/node.js';
import type { Labels } from '../src/backend/backend.js';
import { loadNative } from '../src/backend/native/index.js';
import { tsBackend } from '../src/backend/ts/index.js';
import { getLoss, lossSum, type LossFunction } from '../src/losses.js';
import { checkClose, checkGradient, uniformArray } from './helpers/check.js';
import { tfjs as loadTfjs } from './helpers/tfjs.js';

const tf = await loadTfjs();
const ROWS = 4;
const COLS = 5;
const SHAPE = [ROWS, COLS];

/** TF.js' per-sample loss of that name, as its compile resolves it. */
function theirLoss(name: string): (yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => tfjs.Tensor {
  const input = tf.input({ shape: [1] });
  const m = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(input) as tfjs.SymbolicTensor });
  m.compile({ optimizer: 'sgd', loss: name });
  return (m as unknown as { lossFunctions: ((a: tfjs.Tensor, b: tfjs.Tensor) => tfjs.Tensor)[] }).lossFunctions[0]!;
}

/** Rows of probabilities (softmax of seeded values). */
function probabilities(seed: number, rows = ROWS, cols = COLS): Float32Array {
  const x = uniformArray(rows * cols, seed, -2, 2);
  const out = new Float32Array(x.length);
  tsBackend.softmax(out, x, rows, cols);
  return out;
}

function oneHot(seed: number, rows = ROWS, cols = COLS): Float32Array {
  const out = new Float32Array(rows * cols);
  const picks = uniformArray(rows, seed, 0, cols);
  for (let r = 0; r < rows; r++) out[r * cols + Math.floor(picks[r]!)] = 1;
  return out;
}

const signs = (seed: number): Float32Array => uniformArray(ROWS * COLS, seed).map((v) => (v > 0 ? 1 : -1));
const bits = (seed: number): Float32Array => uniformArray(ROWS * COLS, seed).map((v) => (v > 0 ? 1 : 0));

interface Case {
  name: string;
  /** TF.js' name for it in compile; absent when the reference below is used. */
  tfjsName?: string;
  /** What TF.js (or the reference in TF.js ops) computes per sample. */
  reference?: (yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => tfjs.Tensor;
  ours: string | LossFunction;
  yTrue: Float32Array;
  yPred: Float32Array;
  trueShape?: number[];
}

const CASES: Case[] = [
  { name: 'meanSquaredError', tfjsName: 'meanSquaredError', ours: 'mse', yTrue: uniformArray(20, 1), yPred: uniformArray(20, 2) },
  { name: 'meanAbsoluteError', tfjsName: 'meanAbsoluteError', ours: 'mean_absolute_error', yTrue: uniformArray(20, 3), yPred: uniformArray(20, 4) },
  { name: 'meanAbsolutePercentageError', tfjsName: 'meanAbsolutePercentageError', ours: 'mape', yTrue: uniformArray(20, 5, 0.5, 2), yPred: uniformArray(20, 6) },
  { name: 'meanSquaredLogarithmicError', tfjsName: 'meanSquaredLogarithmicError', ours: 'msle', yTrue: uniformArray(20, 7, 0.1, 2), yPred: uniformArray(20, 8, 0.1, 2) },
  { name: 'hinge', tfjsName: 'hinge', ours: 'hinge', yTrue: signs(9), yPred: uniformArray(20, 10, -0.8, 0.8) },
  { name: 'squaredHinge', tfjsName: 'squaredHinge', ours: 'squared_hinge', yTrue: signs(11), yPred: uniformArray(20, 12, -0.8, 0.8) },
  { name: 'categoricalHinge', tfjsName: 'categoricalHinge', ours: 'categorical_hinge', yTrue: oneHot(13), yPred: uniformArray(20, 14, -2, 2) },
  { name: 'logcosh', tfjsName: 'logcosh', ours: 'log_cosh', yTrue: uniformArray(20, 15, -2, 2), yPred: uniformArray(20, 16, -2, 2) },
  { name: 'categoricalCrossentropy', tfjsName: 'categoricalCrossentropy', ours: 'categorical_crossentropy', yTrue: oneHot(17), yPred: probabilities(18) },
  { name: 'sparseCategoricalCrossentropy', tfjsName: 'sparseCategoricalCrossentropy', ours: 'sparseCategoricalCrossentropy', yTrue: Float32Array.from([0, 3, 4, 1]), trueShape: [ROWS, 1], yPred: probabilities(19) },
  { name: 'binaryCrossentropy', tfjsName: 'binaryCrossentropy', ours: 'binary_crossentropy', yTrue: bits(20), yPred: uniformArray(20, 21, 0.05, 0.95) },
  { name: 'kullbackLeiblerDivergence', tfjsName: 'kullbackLeiblerDivergence', ours: 'kld', yTrue: probabilities(22), yPred: probabilities(23) },
  { name: 'poisson', tfjsName: 'poisson', ours: 'poisson', yTrue: uniformArray(20, 24, 0, 3), yPred: uniformArray(20, 25, 0.1, 3) },
  { name: 'cosineProximity', tfjsName: 'cosineProximity', ours: 'cosine_similarity', yTrue: uniformArray(20, 26), yPred: uniformArray(20, 27) },
  // tfjs-core's huberLoss per element, averaged over the last axis as Keras' Huber does
  { name: 'huber', reference: (t, p) => tf.mean(tf.losses.huberLoss(t, p, undefined, 1, tf.Reduction.NONE), -1), ours: 'huber', yTrue: uniformArray(20, 28, -3, 3), yPred: uniformArray(20, 29, -3, 3) },
  { name: 'Huber({ delta: 0.5 })', reference: (t, p) => tf.mean(tf.losses.huberLoss(t, p, undefined, 0.5, tf.Reduction.NONE), -1), ours: tg.lossFunctions.Huber({ delta: 0.5 }), yTrue: uniformArray(20, 30, -3, 3), yPred: uniformArray(20, 31, -3, 3) },
  // Keras' options against tfjs-core's losses, which take logits and label smoothing the same way
  { name: 'BinaryCrossentropy({ fromLogits, labelSmoothing: 0.2 })', reference: (t, x) => tf.mean(tf.losses.sigmoidCrossEntropy(t, x, undefined, 0.2, tf.Reduction.NONE), -1), ours: tg.lossFunctions.BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }), yTrue: bits(32), yPred: uniformArray(20, 33, -4, 4) },
  { name: 'CategoricalCrossentropy({ fromLogits, labelSmoothing: 0.1 })', reference: (t, x) => tf.losses.softmaxCrossEntropy(t, x, undefined, 0.1, tf.Reduction.NONE), ours: tg.lossFunctions.CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }), yTrue: oneHot(34), yPred: uniformArray(20, 35, -3, 3) },
  { name: 'SparseCategoricalCrossentropy({ fromLogits })', reference: (t, x) => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(tf.reshape(t, [-1]), 'int32'), COLS), x, undefined, 0, tf.Reduction.NONE), ours: tg.lossFunctions.SparseCategoricalCrossentropy({ fromLogits: true }), yTrue: Float32Array.from([2, 0, 4, 4]), trueShape: [ROWS, 1], yPred: uniformArray(20, 36, -3, 3) },
  // on probabilities, smoothing is the same loss of smoothed targets (Keras' definition)
  { name: 'CategoricalCrossentropy({ labelSmoothing: 0.1 })', reference: (t, p) => theirLoss('categoricalCrossentropy')(tf.add(tf.mul(t, 0.9), 0.1 / COLS), p), ours: tg.lossFunctions.CategoricalCrossentropy({ labelSmoothing: 0.1 }), yTrue: oneHot(37), yPred: probabilities(38) },
  { name: 'BinaryCrossentropy({ labelSmoothing: 0.3 })', reference: (t, p) => theirLoss('binaryCrossentropy')(tf.add(tf.mul(t, 0.7), 0.15), p), ours: tg.lossFunctions.BinaryCrossentropy({ labelSmoothing: 0.3 }), yTrue: bits(39), yPred: uniformArray(20, 40, 0.05, 0.95) },
];

for (const c of CASES) {
  test(`loss ${c.name}: per-sample values and gradient as TF.js${c.tfjsName ? '' : '\' reference'}, and central differences`, () => {
    const trueShape = c.trueShape ?? SHAPE;
    const theirs = c.tfjsName ? theirLoss(c.tfjsName) : c.reference!;
    const yTrueT = tf.tensor(c.yTrue, trueShape);
    const want = theirs(yTrueT, tf.tensor(c.yPred, SHAPE));
    const wantGrad = tf.grad((p: tfjs.Tensor) => tf.sum(theirs(yTrueT, p)))(tf.tensor(c.yPred, SHAPE));

    const fn = getLoss(c.ours).fn;
    const yTrue = new tg.Tensor(trueShape, c.yTrue);
    const got = fn(yTrue, new tg.Tensor(SHAPE, c.yPred));
    assert.deepEqual(got.shape, want.shape, 'one loss per sample');
    checkClose(got.dataSync(), want.dataSync(), 1e-5, `${c.name} forward`);
    const param = Float32Array.from(c.yPred);
    const gotGrad = tg.grad((p: tg.Tensor) => tg.sum(fn(yTrue, p)))(new tg.Tensor(SHAPE, param));
    checkClose(gotGrad.dataSync(), wantGrad.dataSync(), 1e-4, `${c.name} gradient vs TF.js`);
    const value = (): number => tg.sum(fn(yTrue, new tg.Tensor(SHAPE, Float32Array.from(param)))).dataSync()[0]!;
    checkGradient(`${c.name} gradient vs central differences`, value, param, gotGrad.dataSync(), { eps: 1e-3, tol: 2e-2 });
  });
}

test('compile takes every loss by TF.js\' name, its short forms and Keras\' snake_case; TF.js\' tf.losses keeps its meaning', () => {
  const names: Record<string, string> = {
    mse: 'meanSquaredError', MAE: 'meanAbsoluteError', MAPE: 'meanAbsolutePercentageError', msle: 'meanSquaredLogarithmicError',
    kld: 'kullbackLeiblerDivergence', kl_divergence: 'kullbackLeiblerDivergence', logCosh: 'logcosh', huber_loss: 'huber',
    cosineSimilarity: 'cosineProximity', binary_crossentropy: 'binaryCrossentropy', categorical_hinge: 'categoricalHinge',
  };
  for (const [alias, name] of Object.entries(names)) assert.equal(getLoss(alias).name, name, alias);
  assert.throws(() => getLoss('softmaxCrossEntropy'), (e: Error) => e instanceof tg.TegakiError && /Unknown loss 'softmaxCrossEntropy'/.test(e.message));
  // the named functions keep their fused kernels when given as functions
  assert.equal(getLoss(tg.lossFunctions.binaryCrossentropy).kernel, 'binary');
  assert.equal(getLoss(tg.lossFunctions.CategoricalCrossentropy({ labelSmoothing: 0.1 })).labelSmoothing, 0.1);
  assert.equal(getLoss((t: tg.Tensor, p: tg.Tensor) => tg.lossFunctions.mse(t, p)).custom, true, 'a user\'s function trains on the tape');
  // tf.losses is still tfjs-core's (labels, predictions, weights?, reduction?) → reduced
  assert.equal(tg.losses.meanSquaredError(tg.tensor1d([0, 0]), tg.tensor1d([1, 3])).dataSync()[0], 5);
});

test('factories refuse bad options by name, quoting the value', () => {
  const refuses = (f: () => unknown, pattern: RegExp): void => assert.throws(f, (e: Error) => e instanceof tg.TegakiError && pattern.test(e.message));
  refuses(() => tg.lossFunctions.BinaryCrossentropy({ labelSmoothing: 2 }), /labelSmoothing=2/);
  refuses(() => tg.lossFunctions.CategoricalCrossentropy({ fromLogits: 'yes' as unknown as boolean }), /fromLogits="yes"/);
  refuses(() => tg.lossFunctions.Huber({ delta: -1 }), /delta=-1/);
  refuses(() => tg.lossFunctions.BinaryCrossentropy({ axis: -1 } as never), /unknown option 'axis'/);
  refuses(() => tg.lossFunctions.CosineSimilarity({ axis: 0.5 }), /axis=0.5/);
});

// ---- fused kernels: against the ops (the tape's loss), and native against ts

interface FusedCase {
  name: string;
  loss: LossFunction | string;
  sparse?: boolean;
  /** Predictions handed to the kernel are logits (the model ends in softmax, or fromLogits). */
  logits?: boolean;
  labels: Float32Array;
  pred: Float32Array;
}

const WEIGHTS = Float32Array.from([0.5, 2, 0, 1.25]);
const FUSED: FusedCase[] = [
  { name: 'categorical, smoothing 0.1', loss: tg.lossFunctions.CategoricalCrossentropy({ labelSmoothing: 0.1 }), labels: oneHot(50), pred: probabilities(51) },
  { name: 'categorical from logits, smoothing 0.2', loss: tg.lossFunctions.CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }), logits: true, labels: oneHot(52), pred: uniformArray(20, 53, -3, 3) },
  { name: 'sparse categorical', loss: 'sparseCategoricalCrossentropy', sparse: true, labels: Float32Array.from([1, 4, 0, 2]), pred: probabilities(54) },
  { name: 'binary', loss: 'binaryCrossentropy', labels: bits(55), pred: uniformArray(20, 56, 0.02, 0.98) },
  { name: 'binary, smoothing 0.1', loss: tg.lossFunctions.BinaryCrossentropy({ labelSmoothing: 0.1 }), labels: bits(57), pred: uniformArray(20, 58, 0.02, 0.98) },
  { name: 'binary from logits, smoothing 0.25', loss: tg.lossFunctions.BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.25 }), logits: true, labels: bits(59), pred: uniformArray(20, 60, -5, 5) },
  { name: 'meanSquaredError', loss: 'meanSquaredError', labels: uniformArray(20, 61), pred: uniformArray(20, 62) },
];

const { backend: native } = loadNative();

for (const c of FUSED) {
  test(`fused kernel ${c.name}, weighted rows: loss and gradient as the ops on the tape; native as ts`, () => {
    const loss = getLoss(c.loss);
    const yTrue = new tg.Tensor(c.sparse ? [ROWS, 1] : SHAPE, c.labels);
    const w = new tg.Tensor([ROWS, 1], WEIGHTS);
    // the tape: Σ w·loss / rows, as fit reduces it
    const objective = (p: tg.Tensor): tg.Tensor => tg.div(tg.sum(tg.mul(tg.reshape(loss.fn(yTrue, p), [ROWS, 1]), w)), ROWS);
    const want = objective(new tg.Tensor(SHAPE, c.pred)).dataSync()[0]!;
    const wantGrad = tg.grad(objective)(new tg.Tensor(SHAPE, c.pred)).dataSync();
    const labels: Labels = { data: c.labels, sparse: c.sparse ?? false, weights: WEIGHTS };
    const grad = new Float32Array(ROWS * COLS);
    const got = lossSum(loss, c.pred, c.logits ?? false, labels, ROWS, COLS, grad, 1 / ROWS) / ROWS;
    checkClose([got], [want], 1e-5, `${c.name} loss (${tg.getBackend()})`);
    checkClose(grad, wantGrad, 1e-5, `${c.name} gradient (${tg.getBackend()})`);
    if (!native) return;
    // the same kernel on both backends, without weights too
    for (const weights of [WEIGHTS, null]) {
      const l: Labels = { ...labels, smoothing: loss.labelSmoothing, weights };
      const gTs = new Float32Array(ROWS * COLS);
      const gNative = new Float32Array(ROWS * COLS);
      const run = (be: typeof tsBackend, g: Float32Array): number => {
        if (loss.kernel === 'binary') return be.binaryCrossEntropy(g, c.pred, l, ROWS, COLS, c.logits ?? false, 0.25);
        if (loss.kernel === 'meanSquaredError') return be.meanSquaredError(g, c.pred, l, ROWS, COLS, 0.25);
        return c.logits ? be.softmaxCrossEntropy(g, c.pred, l, ROWS, COLS, 0.25) : be.crossEntropy(g, c.pred, l, ROWS, COLS, 0.25);
      };
      const a = run(tsBackend, gTs);
      const b = run(native, gNative);
      assert.ok(Math.abs(a - b) <= 1e-9 * (1 + Math.abs(a)), `${c.name}: native loss ${b} vs ts ${a}`);
      checkClose(gNative, gTs, 1e-6, `${c.name} native gradient vs ts`);
    }
  });
}

/** A small classifier trained a few batches; the loss given as a function of the user's trains on the tape. */
async function trainBoth(loss: LossFunction, activation: 'sigmoid' | 'softmax' | 'linear', labels: tg.Tensor): Promise<void> {
  const x = new tg.Tensor([12, 3], uniformArray(36, 70));
  const run = async (l: LossFunction): Promise<{ weights: Float32Array[]; loss: number[] }> => {
    const model = tg.sequential({ seed: 3, layers: [tg.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }), tg.layers.dense({ units: labels.shape[1]!, activation })] });
    model.compile({ optimizer: tg.train.sgd(0.5), loss: l });
    const h = await model.fit(x, labels, { epochs: 3, batchSize: 5, shuffle: false, verbose: 0 });
    return { weights: model.getWeights().map((w) => w.dataSync() as Float32Array), loss: h.history['loss']! };
  };
  const fused = await run(loss);
  const tape = await run((t, p) => loss(t, p));
  checkClose(fused.loss, tape.loss, 1e-5, 'epoch losses, fused vs tape');
  checkClose(fused.weights.flatMap((w) => [...w]), tape.weights.flatMap((w) => [...w]), 1e-5, 'weights after 3 epochs, fused vs tape');
}

test('Sequential trains binaryCrossentropy (sigmoid) on its fused kernel as the tape does', async () => {
  await trainBoth(tg.lossFunctions.binaryCrossentropy, 'sigmoid', new tg.Tensor([12, 2], uniformArray(24, 71).map((v) => (v > 0 ? 1 : 0))));
});

test('Sequential trains categoricalCrossentropy with labelSmoothing (softmax, from the logits) as the tape does', async () => {
  await trainBoth(tg.lossFunctions.CategoricalCrossentropy({ labelSmoothing: 0.1 }), 'softmax', new tg.Tensor([12, 3], oneHot(72, 12, 3)));
});

test('Sequential trains BinaryCrossentropy({ fromLogits }) on a linear output as the tape does', async () => {
  await trainBoth(tg.lossFunctions.BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.05 }), 'linear', new tg.Tensor([12, 1], uniformArray(12, 73).map((v) => (v > 0 ? 1 : 0))));
});

test('a model compiled with a loss\'s options refuses to save them as a bare name', async () => {
  const model = tg.sequential({ layers: [tg.layers.dense({ units: 1, inputShape: [2] })] });
  model.compile({ optimizer: 'sgd', loss: tg.lossFunctions.BinaryCrossentropy({ fromLogits: true }) });
  await assert.rejects(model.save(tg.io.withSaveHandler(async () => { throw new Error('not reached'); }), { includeOptimizer: true }), /cannot hold binaryCrossentropy's options/);
});
