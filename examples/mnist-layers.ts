// MNIST with the Layers API: a small convnet compiled with rmsprop, fit with a validation split and
// callbacks that report progress, then evaluated on the test set and asked for predictions.
// Run: node dist/examples/mnist-layers.js [number of images]

import * as tf from 'tegaki';
import { IMAGE_H, IMAGE_W, NUM_CLASSES, isMain, loadMnist, sampleLimit, setWeightValues, toTensors, weightValues, type MnistData, type RunOptions, type TF } from './mnist-data.js';

export interface LayersOptions extends RunOptions {
  /** The fraction of the training images held out to validate each epoch. Default 0.15. */
  validationSplit?: number;
}

export function createConvModel(tf: TF): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [IMAGE_H, IMAGE_W, 1], kernelSize: 3, filters: 8, activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  model.add(tf.layers.conv2d({ kernelSize: 3, filters: 16, activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 32, activation: 'relu' }));
  model.add(tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax' }));
  return model;
}

/** Trains the convnet (default: 3 epochs, batches of 64), tests it and predicts the test digits. */
export async function trainLayersModel(tf: TF, data: MnistData, options: LayersOptions = {}) {
  const { epochs = 3, batchSize = 64, validationSplit = 0.15, shuffle = true, log = console.log } = options;
  const model = createConvModel(tf);
  if (options.initialWeights) setWeightValues(tf, options.initialWeights, model);
  const initialWeights = weightValues(model);
  model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

  const train = toTensors(tf, data.train);
  const test = toTensors(tf, data.test);
  const batchLosses: number[] = [];
  const epochLogs: tf.Logs[] = [];
  await model.fit(train.xs, train.labels, {
    epochs, batchSize, validationSplit, shuffle, verbose: 0,
    callbacks: {
      onBatchEnd: async (_batch, logs) => {
        batchLosses.push(logs!.loss!);
        await tf.nextFrame(); // let other work run between batches, as a page would redraw
      },
      onEpochEnd: async (epoch, logs) => {
        epochLogs.push({ ...logs });
        log(`Epoch ${epoch + 1}/${epochs}: loss ${logs!.loss!.toFixed(4)}, acc ${logs!.acc!.toFixed(4)}, ` +
          `val_loss ${logs!.val_loss!.toFixed(4)}, val_acc ${logs!.val_acc!.toFixed(4)}`);
      },
    },
  });

  const [testLoss, testAcc] = (model.evaluate(test.xs, test.labels) as tf.Scalar[]).map((s) => s.dataSync()[0]!);
  log(`Test loss ${testLoss!.toFixed(4)}, test accuracy ${(testAcc! * 100).toFixed(1)}%`);
  const predictions = tf.tidy(() => Array.from((model.predict(test.xs) as tf.Tensor).argMax(-1).dataSync()));
  return { initialWeights, batchLosses, epochLogs, testLoss: testLoss!, testAcc: testAcc!, predictions };
}

if (isMain(import.meta.url)) await trainLayersModel(tf, loadMnist(sampleLimit()));
