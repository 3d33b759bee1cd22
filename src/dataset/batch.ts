// One batch from rows of the same structure (TF.js' deepBatchConcat): tensors are stacked on a new
// first axis, numbers, booleans and numeric arrays become one tensor, objects are batched per key.

import { TegakiError } from '../errors.js';
import { stack, tensor, type TensorLike } from '../ops/index.js';
import { isTypedArray, Tensor } from '../tensor.js';
import { describe, isContainer, type TensorContainer } from './element.js';

export function batchRows(rows: TensorContainer[], path = 'element'): TensorContainer {
  const first = rows[0];
  if (first instanceof Tensor || typeof first === 'number' || typeof first === 'boolean' || isTypedArray(first) || (Array.isArray(first) && !holdsStructure(first))) {
    return stackRows(rows.map((row, i) => (row instanceof Tensor ? row : tensor(row as TensorLike, undefined, undefined, `batch: ${path} of row ${i}`))), path);
  }
  // TF.js differs: it converts every array as a whole, and an array of tensors ([xs, ys]) gives it a tensor without values
  if (Array.isArray(first)) return first.map((_, i) => batchRows(column(rows, i, `${path}[${i}]`), `${path}[${i}]`));
  if (isContainer(first)) return Object.fromEntries(Object.keys(first).map((k) => [k, batchRows(column(rows, k, `${path}.${k}`), `${path}.${k}`)]));
  throw new TegakiError(`batch: ${path} is ${describe(first)}; batch takes tensors, numbers, booleans, typed arrays, and arrays and objects of these.`);
}

/** Whether an array holds tensors or objects, which are batched one by one instead of as a whole. */
function holdsStructure(x: unknown): boolean {
  return Array.isArray(x) ? x.some(holdsStructure) : x instanceof Tensor || isContainer(x);
}

/** The values of every row at one key or index. */
function column(rows: TensorContainer[], key: string | number, path: string): TensorContainer[] {
  return rows.map((row, i) => {
    if (!isContainer(row) || !(key in row)) throw new TegakiError(`batch: row ${i} has no ${path}; every element must have the structure of the first.`);
    return (row as Record<string | number, TensorContainer>)[key];
  });
}

function stackRows(tensors: Tensor[], path: string): Tensor {
  const first = tensors[0]!;
  tensors.forEach((t, i) => {
    if (t.dtype !== first.dtype || t.shape.join() !== first.shape.join()) {
      throw new TegakiError(`batch: ${path} of row ${i} is ${t.dtype} of shape [${t.shape}], but ${first.dtype} of shape [${first.shape}] in row 0.`);
    }
  });
  return stack(tensors);
}
