// The functional API, custom layers and models on the gradient tape, as programs written in
// TF.js' idiom that run under both @tensorflow/tfjs and tegaki and must give the same numbers.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import type * as tfjs from '@tensorflow/tfjs';
import * as tg from '../src/node.js';
import { checkClose, uniformArray } from './helpers/check.js';
import { tfjs as loadTfjs } from './helpers/tfjs.js';

const tf = await loadTfjs();
type Lib = typeof tfjs;
const ours = tg as unknown as Lib;
type AnyLayer = tfjs.layers.Layer;

const N = 24;
const IMAGES = uniformArray(N * 6 * 6, 31);
const EXTRA = uniformArray(N * 3, 32);
const LABELS = Array.from({ length: N }, (_, i) => (IMAGES[i * 36]! + EXTRA[i * 3]! > 0 ? 0 : IMAGES[i * 36 + 7]! > 0 ? 1 : 2));

const weightsOf = (m: tfjs.LayersModel): number[][] => m.getWeights().map((w) => Array.from(w.dataSync()));

/** A two-input functional model: a conv branch for images and a dense branch, concatenated and added. */
function twoInputModel(t: Lib): tfjs.LayersModel {
  const image = t.input({ shape: [6, 6, 1], name: 'image' });
  const extra = t.input({ shape: [3], name: 'extra' });
  const conv = t.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu', name: 'conv' }).apply(image) as tfjs.SymbolicTensor;
  const pooled = t.layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(conv) as tfjs.SymbolicTensor;
  const flat = t.layers.flatten({ name: 'flat' }).apply(pooled) as tfjs.SymbolicTensor;
  const side = t.layers.dense({ units: 8, activation: 'tanh', name: 'side' }).apply(extra) as tfjs.SymbolicTensor;
  const joined = t.layers.concatenate({ name: 'joined' }).apply([flat, side]) as tfjs.SymbolicTensor;
  const a = t.layers.dense({ units: 5, name: 'a' }).apply(joined) as tfjs.SymbolicTensor;
  const b = t.layers.dense({ units: 5, activation: 'relu', name: 'b' }).apply(joined) as tfjs.SymbolicTensor;
  const merged = t.layers.add({ name: 'sum' }).apply([a, b]) as tfjs.SymbolicTensor;
  const out = t.layers.dense({ units: 3, activation: 'softmax', name: 'out' }).apply(merged) as tfjs.SymbolicTensor;
  return t.model({ inputs: [image, extra], outputs: out, name: 'two_inputs' });
}

async function functionalProgram(t: Lib, initial?: number[][]) {
  const model = twoInputModel(t);
  if (initial) model.setWeights(initial.map((w, i) => t.tensor(w, model.getWeights()[i]!.shape)));
  const start = weightsOf(model);
  model.compile({ optimizer: t.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const xs = [t.tensor4d(IMAGES, [N, 6, 6, 1]), t.tensor2d(EXTRA, [N, 3])];
  const ys = t.oneHot(t.tensor1d(LABELS, 'int32'), 3).toFloat();
  const epochs: number[][] = [];
  await model.fit(xs, ys, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0, callbacks: { onEpochEnd: async (_e: number, logs?: tfjs.Logs) => void epochs.push([logs!['loss']!, logs!['acc']!]) } });
  const evaluated = (model.evaluate(xs, ys) as tfjs.Scalar[]).map((s) => s.dataSync()[0]!);
  const predicted = Array.from((model.predict(xs) as tfjs.Tensor).dataSync());
  const onBatch = await model.trainOnBatch(xs, ys);
  return { start, epochs, evaluated, predicted, onBatch, weights: weightsOf(model), layers: model.layers.map((l) => l.name), params: model.countParams() };
}

test('a two-input functional model (concatenate, add) trains, evaluates and predicts as in TF.js', async () => {
  const theirs = await functionalProgram(tf);
  const mine = await functionalProgram(ours, theirs.start);
  assert.deepEqual(mine.layers, theirs.layers, 'model.layers: inputs first, then in order');
  assert.equal(mine.params, theirs.params);
  checkClose(mine.epochs.flat(), theirs.epochs.flat(), 1e-4, 'epoch logs (loss, acc)');
  checkClose(mine.evaluated, theirs.evaluated, 1e-4, 'evaluate');
  checkClose(mine.predicted, theirs.predicted, 1e-4, 'predict');
  checkClose([mine.onBatch].flat(), [theirs.onBatch].flat(), 1e-4, 'trainOnBatch');
  checkClose(mine.weights.flat(), theirs.weights.flat(), 1e-4, 'trained weights');
});

test('functional models save and load both ways with TF.js, and show their graph in summary()', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tegaki-functional-'));
  const model = twoInputModel(ours) as unknown as tg.LayersModel;
  await model.save(`file://${join(dir, 'ours')}`);
  const xs = [tg.tensor4d(IMAGES, [N, 6, 6, 1]), tg.tensor2d(EXTRA, [N, 3])];
  const expected = (model.predict(xs) as tg.Tensor).dataSync();
  // theirs from our files, served as a browser would fetch them
  const { serveFolder } = await import('./helpers/tfjs.js');
  const theirs = await serveFolder(dir, (base) => tf.loadLayersModel(`${base}/ours/model.json`));
  checkClose((theirs.predict([tf.tensor4d(IMAGES, [N, 6, 6, 1]), tf.tensor2d(EXTRA, [N, 3])]) as tfjs.Tensor).dataSync(), expected, 1e-5, 'TF.js on our file');
  // and back: ours from what TF.js writes
  await theirs.save(tf.io.withSaveHandler(async (artifacts) => {
    const loaded = tg.modelFromArtifacts(artifacts as never, 'their model');
    checkClose((loaded.predict(xs) as tg.Tensor).dataSync(), expected, 1e-5, 'ours on their artifacts');
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const lines: string[] = [];
  model.summary(undefined, undefined, (line) => lines.push(line));
  assert.match(lines.join('\n'), /joined \(Concatenate\)\s+\(None, 16\)\s+0\s+flat\[0\]\[0\]\s+side\[0\]\[0\]/);
  assert.match(lines.join('\n'), /Total params: 240/);
  // toJSON → models.modelFromJSON gives the same graph with new weights
  const copy = await tg.models.modelFromJSON(model.toJSON() as string);
  assert.deepEqual(copy.layers.map((l) => l.name), model.layers.map((l) => l.name));
  assert.equal(copy.countParams(), model.countParams());
});

/** A custom layer in TF.js' idiom: its own weight (addWeight in build), call() in ops, a config, registered. */
function scaleShiftClass(t: Lib) {
  class ScaleShift extends t.layers.Layer {
    static className = 'ScaleShift';
    readonly shift: number;
    scale!: tfjs.LayerVariable;
    constructor(config: { shift?: number; name?: string; inputShape?: number[] } = {}) {
      super(config);
      this.shift = config.shift ?? 0.5;
    }
    override build(inputShape: tfjs.Shape | tfjs.Shape[]): void {
      const shape = inputShape as number[];
      this.scale = this.addWeight('scale', [shape[shape.length - 1]!], 'float32', t.initializers.ones());
      this.built = true;
    }
    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape | tfjs.Shape[] {
      return inputShape;
    }
    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return t.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0]! : inputs;
        return t.tanh(x.mul(this.scale.read()).add(this.shift));
      });
    }
    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), shift: this.shift };
    }
  }
  t.serialization.registerClass(ScaleShift);
  return ScaleShift;
}

async function customLayerProgram(t: Lib, initial?: number[][]) {
  const ScaleShift = scaleShiftClass(t);
  const model = t.sequential();
  model.add(t.layers.dense({ units: 4, inputShape: [3] }));
  model.add(new ScaleShift({ shift: 0.25 }) as unknown as AnyLayer);
  model.add(t.layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: t.train.sgd(0.3), loss: (yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => t.losses.softmaxCrossEntropy(yTrue, t.log(yPred.add(1e-7))), metrics: ['accuracy'] });
  if (initial) model.setWeights(initial.map((w, i) => t.tensor(w, model.getWeights()[i]!.shape)));
  const start = weightsOf(model);
  const xs = t.tensor2d(EXTRA, [N, 3]);
  const ys = t.oneHot(t.tensor1d(LABELS, 'int32'), 3).toFloat();
  const history = await model.fit(xs, ys, { epochs: 3, batchSize: 6, shuffle: false, verbose: 0 });
  return { model, start, loss: history.history['loss'] as number[], weights: weightsOf(model), xs };
}

test('a custom layer (addWeight, call() in ops, a custom loss) trains as in TF.js and saves with registerClass', async () => {
  const theirs = await customLayerProgram(tf);
  const mine = await customLayerProgram(ours, theirs.start);
  checkClose(mine.loss, theirs.loss, 1e-4, 'loss per epoch');
  checkClose(mine.weights.flat(), theirs.weights.flat(), 1e-4, 'trained weights (the custom layer\'s scale included)');
  const dir = join(mkdtempSync(join(tmpdir(), 'tegaki-custom-')), 'model');
  await (mine.model as unknown as tg.Sequential).save(`file://${dir}`);
  const loaded = (await tg.loadLayersModel(`file://${dir}/model.json`)) as tg.Sequential;
  assert.equal(loaded.layers[1]!.className, 'ScaleShift');
  assert.equal((loaded.layers[1] as unknown as { shift: number }).shift, 0.25, 'the config came back');
  const x = mine.xs as unknown as tg.Tensor;
  checkClose(loaded.predict(x).dataSync(), (mine.model.predict(mine.xs) as tfjs.Tensor).dataSync(), 1e-6, 'loaded predicts the same');
});

/** Transfer learning the TF.js way: a new model from a trained one's inputs and an inner layer's output, frozen base. */
test('tf.model over a Sequential\'s inputs and an inner output, with frozen layers, and gradients through model.predict', async () => {
  const base = tg.sequential({ seed: 4 });
  base.add(tg.layers.dense({ units: 6, activation: 'relu', inputShape: [3] }));
  base.add(tg.layers.dense({ units: 4, activation: 'relu', name: 'features' }));
  base.add(tg.layers.dense({ units: 3, activation: 'softmax' }));
  const features = tg.model({ inputs: base.inputs, outputs: base.getLayer('features').output });
  for (const layer of features.layers) layer.trainable = false;
  const head = tg.layers.dense({ units: 2, activation: 'softmax', name: 'head' }).apply(features.outputs[0]!);
  const transfer = tg.model({ inputs: features.inputs, outputs: head, seed: 1 });
  transfer.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  const frozen = base.getWeights().map((w) => Array.from(w.dataSync()));
  const headBefore = Array.from(transfer.getLayer('head').getWeights()[0]!.dataSync());
  await transfer.fit(tg.tensor2d(EXTRA, [N, 3]), tg.tensor1d(LABELS.map((l) => l % 2)), { epochs: 2, verbose: 0 });
  assert.deepEqual(base.getWeights().map((w) => Array.from(w.dataSync())), frozen, 'frozen layers kept their weights');
  assert.notDeepEqual(Array.from(transfer.getLayer('head').getWeights()[0]!.dataSync()), headBefore, 'the new head trained');
  assert.equal(transfer.trainableWeights.length, 2);

  // a model inside tf.grad: the same gradient as TF.js through the same weights
  const x = uniformArray(5 * 3, 40);
  const theirBase = tf.sequential({ layers: [tf.layers.dense({ units: 6, activation: 'relu', inputShape: [3] }), tf.layers.dense({ units: 4, activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
  theirBase.setWeights(base.getWeights().map((w) => tf.tensor(w.dataSync(), [...w.shape])));
  const theirGrad = tf.grad((input: tfjs.Tensor) => (theirBase.predict(input) as tfjs.Tensor).square().sum())(tf.tensor2d(x, [5, 3]));
  const ourGrad = tg.grad((input: tg.Tensor) => base.predict(input).square().sum())(tg.tensor2d(x, [5, 3]));
  checkClose(ourGrad.dataSync(), theirGrad.dataSync(), 1e-5, 'dL/dx through model.predict');
});

test('functional mistakes get one clear error each', () => {
  const a = tg.input({ shape: [4] });
  const b = tg.input({ shape: [5] });
  const c = tg.input({ shape: [4] });
  assert.throws(() => tg.layers.add().apply([a, b]), /inputs must have the same shape, received \(None, 4\) and \(None, 5\)/);
  assert.throws(() => tg.layers.add().apply([a]), /at least 2 inputs/);
  const out = tg.layers.dense({ units: 2 }).apply(tg.layers.add().apply([a, c]));
  assert.throws(() => tg.model({ inputs: a, outputs: out }), /graph disconnected: .* needs input/);
  assert.throws(() => tg.model({ inputs: [a], outputs: [tg.tensor([1])] as never }), /outputs must be symbolic tensors/);
  assert.throws(() => tg.input({ shape: [4], sparse: true }), /sparse inputs are not supported/);
  assert.throws(() => tg.layers.dense({ units: 2 }).apply([a, tg.ones([1, 4])] as never), /not a mix/);
  const m = tg.model({ inputs: [a, c], outputs: out });
  assert.throws(() => m.predict(tg.ones([2, 4])), /has 2 inputs, received 1/);
  assert.throws(() => m.getLayer('nope'), /no layer named 'nope'/);
  m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  assert.throws(() => m.evaluate([tg.ones([2, 4]), tg.ones([3, 4])], tg.ones([2, 2])), /same number of samples, received 2 and 3/);
});

async function datasetProgram(t: Lib, initial?: number[][]) {
  const model = t.sequential();
  model.add(t.layers.dense({ units: 8, activation: 'relu', inputShape: [3] }));
  model.add(t.layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: t.train.sgd(0.2), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  if (initial) model.setWeights(initial.map((w, i) => t.tensor(w, model.getWeights()[i]!.shape)));
  const start = weightsOf(model);
  const rows = Array.from({ length: N }, (_, i) => Array.from(EXTRA.subarray(i * 3, i * 3 + 3)));
  const labels = LABELS.map((l) => [0, 1, 2].map((c) => (c === l ? 1 : 0)));
  const batches = t.data.zip({ xs: t.data.array(rows), ys: t.data.array(labels) }).batch(5);
  const history = await model.fitDataset(batches, { epochs: 3, verbose: 0, validationData: batches.take(2) });
  const evaluated = ((await model.evaluateDataset(batches as never, {})) as tfjs.Scalar[]).map((s) => s.dataSync()[0]!);
  return { start, history: history.history, evaluated, weights: weightsOf(model) };
}

test('fitDataset and evaluateDataset on a tf.data pipeline give TF.js\' numbers', async () => {
  const theirs = await datasetProgram(tf);
  const mine = await datasetProgram(ours, theirs.start);
  assert.deepEqual(Object.keys(mine.history).sort(), Object.keys(theirs.history).sort());
  for (const key of Object.keys(theirs.history)) checkClose(mine.history[key] as number[], theirs.history[key] as number[], 1e-4, `history.${key}`);
  checkClose(mine.evaluated, theirs.evaluated, 1e-4, 'evaluateDataset');
  checkClose(mine.weights.flat(), theirs.weights.flat(), 1e-4, 'trained weights');
});

/** A mean absolute error written as a metric function: TF.js logs it under the function's name. */
const makeMae = (t: Lib) => function mae(yTrue: tfjs.Tensor, yPred: tfjs.Tensor): tfjs.Tensor {
  return t.mean(t.abs(t.sub(yTrue, yPred)), -1);
};

async function twoOutputProgram(t: Lib, initial?: number[][]) {
  const x = t.input({ shape: [3] });
  const hidden = t.layers.dense({ units: 6, activation: 'tanh', name: 'hidden' }).apply(x) as tfjs.SymbolicTensor;
  const kind = t.layers.dense({ units: 3, activation: 'softmax', name: 'kind' }).apply(hidden) as tfjs.SymbolicTensor;
  const size = t.layers.dense({ units: 1, name: 'size' }).apply(hidden) as tfjs.SymbolicTensor;
  const model = t.model({ inputs: x, outputs: [kind, size] });
  if (initial) model.setWeights(initial.map((w, i) => t.tensor(w, model.getWeights()[i]!.shape)));
  const start = weightsOf(model);
  model.compile({ optimizer: t.train.sgd(0.1), loss: ['categoricalCrossentropy', 'meanSquaredError'], metrics: ['accuracy', makeMae(t)] });
  const xs = t.tensor2d(EXTRA, [N, 3]);
  const ys = [t.oneHot(t.tensor1d(LABELS, 'int32'), 3).toFloat(), t.tensor2d(EXTRA.map((v, i) => (i % 3 === 0 ? v * 2 : 0)).filter((_, i) => i % 3 === 0), [N, 1])];
  const history = await model.fit(xs, ys, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0, validationSplit: 0.25 });
  const evaluated = (model.evaluate(xs, ys) as tfjs.Scalar[]).map((s) => s.dataSync()[0]!);
  return { start, history: history.history, evaluated, weights: weightsOf(model) };
}

test('two outputs with a loss each and a metric function log what TF.js logs, under its keys', async () => {
  const theirs = await twoOutputProgram(tf);
  const mine = await twoOutputProgram(ours, theirs.start);
  assert.deepEqual(Object.keys(mine.history).sort(), Object.keys(theirs.history).sort());
  // TF.js 4.22 labels a multi-output model's val_* logs one key off and returns an extra first value
  // from evaluate; 'accuracy' of the one-unit regression output compares unrounded labels there
  const training = Object.keys(theirs.history).filter((k) => !k.startsWith('val_') && k !== 'size_acc');
  for (const key of training) checkClose(mine.history[key] as number[], theirs.history[key] as number[], 1e-4, `history.${key}`);
  const val = (k: string): number[] => mine.history[`val_${k}`] as number[];
  checkClose(val('loss'), val('kind_loss').map((v, i) => v + val('size_loss')[i]!), 1e-5, 'val_loss is the sum of the outputs\' val losses');
  const order = ['loss', 'kind_loss', 'size_loss', 'kind_acc', 'kind_mae', 'size_acc', 'size_mae'];
  const compared = order.map((_, i) => i).filter((i) => order[i] !== 'size_acc');
  checkClose(compared.map((i) => mine.evaluated[i]!), compared.map((i) => theirs.evaluated[i + 1]!), 1e-4, 'evaluate: loss, each loss, each metric in Keras\' order');
  checkClose(mine.weights.flat(), theirs.weights.flat(), 1e-4, 'trained weights');
});

async function nestedProgram(t: Lib, freeze: boolean, initial?: number[][]) {
  const base = t.sequential({ layers: [t.layers.dense({ units: 6, activation: 'relu', inputShape: [3] }), t.layers.dense({ units: 4, activation: 'tanh' })] });
  const model = t.sequential();
  model.add(base as unknown as AnyLayer);
  model.add(t.layers.dense({ units: 3, activation: 'softmax' }));
  if (initial) model.setWeights(initial.map((w, i) => t.tensor(w, model.getWeights()[i]!.shape)));
  const start = weightsOf(model);
  base.trainable = !freeze;
  model.compile({ optimizer: t.train.sgd(0.5), loss: 'categoricalCrossentropy' });
  const xs = t.tensor2d(EXTRA, [N, 3]);
  const ys = t.oneHot(t.tensor1d(LABELS, 'int32'), 3).toFloat();
  const history = await model.fit(xs, ys, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });
  // the same base inside a functional model: applied to a symbolic input, sharing its weights
  const input = t.input({ shape: [3] });
  const functional = t.model({ inputs: input, outputs: t.layers.dense({ units: 2, name: 'other_head' }).apply(base.apply(input)) as tfjs.SymbolicTensor });
  return { start, loss: history.history['loss'] as number[], weights: weightsOf(model), base: weightsOf(base), functionalParams: functional.countParams(), trainable: model.trainableWeights.length };
}

test('a model nested in another (sequential.add(model), model.apply(input)) trains as in TF.js, frozen by model.trainable', async () => {
  const theirs = await nestedProgram(tf, false);
  const mine = await nestedProgram(ours, false, theirs.start);
  checkClose(mine.loss, theirs.loss, 1e-4, 'loss per epoch');
  checkClose(mine.weights.flat(), theirs.weights.flat(), 1e-4, 'weights');
  assert.equal(mine.functionalParams, theirs.functionalParams);
  assert.equal(mine.trainable, theirs.trainable);
  // frozen, as Keras freezes: TF.js 4.22 still updates a frozen nested model's weights in fit
  const frozen = await nestedProgram(ours, true, theirs.start);
  checkClose(frozen.base.flat(), theirs.start.slice(0, 4).flat(), 0, 'the frozen base kept its weights');
  assert.notDeepEqual(frozen.weights.slice(4), theirs.start.slice(4), 'the head trained');
  assert.equal(frozen.trainable, 2);
  const model = tg.sequential({ layers: [tg.sequential({ layers: [tg.layers.dense({ units: 2, inputShape: [3] })] }) as never] });
  await assert.rejects(model.save(tg.io.withSaveHandler(async () => ({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', modelTopologyBytes: 0, weightSpecsBytes: 0, weightDataBytes: 0 } }))), /nested in another model: saving .* is not supported yet/);
});

test('pop() after model.outputs was read keeps one node per layer, so layer.output still works', () => {
  const model = tg.sequential({ layers: [tg.layers.dense({ units: 4, inputShape: [3], name: 'first' }), tg.layers.dense({ units: 2, name: 'second' })] });
  assert.deepEqual(model.outputs[0]!.shape, [null, 2]);
  model.pop();
  assert.deepEqual(model.outputs[0]!.shape, [null, 4]);
  assert.equal(model.getLayer('first').output.sourceLayer.name, 'first');
  model.add(tg.layers.dense({ units: 5, name: 'third' }));
  assert.deepEqual(model.outputs[0]!.shape, [null, 5]);
  assert.deepEqual((model.predict(tg.ones([2, 3])) as tg.Tensor).shape, [2, 5]);
});

test('what TF.js programs call around their models: backends by name, version, prodMode, history.params, layer.output, varianceScaling', async () => {
  const before = tg.getBackend();
  assert.equal(typeof before, 'string');
  assert.equal(await tg.setBackend('cpu'), true, "'cpu' (and tfjs-node's 'tensorflow') mean tegaki's default");
  assert.equal(tg.getBackend(), tg.backend().name);
  await tg.setBackend(before);
  await assert.rejects(tg.setBackend('webgl'), /Unknown backend 'webgl'/);
  tg.enableProdMode();
  assert.equal(tg.version['tfjs-core'], '4.22.0');

  const model = tg.sequential({ seed: 3 });
  model.add(tg.layers.dense({ units: 200, inputShape: [400], kernelInitializer: 'varianceScaling', name: 'wide' }));
  assert.deepEqual(model.getLayer('wide').output.shape, [null, 200], 'connected as soon as it is added');
  // LeCun normal: a normal of stddev sqrt(1/fanIn), truncated at two of its own deviations
  const kernel = model.getLayer('wide').getWeights()[0]!.dataSync();
  const std = Math.sqrt(Array.from(kernel).reduce((n, v) => n + v * v, 0) / kernel.length);
  assert.ok(Math.abs(std - Math.sqrt(1 / 400)) < 0.05 * Math.sqrt(1 / 400), `stddev ${std}`);
  const theirs = tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'varianceScaling' }).getConfig()['kernelInitializer'] as { className: string; config: Record<string, unknown> };
  const ours = (JSON.parse(model.toJSON() as string) as { config: { layers: { config: { kernel_initializer: { class_name: string; config: Record<string, unknown> } } }[] } }).config.layers[0]!.config.kernel_initializer;
  assert.equal(ours.class_name, theirs.className);
  assert.deepEqual({ scale: ours.config['scale'], distribution: ours.config['distribution'] }, { scale: theirs.config['scale'], distribution: theirs.config['distribution'] });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const history = await model.fit(tg.ones([4, 400]), tg.zeros([4, 200]), { epochs: 2, verbose: 0 });
  assert.deepEqual({ epochs: history.params!.epochs, steps: history.params!.steps, samples: history.params!.samples }, { epochs: 2, steps: 1, samples: 4 });
});
