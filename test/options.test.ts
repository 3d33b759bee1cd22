// No option is silently ignored: every option TF.js' own type declarations give a public factory
// or method is passed to tegaki's, and each must be honoured (it changes the layer's config, or it
// is listed here with the test that checks its effect) or refused with a TegakiError naming it.
// The option lists are read from @tensorflow/tfjs' .d.ts files, so an option added there is tried too.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import test from 'node:test';
import * as tg from '../src/node.js';

const require = createRequire(import.meta.url);
const layersDist = join(dirname(require.resolve('@tensorflow/tfjs-layers/package.json')), 'dist');
const coreDist = join(dirname(require.resolve('@tensorflow/tfjs-core/package.json')), 'dist');

/** The property names of `interface name` in a .d.ts file, with those of what it extends from the same file or LayerArgs. */
function optionsOf(file: string, name: string): string[] {
  const text = readFileSync(file, 'utf8');
  const start = text.search(new RegExp(`interface ${name}\\b[^{]*\\{`));
  assert.ok(start >= 0, `${name} is declared in ${file}`);
  const header = text.slice(start, text.indexOf('{', start));
  const body = text.slice(text.indexOf('{', start), text.indexOf('\n}', start));
  const own = [...body.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]!);
  const parent = /extends (\w+)/.exec(header)?.[1];
  if (!parent) return own;
  // a parent from another file: LayerArgs (topology.d.ts) or BaseConvLayerArgs (convolutional.d.ts)
  const parentFile = parent === 'LayerArgs' ? join(layersDist, 'engine', 'topology.d.ts') : new RegExp(`interface ${parent}\\b`).test(text) ? file : join(layersDist, 'layers', 'convolutional.d.ts');
  const inherited = optionsOf(parentFile, parent);
  return [...new Set([...inherited, ...own])];
}

const layerFile = (f: string): string => join(layersDist, 'layers', f);
const engineFile = (f: string): string => join(layersDist, 'engine', f);

/** A value different from the default for each option, valid where tegaki honours it. */
const SAMPLES: Record<string, unknown> = {
  name: 'custom_name', trainable: false, inputShape: [6], batchInputShape: [null, 6], batchSize: 4, dtype: 'int32',
  weights: [], inputDType: 'int32', units: 3, activation: 'relu', useBias: false, kernelInitializer: 'heNormal',
  biasInitializer: 'ones', inputDim: 6, kernelConstraint: 'maxNorm', biasConstraint: 'nonNeg', kernelRegularizer: 'l2',
  biasRegularizer: 'l2', activityRegularizer: 'l2', rate: 0.5, noiseShape: [1, 6], seed: 7, dataFormat: 'channelsFirst',
  kernelSize: 2, filters: 4, strides: 2, padding: 'same', dilationRate: 2, poolSize: 3, axis: 1, shape: [6],
  batchShape: [null, 6], sparse: true, rank: 3, ragged: true,
  momentum: 0.5, epsilon: 0.01, center: false, scale: false, betaInitializer: 'ones', gammaInitializer: 'zeros',
  movingMeanInitializer: 'ones', movingVarianceInitializer: 'zeros', betaConstraint: 'nonNeg', gammaConstraint: 'nonNeg',
  betaRegularizer: 'l2', gammaRegularizer: 'l2',
  depthMultiplier: 2, depthwiseInitializer: 'heNormal', pointwiseInitializer: 'heNormal', depthwiseConstraint: 'maxNorm',
  pointwiseConstraint: 'maxNorm', depthwiseRegularizer: 'l2', pointwiseRegularizer: 'l2', cropping: 2, size: [3, 3],
  interpolation: 'bilinear',
  maxValue: 2, alpha: 0.1, alphaInitializer: 'ones', alphaRegularizer: 'l2', alphaConstraint: 'nonNeg', sharedAxes: [1], theta: 0.5,
  targetShape: [3, 2], dims: [1], n: 3, stddev: 0.2,
  offset: 1, height: 3, width: 3, cropToAspectRatio: true,
};

/** Options whose effect another test checks (they need not show in getConfig). */
const HONOURED_ELSEWHERE: Record<string, string> = {
  inputDim: 'tfjs-programs: inputDim is inputShape [inputDim] (declaredInputShape)',
  inputShape: 'layer-contract: inputShape survives the round trip (as batchInputShape)',
};

interface LayerCase {
  factory: string;
  make: (args: Record<string, unknown>) => tg.layers.Layer;
  base: Record<string, unknown>;
  options: string[];
  /** Sample values where SAMPLES' would be this layer's default. */
  samples?: Record<string, unknown>;
}

const layerCases: LayerCase[] = [
  { factory: 'layers.dense', make: (a) => tg.layers.dense(a as never), base: { units: 2 }, options: optionsOf(layerFile('core.d.ts'), 'DenseLayerArgs') },
  { factory: 'layers.dropout', make: (a) => tg.layers.dropout(a as never), base: { rate: 0.25 }, options: optionsOf(layerFile('core.d.ts'), 'DropoutLayerArgs') },
  { factory: 'layers.flatten', make: (a) => tg.layers.flatten(a as never), base: {}, options: optionsOf(layerFile('core.d.ts'), 'FlattenLayerArgs') },
  { factory: 'layers.activation', make: (a) => tg.layers.activation(a as never), base: { activation: 'tanh' }, options: optionsOf(layerFile('core.d.ts'), 'ActivationLayerArgs') },
  { factory: 'layers.conv2d', make: (a) => tg.layers.conv2d(a as never), base: { filters: 2, kernelSize: 3 }, options: optionsOf(layerFile('convolutional.d.ts'), 'ConvLayerArgs') },
  { factory: 'layers.maxPooling2d', make: (a) => tg.layers.maxPooling2d(a as never), base: {}, options: optionsOf(layerFile('pooling.d.ts'), 'Pooling2DLayerArgs'), samples: { strides: 1 } },
  { factory: 'layers.averagePooling2d', make: (a) => tg.layers.averagePooling2d(a as never), base: {}, options: optionsOf(layerFile('pooling.d.ts'), 'Pooling2DLayerArgs'), samples: { strides: 1 } },
  { factory: 'layers.globalAveragePooling2d', make: (a) => tg.layers.globalAveragePooling2d(a as never), base: {}, options: optionsOf(layerFile('pooling.d.ts'), 'GlobalPooling2DLayerArgs') },
  { factory: 'layers.globalMaxPooling2d', make: (a) => tg.layers.globalMaxPooling2d(a as never), base: {}, options: optionsOf(layerFile('pooling.d.ts'), 'GlobalPooling2DLayerArgs') },
  { factory: 'layers.depthwiseConv2d', make: (a) => tg.layers.depthwiseConv2d(a as never), base: { kernelSize: 3 }, options: optionsOf(layerFile('convolutional_depthwise.d.ts'), 'DepthwiseConv2DLayerArgs') },
  { factory: 'layers.separableConv2d', make: (a) => tg.layers.separableConv2d(a as never), base: { filters: 2, kernelSize: 3 }, options: optionsOf(layerFile('convolutional.d.ts'), 'SeparableConvLayerArgs') },
  { factory: 'layers.conv2dTranspose', make: (a) => tg.layers.conv2dTranspose(a as never), base: { filters: 2, kernelSize: 3 }, options: optionsOf(layerFile('convolutional.d.ts'), 'ConvLayerArgs') },
  { factory: 'layers.zeroPadding2d', make: (a) => tg.layers.zeroPadding2d(a as never), base: {}, options: optionsOf(layerFile('padding.d.ts'), 'ZeroPadding2DLayerArgs'), samples: { padding: 2 } },
  { factory: 'layers.cropping2D', make: (a) => tg.layers.cropping2D(a as never), base: { cropping: 1 }, options: optionsOf(layerFile('convolutional.d.ts'), 'Cropping2DLayerArgs') },
  { factory: 'layers.upSampling2d', make: (a) => tg.layers.upSampling2d(a as never), base: {}, options: optionsOf(layerFile('convolutional.d.ts'), 'UpSampling2DLayerArgs') },
  { factory: 'layers.concatenate', make: (a) => tg.layers.concatenate(a as never), base: {}, options: optionsOf(layerFile('merge.d.ts'), 'ConcatenateLayerArgs') },
  { factory: 'layers.add', make: (a) => tg.layers.add(a as never), base: {}, options: optionsOf(engineFile('topology.d.ts'), 'LayerArgs') },
  { factory: 'layers.batchNormalization', make: (a) => tg.layers.batchNormalization(a as never), base: {}, options: optionsOf(layerFile('normalization.d.ts'), 'BatchNormalizationLayerArgs') },
  { factory: 'layers.layerNormalization', make: (a) => tg.layers.layerNormalization(a as never), base: {}, options: optionsOf(layerFile('normalization.d.ts'), 'LayerNormalizationLayerArgs') },
  { factory: 'layers.rescaling', make: (a) => tg.layers.rescaling(a as never), base: { scale: 0.5 }, options: optionsOf(layerFile('preprocessing/image_preprocessing.d.ts'), 'RescalingArgs'), samples: { scale: 2 } },
  { factory: 'layers.resizing', make: (a) => tg.layers.resizing(a as never), base: { height: 2, width: 2 }, options: optionsOf(layerFile('preprocessing/image_resizing.d.ts'), 'ResizingArgs'), samples: { interpolation: 'nearest' } },
  { factory: 'layers.centerCrop', make: (a) => tg.layers.centerCrop(a as never), base: { height: 2, width: 2 }, options: optionsOf(layerFile('preprocessing/center_crop.d.ts'), 'CenterCropArgs') },
  { factory: 'layers.inputLayer', make: (a) => tg.layers.inputLayer(a as never), base: { batchInputShape: [null, 4] }, options: optionsOf(engineFile('input_layer.d.ts'), 'InputLayerArgs') },
  { factory: 'layers.reLU', make: (a) => tg.layers.reLU(a as never), base: {}, options: optionsOf(layerFile('advanced_activations.d.ts'), 'ReLULayerArgs') },
  { factory: 'layers.leakyReLU', make: (a) => tg.layers.leakyReLU(a as never), base: {}, options: optionsOf(layerFile('advanced_activations.d.ts'), 'LeakyReLULayerArgs') },
  { factory: 'layers.prelu', make: (a) => tg.layers.prelu(a as never), base: {}, options: optionsOf(layerFile('advanced_activations.d.ts'), 'PReLULayerArgs') },
  { factory: 'layers.elu', make: (a) => tg.layers.elu(a as never), base: {}, options: optionsOf(layerFile('advanced_activations.d.ts'), 'ELULayerArgs') },
  { factory: 'layers.thresholdedReLU', make: (a) => tg.layers.thresholdedReLU(a as never), base: {}, options: optionsOf(layerFile('advanced_activations.d.ts'), 'ThresholdedReLULayerArgs') },
  { factory: 'layers.softmax', make: (a) => tg.layers.softmax(a as never), base: {}, options: optionsOf(layerFile('advanced_activations.d.ts'), 'SoftmaxLayerArgs') },
  { factory: 'layers.reshape', make: (a) => tg.layers.reshape(a as never), base: { targetShape: [6] }, options: optionsOf(layerFile('core.d.ts'), 'ReshapeLayerArgs') },
  { factory: 'layers.permute', make: (a) => tg.layers.permute(a as never), base: { dims: [2, 1] }, options: optionsOf(layerFile('core.d.ts'), 'PermuteLayerArgs') },
  { factory: 'layers.repeatVector', make: (a) => tg.layers.repeatVector(a as never), base: { n: 2 }, options: optionsOf(layerFile('core.d.ts'), 'RepeatVectorLayerArgs') },
  { factory: 'layers.gaussianNoise', make: (a) => tg.layers.gaussianNoise(a as never), base: { stddev: 0.5 }, options: optionsOf(layerFile('noise.d.ts'), 'GaussianNoiseArgs') },
  { factory: 'layers.gaussianDropout', make: (a) => tg.layers.gaussianDropout(a as never), base: { rate: 0.25 }, options: optionsOf(layerFile('noise.d.ts'), 'GaussianDropoutArgs') },
];

/** Whether err is a TegakiError that names the option. */
const namesOption = (err: unknown, option: string): boolean => err instanceof tg.TegakiError && err.message.includes(option);

for (const c of layerCases) {
  test(`${c.factory}: each of TF.js' ${c.options.length} options is honoured or refused by name`, () => {
    assert.ok(c.options.length > 0);
    const baseConfig = c.make({ ...c.base }).getConfig();
    for (const option of c.options) {
      assert.ok(option in SAMPLES, `${c.factory}: no sample value for TF.js option '${option}' (add one to SAMPLES)`);
      let layer: tg.layers.Layer;
      const value = c.samples?.[option] ?? SAMPLES[option];
      try {
        layer = c.make({ ...c.base, [option]: value });
      } catch (err) {
        assert.ok(namesOption(err, option), `${c.factory}({ ${option} }) threw without naming it: ${String(err)}`);
        continue;
      }
      const config = layer.getConfig();
      const changed = JSON.stringify(config) !== JSON.stringify(baseConfig);
      assert.ok(changed || option in HONOURED_ELSEWHERE, `${c.factory}: option '${option}' was accepted but changed nothing`);
    }
  });
}

test('tf.input and tf.model: each TF.js option is honoured or refused by name', () => {
  for (const option of optionsOf(engineFile('input_layer.d.ts'), 'InputConfig')) {
    try {
      const base = option === 'shape' || option === 'batchShape' ? {} : { shape: [4] };
      const t = tg.input({ ...base, [option]: SAMPLES[option] } as never);
      const config = t.sourceLayer.getConfig();
      assert.ok(JSON.stringify(config).includes(JSON.stringify(SAMPLES[option]).replace(/^\[|\]$/g, '')) || option === 'name', `input: '${option}' changed nothing`);
    } catch (err) {
      assert.ok(namesOption(err, option), `input({ ${option} }) threw without naming it: ${String(err)}`);
    }
  }
  const options = optionsOf(engineFile('container.d.ts'), 'ContainerArgs');
  assert.deepEqual(options.sort(), ['inputs', 'name', 'outputs'], 'tf.model takes inputs, outputs and name (all honoured: see functional.test)');
});

/** A compiled model and data for the training methods. */
function compiled(): { model: tg.Sequential; x: tg.Tensor; y: tg.Tensor } {
  const model = tg.sequential({ seed: 1, layers: [tg.layers.dense({ units: 2, inputShape: [3], activation: 'softmax' })] });
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return { model, x: tg.ones([6, 3]), y: tg.oneHot(tg.tensor1d([0, 1, 0, 1, 0, 1], 'int32'), 2) };
}

/** Method options tegaki honours, with the test that checks each one's effect. */
const METHOD_OPTIONS: Record<string, Record<string, string>> = {
  fit: {
    batchSize: 'training', epochs: 'training', verbose: 'progress', callbacks: 'tfjs-programs (callbacks object)', validationSplit: 'tfjs-programs',
    validationData: 'training', shuffle: 'training (shuffle: false)', classWeight: 'tfjs-programs (classWeight)', initialEpoch: 'checkpoint',
    yieldEvery: 'tfjs-programs (yieldEvery and onYield)', sampleWeight: 'sample-weight',
  },
  compile: { optimizer: 'optimizers', loss: 'functional (custom loss)', metrics: 'functional (metric function)' },
  evaluate: { batchSize: 'training', verbose: 'accepted: evaluate prints nothing, as TF.js', sampleWeight: 'sample-weight' },
  predict: { batchSize: 'training', verbose: 'accepted: predict prints nothing, as TF.js' },
  fitDataset: { epochs: 'functional (fitDataset)', batchesPerEpoch: 'fitDataset: one pass continues across epochs', initialEpoch: 'fitDataset', validationData: 'functional (fitDataset)', validationBatches: 'fitDataset', validationBatchSize: 'fitDataset', callbacks: 'fitDataset', verbose: 'fitDataset', classWeight: 'fitDataset' },
  evaluateDataset: { batches: 'evaluateDataset', verbose: 'accepted' },
  save: { includeOptimizer: 'optimizer-state (TF.js both ways)' },
};

const SAMPLE_METHOD_VALUES: Record<string, unknown> = {
  batchSize: 3, epochs: 1, verbose: 0, callbacks: {}, validationSplit: 0.5, validationData: undefined, shuffle: false,
  classWeight: { 0: 1, 1: 2 }, sampleWeight: tg.ones([6]), initialEpoch: 0, stepsPerEpoch: 2, validationSteps: 1, yieldEvery: 'never',
  optimizer: 'adam', loss: 'meanSquaredError', metrics: ['accuracy'], steps: 2, batchesPerEpoch: 1, validationBatches: 1, validationBatchSize: 2, batches: 1,
  trainableOnly: true, includeOptimizer: true,
};

test('fit, compile, evaluate, predict, fitDataset, evaluateDataset and save: each TF.js option is honoured or refused by name', async () => {
  const methods: [string, string[], (option: string, value: unknown) => unknown][] = [
    ['fit', optionsOf(engineFile('training_tensors.d.ts'), 'ModelFitArgs'), (o, v) => { const { model, x, y } = compiled(); return model.fit(x, y, { verbose: 0, [o]: v }); }],
    ['compile', optionsOf(engineFile('training.d.ts'), 'ModelCompileArgs'), (o, v) => compiled().model.compile({ optimizer: 'sgd', loss: 'meanSquaredError', [o]: v } as never)],
    ['evaluate', optionsOf(engineFile('training.d.ts'), 'ModelEvaluateArgs'), (o, v) => { const { model, x, y } = compiled(); return model.evaluate(x, y, { [o]: v }); }],
    ['predict', optionsOf(join(layersDist, 'models.d.ts'), 'ModelPredictArgs'), (o, v) => { const { model, x } = compiled(); return model.predict(x, { [o]: v }); }],
    ['fitDataset', optionsOf(engineFile('training_dataset.d.ts'), 'ModelFitDatasetArgs'), (o, v) => {
      const { model, x, y } = compiled();
      return model.fitDataset(tg.data.zip({ xs: tg.data.array(x.unstack()), ys: tg.data.array(y.unstack()) }).batch(3) as never, { epochs: 1, verbose: 0, [o]: v } as never);
    }],
    ['evaluateDataset', optionsOf(engineFile('training_dataset.d.ts'), 'ModelEvaluateDatasetArgs'), (o, v) => {
      const { model, x, y } = compiled();
      return model.evaluateDataset(tg.data.zip({ xs: tg.data.array(x.unstack()), ys: tg.data.array(y.unstack()) }).batch(3) as never, { [o]: v } as never);
    }],
    ['save', optionsOf(join(coreDist, 'io', 'types.d.ts'), 'SaveConfig'), (o, v) => compiled().model.save(tg.io.withSaveHandler(async () => ({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', modelTopologyBytes: 0, weightSpecsBytes: 0, weightDataBytes: 0 } })), { [o]: v })],
  ];
  for (const [method, options, call] of methods) {
    assert.ok(options.length > 0, `${method}: TF.js declares options`);
    for (const option of options) {
      assert.ok(option in SAMPLE_METHOD_VALUES, `${method}: no sample value for TF.js option '${option}'`);
      let refused: unknown = null;
      try {
        await call(option, SAMPLE_METHOD_VALUES[option]);
      } catch (err) {
        refused = err;
      }
      if (refused) assert.ok(namesOption(refused, option), `${method}({ ${option} }) threw without naming it: ${String(refused)}`);
      else assert.ok(option in METHOD_OPTIONS[method]!, `${method}: option '${option}' was accepted but is not listed as honoured`);
    }
  }
});
