// Finite-difference checks of every backward pass: each layer's dL/dx and dL/dW, each activation
// and each loss, on whichever backend TEGAKI_BACKEND selects.
// A layer is checked with the scalar L = Σ y·R for a fixed random R, so dL/dy = R; central
// differences with eps = 1e-3 in float32 give ~1e-4 relative noise, and the tolerance (1e-2 of the
// largest gradient) still fails a gradient that is off by a factor or uses a transposed index
// (see the first test).

import assert from 'node:assert/strict';
import test from 'node:test';
import { backend, layers, optimizers, Random, sequential, Tensor, type Sequential } from '../src/node.js';
import type { Labels } from '../src/backend/backend.js';
import { getLoss, lossSum } from '../src/losses.js';
import type { FusedLayer as Layer } from '../src/layers/fused.js';
import { checkGradient, distinctArray, dot, maxAbs, uniformArray } from './helpers/check.js';

interface LayerCheck {
  /** Input sample shape (no batch). */
  inputShape: number[];
  batch?: number;
  /** Input values; default uniform in [-1, 1). */
  input?: Float32Array;
  /** Run forward in training mode with a dropout stream reseeded for every call. */
  training?: boolean;
  /** Pre-activations must stay this far from the ReLU kink, so ±eps never crosses it. */
  reluMargin?: number;
  seed?: number;
}

/** Checks dL/dx and every dL/dW of layer against central differences; returns the worst error. */
function checkLayer(label: string, make: () => Layer, options: LayerCheck): number {
  const { inputShape, batch = 3, training = false, seed = 1 } = options;
  const layer = make();
  layer.buildFor(inputShape, new Random(seed));
  const x = new Tensor([batch, ...inputShape], options.input ?? uniformArray(batch * sizeOf(inputShape), seed + 100));
  // weights (biases too) random and non-zero, so every term of the gradient matters
  layer.weights.forEach((w, i) => w.value.f32.set(uniformArray(w.value.size, seed + 200 + i, -0.7, 0.7)));
  if (options.reluMargin !== undefined) {
    // redraw the weights until no pre-activation is near 0 and both sides of the kink are used
    for (let attempt = 0; ; attempt++) {
      if (reluInputsUsable(layer, x, options.reluMargin)) break;
      assert.ok(attempt < 200, `${label}: no weights keep the ReLU inputs away from 0`);
      layer.weights.forEach((w, i) => w.value.f32.set(uniformArray(w.value.size, seed + 1000 * (attempt + 1) + i, -0.7, 0.7)));
    }
  }
  const run = () => layer.forward(x, { training, rng: new Random(seed + 300) });
  const y = run();
  const r = uniformArray(y.size, seed + 400);
  const loss = () => dot(run().f32, r);

  // a first backward with another dy: the second must overwrite every gradient, not add to it
  layer.backward(new Tensor(y.shape, uniformArray(y.size, seed + 500)));
  run();
  const dx = Float32Array.from(layer.backward(new Tensor(y.shape, r.slice())).f32);
  const dw = layer.weights.map((w) => Float32Array.from(w.grad.f32));
  assert.ok(maxAbs(dx) > 0, `${label}: dL/dx is all zeros`);
  let worst = checkGradient(`${label} dL/dx`, loss, x.f32, dx);
  layer.weights.forEach((w, i) => {
    worst = Math.max(worst, checkGradient(`${label} dL/d${w.name}`, loss, w.value.f32, dw[i]!));
  });
  return worst;
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Whether the pre-activations of a ReLU Dense or Conv2D (the same layer with a linear activation)
 *  are all at least margin from 0, with both signs present. */
function reluInputsUsable(layer: Layer, x: Tensor, margin: number): boolean {
  const config = { ...layer.getConfig(), activation: 'linear' as const };
  const twin = layer instanceof layers.Dense ? new layers.Dense(config as never) : new layers.Conv2D(config as never);
  twin.buildFor(layer.inputShape, new Random(0));
  twin.setWeights(layer.getWeights());
  const z = twin.forward(x, { training: false, rng: new Random(0) });
  return z.f32.every((v) => Math.abs(v) > margin) && z.f32.some((v) => v > 0) && z.f32.some((v) => v < 0);
}

test('the checker fails on a gradient off by a factor of 2 or with a transposed index', () => {
  // L = Σ_ij A_ij·W_ij·W_ji for a 3×3 W, so dL/dW_ij = (A_ij + A_ji)·W_ji
  const w = uniformArray(9, 1);
  const a = uniformArray(9, 2);
  const loss = () => {
    let s = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += a[i * 3 + j]! * w[i * 3 + j]! * w[j * 3 + i]!;
    return s;
  };
  const grad = new Float32Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) grad[i * 3 + j] = (a[i * 3 + j]! + a[j * 3 + i]!) * w[j * 3 + i]!;
  checkGradient('correct gradient', loss, w, grad);
  const doubled = grad.map((g) => 2 * g);
  assert.throws(() => checkGradient('doubled gradient', loss, w, doubled), /max abs difference/);
  const transposed = grad.map((_, k) => grad[(k % 3) * 3 + Math.floor(k / 3)]!);
  assert.throws(() => checkGradient('transposed gradient', loss, w, transposed), /max abs difference/);
  // one entry off by 5% of the largest gradient
  const slightlyOff = grad.map((g, k) => (k === 4 ? g + 0.05 * maxAbs(grad) : g));
  assert.throws(() => checkGradient('one entry off', loss, w, slightlyOff), /max abs difference/);
});

test('dense: dL/dx, dL/dkernel, dL/dbias for every activation, with and without bias', () => {
  for (const activation of ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'] as const) {
    for (const useBias of [true, false]) {
      checkLayer(`dense ${activation} useBias=${useBias}`, () => layers.dense({ units: 4, activation, useBias }), {
        inputShape: [5], reluMargin: activation === 'relu' ? 0.01 : undefined, seed: useBias ? 3 : 4,
      });
    }
  }
});

test('dense: a batch larger than one GEMM tile and more than 4 inputs and units', () => {
  checkLayer('dense 13→9 batch 7', () => layers.dense({ units: 9, activation: 'tanh' }), { inputShape: [13], batch: 7 });
});

test('conv2d: valid and same padding, strides 1 and 2, several channels, batch 3, bias on and off', () => {
  const cases = [
    { kernelSize: 3, strides: 1, padding: 'valid' },
    { kernelSize: 3, strides: 1, padding: 'same' },
    { kernelSize: 3, strides: 2, padding: 'valid' },
    { kernelSize: 3, strides: 2, padding: 'same' },
    { kernelSize: [2, 3], strides: [2, 1], padding: 'same' },
    { kernelSize: 4, strides: 2, padding: 'same' }, // even kernel: more padding after than before
  ] as const;
  for (const c of cases) {
    for (const useBias of [true, false]) {
      checkLayer(`conv2d ${JSON.stringify(c)} useBias=${useBias}`, () => layers.conv2d({ filters: 3, ...c, kernelSize: c.kernelSize as never, strides: c.strides as never, activation: 'tanh', useBias }), {
        inputShape: [6, 7, 2], batch: 3,
      });
    }
  }
});

test('conv2d with relu and with softmax over the channels', () => {
  checkLayer('conv2d relu', () => layers.conv2d({ filters: 2, kernelSize: 2, padding: 'same', activation: 'relu' }), {
    inputShape: [4, 4, 3], batch: 2, reluMargin: 0.01,
  });
  checkLayer('conv2d softmax', () => layers.conv2d({ filters: 3, kernelSize: 2, strides: 2, activation: 'softmax' }), { inputShape: [5, 5, 2] });
});

test('maxPooling2d: valid, same, strides different from the pool size, several channels', () => {
  const cases = [
    { poolSize: 2, padding: 'valid' },
    { poolSize: 2, padding: 'same' },
    { poolSize: 3, strides: 2, padding: 'valid' },
    { poolSize: 3, strides: 2, padding: 'same' },
    { poolSize: [2, 3], strides: 1, padding: 'same' }, // overlapping windows: one input wins several
    { poolSize: 2, strides: 3, padding: 'valid' }, // gaps: some inputs are in no window
  ] as const;
  const inputShape = [5, 7, 2];
  for (const c of cases) {
    // distinct values 0.01 apart: no ties, and ±eps never changes a window's winner
    checkLayer(`maxPooling2d ${JSON.stringify(c)}`, () => layers.maxPooling2d(c as never), {
      inputShape, batch: 3, input: distinctArray(3 * sizeOf(inputShape), 5, 0.01),
    });
  }
});

test('flatten passes gradients through unchanged in shape and value', () => {
  checkLayer('flatten', () => layers.flatten(), { inputShape: [3, 2, 2] });
});

test('dropout in training mode with a fixed stream: the same mask scales values and gradients', () => {
  const rate = 0.4;
  const x = uniformArray(3 * 20, 8);
  checkLayer('dropout', () => layers.dropout({ rate }), { inputShape: [20], input: x, training: true });
  // the mask really drops about `rate` of the values and scales the rest by 1/(1 − rate)
  const layer = layers.dropout({ rate });
  layer.buildFor([20], new Random(0));
  const y = layer.forward(new Tensor([3, 20], x), { training: true, rng: new Random(9) });
  const dropped = y.f32.filter((v) => v === 0).length;
  assert.ok(dropped > 10 && dropped < 40, `${dropped} of 60 dropped`);
  y.f32.forEach((v, i) => assert.ok(v === 0 || Math.abs(v - x[i]! / (1 - rate)) < 1e-6));
  // and inference is the identity
  const inference = layer.forward(new Tensor([3, 20], x), { training: false, rng: new Random(9) });
  assert.deepEqual([...inference.f32], [...x]);
});

test('activation layer: relu, sigmoid, tanh, linear, softmax', () => {
  for (const activation of ['relu', 'sigmoid', 'tanh', 'linear', 'softmax'] as const) {
    // |x| ≥ 0.05 keeps ReLU inputs off the kink
    const x = uniformArray(3 * 6, 11).map((v) => (v < 0 ? v - 0.05 : v + 0.05));
    checkLayer(`activation ${activation}`, () => layers.activation({ activation }), { inputShape: [6], input: x });
  }
  checkLayer('activation softmax on images (over the channels)', () => layers.activation({ activation: 'softmax' }), { inputShape: [2, 2, 3] });
});

// ---- losses: each kernel returns Σ rows of the per-sample loss and writes d(that)/d(pred)·gradScale;
// with gradScale = 1/rows the gradient must be that of the batch mean.

const ROWS = 4;
const COLS = 5;
const sparseLabels: Labels = { data: Float32Array.from([3, 0, 4, 1]), sparse: true };
const oneHotLabels: Labels = { data: oneHot([3, 0, 4, 1], COLS), sparse: false };
// soft targets that do not sum to 1 exercise the Σt term of the softmax cross-entropy gradient
const softTargets: Labels = { data: uniformArray(ROWS * COLS, 12, 0, 1), sparse: false };

function oneHot(indices: number[], cols: number): Float32Array {
  const out = new Float32Array(indices.length * cols);
  indices.forEach((c, r) => (out[r * cols + c] = 1));
  return out;
}

function checkLoss(label: string, name: string, pred: Float32Array, labels: Labels, fromLogits: boolean): void {
  const loss = getLoss(name);
  const grad = new Float32Array(pred.length);
  const total = lossSum(loss, pred, fromLogits, labels, ROWS, COLS, grad, 1 / ROWS);
  assert.ok(Number.isFinite(total) && total > 0, `${label}: loss ${total}`);
  // without a gradient buffer the loss is the same
  assert.equal(lossSum(loss, pred, fromLogits, labels, ROWS, COLS, null, 1 / ROWS), total);
  checkGradient(`${label} dL/dpred`, () => lossSum(loss, pred, fromLogits, labels, ROWS, COLS, null, 1) / ROWS, pred, grad);
}

test('softmax cross-entropy from logits (the fused kernel): one-hot, sparse and soft targets', () => {
  const logits = uniformArray(ROWS * COLS, 13, -3, 3);
  checkLoss('softmaxCrossEntropy one-hot', 'categoricalCrossentropy', logits, oneHotLabels, true);
  checkLoss('softmaxCrossEntropy sparse', 'sparseCategoricalCrossentropy', logits, sparseLabels, true);
  checkLoss('softmaxCrossEntropy soft targets', 'categoricalCrossentropy', logits, softTargets, true);
  // large logits stay finite and exact
  const big = logits.map((v) => v * 100);
  const total = backend().softmaxCrossEntropy(null, big, sparseLabels, ROWS, COLS, 1);
  assert.ok(Number.isFinite(total), `loss of large logits: ${total}`);
});

test('cross-entropy of probabilities: normalised, unnormalised rows, one-hot and sparse', () => {
  const probs = uniformArray(ROWS * COLS, 14, 0.05, 1);
  checkLoss('crossEntropy unnormalised one-hot', 'categoricalCrossentropy', probs, oneHotLabels, false);
  checkLoss('crossEntropy unnormalised sparse', 'sparseCategoricalCrossentropy', probs, sparseLabels, false);
  const normalised = probs.slice();
  backend().softmax(normalised, uniformArray(ROWS * COLS, 15, -2, 2), ROWS, COLS);
  checkLoss('crossEntropy softmax rows', 'categoricalCrossentropy', normalised, oneHotLabels, false);
  checkLoss('crossEntropy soft targets', 'categoricalCrossentropy', normalised, softTargets, false);
});

test('mean squared error: gradient 2(p − t)/cols per row, averaged over the batch', () => {
  checkLoss('meanSquaredError', 'meanSquaredError', uniformArray(ROWS * COLS, 16), softTargets, false);
});

// ---- whole models through Sequential.lossOfBatch, which fuses softmax + cross-entropy from the logits

function checkModel(label: string, model: Sequential, x: Tensor, labels: Labels): void {
  const rows = x.shape[0]!;
  const out = model.forward(x, true);
  const grad = new Tensor(out.shape);
  model.lossOfBatch(out, labels, grad);
  const loss = () => model.lossOfBatch(model.forward(x, true), labels, null).loss / rows;
  const grads = model.trainableWeights.map((w) => Float32Array.from(w.grad.f32));
  model.trainableWeights.forEach((w, i) => checkGradient(`${label} ${model.layers.find((l) => l.weights.includes(w))!.name}/${w.name}`, loss, w.value.f32, grads[i]!));
}

function smallModel(last: 'softmax' | 'sigmoid' | 'separate softmax', loss: string): Sequential {
  const model = sequential({ seed: 21 });
  model.add(layers.conv2d({ filters: 2, kernelSize: 2, activation: 'tanh', inputShape: [4, 4, 2] }));
  model.add(layers.maxPooling2d({ poolSize: 2, strides: 1 }));
  model.add(layers.flatten());
  if (last === 'separate softmax') {
    model.add(layers.dense({ units: COLS }));
    model.add(layers.activation({ activation: 'softmax' }));
  } else {
    model.add(layers.dense({ units: COLS, activation: last }));
  }
  model.compile({ optimizer: optimizers.sgd(), loss });
  for (const w of model.trainableWeights) w.value.f32.set(uniformArray(w.value.size, w.value.size, -0.8, 0.8));
  return model;
}

test('Sequential: fused softmax + cross-entropy gradients reach every weight (dense softmax, separate softmax layer)', () => {
  const x = new Tensor([ROWS, 4, 4, 2], uniformArray(ROWS * 32, 22));
  checkModel('dense softmax, categorical', smallModel('softmax', 'categoricalCrossentropy'), x, oneHotLabels);
  checkModel('dense softmax, sparse', smallModel('softmax', 'sparseCategoricalCrossentropy'), x, sparseLabels);
  checkModel('activation softmax, categorical', smallModel('separate softmax', 'categoricalCrossentropy'), x, oneHotLabels);
  checkModel('sigmoid output, mse', smallModel('sigmoid', 'meanSquaredError'), x, softTargets);
  checkModel('sigmoid output, cross-entropy of probabilities', smallModel('sigmoid', 'categoricalCrossentropy'), x, oneHotLabels);
});
