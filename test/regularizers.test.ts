// Regularizers (tf.regularizers.l1, l2, l1l2): each penalty and its gradient against TF.js and
// finite differences; dense and conv models trained with kernel and bias regularizers equal TF.js'
// (loss of every batch, the logged loss including the penalty, trained weights) on the fused
// Sequential path and on the tape (tf.model); activity regularizers, which TF.js cannot run, against
// a TF.js training loop that adds Keras' penalty by hand; addWeight's regularizer; model.json both ways.

import assert from 'node:assert/strict';
import test from 'node:test';
import type * as tfjs from '@tensorflow/tfjs';
import * as tg from '../src/node.js';
import { checkClose, checkGradient, uniformArray } from './helpers/check.js';
import { BATCH, buildModel, compareRuns, countFusedForwards, data, N, ours, roundTrips, setWeights, tf, weightsOf, type Kind, type LayerOptions, type Lib } from './helpers/penalties.js';

type Regularizer = ReturnType<Lib['regularizers']['l1l2']>;

/** Values away from 0, where |x| has no kink within a finite-difference step. */
function awayFromZero(n: number, seed: number): Float32Array {
  return uniformArray(n, seed).map((v) => (v >= 0 ? v + 0.05 : v - 0.05));
}

const REGULARIZERS: [string, (t: Lib) => Regularizer][] = [
  ['l1 (default 0.01)', (t) => t.regularizers.l1()],
  ['l2 0.3', (t) => t.regularizers.l2({ l2: 0.3 })],
  ['l1l2 (defaults)', (t) => t.regularizers.l1l2()],
  ['l1l2 0.2, 0.05', (t) => t.regularizers.l1l2({ l1: 0.2, l2: 0.05 })],
];

test('each penalty equals TF.js\' apply(), and its gradient (tape and fused) equals finite differences', () => {
  const shape = [4, 3, 5];
  const values = awayFromZero(60, 1);
  for (const [label, make] of REGULARIZERS) {
    const mine = make(ours) as unknown as tg.Regularizer;
    const theirs = make(tf).apply(tf.tensor(values, shape)).dataSync()[0]!;
    const x = tg.tensor(values, shape);
    checkClose([mine.apply(x).dataSync()[0]!], [theirs], 1e-6, `${label}: apply()`);
    checkClose([mine.penalty(values, shape, null)], [theirs], 1e-6, `${label}: the fused penalty`);
    // the fused gradient is added to what the buffer holds
    const fused = new Float32Array(values.length).fill(0.5);
    mine.penalty(values, shape, fused);
    const tape = tg.grad((t: tg.Tensor) => mine.apply(t))(x).dataSync();
    const theirGrad = tf.grad((t: tfjs.Tensor) => make(tf).apply(t))(tf.tensor(values, shape)).dataSync();
    checkClose(tape, theirGrad, 1e-6, `${label}: tape gradient vs TF.js`);
    checkClose(fused.map((g) => g - 0.5), tape, 1e-6, `${label}: fused gradient vs tape`);
    const param = values.slice();
    checkGradient(`${label}: finite differences`, () => mine.penalty(param, shape, null), param, tape, { tol: 1e-3 });
  }
  // TF.js' subgradient of |x| at 0 (−l1), on both paths
  const zero = new Float32Array(1);
  const l1 = tg.regularizers.l1({ l1: 0.5 });
  const g = new Float32Array(1);
  l1.penalty(zero, [1], g);
  assert.deepEqual([g[0], tg.grad((t: tg.Tensor) => l1.apply(t))(tg.tensor1d([0])).dataSync()[0]], [tf.grad((t: tfjs.Tensor) => tf.regularizers.l1({ l1: 0.5 }).apply(t))(tf.tensor1d([0])).dataSync()[0], -0.5]);
});

/** fit with the loss of every batch and of every epoch; evaluate after. */
async function fitProgram(t: Lib, kind: Kind, functional: boolean, options: LayerOptions, initial?: number[][]) {
  const model = buildModel(t, kind, functional, options);
  if (initial) setWeights(t, model, initial);
  const start = weightsOf(model);
  model.compile({ optimizer: t.train.adam(0.02), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const fusedForwards = t === ours && !functional ? countFusedForwards(model) : null;
  const { xs, ys } = data(t, kind);
  const losses: number[] = [];
  const history = await model.fit(xs, ys, { epochs: 2, batchSize: BATCH, shuffle: false, verbose: 0, callbacks: { onBatchEnd: async (_b: number, logs?: tfjs.Logs) => void losses.push(logs!['loss']!) } });
  const evaluated = (model.evaluate(xs, ys) as tfjs.Scalar[]).map((s) => s.dataSync()[0]!);
  return { model, start, losses, epochs: history.history['loss'] as number[], evaluated, weights: weightsOf(model), fusedForwards: fusedForwards?.() ?? null };
}

const CASES: { label: string; kind: Kind; options: LayerOptions }[] = [
  { label: 'dense: kernel l2, bias l1; last kernel l1l2', kind: 'dense', options: (t) => ({ first: { kernelRegularizer: t.regularizers.l2({ l2: 0.05 }), biasRegularizer: t.regularizers.l1({ l1: 0.02 }) }, last: { kernelRegularizer: t.regularizers.l1l2({ l1: 0.01, l2: 0.03 }) } }) },
  { label: 'conv: kernel l1l2, bias l2; last bias l1l2 (by name)', kind: 'conv', options: (t) => ({ first: { kernelRegularizer: t.regularizers.l1l2({ l1: 0.03, l2: 0.1 }), biasRegularizer: t.regularizers.l2() }, last: { biasRegularizer: 'l1l2' } }) },
];

for (const c of CASES) {
  for (const functional of [false, true]) {
    test(`${c.label}, ${functional ? 'tf.model (tape)' : 'Sequential (fused)'}: losses and weights as TF.js'`, async (t) => {
      const theirs = await fitProgram(tf, c.kind, functional, c.options);
      const mine = await fitProgram(ours, c.kind, functional, c.options, theirs.start);
      if (!functional) assert.equal(mine.fusedForwards, 2 * (N / BATCH) + 1, 'every batch trained on the fused kernels (and evaluate ran them once)');
      t.diagnostic(`max relative difference from TF.js: ${compareRuns(mine, theirs, c.label).toExponential(2)}`);
      checkClose(mine.epochs, theirs.epochs, 1e-4, 'logged loss per epoch (penalty included)');
      checkClose(mine.evaluated, theirs.evaluated, 1e-4, 'evaluate (penalty left out, as TF.js)');
      // the logged loss is the data loss plus the penalty: without it the first batch's loss is lower
      const unregularized = buildModel(ours, c.kind, functional, () => ({}));
      setWeights(ours, unregularized, theirs.start);
      unregularized.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      const first = data(ours, c.kind, 0, BATCH);
      const dataLoss = (unregularized.evaluate(first.xs, first.ys) as tfjs.Scalar).dataSync()[0]!;
      assert.ok(mine.losses[0]! > dataLoss + 1e-4, `the first batch's loss ${mine.losses[0]} includes a penalty over the data loss ${dataLoss}`);
    });
  }
}

test('regularizers in model.json: TF.js\' model loads in tegaki and tegaki\'s in TF.js, as {className: \'L1L2\', config: {l1, l2}}', async () => {
  for (const c of CASES) {
    const theirs = buildModel(tf, c.kind, false, c.options);
    const mine = buildModel(ours, c.kind, false, c.options);
    setWeights(ours, mine, weightsOf(theirs));
    const { loadedByUs } = await roundTrips(theirs, mine, c.kind, ['kernelRegularizer', 'biasRegularizer', 'activityRegularizer']);
    assert.deepEqual(loadedByUs.layers[0]!.getConfig()['kernelRegularizer'], theirs.layers[0]!.getConfig()['kernelRegularizer']);
  }
  const json = JSON.parse((buildModel(ours, 'dense', false, CASES[0]!.options) as unknown as tg.Sequential).toJSON() as string) as { config: { layers: { config: Record<string, unknown> }[] } };
  assert.deepEqual(json.config.layers[0]!.config['kernel_regularizer'], { class_name: 'L1L2', config: { l1: 0, l2: 0.05 } });
  assert.equal(json.config.layers[0]!.config['activity_regularizer'], null);
});

/**
 * Activity regularizers: TF.js refuses to run a layer that has one, so the reference is TF.js
 * training the same model without it, adding Keras 3's penalty (the regularizer of the layer's
 * output over the whole batch) to the loss in its own loop.
 */
async function activityReference(kind: Kind, regularizer: (t: Lib) => Regularizer, start: number[][]) {
  const model = buildModel(tf, kind, false, () => ({}));
  setWeights(tf, model, start);
  const optimizer = tf.train.adam(0.02);
  const losses: number[] = [];
  for (let epoch = 0; epoch < 2; epoch++) {
    for (let from = 0; from < N; from += BATCH) {
      const { xs, ys } = data(tf, kind, from, from + BATCH);
      const loss = optimizer.minimize(() => {
        const hidden = model.layers[0]!.apply(xs) as tfjs.Tensor;
        const out = model.layers.slice(1).reduce((h, layer) => layer.apply(h) as tfjs.Tensor, hidden);
        return tf.metrics.categoricalCrossentropy(ys, out).mean().add(regularizer(tf).apply(hidden)).add(regularizer(tf).apply(out)) as tfjs.Scalar;
      }, true)!;
      losses.push(loss.dataSync()[0]!);
    }
  }
  return { losses, weights: weightsOf(model) };
}

for (const kind of ['dense', 'conv'] as const) {
  test(`${kind}: activityRegularizer adds the penalty of the layer's output (Keras 3), fused and on the tape`, async (t) => {
    const regularizer = (t: Lib) => t.regularizers.l1l2({ l1: 0.002, l2: 0.01 });
    const start = weightsOf(buildModel(tf, kind, false, () => ({})));
    const theirs = await activityReference(kind, regularizer, start);
    const options: LayerOptions = (t) => ({ first: { activityRegularizer: regularizer(t) }, last: { activityRegularizer: regularizer(t) } });
    for (const functional of [false, true]) {
      const mine = await fitProgram(ours, kind, functional, options, start);
      if (!functional) assert.ok(mine.fusedForwards! > 0, 'trained on the fused kernels');
      t.diagnostic(`${functional ? 'tape' : 'fused'}: max relative difference from the reference ${compareRuns(mine, theirs, `${kind} activity, ${functional ? 'tape' : 'fused'}`).toExponential(2)}`);
    }
    // saved and loaded back by tegaki (TF.js cannot build such a layer)
    const model = buildModel(ours, kind, false, options) as unknown as tg.Sequential;
    const copy = await tg.models.modelFromJSON(model.toJSON() as string);
    assert.deepEqual(copy.layers[0]!.getConfig()['activityRegularizer'], { className: 'L1L2', config: { l1: 0.002, l2: 0.01 } });
  });
}

/** A custom layer in TF.js' idiom whose weight has a regularizer given to addWeight. */
function scaleClass(t: Lib) {
  class RegularizedScale extends t.layers.Layer {
    static className = 'RegularizedScale';
    scale!: tfjs.LayerVariable;
    override build(inputShape: tfjs.Shape | tfjs.Shape[]): void {
      const shape = inputShape as number[];
      this.scale = this.addWeight('scale', [shape[shape.length - 1]!], 'float32', t.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 3 }), t.regularizers.l1l2({ l1: 0.05, l2: 0.2 }));
      this.built = true;
    }
    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return (Array.isArray(inputs) ? inputs[0]! : inputs).mul(this.scale.read());
    }
  }
  return RegularizedScale;
}

test('addWeight(..., regularizer) in a custom layer: trained as TF.js trains it', async () => {
  async function program(t: Lib, initial?: number[][]) {
    const Scale = scaleClass(t);
    const model = t.sequential({ layers: [t.layers.dense({ units: 4, inputShape: [36], activation: 'tanh' }), new Scale({}) as unknown as tfjs.layers.Layer, t.layers.dense({ units: 3, activation: 'softmax' })] });
    if (initial) setWeights(t, model, initial);
    const start = weightsOf(model);
    model.compile({ optimizer: t.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    const { xs, ys } = data(t, 'dense');
    const losses: number[] = [];
    await model.fit(xs, ys, { epochs: 2, batchSize: BATCH, shuffle: false, verbose: 0, callbacks: { onBatchEnd: async (_b: number, logs?: tfjs.Logs) => void losses.push(logs!['loss']!) } });
    return { start, losses, weights: weightsOf(model), penalties: (model as unknown as { calculateLosses(): tfjs.Tensor[] }).calculateLosses().map((p) => p.dataSync()[0]!) };
  }
  const theirs = await program(tf);
  const mine = await program(ours, theirs.start);
  compareRuns(mine, theirs, 'custom layer with a regularized weight');
  checkClose(mine.penalties, theirs.penalties, 1e-5, 'model.calculateLosses()');
});

test('a custom Regularizer (apply() alone) trains on the fused path as the built-in one it equals', async () => {
  class SquaredSum extends tg.Regularizer {
    getClassName(): string {
      return 'SquaredSum';
    }
    getConfig(): Record<string, unknown> {
      return {};
    }
    apply(x: tg.Tensor): tg.Tensor {
      return tg.mul(tg.sum(tg.square(x)), 0.05);
    }
  }
  const start = weightsOf(buildModel(tf, 'dense', false, () => ({})));
  const custom = await fitProgram(ours, 'dense', false, () => ({ first: { kernelRegularizer: new SquaredSum() } }), start);
  const builtIn = await fitProgram(ours, 'dense', false, (t) => ({ first: { kernelRegularizer: t.regularizers.l2({ l2: 0.05 }) } }), start);
  assert.ok(custom.fusedForwards! > 0, 'trained on the fused kernels');
  compareRuns(custom, builtIn, 'custom regularizer', 1e-5);
});

test('bad regularizer options are refused by name, quoting the value', () => {
  assert.throws(() => tg.regularizers.l1({ l1: -1 }), /expected l1 to be a non-negative number\. Received l1=-1\./);
  assert.throws(() => tg.regularizers.l1l2({ l2: Number.NaN }), /Received l2=null/);
  assert.throws(() => tg.regularizers.l2({ l1: 0.1 } as never), /regularizers\.l2: option 'l1' is not supported/);
  assert.throws(() => tg.layers.dense({ units: 2, kernelRegularizer: 'l3' }), (e: unknown) => e instanceof tg.TegakiError && /^Dense kernelRegularizer: unknown regularizer "l3"/.test(e.message));
  assert.throws(() => tg.layers.conv2d({ filters: 2, kernelSize: 2, biasRegularizer: { className: 'L1L2', config: { l1: 'x' } } as never }), /Conv2D biasRegularizer: regularizers: expected l1 to be a non-negative number\. Received l1="x"\./);
  // Keras' names are understood too, and saved as TF.js saves them
  assert.deepEqual(tg.layers.dense({ units: 2, kernelRegularizer: 'l2' }).getConfig()['kernelRegularizer'], { className: 'L1L2', config: { l1: 0, l2: 0.01 } });
  assert.deepEqual(tg.layers.dense({ units: 2, kernelRegularizer: { class_name: 'L1', config: { l1: 0.3 } } as never }).getConfig()['kernelRegularizer'], { className: 'L1L2', config: { l1: 0.3, l2: 0 } });
});
