// MNIST with the core API, no layers: the weights are variables, the model is a function of ops
// (conv2d, maxPool, matMul), and an optimizer minimizes tf.losses.softmaxCrossEntropy step by step.
// Run: node dist/examples/mnist-core.js [number of images]

import * as tf from 'tegaki';
import { IMAGE_H, IMAGE_W, NUM_CLASSES, isMain, loadMnist, sampleLimit, toTensors, type MnistData, type RunOptions, type TF } from './mnist-data.js';

/** One pass over the training images in order; initialWeights are the four variables' values. */
export interface CoreOptions extends Pick<RunOptions, 'batchSize' | 'initialWeights' | 'log'> {
  /** Seed for the random initial weights (each variable its own stream). Default: unseeded. */
  seed?: number;
  /** The step size of plain gradient descent. Default 0.15. */
  learningRate?: number;
}

const FLAT_SIZE = (IMAGE_H / 4) * (IMAGE_W / 4) * 16;

/** The variables' shapes and how TF.js' core example draws them. */
const WEIGHTS = [
  { shape: [3, 3, 1, 8], stddev: 0.1 },
  { shape: [3, 3, 8, 16], stddev: 0.1 },
  { shape: [FLAT_SIZE, NUM_CLASSES], stddev: 1 / Math.sqrt(FLAT_SIZE) },
  { shape: [NUM_CLASSES], stddev: 0 },
];

function createVariables(tf: TF, initial?: number[][], seed?: number): tf.Variable[] {
  return WEIGHTS.map(({ shape, stddev }, i) => {
    if (initial) return tf.variable(tf.tensor(initial[i]!, shape));
    return tf.variable(stddev === 0 ? tf.zeros(shape) : tf.randomNormal(shape, 0, stddev, 'float32', seed === undefined ? undefined : seed + i));
  });
}

/** The network: two conv + relu + max-pool blocks, then a dense layer giving logits. */
function createModel(tf: TF, [conv1, conv2, dense, bias]: tf.Variable[]) {
  return (xs: tf.Tensor): tf.Tensor => tf.tidy(() => {
    const layer1 = xs.conv2d(conv1!, 1, 'same').relu().maxPool([2, 2], 2, 0);
    const layer2 = layer1.conv2d(conv2!, 1, 'same').relu().maxPool([2, 2], 2, 0);
    return layer2.as2D(-1, FLAT_SIZE).matMul(dense!).add(bias!);
  });
}

/** Trains the network one batch (default 64 images) per step over the training images, then tests it. */
export async function trainCoreModel(tf: TF, data: MnistData, options: CoreOptions = {}) {
  const { batchSize = 64, learningRate = 0.15, log = console.log } = options;
  const variables = createVariables(tf, options.initialWeights, options.seed);
  const initialWeights = variables.map((v) => Array.from(v.dataSync()));
  const model = createModel(tf, variables);
  const optimizer = tf.train.sgd(learningRate);
  const loss = (labels: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, logits).mean() as tf.Scalar;

  const train = toTensors(tf, data.train);
  const costs: number[] = [];
  for (let start = 0; start < data.train.count; start += batchSize) {
    const size = Math.min(batchSize, data.train.count - start);
    const cost = optimizer.minimize(() => {
      const xs = train.xs.slice([start, 0, 0, 0], [size, -1, -1, -1]);
      const labels = train.labels.slice([start, 0], [size, -1]);
      return loss(labels, model(xs));
    }, true);
    costs.push(cost!.dataSync()[0]!);
    if (costs.length % 10 === 0) log(`step ${costs.length}: loss ${costs.at(-1)!.toFixed(4)}`);
    await tf.nextFrame();
  }

  const test = toTensors(tf, data.test);
  const predictions = tf.tidy(() => Array.from(model(test.xs).argMax(1).dataSync()));
  const testAcc = predictions.filter((p, i) => p === data.test.labels[i]).length / data.test.count;
  log(`Test accuracy ${(testAcc * 100).toFixed(1)}% after ${costs.length} steps`);
  const weights = variables.map((v) => Array.from(v.dataSync()));
  tf.dispose(variables);
  return { initialWeights, costs, predictions, testAcc, weights };
}

if (isMain(import.meta.url)) await trainCoreModel(tf, loadMnist(sampleLimit()));
