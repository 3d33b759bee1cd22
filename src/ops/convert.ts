// Op inputs as TF.js takes them: a tensor or anything tensor() accepts, dtypes matched (bool <
// int32 < float32), shapes broadcast by NumPy's rules, axes normalised (negative counts from the
// end). Errors quote the op and the argument, as tfjs-core's do.

import { getBackend } from '../backend/select.js';
import type { Backend } from '../backend/backend.js';
import { TegakiError } from '../errors.js';
import { Tensor, type DataType, type Shape } from '../tensor.js';
import { tensor, type TensorLike } from './creation.js';
import { record, upcast } from './engine.js';

/** A tensor from an op argument; `dtype` converts TensorLike values (tensors keep theirs). */
export function convert(x: Tensor | TensorLike, arg: string, op: string, dtype?: DataType): Tensor {
  if (x instanceof Tensor) {
    if (x.isDisposed) throw new TegakiError(`${op}: argument '${arg}' is a disposed tensor.`);
    return x;
  }
  if (x === null || x === undefined) throw new TegakiError(`${op}: argument '${arg}' must be a tensor or TensorLike, received ${String(x)}.`);
  try {
    return tensor(x, undefined, dtype ?? (typeof x === 'number' ? 'float32' : undefined), op);
  } catch (e) {
    if (e instanceof TegakiError) throw new TegakiError(`${op}: argument '${arg}': ${e.message.replace(`${op}: `, '')}`);
    throw e;
  }
}

/** Two inputs of a binary op, in the dtype they meet at (a plain number is float32, as in TF.js). */
export function convertPair(a: Tensor | TensorLike, b: Tensor | TensorLike, op: string): [Tensor, Tensor] {
  let x = convert(a, 'a', op);
  let y = convert(b, 'b', op);
  const dtype = upcast(x.dtype, y.dtype);
  if (x.dtype !== dtype) x = castRaw(x, dtype);
  if (y.dtype !== dtype) y = castRaw(y, dtype);
  return [x, y];
}

/** The shape a and b broadcast to, or TF.js' error. */
export function broadcastShapes(a: Shape, b: Shape, op = 'broadcast'): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new TegakiError(`${op}: operands could not be broadcast together with shapes ${a.join(',')} and ${b.join(',')}.`);
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Axes as non-negative indices (TF.js: undefined or null means all axes). */
export function parseAxes(axis: number | readonly number[] | null | undefined, rank: number, op: string): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out = list.map((a) => {
    if (!Number.isInteger(a) || a < -rank || a >= rank) throw new TegakiError(`${op}: axis ${a} is out of range for a tensor of rank ${rank}.`);
    return a < 0 ? a + rank : a;
  });
  if (new Set(out).size !== out.length) throw new TegakiError(`${op}: axis ${JSON.stringify(axis)} repeats an axis.`);
  return out;
}

/** The backend's kernels. */
export const kernels = (): Backend => getBackend();

/** A new tensor of the dtype, computed by fill(values). */
export function compute(shape: Shape, dtype: DataType, fill: (out: Tensor) => void): Tensor {
  const out = new Tensor(shape, undefined, dtype);
  fill(out);
  return out;
}

/** x in another dtype (the casts between op inputs), its gradient passing through as TF.js' Cast_grad does. */
export function castRaw(x: Tensor, dtype: DataType): Tensor {
  if (x.dtype === dtype) return x;
  const out = compute(x.shape, dtype, (o) => kernels().unary('cast', x.values, o.values));
  record([x], out, (dy) => [dy]);
  return out;
}
