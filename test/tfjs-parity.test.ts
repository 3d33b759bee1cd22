// Parity with TensorFlow.js (cpu backend): the same weights and inputs give the same outputs and
// gradients for dense, conv2d, max-pool and the losses, and the same parameters after a few steps
// of every optimizer. Tolerances, relative to the largest reference value (see checkClose):
// 1e-5 for forward values, 1e-4 for gradients and for parameters after training.

import assert from 'node:assert/strict';
import test from 'node:test';
import { layers, optimizers, Random, sequential, Tensor } from '../src/node.js';
import type { Labels } from '../src/backend/backend.js';
import { getLoss, lossSum } from '../src/losses.js';
import type { FusedLayer as Layer } from '../src/layers/fused.js';
import { add, mul, sum } from '../src/ops/arithmetic.js';
import { ones } from '../src/ops/creation.js';
import { gradientsOf } from '../src/ops/engine.js';
import { checkClose, maxAbsDiff, uniformArray } from './helpers/check.js';
import { tfjs } from './helpers/tfjs.js';

const FORWARD_TOL = 1e-5;
const GRAD_TOL = 1e-4;

type TF = Awaited<ReturnType<typeof tfjs>>;
type TfTensor = ReturnType<TF['tensor']>;
type Optimizer = optimizers.Optimizer;

/** Max differences seen, printed at the end so a run shows how close the two engines are. */
const worst: Record<string, number> = {};
function compare(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, label: string, kind: string): void {
  const relative = checkClose(a, b, tol, label);
  worst[kind] = Math.max(worst[kind] ?? 0, relative);
}
test.after(() => {
  const lines = Object.entries(worst).map(([k, v]) => `${k}: ${v.toExponential(2)}`);
  console.log(`max difference vs TF.js, relative to the largest value: ${lines.join(', ')}`);
});

/**
 * Runs our layer forward and backward with L = Σ y·R, and the same function in TF.js, and compares
 * y, dL/dx and dL/dW. tfForward gets x and the weights in our order (kernel, bias).
 */
async function checkLayer(label: string, layer: Layer, inputShape: number[], batch: number, tfForward: (tf: TF, x: TfTensor, ...weights: TfTensor[]) => TfTensor): Promise<void> {
  const tf = await tfjs();
  layer.buildFor(inputShape, new Random(1));
  layer.weights.forEach((w, i) => w.value.f32.set(uniformArray(w.value.size, 10 + i, -0.5, 0.5)));
  const x = new Tensor([batch, ...inputShape], uniformArray(batch * inputShape.reduce((a, b) => a * b, 1), 2));
  const y = layer.forward(x, { training: false, rng: new Random(0) });
  const ours = Float32Array.from(y.f32);
  const r = uniformArray(y.size, 3);
  const dx = Float32Array.from(layer.backward(new Tensor(y.shape, r)).f32);

  const xt = tf.tensor(x.f32, x.shape as number[]);
  const wt = layer.weights.map((w) => tf.tensor(w.value.f32, w.value.shape as number[]));
  const theirs = tfForward(tf, xt, ...wt);
  assert.deepEqual(theirs.shape, y.shape, `${label}: output shape`);
  compare(ours, theirs.dataSync(), FORWARD_TOL, `${label} forward`, 'forward');
  const rt = tf.tensor(r, y.shape as number[]);
  const grads = tf.grads((...args: TfTensor[]) => tf.sum(tf.mul(tfForward(tf, args[0]!, ...args.slice(1)), rt)))([xt, ...wt]);
  compare(dx, grads[0]!.dataSync(), GRAD_TOL, `${label} dL/dx`, 'gradient');
  layer.weights.forEach((w, i) => compare(w.grad.f32, grads[i + 1]!.dataSync(), GRAD_TOL, `${label} dL/d${w.name}`, 'gradient'));
  // the same layer through call() on the tape: what functional models and custom code train with
  const sources = [x, ...layer.weights.map((w) => w.value)];
  const tape = gradientsOf(() => sum(mul(layer.call(x) as Tensor, new Tensor(y.shape, r))), sources, undefined, (t) => ones(t.shape), add);
  compare((layer.call(x) as Tensor).f32, theirs.dataSync(), FORWARD_TOL, `${label} call()`, 'forward');
  tape.grads.forEach((g, i) => compare(g!.f32, grads[i]!.dataSync(), GRAD_TOL, `${label} call() ${i === 0 ? 'dL/dx' : `dL/d${layer.weights[i - 1]!.name}`}`, 'gradient'));
  tf.dispose([xt, ...wt, theirs, rt, ...grads]);
}

function tfActivation(tf: TF, z: TfTensor, activation: string): TfTensor {
  switch (activation) {
    case 'relu': return tf.relu(z);
    case 'sigmoid': return tf.sigmoid(z);
    case 'tanh': return tf.tanh(z);
    case 'softmax': return tf.softmax(z);
    default: return z;
  }
}

test('dense matches tf.matMul + bias for every activation', async () => {
  for (const activation of ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'] as const) {
    await checkLayer(`dense ${activation}`, layers.dense({ units: 6, activation }), [9], 5, (tf, x, w, b) => tfActivation(tf, tf.add(tf.matMul(x, w!), b!), activation));
  }
  await checkLayer('dense no bias', layers.dense({ units: 3, useBias: false }), [4], 2, (tf, x, w) => tf.matMul(x, w!));
});

test('conv2d matches tf.conv2d: valid and same, strides 1 and 2, several channels, batch > 1', async () => {
  const cases = [
    { kernelSize: 3, strides: 1, padding: 'valid' },
    { kernelSize: 3, strides: 1, padding: 'same' },
    { kernelSize: 3, strides: 2, padding: 'valid' },
    { kernelSize: 3, strides: 2, padding: 'same' },
    { kernelSize: 4, strides: 2, padding: 'same' },
    { kernelSize: [2, 3], strides: [1, 2], padding: 'same' },
  ] as const;
  for (const c of cases) {
    const pair = (v: number | readonly [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);
    const strides = pair(c.strides);
    await checkLayer(`conv2d ${JSON.stringify(c)}`, layers.conv2d({ filters: 4, kernelSize: pair(c.kernelSize), strides, padding: c.padding, activation: 'relu' }), [7, 8, 3], 3,
      (tf, x, w, b) => tf.relu(tf.add(tf.conv2d(x as never, w as never, strides, c.padding), b!)));
  }
  await checkLayer('conv2d no bias', layers.conv2d({ filters: 2, kernelSize: 2, useBias: false }), [5, 5, 2], 2, (tf, x, w) => tf.conv2d(x as never, w as never, 1, 'valid'));
});

test('maxPooling2d matches tf.maxPool: valid, same, strides different from the pool size', async () => {
  const cases = [
    { poolSize: 2, strides: 2, padding: 'valid' },
    { poolSize: 2, strides: 2, padding: 'same' },
    { poolSize: 3, strides: 2, padding: 'valid' },
    { poolSize: 3, strides: 2, padding: 'same' },
    { poolSize: 2, strides: 1, padding: 'same' },
    { poolSize: 2, strides: 3, padding: 'valid' },
  ] as const;
  for (const c of cases) {
    await checkLayer(`maxPooling2d ${JSON.stringify(c)}`, layers.maxPooling2d({ ...c }), [7, 6, 3], 2, (tf, x) => tf.maxPool(x as never, c.poolSize, c.strides, c.padding));
  }
});

test('losses match TF.js: softmax cross-entropy from logits, cross-entropy of probabilities, mse', async () => {
  const tf = await tfjs();
  const rows = 6;
  const cols = 5;
  const classes = [0, 4, 2, 2, 1, 3];
  const oneHot = new Float32Array(rows * cols);
  classes.forEach((c, r) => (oneHot[r * cols + c] = 1));
  const targets = tf.tensor2d(oneHot, [rows, cols]);
  const logits = uniformArray(rows * cols, 4, -4, 4);
  const probs = uniformArray(rows * cols, 5, 0.01, 1);
  const regression = uniformArray(rows * cols, 6);

  /** Our batch-mean loss and its gradient, vs TF.js's mean loss and tf.grad of it. */
  const check = (label: string, name: string, pred: Float32Array, labels: Labels, fromLogits: boolean, tfLoss: (p: TfTensor) => TfTensor) => {
    const grad = new Float32Array(pred.length);
    const mean = lossSum(getLoss(name), pred, fromLogits, labels, rows, cols, grad, 1 / rows) / rows;
    const p = tf.tensor2d(pred, [rows, cols]);
    const theirs = tfLoss(p);
    compare([mean], theirs.dataSync(), FORWARD_TOL, `${label} loss`, 'loss');
    compare(grad, tf.grad(tfLoss)(p).dataSync(), GRAD_TOL, `${label} gradient`, 'gradient');
  };
  const sparse: Labels = { data: Float32Array.from(classes), sparse: true };
  const dense: Labels = { data: oneHot, sparse: false };
  check('softmax cross-entropy (one-hot)', 'categoricalCrossentropy', logits, dense, true, (p) => tf.losses.softmaxCrossEntropy(targets, p));
  check('softmax cross-entropy (sparse)', 'sparseCategoricalCrossentropy', logits, sparse, true, (p) => tf.losses.softmaxCrossEntropy(targets, p));
  // Keras' categorical cross-entropy of probabilities: rows normalised, clipped to [1e-7, 1 − 1e-7]
  check('cross-entropy of probabilities', 'categoricalCrossentropy', probs, dense, false, (p) => tf.mean(tf.metrics.categoricalCrossentropy(targets, p)));
  // a true class with probability 0 and a row that is exactly one-hot: both ends of the clip
  const extreme = probs.slice();
  extreme[0 * cols + classes[0]!] = 0;
  extreme.fill(0, 1 * cols, 2 * cols);
  extreme[1 * cols + classes[1]!] = 1;
  check('cross-entropy of clipped probabilities', 'categoricalCrossentropy', extreme, dense, false, (p) => tf.mean(tf.metrics.categoricalCrossentropy(targets, p)));
  check('cross-entropy of softmax', 'categoricalCrossentropy', tf.softmax(tf.tensor2d(logits, [rows, cols])).dataSync() as Float32Array, dense, false,
    (p) => tf.mean(tf.metrics.categoricalCrossentropy(targets, p)));
  check('mean squared error', 'meanSquaredError', regression, { data: probs, sparse: false }, false, (p) => tf.losses.meanSquaredError(tf.tensor2d(probs, [rows, cols]), p));
});

// ---- training: a conv + dense model, identical batches, our optimizers vs tf.train.*

const STEPS = 4;
const BATCH = 5;
const IN = [6, 6, 2];
const CLASSES = 3;

function initialWeights(): Tensor[] {
  const shapes = [[3, 3, 2, 3], [3], [3 * 3 * 3, CLASSES], [CLASSES]];
  return shapes.map((s, i) => new Tensor(s, uniformArray(s.reduce((a, b) => a * b, 1), 30 + i, -0.5, 0.5)));
}

/** Trains our model on STEPS batches in order; returns the parameters before and after. */
async function trainOurs(optimizer: Optimizer, x: Tensor, y: Tensor): Promise<Float32Array[]> {
  const model = sequential({ seed: 1 });
  model.add(layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', inputShape: IN }));
  model.add(layers.flatten());
  model.add(layers.dense({ units: CLASSES, activation: 'softmax' }));
  model.setWeights(initialWeights());
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  await model.fit(x, y, { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0 });
  return model.getWeights().map((w) => w.f32);
}

async function trainTheirs(makeOptimizer: (tf: TF) => ReturnType<TF['train']['sgd']>, x: Tensor, y: Tensor): Promise<Float32Array[]> {
  const tf = await tfjs();
  const vars = initialWeights().map((w) => tf.variable(tf.tensor(w.f32, w.shape as number[])));
  const [kernel, bias, denseKernel, denseBias] = vars as unknown as [TfTensor, TfTensor, TfTensor, TfTensor];
  const optimizer = makeOptimizer(tf);
  const sample = IN.reduce((a, b) => a * b, 1);
  for (let step = 0; step < STEPS; step++) {
    const xb = tf.tensor4d(x.f32.subarray(step * BATCH * sample, (step + 1) * BATCH * sample), [BATCH, ...IN] as [number, number, number, number]);
    const yb = tf.tensor2d(y.f32.subarray(step * BATCH * CLASSES, (step + 1) * BATCH * CLASSES), [BATCH, CLASSES]);
    optimizer.minimize(() => {
      const h = tf.relu(tf.add(tf.conv2d(xb, kernel as never, 2, 'same'), bias));
      const logits = tf.add(tf.matMul(tf.reshape(h, [BATCH, -1]), denseKernel), denseBias);
      return tf.losses.softmaxCrossEntropy(yb, logits) as never;
    }, false, vars as never);
    tf.dispose([xb, yb]);
  }
  const out = vars.map((v) => v.dataSync() as Float32Array);
  tf.dispose(vars);
  optimizer.dispose();
  return out;
}

function trainingData(): { x: Tensor; y: Tensor } {
  const n = STEPS * BATCH;
  const x = new Tensor([n, ...IN], uniformArray(n * IN.reduce((a, b) => a * b, 1), 40));
  const y = new Tensor([n, CLASSES]);
  const rng = new Random(41);
  for (let i = 0; i < n; i++) y.f32[i * CLASSES + rng.int(CLASSES)] = 1;
  return { x, y };
}

const optimizerCases: { label: string; ours: () => Optimizer; theirs: (tf: TF) => ReturnType<TF['train']['sgd']> }[] = [
  { label: 'sgd', ours: () => optimizers.sgd({ learningRate: 0.1 }), theirs: (tf) => tf.train.sgd(0.1) },
  { label: 'sgd momentum', ours: () => optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }), theirs: (tf) => tf.train.momentum(0.1, 0.9) as never },
  { label: 'sgd nesterov', ours: () => optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), theirs: (tf) => tf.train.momentum(0.1, 0.9, true) as never },
  { label: 'rmsprop (defaults)', ours: () => optimizers.rmsprop(), theirs: (tf) => tf.train.rmsprop(0.001, 0.9, 0, 1e-7) as never },
  { label: 'rmsprop lr 0.01 rho 0.8', ours: () => optimizers.rmsprop({ learningRate: 0.01, rho: 0.8 }), theirs: (tf) => tf.train.rmsprop(0.01, 0.8, 0, 1e-7) as never },
  { label: 'adam (defaults)', ours: () => optimizers.adam(), theirs: (tf) => tf.train.adam(0.001, 0.9, 0.999, 1e-7) as never },
  { label: 'adam lr 0.01 beta1 0.8', ours: () => optimizers.adam({ learningRate: 0.01, beta1: 0.8 }), theirs: (tf) => tf.train.adam(0.01, 0.8, 0.999, 1e-7) as never },
];

for (const c of optimizerCases) {
  test(`${c.label}: parameters after ${STEPS} steps match tf.train`, async () => {
    const { x, y } = trainingData();
    const before = initialWeights();
    const ours = await trainOurs(c.ours(), x, y);
    const theirs = await trainTheirs(c.theirs, x, y);
    ['conv kernel', 'conv bias', 'dense kernel', 'dense bias'].forEach((name, i) => {
      compare(ours[i]!, theirs[i]!, GRAD_TOL, `${c.label} ${name}`, 'parameters');
      // the parameters moved, and the moves themselves agree (a stricter test when steps are small)
      const ourMove = ours[i]!.map((v, j) => v - before[i]!.f32[j]!);
      const theirMove = theirs[i]!.map((v, j) => v - before[i]!.f32[j]!);
      assert.ok(maxAbsDiff(theirMove, new Float32Array(theirMove.length)).diff > 1e-4, `${c.label} ${name} did not move`);
      compare(ourMove, theirMove, 1e-3, `${c.label} ${name} change`, 'parameter change');
    });
  });
}
