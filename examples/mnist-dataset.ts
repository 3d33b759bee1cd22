// MNIST through tf.data: images from a generator and labels from an array, zipped into
// {xs, ys} elements, shuffled and batched, then trained with fitDataset and scored with
// evaluateDataset — the images become tensors one at a time, as a pipeline reads them.
// Run: node dist/examples/mnist-dataset.js [number of images]

import * as tf from 'tegaki';
import { IMAGE_H, IMAGE_W, NUM_CLASSES, isMain, loadMnist, sampleLimit, setWeightValues, weightValues, type MnistData, type MnistSplit, type RunOptions, type TF } from './mnist-data.js';

export interface DatasetOptions extends Omit<RunOptions, 'shuffle'> {
  /** Samples the shuffle draws from (0: keep the order). Default 1000. */
  shuffleBufferSize?: number;
}

/** {xs: an image [28, 28, 1], ys: its one-hot label} for each sample of a split. */
export function mnistDataset(tf: TF, split: MnistSplit) {
  const size = IMAGE_H * IMAGE_W;
  const images = tf.data.generator(function* () {
    for (let i = 0; i < split.count; i++) yield tf.tensor3d(split.images.subarray(i * size, (i + 1) * size), [IMAGE_H, IMAGE_W, 1]);
  });
  const labels = tf.data.array(Array.from(split.labels)).map((digit) => tf.oneHot(tf.scalar(digit as number, 'int32'), NUM_CLASSES).toFloat());
  return tf.data.zip<{ xs: tf.Tensor; ys: tf.Tensor }>({ xs: images, ys: labels });
}

export function createModel(tf: TF): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [IMAGE_H, IMAGE_W, 1], filters: 8, kernelSize: 5, strides: 2, activation: 'relu' }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 64, activation: 'relu' }));
  model.add(tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Trains the model on the pipeline (default: 3 epochs, batches of 32) and tests it on another. */
export async function trainOnDataset(tf: TF, data: MnistData, options: DatasetOptions = {}) {
  const { epochs = 3, batchSize = 32, shuffleBufferSize = 1000, log = console.log } = options;
  const model = createModel(tf);
  if (options.initialWeights) setWeightValues(tf, options.initialWeights, model);
  const initialWeights = weightValues(model);

  const examples = mnistDataset(tf, data.train);
  const trainDataset = (shuffleBufferSize > 0 ? examples.shuffle(shuffleBufferSize) : examples).batch(batchSize);
  const testDataset = mnistDataset(tf, data.test).batch(batchSize);
  const history = await model.fitDataset(trainDataset, {
    epochs, validationData: testDataset, verbose: 0,
    callbacks: { onEpochEnd: async (epoch, logs) => log(`Epoch ${epoch + 1}/${epochs}: loss ${logs!.loss!.toFixed(4)}, acc ${logs!.acc!.toFixed(4)}, val_acc ${logs!.val_acc!.toFixed(4)}`) },
  });
  const [testLoss, testAcc] = (await model.evaluateDataset(testDataset) as tf.Scalar[]).map((s) => s.dataSync()[0]!);
  log(`Test loss ${testLoss!.toFixed(4)}, test accuracy ${testAcc!.toFixed(4)}`);
  return { initialWeights, history: history.history, testLoss: testLoss!, testAcc: testAcc! };
}

if (isMain(import.meta.url)) await trainOnDataset(tf, loadMnist(sampleLimit()));
