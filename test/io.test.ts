// Saving and loading in the TensorFlow.js Layers format: round trips, interop with TF.js in both
// directions, and a clear error for every way a saved model can be broken.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { buildTutorialModel, layers, loadModel, Random, sequential, Tensor, TegakiError, type Sequential } from '../src/node.js';
import { serveFolder, tfjs } from './helpers/tfjs.js';

const tempDir = (name: string) => mkdtempSync(join(tmpdir(), `tegaki-${name}-`));

function randomInput(shape: number[], seed: number): Tensor {
  const rng = new Random(seed);
  const t = new Tensor(shape);
  for (let i = 0; i < t.size; i++) t.f32[i] = rng.next();
  return t;
}

/** A model with every layer type: 'same' padding, strides, dropout, a separate activation. */
function everyLayerModel(): Sequential {
  const model = sequential({ seed: 3, name: 'every_layer' });
  model.add(layers.conv2d({ filters: 4, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'tanh', inputShape: [9, 8, 2] }));
  model.add(layers.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same' }));
  model.add(layers.dropout({ rate: 0.25 }));
  model.add(layers.conv2d({ filters: 3, kernelSize: 2, useBias: false }));
  model.add(layers.flatten());
  model.add(layers.dense({ units: 5, activation: 'sigmoid' }));
  model.add(layers.dense({ units: 3 }));
  model.add(layers.activation({ activation: 'softmax' }));
  return model;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const models: [string, () => Sequential, number[]][] = [
  ['NN', () => buildTutorialModel('nn', { seed: 1 }), [5, 784]],
  ['CNN', () => buildTutorialModel('cnn', { seed: 2 }), [5, 28, 28, 1]],
  ['every layer type', everyLayerModel, [4, 9, 8, 2]],
];

for (const [label, build, inputShape] of models) {
  test(`round trip and TF.js interop: ${label}`, async () => {
    const model = build();
    model.metadata = { classNames: Array.from({ length: model.outputShape[0]! }, (_, i) => `class ${i}`), seed: 7, input: { shape: inputShape.slice(1), scale: 1 / 255 } };
    const dir = tempDir('save');
    await model.save(dir);
    const x = randomInput(inputShape, 5);
    const expected = model.predict(x);

    for (const path of [dir, join(dir, 'model.json')]) {
      const loaded = loadModel(path);
      assert.equal(loaded.summary(() => {}), model.summary(() => {}));
      assert.deepEqual([...loaded.predict(x).f32], [...expected.f32]);
      assert.deepEqual(loaded.metadata, model.metadata);
    }

    // TF.js reads model.json and the weights file itself, over HTTP as a browser would
    const tf = await tfjs();
    const theirs = await serveFolder(dir, (base) => tf.loadLayersModel(`${base}/model.json`));
    const theirPrediction = (theirs.predict(tf.tensor(x.f32, x.shape as number[])) as import('@tensorflow/tfjs').Tensor).dataSync();
    const diff = maxAbsDiff(theirPrediction, expected.f32);
    assert.ok(diff <= 1e-5, `TF.js predicts the same (max abs difference ${diff})`);
  });
}

test('tegaki loads a model built, trained and saved by TF.js, and predicts the same', async () => {
  const tf = await tfjs();
  const theirs = tf.sequential();
  theirs.add(tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [8, 8, 1] }));
  theirs.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  theirs.add(tf.layers.dropout({ rate: 0.1 }));
  theirs.add(tf.layers.flatten());
  theirs.add(tf.layers.dense({ units: 4, activation: 'softmax' }));
  theirs.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const xs = tf.randomUniform([16, 8, 8, 1], 0, 1, 'float32', 1);
  const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4);
  await theirs.fit(xs, ys, { epochs: 2, verbose: 0 });
  const dir = tempDir('tfjs');
  // TF.js's own serialization, written to disk the way its file handler lays it out
  await theirs.save(tf.io.withSaveHandler(async (artifacts) => {
    writeFileSync(join(dir, 'group1-shard1of1.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
    const json = { modelTopology: artifacts.modelTopology, format: artifacts.format, generatedBy: artifacts.generatedBy, convertedBy: artifacts.convertedBy, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: artifacts.weightSpecs }] };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const ours = loadModel(dir);
  assert.deepEqual(ours.layers.map((l) => l.className), ['Conv2D', 'MaxPooling2D', 'Dropout', 'Flatten', 'Dense']);
  const x = randomInput([3, 8, 8, 1], 9);
  const expected = (theirs.predict(tf.tensor(x.f32, [3, 8, 8, 1])) as import('@tensorflow/tfjs').Tensor).dataSync();
  const diff = maxAbsDiff(ours.predict(x).f32, expected);
  assert.ok(diff <= 1e-5, `max abs difference ${diff}`);
});

test('saving again replaces the model and leaves one weights file', async () => {
  const dir = tempDir('resave');
  const model = buildTutorialModel('nn', { seed: 1 });
  await model.save(dir);
  model.layers[0]!.weights[0]!.value.f32[0] = 42;
  await model.save(dir);
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.bin')).length, 1);
  assert.equal(loadModel(dir).layers[0]!.weights[0]!.value.f32[0], 42);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), []);
});

test('every broken model gives one clear line naming the file and the problem', async () => {
  const good = tempDir('broken');
  await buildTutorialModel('nn', { seed: 1 }).save(good);
  const json = () => JSON.parse(readFileSync(join(good, 'model.json'), 'utf8'));
  const weightsFile = json().weightsManifest[0].paths[0] as string;
  const weights = readFileSync(join(good, weightsFile));

  const variant = (edit: (j: any) => void, weightBytes: Uint8Array = weights): string => {
    const dir = tempDir('variant');
    const j = json();
    edit(j);
    writeFileSync(join(dir, 'model.json'), typeof j === 'string' ? j : JSON.stringify(j));
    writeFileSync(join(dir, weightsFile), weightBytes);
    return dir;
  };
  const nan = new Float32Array(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.length));
  nan[17] = NaN;
  const cases: [string, RegExp][] = [
    [variant((j) => (j.modelTopology.config.layers[0].class_name = 'LSTM')), /layer 0 \(dense\): unknown layer class 'LSTM'/],
    [variant((j) => j.weightsManifest[0].weights.pop()), /weights-[0-9a-f]+\.bin: 203560 bytes, but the manifest in model\.json needs 203520 \(longer/],
    [variant((j) => j.weightsManifest[0].weights.push({ name: 'dense_9/kernel', shape: [1], dtype: 'float32' })), /203560 bytes, but the manifest in model\.json needs 203564 \(shorter/],
    [variant((j) => (j.weightsManifest[0].weights[3].name = 'dense_1/gamma')), /lists 'dense_1\/gamma', which no layer has/],
    [variant((j) => (j.weightsManifest[0].weights[0].shape = [64, 784])), /weight dense\/kernel has shape \(64, 784\) in the manifest, the layer needs \(784, 64\)/],
    [variant(() => {}, weights.subarray(0, 1000)), /1000 bytes, but the manifest in model\.json needs 203560 \(shorter/],
    [variant(() => {}, new Uint8Array(nan.buffer)), /weight dense\/kernel contains NaN at index 17/],
    [variant((j) => (j.modelTopology.config.layers[1].config.units = 0)), /layer 1 \(dense_1\): .*units=0/],
    [variant((j) => (j.userDefinedMetadata.tegaki.formatVersion = 99)), /format version 99/],
  ];
  for (const [dir, message] of cases) {
    assert.throws(() => loadModel(dir), (e: Error) => e instanceof TegakiError && e.message.includes(dir) && message.test(e.message) && !e.message.includes('\n'), `expected ${message} for ${dir}`);
  }
  const malformed = tempDir('malformed');
  writeFileSync(join(malformed, 'model.json'), '{"modelTopology": ');
  assert.throws(() => loadModel(malformed), /model\.json: malformed JSON/);
  assert.throws(() => loadModel(join(malformed, 'nothing')), /nothing: no such file/);
  const missingWeights = variant(() => {});
  writeFileSync(join(missingWeights, 'model.json'), JSON.stringify({ ...json(), weightsManifest: [{ paths: ['gone.bin'], weights: json().weightsManifest[0].weights }] }));
  assert.throws(() => loadModel(missingWeights), /gone\.bin: weight file listed in model\.json is missing/);
});

test('a process killed (SIGKILL) while saving leaves a loadable model, old or new', async () => {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const saver = fileURLToPath(new URL('./fixtures/save-loop.js', import.meta.url));
  for (const delay of [40, 95, 170, 260, 333]) {
    const dir = tempDir('kill');
    const child = spawn(process.execPath, [saver, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, delay));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    if (!readdirSync(dir).includes('model.json')) continue; // killed before the first save finished
    const values = new Set(loadModel(dir).getWeights().flatMap((w) => [...w.f32]));
    assert.equal(values.size, 1, 'all weights come from one save');
    assert.ok(values.has(1) || values.has(2));
  }
});
