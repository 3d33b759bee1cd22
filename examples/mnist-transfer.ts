// Transfer learning on MNIST: train a convnet on the digits 0–4, freeze it, and reuse its inner
// features for the digits 5–9 — a new model from the trained one's input to one of its inner layers,
// with a new classifier applied on top, fine-tuned on the new classes only.
// Run: node dist/examples/mnist-transfer.js [number of images]

import * as tf from 'tegaki';
import { IMAGE_H, IMAGE_W, filterClasses, isMain, loadMnist, sampleLimit, setWeightValues, toTensors, weightValues, type MnistData, type MnistSplit, type RunOptions, type TF } from './mnist-data.js';

/** Each model tells five digits apart: 0–4 for the base, 5–9 (as 0–4) after the transfer. */
const CLASSES = 5;

export interface TransferOptions extends Omit<RunOptions, 'initialWeights'> {
  /** Start the base model and the new head from these weights, to compare two runs. */
  initialWeights?: { base: number[][]; head: number[][] };
}

export function createBaseModel(tf: TF): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [IMAGE_H, IMAGE_W, 1], filters: 8, kernelSize: 3, activation: 'relu', name: 'conv1' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }));
  model.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', name: 'conv2' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }));
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dense({ units: 32, activation: 'relu', name: 'features' }));
  model.add(tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'digits0to4' }));
  return model;
}

/** The trained base's convolutions, frozen, with a new classifier on top for the new digits. */
export function createTransferModel(tf: TF, base: tf.LayersModel): tf.LayersModel {
  for (const layer of base.layers) layer.trainable = false;
  const inputs = base.inputs;
  const features = base.getLayer('flatten').output as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 32, activation: 'relu', name: 'new_features' }).apply(features) as tf.SymbolicTensor;
  const newClasses = tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'digits5to9' }).apply(hidden) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs: newClasses });
}

async function fitAndTest(tf: TF, model: tf.LayersModel, train: MnistSplit, test: MnistSplit, options: TransferOptions) {
  const { epochs = 3, batchSize = 32, shuffle = true } = options;
  model.compile({ optimizer: tf.train.rmsprop(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const trainTensors = toTensors(tf, train, CLASSES);
  const testTensors = toTensors(tf, test, CLASSES);
  const history = await model.fit(trainTensors.xs, trainTensors.labels, { epochs, batchSize, shuffle, verbose: 0 });
  const [loss, acc] = (model.evaluate(testTensors.xs, testTensors.labels) as tf.Scalar[]).map((s) => s.dataSync()[0]!);
  return { losses: history.history['loss'] as number[], testLoss: loss!, testAcc: acc! };
}

/** Trains the base, then the transfer model (each by default 3 epochs, batches of 32), testing both. */
export async function transferLearning(tf: TF, data: MnistData, options: TransferOptions = {}) {
  const log = options.log ?? console.log;
  const oldDigits = (d: number) => d < CLASSES;
  const newDigits = (d: number) => d >= CLASSES;
  const asNewClass = (d: number) => d - CLASSES;

  const base = createBaseModel(tf);
  if (options.initialWeights) setWeightValues(tf, options.initialWeights.base, base);
  const baseStart = weightValues(base);
  const baseScores = await fitAndTest(tf, base, filterClasses(data.train, oldDigits), filterClasses(data.test, oldDigits), options);
  log(`Base model on the digits 0-4: test accuracy ${baseScores.testAcc.toFixed(4)}`);

  const frozen = weightValues(base);
  const transfer = createTransferModel(tf, base);
  const head = [transfer.getLayer('new_features'), transfer.getLayer('digits5to9')];
  if (options.initialWeights) setWeightValues(tf, options.initialWeights.head, ...head);
  const headStart = weightValues(...head);
  log(`Transfer model: ${transfer.trainableWeights.length} trainable weights of ${transfer.weights.length}`);
  const transferScores = await fitAndTest(tf, transfer, filterClasses(data.train, newDigits, asNewClass), filterClasses(data.test, newDigits, asNewClass), options);
  log(`Transfer model on the digits 5-9: test accuracy ${transferScores.testAcc.toFixed(4)}`);

  const baseUnchanged = weightValues(base).every((w, i) => w.every((v, j) => v === frozen[i]![j]));
  return { initialWeights: { base: baseStart, head: headStart }, base: baseScores, transfer: transferScores, baseUnchanged, trainableWeights: transfer.trainableWeights.length };
}

if (isMain(import.meta.url)) await transferLearning(tf, loadMnist(sampleLimit()));
