// The primitive ops whose gradients need one another: reshape, broadcastTo, sum, add, sub, mul,
// div, neg, cast. Each forward is followed by its gradient (written with these same ops, so
// gradients of gradients work); broadcast inputs get their gradient summed back to their shape.

import type { BinaryOp } from '../backend/backend.js';
import { TegakiError } from '../errors.js';
import { sizeOf, Tensor, type DataType, type Shape } from '../tensor.js';
import type { TensorLike } from './creation.js';
import { broadcastShapes, castRaw, compute, convert, convertPair, kernels, parseAxes } from './convert.js';
import { record } from './engine.js';

export type Input = Tensor | TensorLike;

// ---- reshape ----

/** TF.js' reshape: the same values in another shape; one dimension may be -1 (inferred). */
export function reshape(x: Input, shape: Shape): Tensor {
  const t = convert(x, 'x', 'reshape');
  const target = inferShape(shape, t.size, 'reshape');
  // a variable's values change in place (optimizer steps): a reshape must not see that
  const out = new Tensor(target, t.mutable ? t.values.slice() : t.values, t.dtype);
  record([t], out, (dy) => [reshape(dy, t.shape)]);
  return out;
}

function inferShape(shape: Shape, size: number, op: string): number[] {
  if (!Array.isArray(shape)) throw new TegakiError(`${op}: shape must be a list of integers, received ${JSON.stringify(shape)}.`);
  const unknown = shape.indexOf(-1);
  if (shape.some((d, i) => !Number.isInteger(d) || (d < 0 && i !== unknown)) || shape.lastIndexOf(-1) !== unknown) {
    throw new TegakiError(`${op}: shape [${shape}] may hold non-negative integers and at most one -1.`);
  }
  const known = shape.reduce((n, d) => (d === -1 ? n : n * d), 1);
  const out = [...shape];
  if (unknown >= 0) {
    if (known === 0 || size % known !== 0) throw new TegakiError(`${op}: the size ${size} cannot be shaped as [${shape}].`);
    out[unknown] = size / known;
  }
  if (sizeOf(out) !== size) throw new TegakiError(`${op}: size(${size}) must match the product of shape ${shape.join(',')}.`);
  return out;
}

// ---- broadcastTo and summing back ----

/** TF.js' broadcastTo: x repeated along the axes where it has size 1 (or none) to reach shape. */
export function broadcastTo(x: Input, shape: Shape): Tensor {
  const t = convert(x, 'x', 'broadcastTo');
  if (shape.length < t.rank) throw new TegakiError(`broadcastTo: cannot broadcast a rank-${t.rank} tensor to rank ${shape.length}.`);
  const padded = [...new Array<number>(shape.length - t.rank).fill(1), ...t.shape];
  padded.forEach((d, i) => {
    if (d !== 1 && d !== shape[i]) throw new TegakiError(`broadcastTo: cannot broadcast [${t.shape}] to [${shape}].`);
  });
  if (padded.join() === shape.join()) return t.rank === shape.length ? t : reshape(t, shape);
  const out = compute(shape, t.dtype, (o) => kernels().tile(t.values, padded, o.values, shape));
  record([t], out, (dy) => [sumTo(dy, t.shape)]);
  return out;
}

/** dy summed over the axes along which `shape` was broadcast, back to `shape`. */
export function sumTo(dy: Tensor, shape: Shape): Tensor {
  if (dy.shape.join() === shape.join()) return dy;
  const lead = dy.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < dy.rank; i++) if (i < lead || (shape[i - lead] === 1 && dy.shape[i] !== 1)) axes.push(i);
  return reshape(axes.length > 0 ? sum(dy, axes) : dy, shape);
}

// ---- sum ----

/** Reduce along `axes` with a last-axis kernel: move them to the end first. */
export function reduceAlong(t: Tensor, axes: number[], reduceLast: (x: Tensor, outer: number, size: number, out: Tensor) => void, dtype: DataType, keepDims: boolean): Tensor {
  const kept = t.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const moved = perm.every((p, i) => p === i) ? t : compute(perm.map((p) => t.shape[p]!), t.dtype, (o) => kernels().transpose(t.values, t.shape, perm, o.values));
  const size = axes.reduce((n, a) => n * t.shape[a]!, 1);
  const outShape = keepDims ? t.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : kept.map((i) => t.shape[i]!);
  return compute(outShape, dtype, (o) => reduceLast(moved, t.size / Math.max(size, 1), size, o));
}

/** TF.js' sum: over all axes, or `axis`; bool and int32 sum to int32. */
export function sum(x: Input, axis: number | number[] | null = null, keepDims = false): Tensor {
  const t = convert(x, 'x', 'sum');
  const axes = parseAxes(axis, t.rank, 'sum');
  const dtype = t.dtype === 'float32' ? 'float32' : 'int32';
  const out = reduceAlong(t, axes, (m, outer, size, o) => kernels().reduce('sum', m.values, outer, size, o.values), dtype, keepDims);
  record([t], out, (dy) => [broadcastTo(reshape(dy, t.shape.map((d, i) => (axes.includes(i) ? 1 : d))), t.shape)]);
  return out;
}

// ---- elementwise arithmetic ----

/** a op b for any BinaryOp, broadcast, in the dtype of `dtype` (default: the inputs'). */
export function binaryOp(op: BinaryOp, a: Tensor, b: Tensor, name: string, dtype: DataType = a.dtype): Tensor {
  const shape = broadcastShapes(a.shape, b.shape, name);
  return compute(shape, dtype, (o) => kernels().binary(op, a.values, a.shape, b.values, b.shape, o.values, shape));
}

export function add(a: Input, b: Input): Tensor {
  const [x, y] = convertPair(a, b, 'add');
  const out = binaryOp('add', x, y, 'add');
  record([x, y], out, (dy) => [sumTo(dy, x.shape), sumTo(dy, y.shape)]);
  return out;
}

export function sub(a: Input, b: Input): Tensor {
  const [x, y] = convertPair(a, b, 'sub');
  const out = binaryOp('sub', x, y, 'sub');
  record([x, y], out, (dy) => [sumTo(dy, x.shape), sumTo(neg(dy), y.shape)]);
  return out;
}

export function mul(a: Input, b: Input): Tensor {
  const [x, y] = convertPair(a, b, 'mul');
  const out = binaryOp('mul', x, y, 'mul');
  record([x, y], out, (dy) => [sumTo(mul(dy, y), x.shape), sumTo(mul(dy, x), y.shape)]);
  return out;
}

/** TF.js' div; two int32 tensors divide with floor, as in TF.js. */
export function div(a: Input, b: Input): Tensor {
  const [x, y] = convertPair(a, b, 'div');
  if (x.dtype === 'int32') return binaryOp('floorDiv', x, y, 'div');
  const out = binaryOp('div', x, y, 'div');
  record([x, y], out, (dy) => [sumTo(div(dy, y), x.shape), sumTo(neg(div(mul(dy, x), mul(y, y))), y.shape)]);
  return out;
}

/** TF.js' addN: the sum of tensors of one shape and dtype. */
export function addN(tensors: Input[]): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new TegakiError('addN: give at least one tensor.');
  const ts = tensors.map((x, i) => convert(x, `tensors[${i}]`, 'addN'));
  for (const [i, t] of ts.entries()) {
    if (t.shape.join() !== ts[0]!.shape.join() || t.dtype !== ts[0]!.dtype) throw new TegakiError(`addN: tensors[${i}] is [${t.shape}] ${t.dtype}, tensors[0] is [${ts[0]!.shape}] ${ts[0]!.dtype}; all must match.`);
  }
  return ts.slice(1).reduce((acc, t) => add(acc, t), ts[0]!);
}

export function neg(x: Input): Tensor {
  const t = convert(x, 'x', 'neg');
  const out = compute(t.shape, t.dtype, (o) => kernels().unary('neg', t.values, o.values));
  record([t], out, (dy) => [neg(dy)]);
  return out;
}

/** TF.js' cast; the gradient passes through unchanged, as TF.js' Cast_grad does. */
export function cast(x: Input, dtype: DataType): Tensor {
  const t = convert(x, 'x', 'cast');
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') throw new TegakiError(`cast: dtype '${String(dtype)}' is not supported (float32, int32 or bool).`);
  if (t.dtype !== dtype) return castRaw(t, dtype);
  const out = new Tensor(t.shape, t.values.slice(), dtype);
  record([t], out, (dy) => [dy]);
  return out;
}
