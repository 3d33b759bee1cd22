// The streaming shuffle of TF.js: a buffer of the next bufferSize elements, from which each output
// is drawn at random and refilled from upstream, so an element moves at most bufferSize − 1 places
// earlier. The draws come from tegaki's Random: a seed repeats an order, but not TF.js' order.

import { TegakiError } from '../errors.js';
import { Random } from '../random.js';
import { DONE, iteratorOf, serial, type DatasetIterator } from './iterator.js';

export function shuffled<T>(source: DatasetIterator<T>, bufferSize: number, random: Random): DatasetIterator<T> {
  const buffer: T[] = [];
  let exhausted = false;
  return iteratorOf(serial(async () => {
    while (!exhausted && buffer.length < bufferSize) {
      const r = await source.next();
      if (r.done) exhausted = true;
      else buffer.push(r.value);
    }
    if (buffer.length === 0) return DONE;
    // the last element fills the chosen one's place, as in TF.js' RingBuffer.shuffleExcise
    const i = random.int(buffer.length);
    const chosen = buffer[i]!;
    buffer[i] = buffer[buffer.length - 1]!;
    buffer.pop();
    return { value: chosen, done: false };
  }));
}

/**
 * The generators for successive passes over a shuffled dataset: one new stream per pass when
 * reshuffling, else the same stream every pass (the same order).
 */
export function shuffleSeeds(seed: unknown, reshuffleEachIteration: boolean): () => Random {
  const base = seed === undefined || seed === null ? (Math.random() * 2 ** 32) >>> 0 : seedNumber(seed);
  const passes = new Random(base);
  return () => new Random(reshuffleEachIteration ? passes.nextUint32() : base);
}

/** TF.js' seeds are strings; numbers are accepted too. Strings are hashed (FNV-1a) to 32 bits. */
function seedNumber(seed: unknown): number {
  if (typeof seed === 'number' && Number.isInteger(seed)) return seed;
  if (typeof seed !== 'string' && typeof seed !== 'number') throw new TegakiError(`shuffle: seed must be a string or a number, received ${typeof seed}.`);
  let hash = 0x811c9dc5;
  for (const c of String(seed)) hash = Math.imul(hash ^ c.codePointAt(0)!, 0x01000193) >>> 0;
  return hash;
}
