// The ways to make a dataset (tf.data.array, tf.data.generator, tf.data.zip).

import { TegakiError } from '../errors.js';
import { checkFunction } from './arguments.js';
import { Dataset, datasetOf } from './dataset.js';
import { describe, freshElement, isContainer, mapLeaves, type TensorContainer } from './element.js';
import * as stream from './streams.js';

/** The items of an array, one element each; tensors in them come out as new tensor objects each pass. */
export function array<T extends TensorContainer>(items: T[]): Dataset<T> {
  if (!Array.isArray(items)) throw new TegakiError(`array: items must be an array of elements, received ${describe(items)}.`);
  return datasetOf(async () => stream.fromItems(items, freshElement), items.length);
}

type IteratorFactory<T> = () => Iterator<T> | AsyncIterator<T> | Promise<Iterator<T> | AsyncIterator<T>>;

/**
 * The elements of the iterator that generator() returns (a function*, an async function*, or any
 * function returning an iterator); each pass calls it again. Its size is not known (null).
 */
export function generator<T extends TensorContainer>(generator: IteratorFactory<T>): Dataset<T> {
  if (typeof generator !== 'function' && typeof (generator as { next?: unknown } | null)?.next === 'function') {
    throw new TegakiError('generator: received an iterator; give the function that makes one (the function* itself), so that each pass starts anew.');
  }
  checkFunction('generator', 'generator', generator);
  return datasetOf(async () => {
    const iterator = await generator();
    if (typeof (iterator as { next?: unknown } | null)?.next !== 'function') throw new TegakiError(`generator: the function returned ${describe(iterator)}, not an iterator.`);
    return stream.fromIterator(iterator);
  }, null);
}

/** An array or object whose leaves (nested arrays and objects included) are datasets. */
export type DatasetContainer = Dataset | DatasetContainer[] | { [key: string]: DatasetContainer };

/**
 * Elements with the structure of `datasets`, each leaf holding the next element of that dataset;
 * it ends with the shortest dataset.
 */
export function zip<O extends TensorContainer = TensorContainer>(datasets: DatasetContainer): Dataset<O> {
  if (!isContainer(datasets)) throw new TegakiError(`zip: datasets must be an array or an object of datasets, received ${describe(datasets)}.`);
  const leaves: Dataset[] = [];
  mapLeaves(datasets, (leaf, path) => {
    if (!(leaf instanceof Dataset)) throw new TegakiError(`zip: ${path} is ${describe(leaf)}, not a Dataset.`);
    leaves.push(leaf);
  }, 'datasets');
  return datasetOf(async () => {
    const sources = await Promise.all(leaves.map((d) => d.iterator()));
    return stream.map(stream.zipped(sources), (values) => {
      let next = 0;
      return mapLeaves(datasets, () => values[next++], '') as O;
    });
  }, zippedSize(leaves.map((d) => d.size)));
}

/**
 * The shortest size; unknown if any is.
 * TF.js differs: its Math.min over sizes makes a null size count as 0.
 */
function zippedSize(sizes: (number | null)[]): number | null {
  if (sizes.includes(null)) return null;
  return sizes.length === 0 ? 0 : Math.min(...(sizes as number[]));
}
