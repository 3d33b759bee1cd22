// Learning-rate schedules (Keras' keras.optimizers.schedules): values at chosen steps worked out by
// hand from the Keras formulas, refusals, and training through fit with a schedule, whose rate
// changes every step as in Keras and whose weights match TF.js fed the same rates batch by batch.

import assert from 'node:assert/strict';
import test from 'node:test';
import type * as tfjs from '@tensorflow/tfjs';
import * as tg from '../src/node.js';
import { checkClose, uniformArray } from './helpers/check.js';
import { tfjs as loadTfjs } from './helpers/tfjs.js';

const tf = await loadTfjs();
type Lib = typeof tfjs;
const ours = tg as unknown as Lib;
const { schedules } = tg.optimizers;

/** [step, expected] pairs for a schedule, compared within float rounding. */
function checkValues(schedule: tg.optimizers.schedules.LearningRateSchedule, expected: [number, number][], label: string): void {
  checkClose(expected.map(([step]) => schedule.call(step)), expected.map(([, lr]) => lr), 1e-7, label);
}

test("exponentialDecay: initial · rate^(step / decaySteps), floored with staircase", () => {
  const smooth = schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
  // 0.1·0.5^0.5 = 0.0707106781; 0.1·0.5^2.5 = 0.0176776695
  checkValues(smooth, [[0, 0.1], [5, 0.0707106781], [10, 0.05], [25, 0.0176776695]], 'smooth');
  const stairs = schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
  checkValues(stairs, [[5, 0.1], [19, 0.05], [25, 0.025]], 'staircase');
});

test('inverseTimeDecay: initial / (1 + rate · step / decaySteps)', () => {
  // Keras' docstring example: 0.1 / (1 + 0.5·step)
  checkValues(schedules.inverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }), [[0, 0.1], [1, 0.1 / 1.5], [4, 0.1 / 3]], 'smooth');
  // staircase over 2 steps: step 3 → floor(1.5) = 1 → 0.1 / 1.5
  checkValues(schedules.inverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5, staircase: true }), [[1, 0.1], [3, 0.1 / 1.5], [4, 0.05]], 'staircase');
});

test('polynomialDecay: (initial − end)·(1 − step/decaySteps)^power + end, held at the end or cycling', () => {
  // 0.09·√0.5 + 0.01 = 0.0736396103
  checkValues(schedules.polynomialDecay({ initialLearningRate: 0.1, decaySteps: 10, endLearningRate: 0.01, power: 0.5 }), [[0, 0.1], [5, 0.0736396103], [10, 0.01], [20, 0.01]], 'held');
  // cycle: step 11 decays over 20 steps (p = 0.55 → 0.09·0.45 + 0.01 = 0.0505); step 15 → p = 0.75 → 0.0325
  const cycling = schedules.polynomialDecay({ initialLearningRate: 0.1, decaySteps: 10, endLearningRate: 0.01, cycle: true });
  checkValues(cycling, [[0, 0.1], [10, 0.01], [11, 0.0505], [15, 0.0325]], 'cycle');
  // the default end rate is 0.0001
  checkValues(schedules.polynomialDecay({ initialLearningRate: 1, decaySteps: 4 }), [[2, 0.50005], [4, 0.0001]], 'defaults');
});

test('piecewiseConstantDecay: values[i] up to and including boundaries[i]', () => {
  // Keras' docstring example
  const schedule = schedules.piecewiseConstantDecay({ boundaries: [100000, 110000], values: [1, 0.5, 0.1] });
  checkValues(schedule, [[0, 1], [100000, 1], [100001, 0.5], [110000, 0.5], [110001, 0.1]], 'piecewise');
});

test('cosineDecay: half a cosine from initial to alpha·initial, after a linear warmup when warmupTarget is given', () => {
  checkValues(schedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 100 }), [[0, 0.1], [50, 0.05], [100, 0], [200, 0]], 'plain');
  // alpha 0.1 at step 50: 0.1·(0.9·0.5 + 0.1) = 0.055
  checkValues(schedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 100, alpha: 0.1 }), [[50, 0.055], [100, 0.01]], 'alpha');
  // warmup 0 → 0.1 over 10 steps, then the decay from 0.1 over 100
  const warm = schedules.cosineDecay({ initialLearningRate: 0, decaySteps: 100, warmupTarget: 0.1, warmupSteps: 10 });
  checkValues(warm, [[0, 0], [5, 0.05], [10, 0.1], [60, 0.05], [110, 0], [500, 0]], 'warmup');
});

test('cosineDecayRestarts: periods growing by tMul, each starting from mMul times the last start', () => {
  // periods of 10, 20, 40 steps: step 15 is a quarter into the second, 0.5·(1 + cos(π/4)) = 0.8535533906
  checkValues(schedules.cosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 10 }), [[0, 1], [5, 0.5], [10, 1], [15, 0.8535533906], [20, 0.5], [30, 1]], 'tMul 2');
  // equal periods, each start halved: step 15 is halfway through the second (0.5·0.5), step 25 the third (0.25·0.5)
  checkValues(schedules.cosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 10, tMul: 1, mMul: 0.5 }), [[10, 0.5], [15, 0.25], [25, 0.125]], 'tMul 1');
});

test('schedules refuse arguments Keras refuses or cannot use, in one line naming the argument', () => {
  const refusals: [() => unknown, RegExp][] = [
    [() => schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.9 }), /^ExponentialDecay: expected decaySteps to be a number > 0, received decaySteps=0\.$/],
    [() => schedules.inverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 10 } as never), /^InverseTimeDecay: expected decayRate to be a finite number, received decayRate=undefined\.$/],
    [() => schedules.polynomialDecay({ initialLearningRate: '0.1' as never, decaySteps: 10 }), /^PolynomialDecay: expected initialLearningRate to be a finite number, received initialLearningRate="0\.1"\.$/],
    [() => schedules.piecewiseConstantDecay({ boundaries: [10], values: [1] }), /^PiecewiseConstantDecay: the length of boundaries should be 1 less than the length of values\. Received: boundaries=\[10\] of length 1, and values=\[1\] of length 1\.$/],
    [() => schedules.piecewiseConstantDecay({ boundaries: [10, 5], values: [1, 2, 3] }), /^PiecewiseConstantDecay: expected boundaries to increase strictly/],
    [() => schedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 10, warmup: 5 } as never), /^CosineDecay: option 'warmup' is not supported/],
    [() => schedules.cosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: -1 }), /^CosineDecayRestarts: expected firstDecaySteps to be a number > 0, received firstDecaySteps=-1\.$/],
    [() => schedules.cosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 5, name: 3 as never }), /^CosineDecayRestarts: expected name to be a string, received name=3\.$/],
  ];
  for (const [make, message] of refusals) assert.throws(make, (e: Error) => e instanceof tg.TegakiError && message.test(e.message), String(message));
});

test("a custom schedule extends LearningRateSchedule; one without getConfig is refused when saved", async () => {
  class Halving extends tg.optimizers.LearningRateSchedule {
    readonly className = 'Halving';
    call(step: number): number {
      return 0.1 / 2 ** step;
    }
  }
  const optimizer = tg.optimizers.sgd({ learningRate: new Halving() });
  const v = tg.variable(tg.tensor1d([1]));
  for (let i = 0; i < 3; i++) optimizer.applyGradients({ [v.name]: tg.tensor1d([1]) });
  // 1 − 0.1 − 0.05 − 0.025
  checkClose(v.dataSync(), [0.825], 1e-6, 'three halving steps');
  assert.equal(optimizer.learningRate, 0.0125);
  assert.throws(() => optimizer.getConfig(), (e: Error) => e instanceof tg.TegakiError && /^Learning rate schedule 'Halving' must override getConfig\(\) in order to be serializable\.$/.test(e.message));
});

const X = uniformArray(12 * 3, 51);
const Y = uniformArray(12 * 2, 52, -0.8, 0.8);
const WEIGHTS = [uniformArray(3 * 6, 53, -0.6, 0.6), uniformArray(6, 54, -0.1, 0.1), uniformArray(6 * 2, 55, -0.6, 0.6), uniformArray(2, 56, -0.1, 0.1)];

/** A dense 3 → 6 (tanh) → 2 model, Sequential or functional, with the shared starting weights. */
function build(t: Lib, kind: 'sequential' | 'functional'): tfjs.LayersModel {
  let model: tfjs.LayersModel;
  if (kind === 'sequential') {
    const s = t.sequential();
    s.add(t.layers.dense({ units: 6, activation: 'tanh', inputShape: [3] }));
    s.add(t.layers.dense({ units: 2 }));
    model = s;
  } else {
    const input = t.input({ shape: [3] });
    const hidden = t.layers.dense({ units: 6, activation: 'tanh' }).apply(input) as tfjs.SymbolicTensor;
    model = t.model({ inputs: input, outputs: t.layers.dense({ units: 2 }).apply(hidden) as tfjs.SymbolicTensor });
  }
  model.setWeights(WEIGHTS.map((w, i) => t.tensor(w, model.getWeights()[i]!.shape)));
  return model;
}

const fitOptions = (callbacks: unknown) => ({ epochs: 3, batchSize: 4, shuffle: false, verbose: 0 as const, callbacks: callbacks as never });

test('fit with a schedule changes the learning rate every step, on the Sequential fast path and on a functional model, as TF.js given the same rates', async () => {
  const decay = schedules.exponentialDecay({ initialLearningRate: 0.3, decaySteps: 3, decayRate: 0.5 });
  for (const kind of ['sequential', 'functional'] as const) {
    const mine = build(ours, kind);
    mine.compile({ optimizer: tg.optimizers.sgd({ learningRate: decay }) as never, loss: 'meanSquaredError' });
    const seen: number[] = [];
    await mine.fit(ours.tensor2d(X, [12, 3]), ours.tensor2d(Y, [12, 2]), fitOptions([tg.callbacks.lambdaCallback({ onBatchBegin: () => void seen.push((mine.optimizer as unknown as tg.optimizers.Optimizer).learningRate) })]));
    // 3 batches a epoch, 3 epochs: the rate of step s is 0.3·0.5^(s/3)
    checkClose(seen, Array.from({ length: 9 }, (_, s) => 0.3 * 0.5 ** (s / 3)), 1e-12, `${kind}: rate per step`);

    const theirs = build(tf, kind);
    const sgd = tf.train.sgd(0.3);
    theirs.compile({ optimizer: sgd, loss: 'meanSquaredError' });
    let step = 0;
    await theirs.fit(tf.tensor2d(X, [12, 3]), tf.tensor2d(Y, [12, 2]), fitOptions({ onBatchBegin: async () => sgd.setLearningRate(decay.call(step++)) }));
    const weights = (m: tfjs.LayersModel) => m.getWeights().flatMap((w) => [...w.dataSync()]);
    checkClose(weights(mine), weights(theirs), 1e-5, `${kind}: weights after fit, against TF.js fed the same rates`);
    assert.equal((mine.optimizer as unknown as tg.optimizers.Optimizer).iterations, 9);
  }
});
