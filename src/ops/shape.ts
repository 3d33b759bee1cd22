// Ops that move values without computing: transpose, expandDims, squeeze, slice, pad, concat,
// stack, unstack, split, gather, tile, flatten, with tfjs-core's argument forms. Each gradient
// is the opposite move (slice ↔ pad, gather ↔ scatter-add, concat → slices, tile → sum).

import { TegakiError } from '../errors.js';
import { sizeOf, Tensor, type Shape } from '../tensor.js';
import { reshape, sum, type Input } from './arithmetic.js';
import { compute, convert, kernels, parseAxes } from './convert.js';
import { record } from './engine.js';

/** TF.js' transpose: axes permuted by perm (default: reversed). */
export function transpose(x: Input, perm?: number[]): Tensor {
  const t = convert(x, 'x', 'transpose');
  const p = perm ?? t.shape.map((_, i) => t.rank - 1 - i);
  if (p.length !== t.rank || [...p].sort((a, b) => a - b).some((v, i) => v !== i)) throw new TegakiError(`transpose: perm [${p}] is not a permutation of the ${t.rank} axes.`);
  const out = compute(p.map((a) => t.shape[a]!), t.dtype, (o) => kernels().transpose(t.values, t.shape, p, o.values));
  const inverse = p.map((_, i) => p.indexOf(i));
  record([t], out, (dy) => [transpose(dy, inverse)]);
  return out;
}

export function expandDims(x: Input, axis = 0): Tensor {
  const t = convert(x, 'x', 'expandDims');
  if (!Number.isInteger(axis) || axis < -(t.rank + 1) || axis > t.rank) throw new TegakiError(`expandDims: axis ${axis} is out of range for a tensor of rank ${t.rank}.`);
  const at = axis < 0 ? axis + t.rank + 1 : axis;
  return reshape(t, [...t.shape.slice(0, at), 1, ...t.shape.slice(at)]);
}

/** TF.js' squeeze: drop dimensions of size 1 (only those in `axis` when given). */
export function squeeze(x: Input, axis?: number[]): Tensor {
  const t = convert(x, 'x', 'squeeze');
  const axes = axis === undefined || axis.length === 0 ? t.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : parseAxes(axis, t.rank, 'squeeze');
  for (const a of axes) if (t.shape[a] !== 1) throw new TegakiError(`squeeze: can only squeeze a dimension of size 1, axis ${a} has size ${t.shape[a]}.`);
  return reshape(t, t.shape.filter((_, i) => !axes.includes(i)));
}

/** TF.js' flatten (the chained x.flatten()): all values in one dimension. */
export const flatten = (x: Input): Tensor => reshape(x, [-1]);

/** TF.js' slice: begin and size per axis (a number for the first axis only); size -1 means to the end. */
export function slice(x: Input, begin: number | number[], size?: number | number[]): Tensor {
  const t = convert(x, 'x', 'slice');
  if (t.rank === 0) throw new TegakiError('slice: cannot slice a scalar.');
  if (Array.isArray(begin) && begin.length > t.rank) throw new TegakiError(`slice: begin [${begin}] has more entries than the tensor's rank ${t.rank}.`);
  if (Array.isArray(size) && size.length > t.rank) throw new TegakiError(`slice: size [${size}] has more entries than the tensor's rank ${t.rank}.`);
  const b = typeof begin === 'number' ? [begin, ...new Array<number>(t.rank - 1).fill(0)] : [...begin, ...new Array<number>(t.rank - begin.length).fill(0)];
  const s0 = size === undefined ? [] : typeof size === 'number' ? [size] : size;
  const s = t.shape.map((d, i) => (s0[i] === undefined || s0[i] === -1 ? d - b[i]! : s0[i]!));
  t.shape.forEach((d, i) => {
    if (!Number.isInteger(b[i]) || !Number.isInteger(s[i]) || b[i]! < 0 || s[i]! < 0 || b[i]! + s[i]! > d) {
      throw new TegakiError(`slice: begin [${b}] and size [${s}] do not fit within a tensor of shape [${t.shape}] (axis ${i}).`);
    }
  });
  const out = compute(s, t.dtype, (o) => kernels().slice(t.values, t.shape, b, s, o.values));
  record([t], out, (dy) => [pad(dy, t.shape.map((d, i) => [b[i]!, d - b[i]! - s[i]!] as [number, number]))]);
  return out;
}

/** TF.js' pad: paddings[i] = [before, after] for axis i, filled with constantValue. */
export function pad(x: Input, paddings: [number, number][], constantValue = 0): Tensor {
  const t = convert(x, 'x', 'pad');
  if (!Array.isArray(paddings) || paddings.length !== t.rank || paddings.some((p) => !Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0))) {
    throw new TegakiError(`pad: paddings must be ${t.rank} pairs of non-negative integers, received ${JSON.stringify(paddings)}.`);
  }
  const shape = t.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  const out = compute(shape, t.dtype, (o) => kernels().pad(t.values, t.shape, paddings, constantValue, o.values, shape));
  record([t], out, (dy) => [slice(dy, paddings.map((p) => p[0]), [...t.shape])]);
  return out;
}

/** TF.js' concat: tensors joined along axis (their other dimensions must agree). */
export function concat(tensors: Input[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new TegakiError('concat: give at least one tensor.');
  const ts = tensors.map((x, i) => convert(x, `tensors[${i}]`, 'concat'));
  const first = ts[0]!;
  const [a] = parseAxes(axis, first.rank, 'concat');
  for (const [i, t] of ts.entries()) {
    if (t.rank !== first.rank || t.shape.some((d, k) => k !== a && d !== first.shape[k])) throw new TegakiError(`concat: tensors[${i}] has shape [${t.shape}], which does not fit [${first.shape}] along axis ${a}.`);
    if (t.dtype !== first.dtype) throw new TegakiError(`concat: tensors[${i}] is ${t.dtype}, tensors[0] is ${first.dtype}.`);
  }
  const shape = first.shape.map((d, k) => (k === a ? ts.reduce((n, t) => n + t.shape[k]!, 0) : d));
  const offsets: number[] = [];
  const out = compute(shape, first.dtype, (o) => {
    let at = 0;
    for (const t of ts) {
      offsets.push(at);
      kernels().sliceAssign(t.values, t.shape, o.values, shape, shape.map((_, k) => (k === a ? at : 0)));
      at += t.shape[a!]!;
    }
  });
  record(ts, out, (dy) => ts.map((t, i) => slice(dy, shape.map((_, k) => (k === a ? offsets[i]! : 0)), [...t.shape])));
  return out;
}

export function stack(tensors: Input[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new TegakiError('stack: give at least one tensor.');
  const ts = tensors.map((x, i) => convert(x, `tensors[${i}]`, 'stack'));
  for (const [i, t] of ts.entries()) if (t.shape.join() !== ts[0]!.shape.join()) throw new TegakiError(`stack: tensors[${i}] has shape [${t.shape}], tensors[0] has [${ts[0]!.shape}].`);
  return concat(ts.map((t) => expandDims(t, axis)), axis);
}

export function unstack(x: Input, axis = 0): Tensor[] {
  const t = convert(x, 'x', 'unstack');
  const [a] = parseAxes(axis, t.rank, 'unstack');
  const rest = t.shape.filter((_, i) => i !== a);
  return Array.from({ length: t.shape[a!]! }, (_, i) => reshape(slice(t, t.shape.map((_, k) => (k === a ? i : 0)), t.shape.map((d, k) => (k === a ? 1 : d))), rest));
}

/** TF.js' split: into n equal parts, or parts of the given sizes (one may be -1), along axis. */
export function split(x: Input, numOrSizeSplits: number | number[], axis = 0): Tensor[] {
  const t = convert(x, 'x', 'split');
  const [a] = parseAxes(axis, t.rank, 'split');
  const length = t.shape[a!]!;
  let sizes: number[];
  if (typeof numOrSizeSplits === 'number') {
    if (!Number.isInteger(numOrSizeSplits) || numOrSizeSplits <= 0 || length % numOrSizeSplits !== 0) throw new TegakiError(`split: ${numOrSizeSplits} does not divide the axis of size ${length} evenly.`);
    sizes = new Array<number>(numOrSizeSplits).fill(length / numOrSizeSplits);
  } else {
    sizes = [...numOrSizeSplits];
    const unknown = sizes.indexOf(-1);
    if (unknown >= 0) sizes[unknown] = length - sizes.reduce((n, v, i) => (i === unknown ? n : n + v), 0);
    if (sizes.some((v) => !Number.isInteger(v) || v < 0) || sizes.reduce((n, v) => n + v, 0) !== length) throw new TegakiError(`split: sizes [${numOrSizeSplits}] must add up to the axis size ${length}.`);
  }
  let at = 0;
  return sizes.map((n) => {
    const part = slice(t, t.shape.map((_, k) => (k === a ? at : 0)), t.shape.map((d, k) => (k === a ? n : d)));
    at += n;
    return part;
  });
}

/**
 * TF.js' gather: the slices of x at `indices` along axis. With batchDims = b, the first b axes of x
 * and of indices are batch axes matched pairwise: each batch gathers with its own indices, and the
 * result has shape x.shape[:axis] + indices.shape[b:] + x.shape[axis + 1:].
 */
export function gather(x: Input, indices: Input, axis = 0, batchDims = 0): Tensor {
  const t = convert(x, 'x', 'gather');
  const idx = convert(indices, 'indices', 'gather', 'int32');
  if (idx.dtype !== 'int32') throw new TegakiError(`gather: indices must be int32, received ${idx.dtype}.`);
  const [a] = parseAxes(axis, t.rank, 'gather');
  const n = t.shape[a!]!;
  const flat = idx.values as Int32Array;
  for (const i of flat) if (i < 0 || i >= n) throw new TegakiError(`gather: index ${i} is out of range [0, ${n}).`);
  const b = parseBatchDims(batchDims, t.shape, idx.shape, a!);
  if (b > 0) return batchGather(t, idx, a!, b);
  const outer = sizeOf(t.shape.slice(0, a));
  const inner = sizeOf(t.shape.slice(a! + 1));
  const shape = [...t.shape.slice(0, a), ...idx.shape, ...t.shape.slice(a! + 1)];
  const out = compute(shape, t.dtype, (o) => kernels().gather(t.values, outer, n, inner, flat, o.values));
  record([t, idx], out, (dy) => [scatterAdd(dy, flat, t.shape, a!), null]);
  return out;
}

/** batchDims checked as TF.js checks it (a negative value counts from the end of indices' axes). */
function parseBatchDims(batchDims: number, xShape: Shape, indicesShape: Shape, axis: number): number {
  const rank = indicesShape.length;
  if (!Number.isInteger(batchDims) || batchDims < -rank || batchDims > rank) {
    throw new TegakiError(`gather: batchDims must be an integer in [-${rank}, ${rank}] (the rank of indices), received ${batchDims}.`);
  }
  const b = batchDims < 0 ? batchDims + rank : batchDims;
  if (b > axis) throw new TegakiError(`gather: batchDims (${b}) must be less than or equal to axis (${axis}).`);
  for (let i = 0; i < b; i++) {
    if (xShape[i] !== indicesShape[i]) throw new TegakiError(`gather: with batchDims ${b}, x.shape[${i}] (${xShape[i]}) must equal indices.shape[${i}] (${indicesShape[i]}).`);
  }
  return b;
}

/**
 * gather with b batch axes as one plain gather along axis 0: x seen as rows [batch·outer·n, inner]
 * (outer: the axes between the batch axes and `axis`), where output row (i, o, k) is x's row
 * (i·outer + o)·n + indices[i, k]. Being composed of gather and reshape, its gradient is theirs.
 */
function batchGather(x: Tensor, indices: Tensor, axis: number, b: number): Tensor {
  const batch = sizeOf(x.shape.slice(0, b));
  const outer = sizeOf(x.shape.slice(b, axis));
  const n = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const perBatch = sizeOf(indices.shape.slice(b));
  const picks = indices.values as Int32Array;
  const rows = new Int32Array(batch * outer * perBatch);
  for (let i = 0; i < batch; i++) {
    for (let o = 0; o < outer; o++) {
      const slab = i * outer + o;
      for (let k = 0; k < perBatch; k++) rows[slab * perBatch + k] = slab * n + picks[i * perBatch + k]!;
    }
  }
  const shape = [...x.shape.slice(0, axis), ...indices.shape.slice(b), ...x.shape.slice(axis + 1)];
  return reshape(gather(reshape(x, [batch * outer * n, inner]), new Tensor([rows.length], rows, 'int32')), shape);
}

/** The gradient of gather: dy added back at the gathered positions of a zero tensor of `shape`. */
function scatterAdd(dy: Tensor, indices: Int32Array, shape: Shape, axis: number): Tensor {
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const out = compute(shape, dy.dtype, (o) => kernels().scatterAdd(dy.values, outer, shape[axis]!, inner, indices, o.values));
  const indexTensor = new Tensor([indices.length], indices, 'int32');
  record([dy], out, (ddx) => [reshape(gather(ddx, indexTensor, axis), dy.shape)]);
  return out;
}

/** TF.js' tile: x repeated reps[i] times along axis i. */
export function tile(x: Input, reps: number[]): Tensor {
  const t = convert(x, 'x', 'tile');
  if (!Array.isArray(reps) || reps.length !== t.rank || reps.some((r) => !Number.isInteger(r) || r < 0)) throw new TegakiError(`tile: reps must be ${t.rank} non-negative integers, received ${JSON.stringify(reps)}.`);
  const shape = t.shape.map((d, i) => d * reps[i]!);
  const out = compute(shape, t.dtype, (o) => kernels().tile(t.values, t.shape, o.values, shape));
  // dy seen as [r0, d0, r1, d1, ...]: summing the r axes gives x's gradient
  record([t], out, (dy) => [reshape(sum(reshape(dy, t.shape.flatMap((d, i) => [reps[i]!, d])), t.shape.map((_, i) => 2 * i)), t.shape)]);
  return out;
}
