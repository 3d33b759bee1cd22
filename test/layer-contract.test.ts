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
  /** Their names; default kernel, bias. */
  names?: string[];
  /** Fit one step before the measured one, so moving statistics (which evaluate uses) settle first. */
  settle?: boolean;
}

const cases: ContractCase[] = [
  { label: 'dense', make: (inputShape) => layers.dense({ units: 4, activation: 'relu', inputShape }), inputShape: [6], outputShape: [4], weights: [[6, 4], [4]] },
  { label: 'dense softmax, no bias', make: (inputShape) => layers.dense({ units: 3, activation: 'softmax', useBias: false, kernelInitializer: 'heNormal', inputShape }), inputShape: [5], outputShape: [3], weights: [[5, 3]] },
  { label: 'conv2d valid', make: (inputShape) => layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', inputShape }), inputShape: [6, 6, 2], outputShape: [4, 4, 3], weights: [[3, 3, 2, 3], [3]] },
  { label: 'conv2d same, strides 2', make: (inputShape) => layers.conv2d({ filters: 2, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'tanh', inputShape }), inputShape: [7, 6, 1], outputShape: [4, 3, 2], weights: [[3, 2, 1, 2], [2]] },
  { label: 'conv2d no bias', make: (inputShape) => layers.conv2d({ filters: 2, kernelSize: 2, useBias: false, biasInitializer: 'ones', inputShape }), inputShape: [4, 4, 3], outputShape: [3, 3, 2], weights: [[2, 2, 3, 2]] },
  { label: 'maxPooling2d', make: (inputShape) => layers.maxPooling2d({ inputShape }), inputShape: [6, 5, 2], outputShape: [3, 2, 2], weights: [] },
  { label: 'maxPooling2d same, strides 1', make: (inputShape) => layers.maxPooling2d({ poolSize: [2, 3], strides: 1, padding: 'same', inputShape }), inputShape: [4, 5, 2], outputShape: [4, 5, 2], weights: [] },
  { label: 'averagePooling2d same', make: (inputShape) => layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same', inputShape }), inputShape: [5, 6, 2], outputShape: [3, 3, 2], weights: [] },
  { label: 'globalAveragePooling2d', make: (inputShape) => layers.globalAveragePooling2d({ inputShape }), inputShape: [4, 5, 3], outputShape: [3], weights: [] },
  { label: 'globalMaxPooling2d', make: (inputShape) => layers.globalMaxPooling2d({ inputShape }), inputShape: [4, 5, 3], outputShape: [3], weights: [] },
  { label: 'zeroPadding2d', make: (inputShape) => layers.zeroPadding2d({ padding: [[1, 0], [2, 3]], inputShape }), inputShape: [3, 4, 2], outputShape: [4, 9, 2], weights: [] },
  { label: 'cropping2D', make: (inputShape) => layers.cropping2D({ cropping: [1, 2], inputShape }), inputShape: [5, 6, 2], outputShape: [3, 2, 2], weights: [] },
  { label: 'upSampling2d bilinear', make: (inputShape) => layers.upSampling2d({ size: [2, 3], interpolation: 'bilinear', inputShape }), inputShape: [3, 2, 2], outputShape: [6, 6, 2], weights: [] },
  { label: 'depthwiseConv2d', make: (inputShape) => layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, activation: 'relu', inputShape }), inputShape: [5, 5, 2], outputShape: [3, 3, 4], weights: [[3, 3, 2, 2], [4]], names: ['depthwise_kernel', 'bias'] },
  { label: 'separableConv2d', make: (inputShape) => layers.separableConv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'tanh', inputShape }), inputShape: [4, 4, 2], outputShape: [4, 4, 3], weights: [[3, 3, 2, 1], [1, 1, 2, 3], [3]], names: ['depthwise_kernel', 'pointwise_kernel', 'bias'] },
  { label: 'conv2dTranspose', make: (inputShape) => layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, activation: 'relu', inputShape }), inputShape: [3, 3, 2], outputShape: [7, 7, 2], weights: [[3, 3, 2, 2], [2]] },
  { label: 'dense on rank 3', make: (inputShape) => layers.dense({ units: 3, activation: 'tanh', inputShape }), inputShape: [4, 5], outputShape: [4, 3], weights: [[5, 3], [3]] },
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
  // momentum 0 and a settling step: the moving statistics are the batch's, so evaluate sees what training sees
  { label: 'batchNormalization', make: (inputShape) => layers.batchNormalization({ momentum: 0, inputShape }), inputShape: [3, 3, 2], outputShape: [3, 3, 2], weights: [[2], [2], [2], [2]], names: ['gamma', 'beta', 'moving_mean', 'moving_variance'], settle: true },
  { label: 'batchNormalization axis 1, no center', make: (inputShape) => layers.batchNormalization({ axis: 1, center: false, momentum: 0, inputShape }), inputShape: [4, 3], outputShape: [4, 3], weights: [[4], [4], [4]], names: ['gamma', 'moving_mean', 'moving_variance'], settle: true },
  { label: 'layerNormalization', make: (inputShape) => layers.layerNormalization({ inputShape }), inputShape: [5], outputShape: [5], weights: [[5], [5]], names: ['gamma', 'beta'] },
  { label: 'layerNormalization axes [-2, -1]', make: (inputShape) => layers.layerNormalization({ axis: [-2, -1], scale: false, inputShape }), inputShape: [2, 3, 2], outputShape: [2, 3, 2], weights: [[3, 2]], names: ['beta'] },
  { label: 'activation gelu', make: (inputShape) => layers.activation({ activation: 'gelu', inputShape }), inputShape: [2, 3], outputShape: [2, 3], weights: [] },
  { label: 'dense swish', make: (inputShape) => layers.dense({ units: 4, activation: 'swish', inputShape }), inputShape: [6], outputShape: [4], weights: [[6, 4], [4]] },
  { label: 'reLU maxValue', make: (inputShape) => layers.reLU({ maxValue: 0.5, inputShape }), inputShape: [6], outputShape: [6], weights: [] },
  { label: 'leakyReLU', make: (inputShape) => layers.leakyReLU({ alpha: 0.1, inputShape }), inputShape: [6], outputShape: [6], weights: [] },
  { label: 'elu', make: (inputShape) => layers.elu({ alpha: 0.5, inputShape }), inputShape: [6], outputShape: [6], weights: [] },
  { label: 'thresholdedReLU', make: (inputShape) => layers.thresholdedReLU({ theta: 0.1, inputShape }), inputShape: [6], outputShape: [6], weights: [] },
  { label: 'prelu sharedAxes', make: (inputShape) => layers.prelu({ sharedAxes: [1], alphaInitializer: 'ones', inputShape }), inputShape: [3, 4], outputShape: [3, 4], weights: [[1, 4]], names: ['alpha'] },
  { label: 'softmax axis 1', make: (inputShape) => layers.softmax({ axis: 1, inputShape }), inputShape: [3, 4], outputShape: [3, 4], weights: [] },
  { label: 'reshape', make: (inputShape) => layers.reshape({ targetShape: [2, -1], inputShape }), inputShape: [6], outputShape: [2, 3], weights: [] },
  { label: 'permute', make: (inputShape) => layers.permute({ dims: [2, 1], inputShape }), inputShape: [2, 3], outputShape: [3, 2], weights: [] },
  { label: 'repeatVector', make: (inputShape) => layers.repeatVector({ n: 2, inputShape }), inputShape: [6], outputShape: [2, 6], weights: [] },
  { label: 'gaussianNoise', make: (inputShape) => layers.gaussianNoise({ stddev: 0.1, inputShape }), inputShape: [6], outputShape: [6], weights: [] },
  { label: 'gaussianDropout', make: (inputShape) => layers.gaussianDropout({ rate: 0.2, inputShape }), inputShape: [6], outputShape: [6], weights: [] },
  { label: 'spatialDropout2d', make: (inputShape) => layers.spatialDropout2d({ rate: 0.2, inputShape }), inputShape: [3, 3, 2], outputShape: [3, 3, 2], weights: [] },
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
    assert.deepEqual(layer.weights.map((w) => w.name), c.names ?? ['kernel', 'bias'].slice(0, c.weights.length));
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
    if (c.settle) await model.fit(x, labels, { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0 });
    const trained = model.layers[0]!.trainableWeights;
    const before = trained.map((w) => w.value.clone());
    const lossBefore = (model.evaluate(x, labels) as Tensor).dataSync()[0]!;
    await model.fit(x, labels, { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0 });
    const lossAfter = (model.evaluate(x, labels) as Tensor).dataSync()[0]!;
    assert.ok(lossAfter < lossBefore, `loss ${lossBefore} → ${lossAfter}`);
    trained.forEach((w, i) => assert.notDeepEqual([...w.value.f32], [...before[i]!.f32], `${w.name} moved`));
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
    [() => layers.conv2d({ filters: 2, kernelSize: 3, activation: 'gelu_new' as never }), /'gelu_new'/],
    [() => layers.dense({ units: -1 }), /Received units=-1\./],
    [() => layers.dense({ units: undefined as never }), /units/],
    [() => layers.dense({ units: 3, inputShape: [0] }), /Received inputShape=\[0\]\./],
    [() => layers.dense({ units: 3, batchInputShape: [null, 0] }), /Received batchInputShape=\[null,0\]\./],
    [() => layers.maxPooling2d({ poolSize: 0 }), /Received poolSize=0\./],
    [() => layers.maxPooling2d({ strides: -2 }), /Received strides=-2\./],
    [() => layers.dropout({ rate: 1 }), /Received rate=1\./],
    [() => layers.dropout({ rate: -0.1 }), /Received rate=-0\.1\./],
    [() => layers.activation({ activation: 'logSoftmax' as never }), /'logSoftmax'/],
    [() => layers.batchNormalization({ momentum: -1 }), /Received momentum=-1\./],
    [() => layers.layerNormalization({ epsilon: -1 }), /Received epsilon=-1\./],
    [() => layers.averagePooling2d({ poolSize: [2, 0] }), /Received poolSize=\[2,0\]\./],
    [() => layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 0 }), /Received depthMultiplier=0\./],
    [() => layers.separableConv2d({ filters: 0, kernelSize: 3 }), /Received filters=0\./],
    [() => layers.conv2dTranspose({ filters: 2, kernelSize: 3, dilationRate: 2 }), /dilationRate=2 is not supported/],
    [() => layers.zeroPadding2d({ padding: -1 }), /Received padding=-1\./],
    [() => layers.zeroPadding2d({ padding: [[1, 2], [3]] as never }), /Received padding=\[\[1,2\],\[3\]\]\./],
    [() => layers.cropping2D({ cropping: 'all' as never }), /Received cropping="all"\./],
    [() => layers.upSampling2d({ size: [2, 0] }), /Received size=\[2,0\]\./],
    [() => layers.upSampling2d({ interpolation: 'bicubic' as never }), /Received interpolation="bicubic"\./],
  ];
  for (const [make, message] of cases) {
    assert.throws(make, (e: unknown) => e instanceof TegakiError && message.test(e.message), `expected TegakiError matching ${message}`);
  }
});

test('build rejects inputs the layer cannot take, naming the shape', () => {
  assert.throws(() => layers.conv2d({ filters: 2, kernelSize: 5 }).buildFor([3, 3, 1], new Random(0)), (e: unknown) => e instanceof TegakiError && /\(None, 3, 3, 1\)/.test(e.message));
  assert.throws(() => layers.cropping2D({ cropping: 2 }).buildFor([4, 5, 1], new Random(0)), (e: unknown) => e instanceof TegakiError && /leaves nothing of input \(None, 4, 5, 1\)/.test(e.message));
  assert.throws(() => layers.globalAveragePooling2d({}).buildFor([4, 4], new Random(0)), (e: unknown) => e instanceof TegakiError && /\(None, 4, 4\)/.test(e.message));
  assert.throws(() => layers.maxPooling2d({}).buildFor([4, 4], new Random(0)), (e: unknown) => e instanceof TegakiError && /\(None, 4, 4\)/.test(e.message));
  const built = layers.dense({ units: 2 });
  built.buildFor([3], new Random(0));
  assert.throws(() => built.forward(new Tensor([2, 4]), { training: false, rng: new Random(0) }), (e: unknown) => e instanceof TegakiError && /\(None, 3\).*\(2, 4\)/.test(e.message));
});
