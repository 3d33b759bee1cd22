// Every tf.train optimizer against TensorFlow.js: the same variables and loss, minimized step by
// step on both libraries and compared after each step, for several argument combinations; then
// getConfig, the names compile() accepts, refusals, checkpoint state, and a model trained by fit.

import assert from 'node:assert/strict';
import test from 'node:test';
import type * as tfjs from '@tensorflow/tfjs';
import * as tg from '../src/node.js';
import { checkClose, maxAbsDiff, uniformArray } from './helpers/check.js';
import { tfjs as loadTfjs } from './helpers/tfjs.js';

const tf = await loadTfjs();
type Lib = typeof tfjs;
const ours = tg as unknown as Lib;

interface Case {
  label: string;
  make: (train: Lib['train']) => tfjs.Optimizer;
}

const CASES: Case[] = [
  { label: 'sgd(0.1)', make: (t) => t.sgd(0.1) },
  { label: 'momentum(0.05, 0.9)', make: (t) => t.momentum(0.05, 0.9) },
  { label: 'momentum(0.05, 0.9, true)', make: (t) => t.momentum(0.05, 0.9, true) },
  { label: 'momentum(0.1, 0)', make: (t) => t.momentum(0.1, 0) },
  { label: 'rmsprop(0.01)', make: (t) => t.rmsprop(0.01) },
  { label: 'rmsprop(0.01, 0.8, 0.5)', make: (t) => t.rmsprop(0.01, 0.8, 0.5) },
  { label: 'rmsprop(0.01, 0.8, 0.5, 1e-12, true)', make: (t) => t.rmsprop(0.01, 0.8, 0.5, 1e-12, true) },
  { label: 'rmsprop(0.02, 0.95, 0.7, null, true)', make: (t) => t.rmsprop(0.02, 0.95, 0.7, null as never, true) },
  { label: 'adam()', make: (t) => t.adam() },
  { label: 'adam(0.05, 0.8, 0.99, 1e-3)', make: (t) => t.adam(0.05, 0.8, 0.99, 1e-3) },
  { label: 'adagrad(0.1)', make: (t) => t.adagrad(0.1) },
  { label: 'adagrad(0.3, 0.5)', make: (t) => t.adagrad(0.3, 0.5) },
  { label: 'adadelta()', make: (t) => t.adadelta() },
  { label: 'adadelta(0.2)', make: (t) => t.adadelta(0.2) },
  { label: 'adadelta(0.5, 0.5, 1e-3)', make: (t) => t.adadelta(0.5, 0.5, 1e-3) },
  { label: 'adamax()', make: (t) => t.adamax() },
  { label: 'adamax(0.05, 0.8, 0.95, 1e-3, 0.1)', make: (t) => t.adamax(0.05, 0.8, 0.95, 1e-3, 0.1) },
];

const STEPS = 5;
const X = uniformArray(6 * 3, 31);
const Y = uniformArray(6 * 2, 32, -0.8, 0.8);
const W0 = uniformArray(3 * 2, 33);
const B0 = uniformArray(2, 34, -0.2, 0.2);

/** A loss with gradients of different sizes per element: a tanh regression plus a quartic penalty on w. */
function lossOf(t: Lib, w: tfjs.Variable, b: tfjs.Variable): tfjs.Scalar {
  const x = t.tensor2d(X, [6, 3]);
  const y = t.tensor2d(Y, [6, 2]);
  const fit = t.matMul(x, w).add(b).tanh().sub(y).square().mean();
  return fit.add(w.square().square().sum().mul(0.05)) as tfjs.Scalar;
}

/** The variables' values after each of STEPS minimize steps. */
function trajectory(t: Lib, make: Case['make']): number[][] {
  const w = t.variable(t.tensor2d(W0, [3, 2]));
  const b = t.variable(t.tensor1d(B0));
  const optimizer = make(t.train);
  const seen: number[][] = [];
  for (let step = 0; step < STEPS; step++) {
    optimizer.minimize(() => lossOf(t, w, b), false, [w, b]);
    seen.push([...w.dataSync(), ...b.dataSync()]);
  }
  t.dispose([w, b]);
  return seen;
}

for (const { label, make } of CASES) {
  test(`train.${label} takes TF.js' steps`, () => {
    const theirs = trajectory(tf, make);
    const mine = trajectory(ours, make);
    theirs.forEach((expected, step) => checkClose(mine[step]!, expected, 1e-5, `${label}, after step ${step + 1}`));
    assert.notDeepEqual(theirs.at(-1), [...W0, ...B0], 'the variables move');
  });
}

test("getConfig and getClassName give TF.js' keys, values and names", () => {
  for (const { label, make } of CASES) {
    const theirs = make(tf.train);
    const mine = make(ours.train);
    assert.deepEqual(mine.getConfig(), theirs.getConfig(), `${label}: getConfig`);
    assert.equal(mine.getClassName(), theirs.getClassName(), `${label}: getClassName`);
  }
});

// kernel and bias of a dense layer 3 → 6 (tanh), then 6 → 2
const MODEL_WEIGHTS = [uniformArray(3 * 6, 35, -0.6, 0.6), uniformArray(6, 36, -0.1, 0.1), uniformArray(6 * 2, 37, -0.6, 0.6), uniformArray(2, 38, -0.1, 0.1)];

/** A small model compiled with the optimizer, trained by fit: its losses per epoch, final weights and compiled optimizer. */
async function fitProgram(t: Lib, optimizer: tfjs.Optimizer | string) {
  const model = t.sequential();
  model.add(t.layers.dense({ units: 6, activation: 'tanh', inputShape: [3] }));
  model.add(t.layers.dense({ units: 2 }));
  model.compile({ optimizer, loss: 'meanSquaredError' });
  model.setWeights(MODEL_WEIGHTS.map((w, i) => t.tensor(w, model.getWeights()[i]!.shape)));
  const history = await model.fit(t.tensor2d(X, [6, 3]), t.tensor2d(Y, [6, 2]), { epochs: 4, batchSize: 3, shuffle: false, verbose: 0 });
  const compiled = model.optimizer;
  return { losses: history.history['loss'] as number[], weights: model.getWeights().flatMap((w) => Array.from(w.dataSync())), config: compiled.getConfig(), className: compiled.getClassName() };
}

test("compile({optimizer: name}) gives TF.js' optimizer with TF.js' defaults for that name", async () => {
  for (const name of ['sgd', 'rmsprop', 'adam', 'adagrad', 'adadelta', 'adamax']) {
    const theirs = await fitProgram(tf, name);
    const mine = await fitProgram(ours, name);
    assert.deepEqual(mine.config, theirs.config, `${name}: config`);
    assert.equal(mine.className, theirs.className, `${name}: class name`);
    checkClose(mine.losses, theirs.losses, 1e-4, `${name}: losses`);
  }
});

test('a Sequential model compiled with each optimizer object trains by fit, as in TF.js', async () => {
  for (const { label, make } of CASES) {
    const theirs = await fitProgram(tf, make(tf.train));
    const mine = await fitProgram(ours, make(ours.train));
    if (theirs.losses.some(Number.isNaN)) {
      // centered RMSProp with the default epsilon, on this model (see the test below): NaN as in TF.js
      assert.ok(mine.losses.some(Number.isNaN), `${label}: NaN as in TF.js`);
      continue;
    }
    assert.ok(mine.losses.at(-1)! < mine.losses[0]!, `${label}: the loss falls (${mine.losses.join(', ')})`);
    checkClose(mine.losses, theirs.losses, 1e-4, `${label}: losses`);
    checkClose(mine.weights, theirs.weights, 1e-4, `${label}: trained weights`);
  }
});

test('centered RMSProp subtracts epsilon under the root as TF.js does: NaN where the gradient varies less than epsilon', () => {
  const step = (t: Lib) => {
    const v = t.variable(t.tensor1d([1, 2]));
    t.train.rmsprop(0.1, 0.9, 0, null as never, true).minimize(() => v.mul(t.tensor1d([0, 1])).sum() as tfjs.Scalar, false, [v]);
    const values = Array.from(v.dataSync());
    v.dispose();
    return values;
  };
  const theirs = step(tf);
  const mine = step(ours);
  assert.ok(Number.isNaN(theirs[0]!) && Number.isNaN(mine[0]!), `a zero gradient: ${mine[0]} (TF.js: ${theirs[0]})`);
  checkClose(mine.slice(1), theirs.slice(1), 1e-6, 'a gradient of 1');
});

test('optimizer state carried over (as checkpoints do) continues the same steps', () => {
  for (const make of [(t: Lib['train']) => t.adagrad(0.3, 0.5), (t: Lib['train']) => t.rmsprop(0.02, 0.95, 0.7, null as never, true), (t: Lib['train']) => t.adamax(0.05, 0.8, 0.95, 1e-3, 0.1)]) {
    const variables = () => [tg.variable(tg.tensor2d(W0, [3, 2])), tg.variable(tg.tensor1d(B0))] as const;
    const asWeights = (vs: readonly tg.Variable[]) => vs.map((v) => ({ name: v.name, value: v as tg.Tensor, grad: v as tg.Tensor }));
    const step = (optimizer: tg.optimizers.Optimizer, [w, b]: readonly tg.Variable[]) => optimizer.minimize(() => lossOf(ours, w as never, b as never) as never, false, [w!, b!]);
    const whole = variables();
    const first = make(ours.train) as unknown as tg.optimizers.Optimizer;
    for (let i = 0; i < 2; i++) step(first, whole);
    const resumed = variables();
    resumed.forEach((v, i) => v.assign(whole[i]!));
    const second = make(ours.train) as unknown as tg.optimizers.Optimizer;
    second.setState(asWeights(resumed), first.getState(asWeights(whole)));
    for (let i = 0; i < 3; i++) {
      step(first, whole);
      step(second, resumed);
    }
    assert.deepEqual([...resumed[0].dataSync(), ...resumed[1].dataSync()], [...whole[0].dataSync(), ...whole[1].dataSync()], first.className);
    assert.equal(second.iterations, 5);
    tg.dispose([...whole, ...resumed]);
  }
});

test('values an optimizer cannot honour are refused in one line naming the argument and value', () => {
  const t = tg.train;
  const refusals: [() => unknown, RegExp][] = [
    [() => t.sgd(undefined as never), /^train\.sgd: learningRate is required, received learningRate=undefined\.$/],
    [() => t.sgd(-0.1), /^SGD: expected learningRate to be a number >= 0, received learningRate=-0\.1\.$/],
    [() => t.sgd('0.1' as never), /^SGD: expected learningRate to be a number >= 0, received learningRate="0\.1"\.$/],
    [() => t.momentum(0.1, undefined as never), /^train\.momentum: momentum is required, received momentum=undefined\.$/],
    [() => t.momentum(0.1, -0.5), /^Momentum: expected momentum to be a number >= 0, received momentum=-0\.5\.$/],
    [() => t.momentum(0.1, 0.9, 1 as never), /^Momentum: expected useNesterov to be true or false, received useNesterov=1\.$/],
    [() => t.rmsprop(null as never), /^train\.rmsprop: learningRate is required, received learningRate=null\.$/],
    [() => t.rmsprop(0.1, 1.5), /^RMSProp: expected decay to be a number in \[0, 1\], received decay=1\.5\.$/],
    [() => t.rmsprop(0.1, 0.9, NaN), /^RMSProp: expected momentum to be a number >= 0, received momentum=NaN\.$/],
    [() => t.rmsprop(0.1, 0.9, 0, -1e-7), /^RMSProp: expected epsilon to be a number >= 0, received epsilon=-1e-7\.$/],
    [() => t.rmsprop(0.1, 0.9, 0, null, 'yes' as never), /^RMSProp: expected centered to be true or false, received centered="yes"\.$/],
    [() => t.adam(Infinity), /^Adam: expected learningRate to be a number >= 0, received learningRate=Infinity\.$/],
    [() => t.adam(0.1, 1), /^Adam: expected beta1 to be a number in \[0, 1\), received beta1=1\.$/],
    [() => t.adam(0.1, 0.9, 1), /^Adam: expected beta2 to be a number in \[0, 1\), received beta2=1\.$/],
    [() => t.adagrad(undefined as never), /^train\.adagrad: learningRate is required/],
    [() => t.adagrad(0.1, -1), /^Adagrad: expected initialAccumulatorValue to be a number >= 0, received initialAccumulatorValue=-1\.$/],
    [() => t.adadelta(0.1, 2), /^Adadelta: expected rho to be a number in \[0, 1\], received rho=2\.$/],
    [() => t.adamax(0.1, 1), /^Adamax: expected beta1 to be a number in \[0, 1\), received beta1=1\.$/],
    [() => t.adamax(0.1, 0.9, 1.5), /^Adamax: expected beta2 to be a number in \[0, 1\], received beta2=1\.5\.$/],
    [() => t.adamax(0.1, 0.9, 0.999, null, -0.1), /^Adamax: expected decay to be a number >= 0, received decay=-0\.1\.$/],
    [() => t.adam().setLearningRate(-1), /^Adam: expected learningRate to be a number >= 0, received learningRate=-1\.$/],
    [() => tg.optimizers.adam({ lr: 0.1 } as never), /^Adam: option 'lr' is not supported \(supported: learningRate, beta1, beta2, epsilon, clipnorm, clipvalue, globalClipnorm, weightDecay\)\.$/],
    [() => tg.optimizers.sgd({ decay: 0.1 } as never), /^optimizers\.sgd: option 'decay' is not supported/],
    [() => tg.optimizers.rmsprop({ rho: -1 }), /^optimizers\.rmsprop: expected rho to be a number in \[0, 1\], received rho=-1\.$/],
    [() => tg.optimizers.getOptimizer('lion'), /^Unknown optimizer 'lion'\. Expected one of: sgd, rmsprop, adam, adagrad, adadelta, adamax, adamw, nadam\.$/],
  ];
  for (const [make, message] of refusals) assert.throws(make, (e: Error) => e instanceof tg.TegakiError && message.test(e.message), String(message));
});

test("values TF.js accepts are honoured: epsilon null, a learning rate of 0, beta2 = 1 in adamax, Keras' option names", () => {
  assert.equal(tg.train.adam(0.1, 0.9, 0.999, null).epsilon, 1e-7);
  assert.equal(tg.train.sgd(0).learningRate, 0);
  assert.equal(tg.train.adamax(0.1, 0.9, 1).beta2, 1);
  assert.equal(tg.train.momentum(0.1, 1.2).momentum, 1.2);
  const keras = tg.optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true });
  assert.deepEqual([keras.getClassName(), keras.getConfig()], ['Momentum', { learningRate: 0.1, momentum: 0.9, useNesterov: true }]);
  assert.deepEqual(tg.optimizers.rmsprop({ rho: 0.8, centered: true }).getConfig(), { learningRate: 0.001, decay: 0.8, momentum: 0, epsilon: 1e-7, centered: true });
  const sgd = tg.train.sgd(0.1);
  sgd.setLearningRate(0.2);
  assert.deepEqual(sgd.getConfig(), { learningRate: 0.2 });
});

// ---- Keras' optimizers and options, step by step against the Keras formulas written out here ----

/** Per-variable slots of a reference optimizer, by slot name. */
type Slots = Record<string, Float64Array>;
/** One Keras update_step on p from g at learning rate lr; t counts this update (1 on the first). */
type KerasStep = (p: Float64Array, g: Float64Array, s: Slots, lr: number, t: number) => void;

interface KerasOptions {
  clipnorm?: number;
  clipvalue?: number;
  globalClipnorm?: number;
  weightDecay?: number;
  /** The learning rate of update t (1-based): Keras evaluates a schedule at t − 1. */
  lr: (t: number) => number;
  /** Called once per apply, before the updates (Nadam's u_product). */
  beforeStep?: (t: number) => void;
}

const l2 = (g: Float64Array): number => Math.sqrt(g.reduce((sum, x) => sum + x * x, 0));
const scaleBy = (g: Float64Array, s: number): Float64Array => g.map((x) => x * s);

/** Keras' BaseOptimizer.apply: clip (_clip_gradients), decay (_apply_weight_decay), then each update_step. */
function kerasApply(params: Float64Array[], grads: Float64Array[], slots: Slots[], o: KerasOptions, t: number, step: KerasStep): void {
  let gs = grads;
  if (o.clipnorm) gs = gs.map((g) => scaleBy(g, o.clipnorm! / Math.max(l2(g), o.clipnorm!)));
  else if (o.globalClipnorm) {
    const norm = Math.sqrt(gs.reduce((sum, g) => sum + l2(g) ** 2, 0));
    gs = gs.map((g) => scaleBy(g, o.globalClipnorm! * Math.min(1 / norm, 1 / o.globalClipnorm!)));
  } else if (o.clipvalue) gs = gs.map((g) => g.map((x) => Math.min(Math.max(x, -o.clipvalue!), o.clipvalue!)));
  const lr = o.lr(t);
  if (o.weightDecay !== undefined) for (const p of params) p.forEach((x, i) => (p[i] = x - x * o.weightDecay! * lr));
  o.beforeStep?.(t);
  params.forEach((p, i) => step(p, gs[i]!, slots[i]!, lr, t));
}

const slot = (s: Slots, name: string, n: number): Float64Array => (s[name] ??= new Float64Array(n));

/** Keras' SGD.update_step. */
const kerasSgd = (momentum: number, nesterov: boolean): KerasStep => (p, g, s, lr) => {
  if (momentum === 0) return p.forEach((x, i) => (p[i] = x - lr * g[i]!));
  const m = slot(s, 'momentum', p.length);
  for (let i = 0; i < p.length; i++) {
    m[i] = m[i]! * momentum - g[i]! * lr;
    p[i] += nesterov ? m[i]! * momentum - g[i]! * lr : m[i]!;
  }
};

/** Keras' Adam.update_step (AdamW's too), with amsgrad. */
const kerasAdam = (beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7, amsgrad = false): KerasStep => (p, g, s, lr, t) => {
  const [m, v, vHat] = ['m', 'v', 'vhat'].map((name) => slot(s, name, p.length));
  const alpha = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
  for (let i = 0; i < p.length; i++) {
    m![i] += (g[i]! - m![i]!) * (1 - beta1);
    v![i] += (g[i]! ** 2 - v![i]!) * (1 - beta2);
    vHat![i] = Math.max(vHat![i]!, v![i]!);
    p[i] -= (m![i]! * alpha) / (Math.sqrt(amsgrad ? vHat![i]! : v![i]!) + epsilon);
  }
};

/** TF.js' Adam (what tegaki's adam computes), for weightDecay on it. */
const tfjsAdam = (beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7): KerasStep => (p, g, s, lr, t) => {
  const [m, v] = ['m', 'v'].map((name) => slot(s, name, p.length));
  for (let i = 0; i < p.length; i++) {
    m![i] = beta1 * m![i]! + (1 - beta1) * g[i]!;
    v![i] = beta2 * v![i]! + (1 - beta2) * g[i]! ** 2;
    p[i] -= (lr * (m![i]! / (1 - beta1 ** t))) / (Math.sqrt(v![i]! / (1 - beta2 ** t)) + epsilon);
  }
};

/** Keras' Nadam: its _u_product is updated once per apply (beforeStep), then each update_step. */
function kerasNadam(beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7): { step: KerasStep; beforeStep: (t: number) => void } {
  let uProduct = 1;
  const u = (t: number) => beta1 * (1 - 0.5 * 0.96 ** t);
  return {
    beforeStep: (t) => void (uProduct *= u(t)),
    step: (p, g, s, lr, t) => {
      const [m, v] = ['m', 'v'].map((name) => slot(s, name, p.length));
      const uProductNext = uProduct * u(t + 1);
      for (let i = 0; i < p.length; i++) {
        m![i] += (g[i]! - m![i]!) * (1 - beta1);
        v![i] += (g[i]! ** 2 - v![i]!) * (1 - beta2);
        const mHat = (u(t + 1) * m![i]!) / (1 - uProductNext) + ((1 - u(t)) * g[i]!) / (1 - uProduct);
        const vHat = v![i]! / (1 - beta2 ** t);
        p[i] -= (mHat * lr) / (Math.sqrt(vHat) + epsilon);
      }
    },
  };
}

/** Gradients of lossOf at these values, from TF.js (the oracle). */
function oracleGrads(w: Float64Array, b: Float64Array): Float64Array[] {
  const wv = tf.variable(tf.tensor2d(Float32Array.from(w), [3, 2]));
  const bv = tf.variable(tf.tensor1d(Float32Array.from(b)));
  const { grads } = tf.variableGrads(() => lossOf(tf, wv, bv), [wv, bv]);
  const out = [wv, bv].map((v) => Float64Array.from(grads[v.name]!.dataSync()));
  tf.dispose([wv, bv, ...Object.values(grads)]);
  return out;
}

/** The reference's values after each of STEPS updates. */
function kerasTrajectory(o: KerasOptions, step: KerasStep): number[][] {
  const params = [Float64Array.from(W0), Float64Array.from(B0)];
  const slots: Slots[] = [{}, {}];
  const seen: number[][] = [];
  for (let t = 1; t <= STEPS; t++) {
    kerasApply(params, oracleGrads(params[0]!, params[1]!), slots, o, t, step);
    seen.push([...params[0]!, ...params[1]!]);
  }
  return seen;
}

interface KerasCase {
  label: string;
  make: () => tg.optimizers.Optimizer;
  reference: () => [KerasOptions, KerasStep];
}

const at = (lr: number) => () => lr;
const { schedules } = tg.optimizers;

const KERAS_CASES: KerasCase[] = [
  { label: 'sgd({ momentum: 0.9 })', make: () => tg.optimizers.sgd({ learningRate: 0.05, momentum: 0.9 }), reference: () => [{ lr: at(0.05) }, kerasSgd(0.9, false)] },
  { label: 'sgd({ momentum: 0.9, nesterov: true })', make: () => tg.optimizers.sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true }), reference: () => [{ lr: at(0.05) }, kerasSgd(0.9, true)] },
  { label: 'adamw()', make: () => tg.optimizers.adamw(), reference: () => [{ lr: at(0.001), weightDecay: 0.004 }, kerasAdam()] },
  { label: 'adamw({ learningRate: 0.05, weightDecay: 0.3 })', make: () => tg.optimizers.adamw({ learningRate: 0.05, weightDecay: 0.3 }), reference: () => [{ lr: at(0.05), weightDecay: 0.3 }, kerasAdam()] },
  {
    label: 'adamw({ amsgrad, beta1: 0.5, beta2: 0.9, epsilon: 1e-3 })',
    make: () => tg.optimizers.adamw({ learningRate: 0.05, amsgrad: true, beta1: 0.5, beta2: 0.9, epsilon: 1e-3 }),
    reference: () => [{ lr: at(0.05), weightDecay: 0.004 }, kerasAdam(0.5, 0.9, 1e-3, true)],
  },
  { label: 'nadam()', make: () => tg.optimizers.nadam(), reference: () => { const n = kerasNadam(); return [{ lr: at(0.001), beforeStep: n.beforeStep }, n.step]; } },
  {
    label: 'nadam({ learningRate: 0.05, beta1: 0.8, beta2: 0.95, epsilon: 1e-3 })',
    make: () => tg.optimizers.nadam({ learningRate: 0.05, beta1: 0.8, beta2: 0.95, epsilon: 1e-3 }),
    reference: () => { const n = kerasNadam(0.8, 0.95, 1e-3); return [{ lr: at(0.05), beforeStep: n.beforeStep }, n.step]; },
  },
  { label: 'sgd({ clipnorm: 0.05 })', make: () => tg.optimizers.sgd({ learningRate: 0.1, clipnorm: 0.05 }), reference: () => [{ lr: at(0.1), clipnorm: 0.05 }, kerasSgd(0, false)] },
  { label: 'sgd({ globalClipnorm: 0.05 })', make: () => tg.optimizers.sgd({ learningRate: 0.1, globalClipnorm: 0.05 }), reference: () => [{ lr: at(0.1), globalClipnorm: 0.05 }, kerasSgd(0, false)] },
  { label: 'sgd({ clipvalue: 0.01 })', make: () => tg.optimizers.sgd({ learningRate: 0.1, clipvalue: 0.01 }), reference: () => [{ lr: at(0.1), clipvalue: 0.01 }, kerasSgd(0, false)] },
  { label: 'sgd({ momentum: 0.5, clipnorm: 0.1, weightDecay: 0.5 })', make: () => tg.optimizers.sgd({ learningRate: 0.1, momentum: 0.5, clipnorm: 0.1, weightDecay: 0.5 }), reference: () => [{ lr: at(0.1), clipnorm: 0.1, weightDecay: 0.5 }, kerasSgd(0.5, false)] },
  { label: 'adam({ weightDecay: 0.2, globalClipnorm: 0.3 })', make: () => tg.optimizers.adam({ learningRate: 0.05, weightDecay: 0.2, globalClipnorm: 0.3 }), reference: () => [{ lr: at(0.05), weightDecay: 0.2, globalClipnorm: 0.3 }, tfjsAdam()] },
  {
    // lr at update t is 0.1·0.5^((t − 1)/2): 0.1, 0.0707…, 0.05, 0.0354…, 0.025
    label: 'sgd with exponentialDecay',
    make: () => tg.optimizers.sgd({ learningRate: schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5 }) }),
    reference: () => [{ lr: (t) => 0.1 * 0.5 ** ((t - 1) / 2) }, kerasSgd(0, false)],
  },
  {
    // lr at update t: 0.05 for steps 0 and 1, then 0.01
    label: 'nadam with piecewiseConstantDecay and weightDecay',
    make: () => tg.optimizers.nadam({ learningRate: schedules.piecewiseConstantDecay({ boundaries: [1], values: [0.05, 0.01] }), weightDecay: 0.1 }),
    reference: () => { const n = kerasNadam(); return [{ lr: (t) => (t - 1 <= 1 ? 0.05 : 0.01), weightDecay: 0.1, beforeStep: n.beforeStep }, n.step]; },
  },
];

for (const { label, make, reference } of KERAS_CASES) {
  test(`optimizers.${label} takes the steps of Keras' formula`, () => {
    const [options, step] = reference();
    const expected = kerasTrajectory(options, step);
    const mine = trajectory(ours, () => make() as unknown as tfjs.Optimizer);
    expected.forEach((values, i) => checkClose(mine[i]!, values, 1e-5, `${label}, after step ${i + 1}`));
    assert.notDeepEqual(expected.at(-1), [...W0, ...B0], 'the variables move');
  });
}

test('clipping changes the steps it is meant to change (the cases above are not vacuous)', () => {
  const plain = kerasTrajectory({ lr: at(0.1) }, kerasSgd(0, false)).at(-1)!;
  for (const o of [{ clipnorm: 0.05 }, { globalClipnorm: 0.05 }, { clipvalue: 0.01 }]) {
    const clipped = kerasTrajectory({ lr: at(0.1), ...o }, kerasSgd(0, false)).at(-1)!;
    assert.ok(maxAbsDiff(clipped, plain).diff > 1e-3, `${JSON.stringify(o)} clips`);
  }
});

test('AdamW, Nadam and the options round-trip through getConfig and optimizerFromConfig, by name in compile', () => {
  const made = [
    tg.optimizers.adamw({ learningRate: 0.01, weightDecay: 0.1, amsgrad: true, clipnorm: 2 }),
    tg.optimizers.nadam({ beta1: 0.8, clipvalue: 0.5 }),
    tg.optimizers.rmsprop({ rho: 0.8, globalClipnorm: 1, weightDecay: 0.01 }),
    tg.optimizers.sgd({ learningRate: schedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 100, warmupTarget: 0.5, warmupSteps: 10 }), momentum: 0.9 }),
  ];
  for (const o of made) {
    const json = JSON.parse(JSON.stringify(o.getConfig())) as Record<string, unknown>;
    const back = tg.optimizers.optimizerFromConfig(o.getClassName(), json);
    assert.deepEqual(back.getConfig(), o.getConfig(), o.getClassName());
  }
  assert.deepEqual(made[0]!.getConfig(), { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: true, clipnorm: 2, weightDecay: 0.1 });
  assert.deepEqual((made[3]!.getConfig() as { learningRate: unknown }).learningRate, {
    className: 'CosineDecay', config: { initialLearningRate: 0.1, decaySteps: 100, alpha: 0, name: 'CosineDecay', warmupTarget: 0.5, warmupSteps: 10 },
  });
  assert.deepEqual([tg.optimizers.getOptimizer('AdamW').getConfig(), tg.optimizers.getOptimizer('nadam', 0.01).getConfig()], [
    { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false, weightDecay: 0.004 },
    { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  ]);
  // a schedule as Keras writes it: snake_case, with module and registered_name
  const keras = tg.optimizers.optimizerFromConfig('SGD', { learningRate: { module: 'keras.optimizers.schedules', class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.5, staircase: true, name: 'ExponentialDecay' }, registered_name: null } });
  assert.equal(keras.learningRateSchedule?.className, 'ExponentialDecay');
});

test("Keras' options that cannot be honoured are refused in one line naming the option and value", () => {
  const { optimizers } = tg;
  const refusals: [() => unknown, RegExp][] = [
    [() => optimizers.sgd({ clipnorm: 1, clipvalue: 0.5 }), /^SGD: only one of clipnorm, clipvalue and globalClipnorm can be set\. Received: clipnorm=1, clipvalue=0\.5, globalClipnorm=null\.$/],
    [() => optimizers.adam({ clipnorm: 1, globalClipnorm: 2 }), /^Adam: only one of clipnorm, clipvalue and globalClipnorm/],
    [() => optimizers.adam({ clipnorm: 0 }), /^Adam: expected clipnorm to be a number > 0, received clipnorm=0\.$/],
    [() => optimizers.rmsprop({ clipvalue: -1 }), /^RMSProp: expected clipvalue to be a number > 0, received clipvalue=-1\.$/],
    [() => optimizers.adagrad({ weightDecay: -0.1 }), /^Adagrad: expected weightDecay to be a number >= 0, received weightDecay=-0\.1\.$/],
    [() => optimizers.adamw({ weightDecay: null as never }), /^AdamW: expected weightDecay to be a number >= 0, received weightDecay=null\.$/],
    [() => optimizers.adamw({ amsgrad: 1 as never }), /^AdamW: expected amsgrad to be true or false, received amsgrad=1\.$/],
    [() => optimizers.adamw({ beta2: 1 }), /^AdamW: expected beta2 to be a number in \[0, 1\), received beta2=1\.$/],
    [() => optimizers.nadam({ useEma: true } as never), /^Nadam: option 'useEma' is not supported/],
    [() => optimizers.nadam({ epsilon: NaN }), /^Nadam: expected epsilon to be a number >= 0, received epsilon=NaN\.$/],
    [() => optimizers.sgd({ learningRate: schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9 }) }).setLearningRate(0.01), /^SGD: the learning rate follows the schedule ExponentialDecay it was created with and cannot be set \(received learningRate=0\.01\)/],
    [() => optimizers.optimizerFromConfig('Adam', { learningRate: { className: 'StepDecay', config: {} } }), /^Adam: learningRate names the schedule "StepDecay"; known: ExponentialDecay, /],
  ];
  for (const [make, message] of refusals) assert.throws(make, (e: Error) => e instanceof tg.TegakiError && message.test(e.message), String(message));
});

test('clipping never writes into the gradients applyGradients is given', () => {
  const v = tg.variable(tg.tensor1d([1, 2]));
  const grad = tg.tensor1d([3, -4]);
  tg.optimizers.sgd({ learningRate: 1, clipnorm: 1 }).applyGradients({ [v.name]: grad });
  assert.deepEqual([...grad.dataSync()], [3, -4]);
  checkClose(v.dataSync(), [1 - 0.6, 2 + 0.8], 1e-6, 'the step is the clipped gradient');
});
