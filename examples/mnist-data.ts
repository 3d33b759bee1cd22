// MNIST for the example programs, the way the TF.js examples' data.js hands it out: images as
// floats in [0, 1], labels as class indices, and both as tensors of whichever library runs.

import * as tegaki from 'tegaki';
import { pathToFileURL } from 'node:url';

/** The library a program runs on: tegaki, or TF.js with the same API (the tests run both). */
export type TF = typeof tegaki;

export const IMAGE_H = 28;
export const IMAGE_W = 28;
export const NUM_CLASSES = 10;

export interface MnistSplit {
  /** count images of 28×28 pixels, one after another, in [0, 1]. */
  images: Float32Array;
  /** The digit shown by each image. */
  labels: Uint8Array;
  count: number;
}

export interface MnistData {
  train: MnistSplit;
  test: MnistSplit;
}

/** MNIST as tegaki ships it (no download), the first `limit` images of each split when given. */
export function loadMnist(limit = Infinity): MnistData {
  const mnist = tegaki.datasets.mnist.load({ oneHot: false });
  return { train: toFloats(mnist.train, limit), test: toFloats(mnist.test, limit) };
}

function toFloats(split: tegaki.datasets.ImageSplit, limit: number): MnistSplit {
  const count = Math.min(limit, split.images.length);
  const pixels = split.images.pixels.subarray(0, count * IMAGE_H * IMAGE_W);
  const labels = Uint8Array.from(split.labels.classes.subarray(0, count));
  return { images: Float32Array.from(pixels, (p) => p / 255), labels, count };
}

/** The first `count` samples of a split. */
export function takeSamples(split: MnistSplit, count: number): MnistSplit {
  const n = Math.min(count, split.count);
  return { images: split.images.subarray(0, n * IMAGE_H * IMAGE_W), labels: split.labels.subarray(0, n), count: n };
}

/** The samples whose digit passes `keep`, with their labels renumbered by `relabel`. */
export function filterClasses(split: MnistSplit, keep: (digit: number) => boolean, relabel: (digit: number) => number = (d) => d): MnistSplit {
  const size = IMAGE_H * IMAGE_W;
  const chosen = [...split.labels.keys()].filter((i) => keep(split.labels[i]!));
  const images = new Float32Array(chosen.length * size);
  chosen.forEach((from, to) => images.set(split.images.subarray(from * size, (from + 1) * size), to * size));
  return { images, labels: Uint8Array.from(chosen, (i) => relabel(split.labels[i]!)), count: chosen.length };
}

/** xs [n, 28, 28, 1] and one-hot labels [n, numClasses], as the TF.js examples feed a model. */
export function toTensors(tf: TF, split: MnistSplit, numClasses = NUM_CLASSES): { xs: tegaki.Tensor4D; labels: tegaki.Tensor2D } {
  const xs = tf.tensor4d(split.images, [split.count, IMAGE_H, IMAGE_W, 1]);
  const labels = tf.oneHot(tf.tensor1d(split.labels, 'int32'), numClasses).toFloat() as tegaki.Tensor2D;
  return { xs, labels };
}

/** What a test or a user varies in the programs; each program says its defaults. */
export interface RunOptions {
  /** Passes over the training images. */
  epochs?: number;
  /** Images per training step. */
  batchSize?: number;
  /** Shuffle the training images before each epoch (TF.js' default: true). */
  shuffle?: boolean;
  /** Start from these weights rather than random ones, to compare two runs. */
  initialWeights?: number[][];
  /** Where progress lines go. Default: console.log. */
  log?: (line: string) => void;
}

/** A model or a layer: what has weights. */
interface WithWeights {
  getWeights(): tegaki.Tensor[];
  setWeights(weights: tegaki.Tensor[]): void;
}

/** The values of every weight of some models or layers, to start another run from the same point. */
export function weightValues(...holders: WithWeights[]): number[][] {
  return holders.flatMap((h) => h.getWeights().map((w) => Array.from(w.dataSync())));
}

/** Gives models or layers the weights `values` (from weightValues), keeping their shapes. */
export function setWeightValues(tf: TF, values: number[][], ...holders: WithWeights[]): void {
  let next = 0;
  for (const h of holders) h.setWeights(h.getWeights().map((w) => tf.tensor(values[next++]!, w.shape)));
}

/** How many images each split keeps: the first argument or MNIST_LIMIT, else all of them. */
export function sampleLimit(): number {
  const given = process.argv[2] ?? process.env['MNIST_LIMIT'];
  if (given === undefined) return Infinity;
  const limit = Number(given);
  if (!Number.isInteger(limit) || limit <= 0) throw new Error(`Expected a positive number of samples, received ${given}.`);
  return limit;
}

/** True when the module at `moduleUrl` is the program node was started with (not imported by a test). */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;
}
