// What a dataset holds: elements that are tensors, numbers, typed arrays, or arrays and plain
// objects of these (TF.js' TensorContainer), and the walk over their nested structure.

import { Tensor, type TypedArray } from '../tensor.js';

/** One element of a dataset, as in TF.js: a tensor, a primitive, or arrays and objects of these. */
export type TensorContainer = void | Tensor | string | number | boolean | TypedArray | TensorContainerObject | TensorContainerArray;
export interface TensorContainerObject {
  [key: string]: TensorContainer;
}
export interface TensorContainerArray extends Array<TensorContainer> {}

/** Arrays and plain objects are walked into; tensors, typed arrays, datasets and the rest are leaves. */
export function isContainer(x: unknown): x is unknown[] | Record<string, unknown> {
  if (Array.isArray(x)) return true;
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** The same structure with every leaf replaced by fn(leaf, path); paths read like `root.xs[1]`. */
export function mapLeaves(x: unknown, fn: (leaf: unknown, path: string) => unknown, path: string): unknown {
  if (Array.isArray(x)) return x.map((v, i) => mapLeaves(v, fn, `${path}[${i}]`));
  if (isContainer(x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, mapLeaves(v, fn, `${path}.${k}`)]));
  return fn(x, path);
}

/**
 * The element with new containers and new tensor objects over the same values: a consumer that
 * disposes an element (as TF.js training loops do) must not break the next pass over the data.
 * Variables change in place, so theirs are copied.
 */
export function freshElement<T>(element: T): T {
  const fresh = (leaf: unknown): unknown => (leaf instanceof Tensor ? (leaf.mutable ? leaf.clone() : leaf.reshapeView(leaf.shape)) : leaf);
  return mapLeaves(element, fresh, '') as T;
}

/** A value as an error message quotes it: `a tensor of shape [2]`, `"abc"`, `null`. */
export function describe(x: unknown): string {
  if (x instanceof Tensor) return `a tensor of shape [${x.shape}]`;
  if (typeof x === 'function') return 'a function';
  if (x === undefined || typeof x === 'number') return String(x);
  if (typeof x === 'object' && x !== null && !Array.isArray(x) && !isContainer(x)) return `an object of class ${x.constructor?.name || 'unknown'}`;
  const text = JSON.stringify(x);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
