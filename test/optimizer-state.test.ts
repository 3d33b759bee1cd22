// A model saved with its optimizer (save's includeOptimizer) in TF.js' format: trained in one
// library, saved and loaded in the other, it keeps training to the weights it would have reached
// without stopping; tegaki → tegaki through file:// too. The manifest and trainingConfig are the
// ones TF.js writes; optimizers' getWeights/setWeights carry state between the libraries; and
// every hostile part of such a file is refused with one line naming the file and field.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import type * as tfjs from '@tensorflow/tfjs';
import * as tg from '../src/node.js';
import { checkClose, maxAbsDiff, uniformArray } from './helpers/check.js';
import { tfjs as loadTfjs } from './helpers/tfjs.js';

const tf = await loadTfjs();
type Lib = typeof tfjs;
const ours = tg as unknown as Lib;
type Artifacts = tfjs.io.ModelArtifacts;

const tempDir = (name: string) => mkdtempSync(join(tmpdir(), `tegaki-${name}-`));

/** 12 points in 3 dimensions, 3 classes. */
const X = uniformArray(12 * 3, 41);
const LABELS = Array.from({ length: 12 }, (_, i) => (X[i * 3]! + X[i * 3 + 1]! > 0 ? 0 : X[i * 3 + 2]! > 0 ? 1 : 2));

interface Case {
  label: string;
  make: (t: Lib) => tfjs.Optimizer;
}

const CASES: Case[] = [
  { label: 'adam', make: (t) => t.train.adam(0.02) },
  { label: 'rmsprop', make: (t) => t.train.rmsprop(0.01) },
  { label: 'rmsprop with momentum, centered', make: (t) => t.train.rmsprop(0.01, 0.8, 0.5, 1e-12, true) },
  { label: 'momentum', make: (t) => t.train.momentum(0.05, 0.9) },
  { label: 'momentum, Nesterov', make: (t) => t.train.momentum(0.05, 0.9, true) },
  { label: 'sgd', make: (t) => t.train.sgd(0.1) },
  { label: 'adagrad', make: (t) => t.train.adagrad(0.1) },
  { label: 'adadelta', make: (t) => t.train.adadelta(1) },
];

// Steps that do not depend on the optimizer's state: sgd keeps none, and TF.js' adadelta starts its
// two mean squares equal and so keeps them (each step is learningRate·g)
const STATE_FREE_STEPS = ['sgd', 'adadelta'];

/** The step count and slots of an optimizer, in getWeights order. */
const stateOf = async (optimizer: tfjs.Optimizer) => (await optimizer.getWeights()).flatMap((w) => Array.from(w.tensor.dataSync()));

/** A small classifier compiled with the optimizer; `names` gives its layers names of their own. */
function compiled(t: Lib, make: Case['make'], names?: [string, string]): tfjs.Sequential {
  const model = t.sequential();
  model.add(t.layers.dense({ units: 6, activation: 'tanh', inputShape: [3], name: names?.[0] }));
  model.add(t.layers.dense({ units: 3, activation: 'softmax', name: names?.[1] }));
  model.compile({ optimizer: make(t), loss: 'categoricalCrossentropy', metrics: ['acc'] });
  return model;
}

/** Two more epochs of 3 steps each, always on the same batches; the weights after them. */
async function train(model: tfjs.LayersModel, t: Lib): Promise<number[]> {
  const ys = t.oneHot(t.tensor1d(LABELS, 'int32'), 3).toFloat();
  await model.fit(t.tensor2d(X, [12, 3]), ys, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  return model.getWeights().flatMap((w) => Array.from(w.dataSync()));
}

/** The artifacts model.save hands its handler. */
async function saved(model: tfjs.LayersModel, t: Lib, includeOptimizer = true): Promise<Artifacts> {
  let artifacts: Artifacts | undefined;
  await model.save(t.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }), { includeOptimizer });
  return artifacts!;
}

/** The same weights trained on by a fresh optimizer: what a lost optimizer state would give. */
async function withoutState(artifacts: Artifacts, make: Case['make']): Promise<number[]> {
  const model = await tg.loadLayersModel(tg.io.fromMemory(artifacts as never)) as unknown as tfjs.LayersModel;
  model.compile({ optimizer: make(ours), loss: 'categoricalCrossentropy' });
  return train(model, ours);
}

for (const { label, make } of CASES) {
  test(`${label}: saved with its optimizer by tegaki, TF.js continues training where tegaki stopped`, async () => {
    const mine = compiled(ours, make);
    await train(mine, ours);
    const artifacts = await saved(mine, ours);
    const weightsOnly = await saved(mine, ours, false);
    const theirs = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    assert.equal(theirs.optimizer.getClassName(), mine.optimizer.getClassName());
    assert.equal(theirs.optimizer.iterations, 6);
    assert.deepEqual(await stateOf(theirs.optimizer), await stateOf(mine.optimizer), `${label}: TF.js holds tegaki's optimizer state`);
    const expected = await train(mine, ours);
    checkClose(await train(theirs, tf), expected, 1e-4, `${label}: TF.js' weights after 6 more steps`);
    if (!STATE_FREE_STEPS.includes(label)) assert.ok(maxAbsDiff(await withoutState(weightsOnly, make), expected).diff > 1e-3, `${label}: a fresh optimizer would have gone elsewhere`);
  });

  test(`${label}: saved with its optimizer by TF.js, tegaki continues training where TF.js stopped`, async () => {
    const theirs = compiled(tf, make);
    await train(theirs, tf);
    const mine = await tg.loadLayersModel(tg.io.fromMemory((await saved(theirs, tf)) as never)) as unknown as tfjs.LayersModel;
    assert.equal(mine.optimizer.getClassName(), theirs.optimizer.getClassName());
    assert.equal(mine.optimizer.iterations, 6);
    assert.deepEqual(mine.optimizer.getConfig(), theirs.optimizer.getConfig());
    // the plain rmsprop keeps no momentum slot: it reports zeros where TF.js has its last step
    if (label !== 'rmsprop') assert.deepEqual(await stateOf(mine.optimizer), await stateOf(theirs.optimizer), `${label}: tegaki holds TF.js' optimizer state`);
    const expected = await train(theirs, tf);
    checkClose(await train(mine, ours), expected, 1e-4, `${label}: tegaki's weights after 6 more steps`);
  });
}

test('tegaki → tegaki through file://: Sequential and functional models continue exactly where they stopped', async () => {
  const functional = (t: Lib, make: Case['make']) => {
    const input = t.input({ shape: [3] });
    const hidden = t.layers.dense({ units: 6, activation: 'tanh' }).apply(input) as tfjs.SymbolicTensor;
    const model = t.model({ inputs: input, outputs: t.layers.dense({ units: 3, activation: 'softmax' }).apply(hidden) as tfjs.SymbolicTensor });
    model.compile({ optimizer: make(t), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    return model;
  };
  const builds: [string, (make: Case['make']) => tfjs.LayersModel][] = [['Sequential', (make) => compiled(ours, make)], ['functional', (make) => functional(ours, make)]];
  for (const [kind, build] of builds) {
    for (const { label, make } of CASES) {
      const model = build(make);
      await train(model, ours);
      const dir = join(tempDir('optimizer-state'), 'model');
      await model.save(`file://${dir}`, { includeOptimizer: true });
      const loaded = await tg.loadLayersModel(`file://${dir}/model.json`) as unknown as tfjs.LayersModel;
      assert.deepEqual(await train(loaded, ours), await train(model, ours), `${kind}, ${label}`);
      // the command line's loader (Sequential models) compiles it too
      if (kind === 'Sequential') assert.equal(tg.loadModel(dir).optimizer?.iterations, 6, `${kind}, ${label}: loadModel`);
    }
  }
});

test("the optimizer's weights and trainingConfig are written as TF.js writes them, in memory and in model.json", async () => {
  const names: [string, string] = ['format_hidden', 'format_out'];
  const theirs = compiled(tf, CASES[0]!.make, names);
  const mine = compiled(ours, CASES[0]!.make, names);
  await train(theirs, tf);
  await train(mine, ours);
  const expected = await saved(theirs, tf);
  const artifacts = await saved(mine, ours);
  assert.deepEqual(artifacts.weightSpecs, expected.weightSpecs);
  assert.deepEqual(artifacts.trainingConfig, expected.trainingConfig);
  assert.deepEqual((await mine.optimizer.getWeights()).map((w) => w.name), expected.weightSpecs!.filter((s) => s.group === 'optimizer').map((s) => s.name), 'getWeights names slots after the model\'s weights');

  const dir = tempDir('optimizer-json');
  await mine.save(`file://${dir}`, { includeOptimizer: true });
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  assert.deepEqual(json.weightsManifest[0].weights, expected.weightSpecs);
  assert.deepEqual(json.trainingConfig, expected.trainingConfig);

  // as TF.js: a compiled model that has not trained saves its step count alone
  const fresh = await saved(compiled(ours, CASES[0]!.make), ours);
  assert.deepEqual(fresh.weightSpecs!.filter((s) => s.group === 'optimizer'), [{ name: 'iter', shape: [], dtype: 'int32', group: 'optimizer' }]);
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(fresh));
  assert.equal(loaded.optimizer.iterations, 0);
});

test('save refuses includeOptimizer on an uncompiled model, a loss function, and trainableOnly', async () => {
  const model = tg.sequential();
  model.add(tg.layers.dense({ units: 2, inputShape: [3] }));
  const handler = tg.io.withSaveHandler(async () => ({ modelArtifactsInfo: {} as tg.io.ModelArtifactsInfo }));
  await assert.rejects(model.save(handler, { includeOptimizer: true }), /save: includeOptimizer needs a compiled model/);
  model.compile({ optimizer: 'adam', loss: (yTrue: tg.Tensor, yPred: tg.Tensor) => tg.sub(yTrue, yPred).square().mean(-1) });
  await assert.rejects(model.save(handler, { includeOptimizer: true }), /save: includeOptimizer saves the loss by name, and .* is a function/);
  await assert.rejects(model.save(handler, { trainableOnly: true }), /save: trainableOnly is not supported yet/);
});

/** A small regression on two variables starting at `start`, and a minimize step on it. */
function regression(t: Lib, start: readonly Float32Array[]) {
  const w = t.variable(t.tensor2d(start[0]!, [3, 2]));
  const b = t.variable(t.tensor1d(start[1]!));
  const x = t.tensor2d(X.slice(0, 12), [4, 3]);
  const y = t.tensor2d(uniformArray(8, 42), [4, 2]);
  const loss = () => t.matMul(x, w).add(b).tanh().sub(y).square().mean() as tfjs.Scalar;
  return {
    variables: [w, b],
    steps: (optimizer: tfjs.Optimizer, n: number) => {
      for (let i = 0; i < n; i++) optimizer.minimize(loss, false, [w, b]);
    },
    values: () => [w, b].map((v) => Float32Array.from(v.dataSync())),
  };
}

/** Named tensors of one library as the other's. */
type NamedTensor = { name: string; tensor: tfjs.Tensor };
const converted = (t: Lib, weights: NamedTensor[]): NamedTensor[] => weights.map(({ name, tensor }) => ({ name, tensor: t.tensor(tensor.dataSync(), tensor.shape, tensor.dtype) }));
const flat = (arrays: Float32Array[]) => arrays.flatMap((a) => [...a]);

test("an optimizer's getWeights and setWeights carry its state to TF.js' and back", async () => {
  const start = [uniformArray(6, 43), uniformArray(2, 44, -0.1, 0.1)];
  for (const { label, make } of CASES) {
    const mine = make(ours);
    const first = regression(ours, start);
    first.steps(mine, 2);
    const state = await mine.getWeights();
    assert.deepEqual([state[0]!.name, state[0]!.tensor.dtype, state[0]!.tensor.dataSync()[0]], ['iter', 'int32', 2], label);
    if (state.length > 1) assert.equal(state[1]!.name, `${first.variables[0]!.name}/${state[1]!.name.split('/').at(-1)}`, `${label}: named after the variable`);
    const theirs = make(tf);
    await theirs.setWeights(converted(tf, state));
    const second = regression(tf, first.values());
    first.steps(mine, 3);
    second.steps(theirs, 3);
    checkClose(flat(second.values()), flat(first.values()), 1e-5, `${label}: TF.js after setWeights`);

    // and back: TF.js' state goes to a fresh tegaki optimizer, whose next weights take it in order
    const back = make(ours);
    await back.setWeights(converted(ours, await theirs.getWeights()));
    assert.equal(back.iterations, 5, label);
    const third = regression(ours, second.values());
    second.steps(theirs, 2);
    third.steps(back, 2);
    checkClose(flat(third.values()), flat(second.values()), 1e-5, `${label}: tegaki after setWeights`);
  }
});

test('setMomentum changes the momentum the next steps use', () => {
  const start = [uniformArray(6, 45), uniformArray(2, 46, -0.1, 0.1)];
  const changed = tg.train.momentum(0.05, 0.9);
  changed.setMomentum(0.5);
  assert.equal(changed.getConfig().momentum, 0.5);
  const [a, b] = [regression(ours, start), regression(ours, start)];
  a.steps(tg.train.momentum(0.05, 0.5) as never, 3);
  b.steps(changed as never, 3);
  assert.deepEqual(b.values(), a.values());
  assert.throws(() => changed.setMomentum(NaN), /Momentum: expected momentum to be a number >= 0, received momentum=NaN/);
});

/** A weight spec and its bytes, to edit artifacts with. */
interface Entry {
  spec: Record<string, unknown>;
  bytes: Uint8Array;
}

function entriesOf(artifacts: Artifacts): Entry[] {
  const data = new Uint8Array(artifacts.weightData as ArrayBuffer);
  let offset = 0;
  return artifacts.weightSpecs!.map((spec) => {
    const length = 4 * (spec.shape as number[]).reduce((n, d) => n * d, 1);
    const bytes = data.slice(offset, (offset += length));
    return { spec: structuredClone(spec) as unknown as Record<string, unknown>, bytes };
  });
}

function withEntries(artifacts: Artifacts, entries: Entry[]): Artifacts {
  return { ...artifacts, weightSpecs: entries.map((e) => e.spec) as never, weightData: new Uint8Array(Buffer.concat(entries.map((e) => e.bytes))).buffer };
}

function assertRefused(load: () => Promise<unknown>, source: string, message: RegExp, label: string): Promise<void> {
  return assert.rejects(load, (e: Error) => {
    assert.ok(e instanceof tg.TegakiError, `${label}: ${e.stack}`);
    assert.ok(!e.message.includes('\n') && e.message.includes(source), `${label}: ${e.message}`);
    assert.match(e.message, message, label);
    return true;
  });
}

const at = (entries: Entry[], name: string): Entry => entries.find((e) => e.spec['name'] === name)!;
const float32Bytes = (...values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
const int32Bytes = (...values: number[]) => new Uint8Array(Int32Array.from(values).buffer);

test('hostile optimizer state and trainingConfig in memory are refused with one line naming the field', async () => {
  const model = compiled(ours, CASES[0]!.make, ['hidden', 'out']);
  await train(model, ours);
  const good = await saved(model, ours);
  const config = (edit: (c: Record<string, any>) => void) => {
    const trainingConfig = structuredClone(good.trainingConfig) as Record<string, any>;
    edit(trainingConfig);
    return { ...good, trainingConfig } as Artifacts;
  };
  const entries = (edit: (e: Entry[]) => Entry[] | void) => {
    const list = entriesOf(good);
    return withEntries(good, edit(list) ?? list);
  };
  const kernelSlots = (shape: number[]) => entries((e) => ['hidden/kernel/m', 'hidden/kernel/v'].forEach((n) => (at(e, n).spec['shape'] = shape)));
  const cases: [string, Artifacts, RegExp][] = [
    ['trainingConfig a string', { ...good, trainingConfig: 'adam' as never }, /model: trainingConfig must be an object \{ loss, metrics, optimizer_config \}, received "adam"/],
    ['trainingConfig a list', { ...good, trainingConfig: [] as never }, /trainingConfig must be an object .* received a list/],
    ['unknown optimizer class', config((c) => (c['optimizer_config'].class_name = 'Lion')), /model: trainingConfig\.optimizer_config: class_name 'Lion' is not an optimizer of TF\.js or Keras that tegaki has\. Expected one of: SGD, Momentum, RMSProp, Adam, Adadelta, Adagrad, Adamax, AdamW, Nadam\./],
    ['class name from the prototype', config((c) => (c['optimizer_config'].class_name = 'constructor')), /class_name 'constructor' is not an optimizer/],
    ['no optimizer_config', config((c) => delete c['optimizer_config']), /trainingConfig\.optimizer_config must be \{ class_name, config \}, received undefined/],
    ['learning rate NaN', config((c) => (c['optimizer_config'].config.learningRate = NaN)), /trainingConfig\.optimizer_config: Adam: expected learningRate to be a number >= 0, received learningRate=NaN/],
    ['unknown optimizer option', config((c) => (c['optimizer_config'].config.amsgrad = true)), /trainingConfig\.optimizer_config: Adam: option 'amsgrad' is not supported/],
    ['unknown loss', config((c) => (c['loss'] = 'focal')), /trainingConfig\.loss: Unknown loss 'focal'/],
    ['losses by output', config((c) => (c['loss'] = { out: 'categorical_crossentropy' })), /trainingConfig\.loss must be a name or a list of names, received object \(by output name is not supported\)/],
    ['no loss', config((c) => delete c['loss']), /trainingConfig\.loss is missing/],
    ['unknown metric', config((c) => (c['metrics'] = ['f1_score'])), /trainingConfig\.metrics: Unknown metric 'f1Score'/],
    ['loss weights', config((c) => (c['loss_weights'] = [1])), /trainingConfig\.loss_weights is not supported/],
    ['unknown field', config((c) => (c['run_eagerly'] = true)), /trainingConfig: unknown field 'run_eagerly'/],
    ['slots of another shape', kernelSlots([6, 3]), /model: optimizer weight 'hidden\/kernel\/m' has shape \(6, 3\); the weight it belongs to, hidden\/kernel, has \(3, 6\)/],
    ['slots of a weight disagreeing', entries((e) => void (at(e, 'hidden/kernel/v').spec['shape'] = [6, 3])), /optimizer weight 'hidden\/kernel\/v' has shape \(6, 3\), the other slots of its weight \(3, 6\)/],
    ['huge slots', kernelSlots([100000, 100000]), /model: weight data has \d+ bytes, the weight specs need \d+/],
    ['NaN in a slot', entries((e) => void at(e, 'hidden/bias/v').bytes.set(float32Bytes(NaN), 4)), /model: optimizer weight 'hidden\/bias\/v' contains NaN at index 1/],
    ['Infinity in a slot', entries((e) => void at(e, 'out/kernel/m').bytes.set(float32Bytes(-Infinity), 0)), /optimizer weight 'out\/kernel\/m' contains -Infinity at index 0/],
    ['negative step count', entries((e) => void (at(e, 'iter').bytes = int32Bytes(-1))), /model: optimizer weight 'iter' must be the step count, a scalar holding a whole number >= 0; received shape \(\) holding -1/],
    ['fractional step count', entries((e) => {
      const iter = at(e, 'iter');
      iter.spec['dtype'] = 'float32';
      iter.bytes = float32Bytes(1.5);
    }), /optimizer weight 'iter' must be the step count.* holding 1\.5/],
    ['a slot missing', entries((e) => e.slice(0, -1)), /model: 7 optimizer weights after 'iter'; Adam keeps m, v for each weight/],
    ['slots for fewer weights', entries((e) => e.filter((x) => !/^out\//.test(x.spec['name'] as string) || x.spec['group'] !== 'optimizer')), /model: the optimizer weights hold slots for 2 weights, the model trains 4/],
    ['int32 slot', entries((e) => void (at(e, 'hidden/bias/m').spec['dtype'] = 'int32')), /optimizer weight 'hidden\/bias\/m' has dtype int32; slots are float32/],
    ['string slot', entries((e) => void (at(e, 'hidden/bias/m').spec['dtype'] = 'string')), /weight 'hidden\/bias\/m' has dtype "string"; optimizer weights are float32, or int32 for the step count/],
    ['quantized step count', entries((e) => void (at(e, 'iter').spec['quantization'] = { dtype: 'uint8', min: 0, scale: 1 })), /weight 'iter': an int32 weight cannot be quantized/],
    ['unknown group', entries((e) => void (at(e, 'iter').spec['group'] = 'state')), /weight 'iter' has group "state"; TF\.js writes "model" or "optimizer"/],
    ['state without trainingConfig', { ...good, trainingConfig: undefined }, /model: the weights hold optimizer state \(group "optimizer"\) but there is no trainingConfig naming the optimizer/],
  ];
  for (const [label, artifacts, message] of cases) await assertRefused(() => tg.loadLayersModel(tg.io.fromMemory(artifacts as never)), 'model', message, label);
  // the good artifacts load, and so does a trainingConfig without the state (TF.js writes none for SGD)
  await tg.loadLayersModel(tg.io.fromMemory(good as never));
  const plain = entriesOf(good).filter((e) => e.spec['group'] !== 'optimizer');
  assert.equal((await tg.loadLayersModel(tg.io.fromMemory(withEntries(good, plain) as never))).optimizer!.iterations, 0);
});

test('hostile optimizer state in model.json is refused with one line naming the file', async () => {
  const model = compiled(ours, CASES[0]!.make, ['hidden', 'out']);
  await train(model, ours);
  const edits: [string, (json: Record<string, any>) => void, RegExp][] = [
    ['trainingConfig a number', (json) => (json['trainingConfig'] = 3), /model\.json: trainingConfig must be an object .* received number/],
    ['unknown optimizer class', (json) => (json['trainingConfig'].optimizer_config.class_name = 'LAMB'), /model\.json: trainingConfig\.optimizer_config: class_name 'LAMB' is not an optimizer of TF\.js or Keras that tegaki has/],
    ['slots of another shape', (json) => {
      for (const w of json['weightsManifest'][0].weights) if (/^hidden\/kernel\/[mv]$/.test(w.name)) w.shape = [6, 3];
    }, /model\.json: optimizer weight 'hidden\/kernel\/m' has shape \(6, 3\); the weight it belongs to, hidden\/kernel, has \(3, 6\)/],
    ['step count of another dtype', (json) => (json['weightsManifest'][0].weights.find((w: { name: string }) => w.name === 'iter').dtype = 'bool'), /model\.json: weight 'iter' has dtype "bool"; optimizer weights are float32, or int32/],
  ];
  for (const [label, edit, message] of edits) {
    const dir = tempDir('optimizer-hostile');
    await model.save(`file://${dir}`, { includeOptimizer: true });
    const file = join(dir, 'model.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    edit(json);
    writeFileSync(file, JSON.stringify(json));
    await assertRefused(() => tg.loadLayersModel(`file://${file}`), file, message, label);
    await assertRefused(async () => tg.loadModel(dir), dir, message, `${label}, loadModel`);
  }
});

// Keras' optimizers and options, which TF.js lacks: saved and loaded by tegaki, they continue as
// if never stopped (slots, step count, the schedule's step and the options all come back).
const KERAS_CASES: Case[] = [
  { label: 'adamw, amsgrad', make: () => tg.optimizers.adamw({ learningRate: 0.02, amsgrad: true, weightDecay: 0.1 }) as never },
  { label: 'nadam', make: () => tg.optimizers.nadam({ learningRate: 0.02 }) as never },
  {
    label: 'momentum with clipnorm and a schedule',
    make: () => tg.optimizers.sgd({ learningRate: tg.optimizers.schedules.inverseTimeDecay({ initialLearningRate: 0.2, decaySteps: 2, decayRate: 1 }), momentum: 0.9, clipnorm: 0.2 }) as never,
  },
  { label: 'adam with weightDecay and globalClipnorm', make: () => tg.optimizers.adam({ learningRate: 0.02, weightDecay: 0.5, globalClipnorm: 0.5 }) as never },
];

test("Keras' optimizers and options: saved with includeOptimizer by tegaki, tegaki continues exactly where it stopped", async () => {
  for (const { label, make } of KERAS_CASES) {
    const model = compiled(ours, make);
    await train(model, ours);
    const dir = join(tempDir('keras-optimizer-state'), 'model');
    await model.save(`file://${dir}`, { includeOptimizer: true });
    const weightsOnly = await saved(model, ours, false);
    const loaded = await tg.loadLayersModel(`file://${dir}/model.json`) as unknown as tfjs.LayersModel;
    assert.deepEqual(loaded.optimizer.getConfig(), model.optimizer.getConfig(), `${label}: config`);
    assert.equal(loaded.optimizer.iterations, 6, label);
    const expected = await train(model, ours);
    assert.deepEqual(await train(loaded, ours), expected, `${label}: after 6 more steps`);
    assert.ok(maxAbsDiff(await withoutState(weightsOnly, make), expected).diff > 1e-3, `${label}: a fresh optimizer would have gone elsewhere`);
  }
});
