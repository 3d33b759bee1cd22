// The stages a pipeline is made of, each reading the iterator before it (TF.js' lazy_iterator.ts).
// Counts are already checked by the Dataset method that builds the stage.

import { DONE, iteratorOf, serial, type DatasetIterator } from './iterator.js';

/** The items of an array, each made by `element(item)`. */
export function fromItems<T, U>(items: readonly T[], element: (item: T) => U): DatasetIterator<U> {
  let at = 0;
  return iteratorOf(async () => (at < items.length ? { value: element(items[at++]!), done: false } : DONE));
}

/** A JavaScript iterator (sync or async) as a stream; its own `done` value is not an element. */
export function fromIterator<T>(source: Iterator<T> | AsyncIterator<T>): DatasetIterator<T> {
  return iteratorOf(async () => {
    const r = await source.next();
    return r.done ? DONE : { value: r.value, done: false };
  });
}

export function map<T, U>(source: DatasetIterator<T>, transform: (x: T) => U | Promise<U>): DatasetIterator<U> {
  return iteratorOf(async () => {
    const r = await source.next();
    return r.done ? DONE : { value: await transform(r.value), done: false };
  });
}

export function filter<T>(source: DatasetIterator<T>, predicate: (x: T) => unknown): DatasetIterator<T> {
  return iteratorOf(serial(async () => {
    for (;;) {
      const r = await source.next();
      if (r.done || (await predicate(r.value))) return r;
    }
  }));
}

export function take<T>(source: DatasetIterator<T>, count: number): DatasetIterator<T> {
  let taken = 0;
  return iteratorOf(() => (taken++ < count ? source.next() : Promise.resolve(DONE)));
}

export function skip<T>(source: DatasetIterator<T>, count: number): DatasetIterator<T> {
  let skipped = 0;
  return iteratorOf(serial(async () => {
    for (; skipped < count; skipped++) if ((await source.next()).done) return DONE;
    return source.next();
  }));
}

/** Arrays of `size` consecutive elements; the last, shorter one only when smallLast is set. */
export function rows<T>(source: DatasetIterator<T>, size: number, smallLast: boolean): DatasetIterator<T[]> {
  return iteratorOf(serial(async () => {
    const batch: T[] = [];
    while (batch.length < size) {
      const r = await source.next();
      if (r.done) break;
      batch.push(r.value);
    }
    return batch.length === size || (smallLast && batch.length > 0) ? { value: batch, done: false } : DONE;
  }));
}

/** The elements of each stream `nextStream` opens, one stream after the other, until it gives null. */
export function chain<T>(nextStream: () => Promise<DatasetIterator<T> | null>): DatasetIterator<T> {
  let current: DatasetIterator<T> | null = null;
  let finished = false;
  return iteratorOf(serial(async () => {
    while (!finished) {
      current ??= await nextStream();
      if (current === null) finished = true;
      else {
        const r = await current.next();
        if (!r.done) return r;
        current = null;
      }
    }
    return DONE;
  }));
}

/** One element from each stream at a time, until the shortest is done (TF.js' ZipMismatchMode.SHORTEST). */
export function zipped(sources: DatasetIterator<unknown>[]): DatasetIterator<unknown[]> {
  return iteratorOf(serial(async () => {
    const results = await Promise.all(sources.map((s) => s.next()));
    return sources.length === 0 || results.some((r) => r.done) ? DONE : { value: results.map((r) => r.value), done: false };
  }));
}

/** Reads asked for up to bufferSize elements ahead, handed out in order. */
export function prefetch<T>(source: DatasetIterator<T>, bufferSize: number): DatasetIterator<T> {
  const pending: Promise<IteratorResult<T, undefined>>[] = [];
  return iteratorOf(() => {
    while (pending.length < bufferSize) {
      const read = source.next();
      // its failure reaches the consumer when that read is handed out, not as an unhandled rejection now
      read.catch(() => {});
      pending.push(read);
    }
    return pending.shift()!;
  });
}
