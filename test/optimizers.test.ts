// Every tf.train optimizer against TensorFlow.js: the same variables and loss, minimized step by
// step on both libraries and compared after each step, for several argument combinations; then
// getConfig, the names compile() accepts, refusals, checkpoint state, and a model trained by fit.

import assert from 'node:assert/strict';
import test from 'node:test';
import type * as tfjs from '@tensorflow/tfjs';
import * as tg from '../src/node.js';
import { checkClose, uniformArray } from './helpers/check.js';
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
