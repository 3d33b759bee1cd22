// Constraints (tf.constraints.maxNorm, unitNorm, nonNeg, minMaxNorm): each projection against
// TF.js' apply(); dense and conv models trained with kernel and bias constraints on the fused
// Sequential path and on the tape (tf.model) against TF.js with the constraint applied after every
// update as Keras does (TF.js' fit never applies them: its LayerVariable.write does, which the
// reference calls after each batch); addWeight's constraint; model.json both ways.

import assert from 'node:assert/strict';
import test from 'node:test';
import type * as tfjs from '@tensorflow/tfjs';
import * as tg from '../src/node.js';
import { checkClose, maxAbsDiff, uniformArray } from './helpers/check.js';
import { BATCH, buildModel, compareRuns, countFusedForwards, data, N, ours, roundTrips, setWeights, tf, weightsOf, type Kind, type LayerOptions, type Lib } from './helpers/penalties.js';

type Constraint = ReturnType<Lib['constraints']['maxNorm']>;

const CONSTRAINTS: [string, (t: Lib) => Constraint][] = [
  ['maxNorm (defaults)', (t) => t.constraints.maxNorm({})],
  ['maxNorm 0.5, axis 1', (t) => t.constraints.maxNorm({ maxValue: 0.5, axis: 1 })],
  ['unitNorm (axis 0)', (t) => t.constraints.unitNorm({})],
  ['unitNorm axis 1', (t) => t.constraints.unitNorm({ axis: 1 })],
  ['nonNeg', (t) => t.constraints.nonNeg()],
  ['minMaxNorm (defaults)', (t) => t.constraints.minMaxNorm({})],
  ['minMaxNorm 0.8..1.2, rate 0.5, axis 1', (t) => t.constraints.minMaxNorm({ minValue: 0.8, maxValue: 1.2, rate: 0.5, axis: 1 })],
];

test('each constraint projects a dense and a conv kernel as TF.js\' apply() does', () => {
  for (const shape of [[6, 4], [3, 3, 2, 4]]) {
    // scaled so that some norms fall below, inside and above the bounds
    const values = uniformArray(shape.reduce((a, b) => a * b, 1), 7).map((v, i) => v * (i % 3 === 0 ? 0.05 : 1.5));
    for (const [label, make] of CONSTRAINTS) {
      const mine = make(ours) as unknown as tg.Constraint;
      const got = mine.apply(tg.tensor(values, shape));
      const want = make(tf).apply(tf.tensor(values, shape));
      assert.deepEqual(got.shape, want.shape);
      checkClose(got.dataSync(), want.dataSync(), 1e-6, `${label} on [${shape}]`);
    }
    // Keras' advice for conv kernels: the norm over every axis but the filters'
    const axes = [0, 1, 2].slice(0, shape.length - 1);
    checkClose(tg.constraints.maxNorm({ maxValue: 0.7, axis: axes }).apply(tg.tensor(values, shape)).dataSync(), tf.constraints.maxNorm({ maxValue: 0.7, axis: axes as never }).apply(tf.tensor(values, shape)).dataSync(), 1e-6, `maxNorm over axes [${axes}]`);
  }
});

/**
 * Keras' training: a step, then each constrained weight projected. TF.js applies a constraint when
 * a weight is written (setWeights), so the reference writes every weight back after each batch.
 */
async function referenceProgram(kind: Kind, options: LayerOptions, start: number[][]) {
  const model = buildModel(tf, kind, false, options);
  const constrain = (): void => model.setWeights(model.getWeights().map((w) => w.clone()));
  setWeights(tf, model, start);
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const losses: number[] = [];
  for (let epoch = 0; epoch < 2; epoch++) {
    for (let from = 0; from < N; from += BATCH) {
      const { xs, ys } = data(tf, kind, from, from + BATCH);
      losses.push((await model.trainOnBatch(xs, ys) as number[])[0]!);
      constrain();
    }
  }
  return { losses, weights: weightsOf(model) };
}

async function fitProgram(t: Lib, kind: Kind, functional: boolean, options: LayerOptions, start: number[][]) {
  const model = buildModel(t, kind, functional, options);
  setWeights(t, model, start);
  model.compile({ optimizer: t.train.sgd(0.5), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const fusedForwards = !functional ? countFusedForwards(model) : null;
  const { xs, ys } = data(t, kind);
  const losses: number[] = [];
  await model.fit(xs, ys, { epochs: 2, batchSize: BATCH, shuffle: false, verbose: 0, callbacks: { onBatchEnd: async (_b: number, logs?: tfjs.Logs) => void losses.push(logs!['loss']!) } });
  return { model, losses, weights: weightsOf(model), fusedForwards: fusedForwards?.() ?? null };
}

const CASES: { label: string; kind: Kind; options: LayerOptions }[] = [
  { label: 'dense: kernel maxNorm 0.6, bias nonNeg; last kernel unitNorm', kind: 'dense', options: (t) => ({ first: { kernelConstraint: t.constraints.maxNorm({ maxValue: 0.6 }), biasConstraint: t.constraints.nonNeg() }, last: { kernelConstraint: t.constraints.unitNorm({}) } }) },
  { label: 'conv: kernel minMaxNorm over [0,1,2], bias maxNorm; last kernel nonNeg (by name)', kind: 'conv', options: (t) => ({ first: { kernelConstraint: t.constraints.minMaxNorm({ minValue: 0.5, maxValue: 0.9, rate: 0.7, axis: [0, 1, 2] as never }), biasConstraint: t.constraints.maxNorm({ maxValue: 0.01 }) }, last: { kernelConstraint: 'nonNeg' } }) },
];

for (const c of CASES) {
  test(`${c.label}: applied after every update, fused and on the tape, as Keras (TF.js writing the weights back)`, async (t) => {
    const start = weightsOf(buildModel(tf, c.kind, false, () => ({})));
    const theirs = await referenceProgram(c.kind, c.options, start);
    const unconstrained = await fitProgram(ours, c.kind, false, () => ({}), start);
    for (const functional of [false, true]) {
      const mine = await fitProgram(ours, c.kind, functional, c.options, start);
      if (!functional) assert.equal(mine.fusedForwards, 2 * (N / BATCH), 'every batch trained on the fused kernels');
      t.diagnostic(`${functional ? 'tape' : 'fused'}: max relative difference from TF.js ${compareRuns(mine, theirs, `${c.label}, ${functional ? 'tape' : 'fused'}`).toExponential(2)}`);
      const { diff } = maxAbsDiff(mine.weights.flat(), unconstrained.weights.flat());
      assert.ok(diff > 1e-2, `the constraints changed the trained weights (by ${diff} at most)`);
    }
  });
}

test('the constraint holds after training: norms at most maxValue, no negative values', async () => {
  const options: LayerOptions = (t) => ({ first: { kernelConstraint: t.constraints.maxNorm({ maxValue: 0.3 }) }, last: { kernelConstraint: t.constraints.nonNeg(), biasConstraint: t.constraints.nonNeg() } });
  const start = weightsOf(buildModel(tf, 'dense', false, () => ({})));
  const { model } = await fitProgram(ours, 'dense', false, options, start);
  const [kernel, , last, lastBias] = model.getWeights() as unknown as tg.Tensor[];
  const norms = tg.sqrt(tg.sum(tg.square(kernel!), 0)).dataSync();
  assert.ok(norms.every((n) => n <= 0.3 + 1e-6), `kernel column norms ${Array.from(norms)} at most 0.3`);
  assert.ok([...last!.dataSync(), ...lastBias!.dataSync()].every((v) => v >= 0), 'no negative values');
});

test('constraints in model.json: TF.js\' model loads in tegaki and tegaki\'s in TF.js', async () => {
  for (const c of CASES) {
    const theirs = buildModel(tf, c.kind, false, c.options);
    const mine = buildModel(ours, c.kind, false, c.options);
    setWeights(ours, mine, weightsOf(theirs));
    await roundTrips(theirs, mine, c.kind, ['kernelConstraint', 'biasConstraint']);
  }
  const json = JSON.parse((buildModel(ours, 'dense', false, CASES[0]!.options) as unknown as tg.Sequential).toJSON() as string) as { config: { layers: { config: Record<string, unknown> }[] } };
  assert.deepEqual(json.config.layers[0]!.config['kernel_constraint'], { class_name: 'MaxNorm', config: { max_value: 0.6, axis: 0 } });
  assert.deepEqual(json.config.layers[0]!.config['bias_constraint'], { class_name: 'NonNeg', config: {} });
});

test('addWeight(..., constraint) in a custom layer: applied after each update and by setWeights', async () => {
  class Positive extends tg.layers.Layer {
    static override className = 'Positive';
    override build(inputShape: (number | null)[] | (number | null)[][]): void {
      this.addWeight('scale', [(inputShape as number[]).at(-1)!], 'float32', tg.initializers.constant({ value: 0.1 }), null, true, tg.constraints.nonNeg());
      this.built = true;
    }
    override call(inputs: tg.Tensor | tg.Tensor[]): tg.Tensor {
      return tg.mul(Array.isArray(inputs) ? inputs[0]! : inputs, this.weights[0]!.read());
    }
  }
  const model = tg.sequential({ layers: [new Positive({ inputShape: [4] })] });
  model.compile({ optimizer: tg.train.sgd(1), loss: 'meanSquaredError' });
  // targets of the opposite sign push the scale below zero
  await model.fit(tg.ones([8, 4]), tg.fill([8, 4], -1), { epochs: 2, verbose: 0 });
  const scale = model.layers[0]!.getWeights()[0]!.dataSync();
  assert.ok(scale.every((v) => v === 0), `the scale was clipped at 0: ${Array.from(scale)}`);
  model.layers[0]!.setWeights([tg.tensor1d([-1, 2, -3, 4])]);
  assert.deepEqual(Array.from(model.layers[0]!.getWeights()[0]!.dataSync()), [0, 2, 0, 4], 'setWeights applies it, as TF.js\' LayerVariable.write');
});

test('bad constraint options are refused by name, quoting the value', () => {
  assert.throws(() => tg.constraints.maxNorm({ maxValue: -1 }), /constraints\.maxNorm: expected maxValue to be a finite number >= 0\. Received maxValue=-1\./);
  assert.throws(() => tg.constraints.unitNorm({ axis: 0.5 }), /Received axis=0\.5\./);
  assert.throws(() => tg.constraints.minMaxNorm({ minValue: 2, maxValue: 1 }), /expected maxValue >= minValue\. Received minValue=2, maxValue=1\./);
  assert.throws(() => tg.constraints.maxNorm({ max: 1 } as never), /constraints\.maxNorm: option 'max' is not supported/);
  assert.throws(() => tg.layers.dense({ units: 2, kernelConstraint: 'positive' }), (e: unknown) => e instanceof tg.TegakiError && /^Dense kernelConstraint: unknown constraint "positive"/.test(e.message));
  assert.throws(() => tg.layers.conv2d({ filters: 1, kernelSize: 1, biasConstraint: { class_name: 'MaxNorm', config: { max_value: 'big' } } as never }), /Conv2D biasConstraint: constraints\.maxNorm: expected maxValue to be a finite number >= 0\. Received maxValue="big"\./);
  assert.deepEqual(tg.layers.dense({ units: 2, kernelConstraint: 'max_norm' }).getConfig()['kernelConstraint'], { className: 'MaxNorm', config: { maxValue: 2, axis: 0 } });
});
