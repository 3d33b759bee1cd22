// The layer contract every layer passes (after Keras' run_layer_test): output shape as
// computeOutputShape says, the expected weights, a getConfig round trip, and one fit step that
// moves the weights and lowers the loss; plus constructor validation with Keras-style messages.

import assert from 'node:assert/strict';
import test from 'node:test';
import { layers, optimizers, Random, sequential, Tensor, TegakiError } from '../src/node.js';
import type { FusedLayer as Layer } from '../src/layers/fused.js';
import { checkClose, uniformArray } from './helpers/check.js';

interface ContractCase {
  label: string;
  /** A fresh layer, with inputShape set. */
  make: (inputShape: number[]) => Layer;
  inputShape: number[];
  outputShape: number[];
  /** Expected weight shapes in order. */
  weights: number[][];
}

const cases: ContractCase[] = [
  { label: 'dense', make: (inputShape) => layers.dense({ units: 4, activation: 'relu', inputShape }), inputShape: [6], outputShape: [4], weights: [[6, 4], [4]] },
  { label: 'dense softmax, no bias', make: (inputShape) => layers.dense({ units: 3, activation: 'softmax', useBias: false, kernelInitializer: 'heNormal', inputShape }), inputShape: [5], outputShape: [3], weights: [[5, 3]] },
  { label: 'conv2d valid', make: (inputShape) => layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', inputShape }), inputShape: [6, 6, 2], outputShape: [4, 4, 3], weights: [[3, 3, 2, 3], [3]] },
  { label: 'conv2d same, strides 2', make: (inputShape) => layers.conv2d({ filters: 2, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'tanh', inputShape }), inputShape: [7, 6, 1], outputShape: [4, 3, 2], weights: [[3, 2, 1, 2], [2]] },
  { label: 'conv2d no bias', make: (inputShape) => layers.conv2d({ filters: 2, kernelSize: 2, useBias: false, biasInitializer: 'ones', inputShape }), inputShape: [4, 4, 3], outputShape: [3, 3, 2], weights: [[2, 2, 3, 2]] },
  { label: 'maxPooling2d', make: (inputShape) => layers.maxPooling2d({ inputShape }), inputShape: [6, 5, 2], outputShape: [3, 2, 2], weights: [] },
  { label: 'maxPooling2d same, strides 1', make: (inputShape) => layers.maxPooling2d({ poolSize: [2, 3], strides: 1, padding: 'same', inputShape }), inputShape: [4, 5, 2], outputShape: [4, 5, 2], weights: [] },
  { label: 'flatten', make: (inputShape) => layers.flatten({ inputShape }), inputShape: [3, 2, 2], outputShape: [12], weights: [] },
  { label: 'dropout', make: (inputShape) => layers.dropout({ rate: 0.25, inputShape }), inputShape: [8], outputShape: [8], weights: [] },
  { label: 'rescaling', make: (inputShape) => layers.rescaling({ scale: 0.5, offset: 0.25, inputShape }), inputShape: [4, 5, 2], outputShape: [4, 5, 2], weights: [] },
  { label: 'resizing with crop', make: (inputShape) => layers.resizing({ height: 3, width: 7, cropToAspectRatio: true, inputShape }), inputShape: [6, 5, 2], outputShape: [3, 7, 2], weights: [] },
  { label: 'centerCrop', make: (inputShape) => layers.centerCrop({ height: 3, width: 4, inputShape }), inputShape: [6, 5, 2], outputShape: [3, 4, 2], weights: [] },
  { label: 'randomCrop', make: (inputShape) => layers.randomCrop({ height: 3, width: 4, inputShape }), inputShape: [6, 5, 2], outputShape: [3, 4, 2], weights: [] },
  { label: 'randomRotation', make: (inputShape) => layers.randomRotation({ factor: 0.2, fillMode: 'constant', inputShape }), inputShape: [6, 5, 2], outputShape: [6, 5, 2], weights: [] },
  { label: 'randomTranslation', make: (inputShape) => layers.randomTranslation({ heightFactor: 0.2, widthFactor: [0, 0.3], inputShape }), inputShape: [6, 5, 2], outputShape: [6, 5, 2], weights: [] },
  { label: 'randomZoom', make: (inputShape) => layers.randomZoom({ heightFactor: 0.2, widthFactor: 0.1, fillMode: 'wrap', inputShape }), inputShape: [6, 5, 2], outputShape: [6, 5, 2], weights: [] },
  { label: 'randomFlip', make: (inputShape) => layers.randomFlip({ mode: 'horizontal', inputShape }), inputShape: [6, 5, 2], outputShape: [6, 5, 2], weights: [] },
  { label: 'randomContrast', make: (inputShape) => layers.randomContrast({ factor: 0.3, valueRange: [-2, 2], inputShape }), inputShape: [6, 5, 2], outputShape: [6, 5, 2], weights: [] },
  { label: 'randomBrightness', make: (inputShape) => layers.randomBrightness({ factor: 0.3, valueRange: [-2, 2], inputShape }), inputShape: [6, 5, 2], outputShape: [6, 5, 2], weights: [] },
  { label: 'activation', make: (inputShape) => layers.activation({ activation: 'sigmoid', inputShape }), inputShape: [2, 3], outputShape: [2, 3], weights: [] },
];

const BATCH = 6;
const sampleSize = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

for (const c of cases) {
  test(`${c.label}: output shape, weights, config round trip, one fit step`, async () => {
    // output shape: computeOutputShape, outputShape after build, and what forward returns agree
    const layer = c.make(c.inputShape);
    assert.deepEqual(layer.outputSampleShape([c.inputShape]), c.outputShape);
    assert.deepEqual(layer.computeOutputShape([null, ...c.inputShape]), [null, ...c.outputShape], 'TF.js form: shapes with the batch dimension');
    layer.buildFor(c.inputShape, new Random(1));
    assert.deepEqual(layer.outputShape, c.outputShape);
    const x = new Tensor([BATCH, ...c.inputShape], uniformArray(BATCH * sampleSize(c.inputShape), 2));
    for (const training of [false, true]) {
      const y = layer.forward(x, { training, rng: new Random(3) });
      assert.deepEqual(y.shape, [BATCH, ...c.outputShape], `forward output shape (training=${training})`);
      assert.ok(y.f32.every(Number.isFinite), 'finite outputs');
      // call() (ops on the tape) computes what the fused kernels do; dropout draws the same mask for the same stream
      const viaCall = layer.call(x, { training, rng: new Random(3) }) as Tensor;
      checkClose(viaCall.f32, y.f32, 1e-5, `call() vs forward (training=${training})`);
      const dx = layer.backward(new Tensor(y.shape, uniformArray(y.size, 4)));
      assert.deepEqual(dx.shape, x.shape, 'backward returns dL/dx shaped like x');
    }

    // weights: count, shapes and names in Keras order, gradients shaped like them
    assert.equal(layer.weights.length, c.weights.length);
    assert.deepEqual(layer.weights.map((w) => w.value.shape), c.weights);
    assert.deepEqual(layer.weights.map((w) => w.grad.shape), c.weights);
    assert.deepEqual(layer.weights.map((w) => w.name), ['kernel', 'bias'].slice(0, c.weights.length));
    assert.equal(layer.countParams(), c.weights.reduce((n, s) => n + sampleSize(s), 0));

    // getConfig round trip: a layer made from the config has the same config
    const config = layer.getConfig();
    const Class = layer.constructor as new (args: never) => Layer;
    const copy = new Class(structuredClone(config) as never);
    assert.deepEqual(copy.getConfig(), config);
    assert.deepEqual(copy.outputSampleShape([c.inputShape]), c.outputShape);
    assert.deepEqual(copy.declaredInputShape, c.inputShape, 'inputShape survives the round trip (as batchInputShape)');
    // the config is a snapshot: changing it does not change the layer
    for (const value of Object.values(config)) if (Array.isArray(value)) value.fill(99);
    assert.deepEqual(layer.getConfig(), copy.getConfig());

    // one fit step on a tiny model: the layer's weights move and the loss falls
    const model = sequential({ seed: 5 });
    model.add(c.make(c.inputShape));
    if (c.outputShape.length > 1) model.add(layers.flatten());
    model.add(layers.dense({ units: 3, activation: 'softmax' }));
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'sparseCategoricalCrossentropy' });
    const labels = new Tensor([BATCH], [0, 1, 2, 0, 1, 2]);
    const before = model.layers[0]!.getWeights();
    const lossBefore = (model.evaluate(x, labels) as Tensor).dataSync()[0]!;
    await model.fit(x, labels, { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0 });
    const lossAfter = (model.evaluate(x, labels) as Tensor).dataSync()[0]!;
    assert.ok(lossAfter < lossBefore, `loss ${lossBefore} → ${lossAfter}`);
    model.layers[0]!.getWeights().forEach((w, i) => assert.notDeepEqual([...w.f32], [...before[i]!.f32], `${model.layers[0]!.weights[i]!.name} moved`));
  });
}

test('a layer config without inputShape round-trips too, and a name is kept', () => {
  const layer = layers.conv2d({ filters: 2, kernelSize: 3, name: 'features', trainable: false });
  const copy = new layers.Conv2D(layer.getConfig() as never);
  assert.deepEqual(copy.getConfig(), layer.getConfig());
  assert.equal(copy.name, 'features');
  assert.equal(copy.trainable, false);
  assert.equal(copy.declaredInputShape, undefined);
});

test('constructor validation: TegakiError quoting the value received', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => layers.conv2d({ filters: 0, kernelSize: 3 }), /Received filters=0\./],
    [() => layers.conv2d({ filters: 2.5, kernelSize: 3 }), /Received filters=2\.5\./],
    [() => layers.conv2d({ filters: 2, kernelSize: 0 }), /Received kernelSize=0\./],
    [() => layers.conv2d({ filters: 2, kernelSize: [3, 3, 3] as never }), /Received kernelSize=\[3,3,3\]\./],
    [() => layers.conv2d({ filters: 2, kernelSize: 3, strides: [1, 0] }), /Received strides=\[1,0\]\./],
    [() => layers.conv2d({ filters: 2, kernelSize: 3, padding: 'full' as never }), /Received padding="full"\./],
    [() => layers.conv2d({ filters: 2, kernelSize: 3, activation: 'gelu' as never }), /'gelu'/],
    [() => layers.dense({ units: -1 }), /Received units=-1\./],
    [() => layers.dense({ units: undefined as never }), /units/],
    [() => layers.dense({ units: 3, inputShape: [0] }), /Received inputShape=\[0\]\./],
    [() => layers.dense({ units: 3, batchInputShape: [null, 0] }), /Received batchInputShape=\[null,0\]\./],
    [() => layers.maxPooling2d({ poolSize: 0 }), /Received poolSize=0\./],
    [() => layers.maxPooling2d({ strides: -2 }), /Received strides=-2\./],
    [() => layers.dropout({ rate: 1 }), /Received rate=1\./],
    [() => layers.dropout({ rate: -0.1 }), /Received rate=-0\.1\./],
    [() => layers.activation({ activation: 'swish' as never }), /'swish'/],
  ];
  for (const [make, message] of cases) {
    assert.throws(make, (e: unknown) => e instanceof TegakiError && message.test(e.message), `expected TegakiError matching ${message}`);
  }
});

test('build rejects inputs the layer cannot take, naming the shape', () => {
  assert.throws(() => layers.dense({ units: 2 }).buildFor([4, 4], new Random(0)), (e: unknown) => e instanceof TegakiError && /\(None, 4, 4\)/.test(e.message));
  assert.throws(() => layers.conv2d({ filters: 2, kernelSize: 5 }).buildFor([3, 3, 1], new Random(0)), (e: unknown) => e instanceof TegakiError && /\(None, 3, 3, 1\)/.test(e.message));
  assert.throws(() => layers.maxPooling2d({}).buildFor([4, 4], new Random(0)), (e: unknown) => e instanceof TegakiError && /\(None, 4, 4\)/.test(e.message));
  const built = layers.dense({ units: 2 });
  built.buildFor([3], new Random(0));
  assert.throws(() => built.forward(new Tensor([2, 4]), { training: false, rng: new Random(0) }), (e: unknown) => e instanceof TegakiError && /\(None, 3\).*\(2, 4\)/.test(e.message));
});
