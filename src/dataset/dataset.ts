// TF.js' tf.data.Dataset: a lazy, re-iterable pipeline of elements. Each method returns a new
// dataset and computes its size as TF.js does (where TF.js miscounts, what a pass really gives);
// each iterator() call starts a new pass from the source. A training loop reads
// `await dataset.iterator()` with next() until done.

import { TegakiError } from '../errors.js';
import { checkFunction, checkPositiveInteger, countArgument } from './arguments.js';
import { batchRows } from './batch.js';
import { describe, type TensorContainer } from './element.js';
import { drain, iteratorOf, type DatasetIterator } from './iterator.js';
import { shuffled, shuffleSeeds } from './shuffle.js';
import * as stream from './streams.js';

/** A size that is a count: known and not Infinity. */
const isCount = (size: number | null): size is number => size !== null && size !== Infinity;

export abstract class Dataset<T extends TensorContainer = TensorContainer> {
  /** How many elements a pass gives: a number, Infinity (repeats forever) or null (not known ahead). */
  readonly size: number | null;

  constructor(size: number | null = null) {
    this.size = size;
  }

  /** A new pass over the elements: read it with next() (or `for await`) until done is true. */
  abstract iterator(): Promise<DatasetIterator<T>>;

  /** The dataset made by applying one more stage to each pass of this one. */
  private withStage<U extends TensorContainer>(stage: (source: DatasetIterator<T>) => DatasetIterator<U>, size: number | null): Dataset<U> {
    return datasetOf(async () => stage(await this.iterator()), size);
  }

  /**
   * Groups consecutive elements into batches: tensors are stacked on a new first axis, numbers
   * and numeric arrays become one tensor, arrays holding tensors and objects are batched per entry.
   * @param smallLastBatch Give the last batch when it has fewer than batchSize elements. Default true.
   */
  batch(batchSize: number, smallLastBatch = true): Dataset<TensorContainer> {
    checkPositiveInteger('batch', 'batchSize', batchSize);
    const size = isCount(this.size) ? (smallLastBatch ? Math.ceil : Math.floor)(this.size / batchSize) : this.size;
    return this.withStage((source) => stream.map(stream.rows(source, batchSize, smallLastBatch), (rows) => batchRows(rows)), size);
  }

  /** This dataset's elements, then those of `dataset`. */
  concatenate(dataset: Dataset<T>): Dataset<T> {
    if (!(dataset instanceof Dataset)) throw new TegakiError(`concatenate: dataset must be a Dataset, received ${describe(dataset)}.`);
    const size = this.size === Infinity || dataset.size === Infinity ? Infinity : this.size !== null && dataset.size !== null ? this.size + dataset.size : null;
    const parts: Dataset<T>[] = [this, dataset];
    return datasetOf(async () => {
      let next = 0;
      return stream.chain(async () => (next < parts.length ? parts[next++]!.iterator() : null));
    }, size);
  }

  /** The elements for which predicate (which may return a Promise) is truthy. */
  filter(predicate: (value: T) => boolean | Promise<boolean>): Dataset<T> {
    checkFunction('filter', 'predicate', predicate);
    return this.withStage((source) => stream.filter(source, predicate), this.size === Infinity ? Infinity : null);
  }

  /**
   * Calls f on every element, in order.
   * TF.js differs: it does not wait for a Promise f returns; tegaki waits before the next element.
   */
  async forEachAsync(f: (value: T) => unknown): Promise<void> {
    checkFunction('forEachAsync', 'f', f);
    const iterator = await this.iterator();
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) await f(r.value);
  }

  /** Each element through a synchronous transform (an async one belongs in mapAsync). */
  map<U extends TensorContainer>(transform: (value: T) => U): Dataset<U> {
    checkFunction('map', 'transform', transform);
    const checked = (value: T): U => {
      const out = transform(value);
      if (out instanceof Promise) throw new TegakiError('map: the transform returned a Promise; use mapAsync for an async transform.');
      return out;
    };
    return this.withStage((source) => stream.map(source, checked), this.size);
  }

  /** Each element through an async transform; with prefetch, several run at once. */
  mapAsync<U extends TensorContainer>(transform: (value: T) => Promise<U>): Dataset<U> {
    checkFunction('mapAsync', 'transform', transform);
    return this.withStage((source) => stream.map(source, transform), this.size);
  }

  /** Reads up to bufferSize elements ahead of the consumer. */
  prefetch(bufferSize: number): Dataset<T> {
    checkPositiveInteger('prefetch', 'bufferSize', bufferSize);
    return this.withStage((source) => stream.prefetch(source, bufferSize), this.size);
  }

  /**
   * The elements, count times over (each pass a new pass of this dataset).
   * @param count Default (or negative): forever.
   */
  repeat(count?: number): Dataset<T> {
    const passes = countArgument('repeat', count) ?? Infinity;
    // TF.js differs: repeating an empty dataset forever never returns; here an empty pass ends it
    const size = passes === 0 || this.size === 0 ? 0 : this.size === null ? null : passes === Infinity ? Infinity : this.size * passes;
    return datasetOf(async () => {
      let opened = 0;
      let sawElement = true;
      const seen = (value: T): T => ((sawElement = true), value);
      return stream.chain(async () => {
        if (opened >= passes || !sawElement) return null;
        opened++;
        sawElement = false;
        return stream.map(await this.iterator(), seen);
      });
    }, size);
  }

  /**
   * Shuffles within a window: each element is drawn at random from a buffer of the next
   * bufferSize elements (the dataset's size shuffles it all).
   * @param seed A string or number; the same seed gives the same orders. Default: a random one.
   * @param reshuffleEachIteration A new order on each pass. Default true. TF.js differs: its
   *   passes differ even when this is false.
   */
  shuffle(bufferSize: number, seed?: string | number, reshuffleEachIteration = true): Dataset<T> {
    checkPositiveInteger('shuffle', 'bufferSize', bufferSize, isCount(this.size) ? ` (to shuffle the whole dataset, give its size, ${this.size})` : '');
    const randomForPass = shuffleSeeds(seed, reshuffleEachIteration);
    return datasetOf(async () => {
      const random = randomForPass();
      return shuffled(await this.iterator(), bufferSize, random);
    }, this.size);
  }

  /**
   * All but the first count elements.
   * @param count Absent or negative: none is skipped (what TF.js' iterator does).
   */
  skip(count?: number): Dataset<T> {
    const n = countArgument('skip', count) ?? 0;
    // TF.js differs: it reads through (forever, on an endless dataset); nothing is left either way
    if (n === Infinity) return datasetOf(async () => stream.fromItems<T, T>([], (x) => x), 0);
    return this.withStage((source) => stream.skip(source, n), this.size === null ? null : Math.max(this.size - n, 0));
  }

  /**
   * The first count elements.
   * @param count Absent or negative: all of them.
   */
  take(count?: number): Dataset<T> {
    const n = countArgument('take', count) ?? Infinity;
    return this.withStage((source) => (n === Infinity ? source : stream.take(source, n)), this.size === null ? null : Math.min(this.size, n));
  }

  /** Every element of one pass, in an array. */
  async toArray(): Promise<T[]> {
    if (this.size === Infinity) throw new TegakiError('toArray: the dataset repeats forever; take(count) first.');
    return drain(await this.iterator());
  }

  /** `for await (const element of dataset)`: one new pass. */
  [Symbol.asyncIterator](): DatasetIterator<T> {
    let opened: Promise<DatasetIterator<T>> | null = null;
    return iteratorOf(async () => (await (opened ??= this.iterator())).next());
  }
}

/** A dataset whose passes are made by open(). */
export function datasetOf<T extends TensorContainer>(open: () => Promise<DatasetIterator<T>>, size: number | null): Dataset<T> {
  return new (class extends Dataset<T> {
    override iterator(): Promise<DatasetIterator<T>> {
      return open();
    }
  })(size);
}
