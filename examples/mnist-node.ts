// MNIST in Node.js: train a convnet, save it with model.save('file://…'), load it back with
// tf.loadLayersModel('file://…/model.json') and check that the loaded model scores the same.
// Run: node dist/examples/mnist-node.js [number of images] [folder to save the model in]

import * as tf from 'tegaki';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IMAGE_H, IMAGE_W, NUM_CLASSES, isMain, loadMnist, sampleLimit, setWeightValues, toTensors, weightValues, type MnistData, type RunOptions, type TF } from './mnist-data.js';

export interface NodeOptions extends RunOptions {
  /** Where model.json and the weights go. */
  modelDir: string;
}

export function createModel(tf: TF): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [IMAGE_H, IMAGE_W, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: [2, 2] }));
  model.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: [2, 2] }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 64, activation: 'relu' }));
  model.add(tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** [loss, accuracy] of a model on the test images. */
function testScores(model: tf.LayersModel, test: { xs: tf.Tensor; labels: tf.Tensor }): number[] {
  return (model.evaluate(test.xs, test.labels) as tf.Scalar[]).map((s) => s.dataSync()[0]!);
}

/** Trains the convnet (default: 2 epochs, batches of 64), saves it, loads it back and tests both. */
export async function trainSaveAndLoad(tf: TF, data: MnistData, options: NodeOptions) {
  const { modelDir, epochs = 2, batchSize = 64, shuffle = true, log = console.log } = options;
  const model = createModel(tf);
  if (options.initialWeights) setWeightValues(tf, options.initialWeights, model);
  const initialWeights = weightValues(model);

  const train = toTensors(tf, data.train);
  const history = await model.fit(train.xs, train.labels, { epochs, batchSize, shuffle, validationSplit: 0.15, verbose: 0 });
  const test = toTensors(tf, data.test);
  const [testLoss, testAcc] = testScores(model, test);
  log(`Test loss ${testLoss!.toFixed(4)}, test accuracy ${testAcc!.toFixed(4)}`);

  await model.save(`file://${modelDir}`);
  log(`Saved the model in ${modelDir}`);
  const loaded = await tf.loadLayersModel(`file://${modelDir}/model.json`);
  // a loaded model needs compiling before it can be evaluated, as in Keras
  loaded.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const [loadedLoss, loadedAcc] = testScores(loaded, test);
  log(`Loaded model: test loss ${loadedLoss!.toFixed(4)}, test accuracy ${loadedAcc!.toFixed(4)}`);
  return { initialWeights, history: history.history, testLoss: testLoss!, testAcc: testAcc!, loadedLoss: loadedLoss!, loadedAcc: loadedAcc! };
}

if (isMain(import.meta.url)) {
  await trainSaveAndLoad(tf, loadMnist(sampleLimit()), { modelDir: process.argv[3] ?? join(tmpdir(), 'mnist-node-model') });
}
