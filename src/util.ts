// tf.util: the helpers TF.js programs use (assert, shuffle, sizeFromShape and friends).

import { TegakiError } from './errors.js';
import { sizeOf, type Shape } from './tensor.js';

/** Throws with msg() when expr is false (TF.js' util.assert). */
export function assert(expr: boolean, msg: () => string): asserts expr {
  if (!expr) throw new TegakiError(typeof msg === 'function' ? msg() : String(msg));
}

/** Shuffle an array (or typed array) in place, Fisher–Yates, with Math.random as TF.js does. */
export function shuffle<T>(array: T[] | Uint32Array | Int32Array | Float32Array): void {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const t = array[i]!;
    array[i] = array[j]!;
    array[j] = t;
  }
}

/** Shuffle two arrays of the same length in the same order. */
export function shuffleCombo<T, U>(array: T[] | Float32Array, array2: U[] | Float32Array): void {
  if (array.length !== array2.length) throw new TegakiError(`shuffleCombo: arrays have different lengths (${array.length} vs ${array2.length}).`);
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [array[i], array[j]] = [array[j]!, array[i]!];
    [array2[i], array2[j]] = [array2[j]!, array2[i]!];
  }
}

export const sizeFromShape = (shape: Shape): number => sizeOf(shape);

/** 0 … n−1 in a random order. */
export function createShuffledIndices(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  shuffle(out as unknown as Uint32Array);
  return out;
}

export function arraysEqual(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Nested arrays flattened into one array. */
export function flatten<T>(values: T | unknown[], out: T[] = []): T[] {
  if (Array.isArray(values)) for (const v of values) flatten(v as T, out);
  else out.push(values as T);
  return out;
}

export const now = (): number => performance.now();
