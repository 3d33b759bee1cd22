// The iterator a dataset hands out (TF.js' LazyIterator, reduced to what a consumer needs): next()
// gives a Promise of { value, done }, and it is async-iterable, so `for await` reads it too.

/** What `await dataset.iterator()` gives: read elements with next() until done is true. */
export interface DatasetIterator<T> {
  next(): Promise<IteratorResult<T, undefined>>;
  [Symbol.asyncIterator](): DatasetIterator<T>;
}

export type Read<T> = () => Promise<IteratorResult<T, undefined>>;

/** The end of a stream; readers keep getting it once a stream is done. */
export const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

export function iteratorOf<T>(read: Read<T>): DatasetIterator<T> {
  const iterator: DatasetIterator<T> = { next: read, [Symbol.asyncIterator]: () => iterator };
  return iterator;
}

/**
 * A read for a stream that keeps state between elements (a buffer, a count): each read starts
 * when the one before has finished, so reads asked for ahead of time (prefetch) still come in
 * order. Stateless stages (map, take) skip this, which lets a prefetch run their work concurrently.
 */
export function serial<T>(step: Read<T>): Read<T> {
  let last: Promise<unknown> = Promise.resolve();
  return () => {
    const read = last.then(step);
    last = read;
    return read;
  };
}

/** Every remaining element, in order. */
export async function drain<T>(iterator: DatasetIterator<T>): Promise<T[]> {
  const out: T[] = [];
  for (let r = await iterator.next(); !r.done; r = await iterator.next()) out.push(r.value);
  return out;
}
