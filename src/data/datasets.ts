// One name for every dataset tegaki trains on: 'mnist', 'fashion-mnist', a folder of IDX files,
// or a folder with one subfolder per class.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TegakiError } from '../errors.js';
import { describeFsError, pathKind, readRegularFile } from '../io/files.js';
import { imageDatasetFromDirectory, type FolderDatasetOptions } from './folders.js';
import { findIdxFile } from './idx.js';
import { loadIdxDataset, loadMnist, type ImageSplit } from './mnist.js';

/** Where Debian's dataset-fashion-mnist package puts the files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

export interface NamedDataset {
  /** How to say it: 'MNIST', 'Fashion-MNIST', the folder. */
  name: string;
  train: ImageSplit;
  /** The test set, or the held-out validation split of a folder dataset. */
  test: ImageSplit;
  testName: string;
  classNames: string[];
  /** 'mnist-digit' when user photos should be prepared like MNIST digits. */
  style: 'mnist-digit' | 'image';
  /** Held out by a folder dataset's split rather than a separate test set. */
  heldOut: boolean;
  /** Things the user should know, e.g. files that could not be read and were left out. */
  warnings: string[];
}

/** A class-names file beside IDX files: one name per line. */
function classNamesFile(dir: string): string[] | undefined {
  for (const f of ['classes.txt', 'class-names.txt', 'labels.txt']) {
    const path = join(dir, f);
    if (pathKind(path) !== null) return readRegularFile(path, 1024 * 1024, 'class names file').toString('utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  }
  return undefined;
}

export async function loadDataset(spec: string, options: Omit<FolderDatasetOptions, 'oneHot'> = {}): Promise<NamedDataset> {
  if (spec === 'mnist') {
    const d = loadMnist();
    return { name: 'MNIST', train: d.train, test: d.test, testName: 'MNIST test set', classNames: d.classNames, style: 'mnist-digit', heldOut: false, warnings: [] };
  }
  if (spec === 'fashion-mnist') {
    if (!findIdxFile(FASHION_MNIST_DIR, 'train-images-idx3-ubyte')) {
      throw new TegakiError(`Fashion-MNIST is not installed (no files in ${FASHION_MNIST_DIR}). On Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist`);
    }
    const d = loadIdxDataset({ dir: FASHION_MNIST_DIR, classNames: FASHION_MNIST_CLASSES });
    return { name: 'Fashion-MNIST', train: d.train, test: d.test, testName: 'Fashion-MNIST test set', classNames: d.classNames, style: 'image', heldOut: false, warnings: [] };
  }
  const kind = pathKind(spec);
  if (kind !== 'folder') {
    const what = kind === null ? 'no such dataset' : 'not a folder';
    throw new TegakiError(`${spec}: ${what}. Use mnist, fashion-mnist, a folder of IDX files, or a folder with one subfolder per class.`);
  }
  if (findIdxFile(spec, 'train-images-idx3-ubyte')) {
    const d = loadIdxDataset({ dir: spec, classNames: classNamesFile(spec) });
    return { name: spec, train: d.train, test: d.test, testName: `${spec} (t10k files)`, classNames: d.classNames, style: 'image', heldOut: false, warnings: [] };
  }
  let names: string[];
  try {
    names = readdirSync(spec);
  } catch (e) {
    throw new TegakiError(`${spec}: cannot read the dataset folder (${describeFsError(e)}).`);
  }
  if (names.some((f) => f.endsWith('-idx3-ubyte') || f.endsWith('-idx3-ubyte.gz'))) {
    throw new TegakiError(`${spec}: IDX files must be named train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (raw or .gz).`);
  }
  const split = options.validationSplit ?? 0.2;
  if (!(split > 0)) throw new TegakiError(`${spec}: a folder dataset needs a validation split (> 0) to measure accuracy on images not trained on.`);
  const d = await imageDatasetFromDirectory(spec, { ...options, validationSplit: split });
  const warnings = d.skipped.map((s) => `skipped ${s.reason}`);
  return { name: spec, train: d.train, test: d.validation!, testName: `${spec} (validation split ${split})`, classNames: d.classNames, style: 'image', heldOut: true, warnings };
}
