// Reference kernels of the general tensor ops (tfjs-core's op set): elementwise with broadcasting,
// reductions along the last axis, and the data movement ops (transpose, slice, gather, pad, tile,
// concat). Plain loops over typed arrays, any dtype; the ops in src/ops/ call them through the
// Backend interface.

import type { BinaryOp, ReduceOp, UnaryOp } from '../backend.js';
import type { Shape, TypedArray } from '../../tensor.js';
import { erf } from './elementwise.js';

/** Row-major strides of a shape. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

function binaryFn(op: BinaryOp): (a: number, b: number) => number {
  switch (op) {
    case 'add': return (a, b) => a + b;
    case 'sub': return (a, b) => a - b;
    case 'mul': return (a, b) => a * b;
    case 'div': return (a, b) => a / b;
    case 'floorDiv': return (a, b) => Math.floor(a / b);
    case 'mod': return (a, b) => ((a % b) + b) % b;
    case 'pow': return (a, b) => Math.pow(a, b);
    case 'minimum': return (a, b) => (a < b || Number.isNaN(a) ? a : b);
    case 'maximum': return (a, b) => (a > b || Number.isNaN(a) ? a : b);
    case 'squaredDifference': return (a, b) => (a - b) * (a - b);
    case 'atan2': return (a, b) => Math.atan2(a, b);
    case 'equal': return (a, b) => (a === b ? 1 : 0);
    case 'notEqual': return (a, b) => (a !== b ? 1 : 0);
    case 'greater': return (a, b) => (a > b ? 1 : 0);
    case 'greaterEqual': return (a, b) => (a >= b ? 1 : 0);
    case 'less': return (a, b) => (a < b ? 1 : 0);
    case 'lessEqual': return (a, b) => (a <= b ? 1 : 0);
    case 'logicalAnd': return (a, b) => (a && b ? 1 : 0);
    case 'logicalOr': return (a, b) => (a || b ? 1 : 0);
    default: throw new Error(`unknown binary op ${String(op)}`);
  }
}

/** out = a op b, broadcasting a and b (NumPy rules) to outShape. */
export function binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void {
  const f = binaryFn(op);
  const n = out.length;
  if (a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!);
    return;
  }
  if (b.length === 1) {
    const bv = b[0]!;
    if (a.length === n) for (let i = 0; i < n; i++) out[i] = f(a[i]!, bv);
    else for (let i = 0; i < n; i++) out[i] = f(a[0]!, bv);
    return;
  }
  if (a.length === 1) {
    const av = a[0]!;
    if (b.length === n) for (let i = 0; i < n; i++) out[i] = f(av, b[i]!);
    return;
  }
  const rank = outShape.length;
  const aStrides = broadcastStrides(aShape, rank);
  const bStrides = broadcastStrides(bShape, rank);
  const index = new Array<number>(rank).fill(0);
  let ai = 0;
  let bi = 0;
  for (let i = 0; i < n; i++) {
    out[i] = f(a[ai]!, b[bi]!);
    // advance the multi-index, as an odometer
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      ai += aStrides[d]!;
      bi += bStrides[d]!;
      if (index[d]! < outShape[d]!) break;
      ai -= aStrides[d]! * outShape[d]!;
      bi -= bStrides[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
}

/** Strides of `shape` seen as `rank` dimensions, 0 along dimensions it broadcasts over. */
function broadcastStrides(shape: Shape, rank: number): number[] {
  const own = stridesOf(shape);
  const out = new Array<number>(rank).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const d = rank - shape.length + i;
    out[d] = shape[i] === 1 ? 0 : own[i]!;
  }
  return out;
}

function unaryFn(op: UnaryOp, p: readonly number[]): (x: number) => number {
  switch (op) {
    case 'neg': return (x) => -x;
    case 'abs': return Math.abs;
    case 'exp': return Math.exp;
    case 'expm1': return Math.expm1;
    case 'log': return Math.log;
    case 'log1p': return Math.log1p;
    case 'sqrt': return Math.sqrt;
    case 'rsqrt': return (x) => 1 / Math.sqrt(x);
    case 'square': return (x) => x * x;
    case 'reciprocal': return (x) => 1 / x;
    case 'sign': return (x) => (x > 0 ? 1 : x < 0 ? -1 : 0);
    case 'step': return (x) => (x > 0 ? 1 : p[0] ?? 0);
    case 'floor': return Math.floor;
    case 'ceil': return Math.ceil;
    case 'round': return (x) => {
      // TF.js rounds half to even
      const r = Math.round(x);
      return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
    };
    case 'sin': return Math.sin;
    case 'cos': return Math.cos;
    case 'tan': return Math.tan;
    case 'sigmoid': return (x) => 1 / (1 + Math.exp(-x));
    case 'tanh': return Math.tanh;
    case 'relu': return (x) => (x > 0 ? x : 0);
    case 'relu6': return (x) => (x > 0 ? (x < 6 ? x : 6) : 0);
    case 'elu': return (x) => (x >= 0 ? x : Math.exp(x) - 1);
    case 'selu': return (x) => (x >= 0 ? 1.0507009873554805 * x : 1.7580993408473766 * (Math.exp(x) - 1));
    case 'leakyRelu': return (x) => (x >= 0 ? x : (p[0] ?? 0.2) * x);
    case 'softplus': return (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
    case 'clip': return (x) => (x < p[0]! ? p[0]! : x > p[1]! ? p[1]! : x);
    case 'logicalNot': return (x) => (x ? 0 : 1);
    case 'isNaN': return (x) => (Number.isNaN(x) ? 1 : 0);
    case 'cast': return (x) => x;
    case 'erf': return erf;
    default: throw new Error(`unknown unary op ${String(op)}`);
  }
}

/** out = op(x) elementwise; `params` for step (its value at 0), leakyRelu (alpha) and clip (min, max). */
export function unary(op: UnaryOp, x: TypedArray, out: TypedArray, params: readonly number[] = []): void {
  const f = unaryFn(op, params);
  if (op === 'cast' && out instanceof Int32Array) {
    for (let i = 0; i < x.length; i++) out[i] = Math.trunc(x[i]!);
    return;
  }
  if (op === 'cast' && out instanceof Uint8Array) {
    for (let i = 0; i < x.length; i++) out[i] = x[i] !== 0 ? 1 : 0;
    return;
  }
  if (out instanceof Uint8Array) for (let i = 0; i < x.length; i++) out[i] = f(x[i]!) !== 0 ? 1 : 0;
  else for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
}

/** Reduce the last axis: x is [outer, size]; out[i] = op over x[i, :]. */
export function reduce(op: ReduceOp, x: TypedArray, outer: number, size: number, out: TypedArray): void {
  for (let i = 0; i < outer; i++) {
    const o = i * size;
    let acc = 0;
    switch (op) {
      case 'sum':
        acc = 0;
        for (let j = 0; j < size; j++) acc += x[o + j]!;
        break;
      case 'prod':
        acc = 1;
        for (let j = 0; j < size; j++) acc *= x[o + j]!;
        break;
      case 'max':
        acc = -Infinity;
        for (let j = 0; j < size; j++) if (x[o + j]! > acc || Number.isNaN(x[o + j]!)) acc = x[o + j]!;
        break;
      case 'min':
        acc = Infinity;
        for (let j = 0; j < size; j++) if (x[o + j]! < acc || Number.isNaN(x[o + j]!)) acc = x[o + j]!;
        break;
      case 'any':
        acc = 0;
        for (let j = 0; j < size; j++) if (x[o + j]) acc = 1;
        break;
      case 'all':
        acc = 1;
        for (let j = 0; j < size; j++) if (!x[o + j]) acc = 0;
        break;
    }
    out[i] = acc;
  }
}

/** Index of the largest (or smallest) value along the last axis of x [outer, size]; the first on ties. */
export function argReduce(op: 'argMax' | 'argMin', x: TypedArray, outer: number, size: number, out: Int32Array): void {
  const better = op === 'argMax' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  for (let i = 0; i < outer; i++) {
    const o = i * size;
    let best = 0;
    for (let j = 1; j < size; j++) if (better(x[o + j]!, x[o + best]!)) best = j;
    out[i] = best;
  }
}

/** out = x with its axes permuted: out.shape[i] = shape[perm[i]]. */
export function transpose(x: TypedArray, shape: Shape, perm: readonly number[], out: TypedArray): void {
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]!);
  // the input stride each output axis walks along
  const from = stridedOffsets(0, outShape, perm.map((p) => inStrides[p]!));
  for (let i = 0; i < out.length; i++) out[i] = x[from[i]!]!;
}

/**
 * Flat offsets, in row-major order, of the box [begin, begin + size) of an array of `shape`: the
 * one walk that slicing, its gradient and padding share.
 */
function boxOffsets(shape: Shape, begin: readonly number[], size: readonly number[]): Int32Array {
  const strides = stridesOf(shape);
  return stridedOffsets(begin.reduce((s, b, d) => s + b * strides[d]!, 0), size, strides);
}

/** The offsets an odometer over `extent` reaches from `start`, axis d moving by steps[d] (last axis fastest). */
function stridedOffsets(start: number, extent: readonly number[], steps: readonly number[]): Int32Array {
  const rank = extent.length;
  const out = new Int32Array(extent.reduce((n, e) => n * e, 1));
  const index = new Array<number>(rank).fill(0);
  let at = start;
  for (let i = 0; i < out.length; i++) {
    out[i] = at;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      at += steps[d]!;
      if (index[d]! < extent[d]!) break;
      at -= steps[d]! * extent[d]!;
      index[d] = 0;
    }
  }
  return out;
}

/** out = x[begin : begin + size] along every axis. */
export function slice(x: TypedArray, shape: Shape, begin: readonly number[], size: readonly number[], out: TypedArray): void {
  const offsets = boxOffsets(shape, begin, size);
  for (let i = 0; i < offsets.length; i++) out[i] = x[offsets[i]!]!;
}

/** out[..., begin : begin + size, ...] += x: the backward of slice (out holds the input's shape). */
export function sliceAdd(x: TypedArray, outShape: Shape, begin: readonly number[], size: readonly number[], out: TypedArray): void {
  const offsets = boxOffsets(outShape, begin, size);
  for (let i = 0; i < offsets.length; i++) out[offsets[i]!]! += x[i]!;
}

/** Copy x (of `shape`) into out (of outShape) at offset `begin`. */
export function sliceAssign(x: TypedArray, shape: Shape, out: TypedArray, outShape: Shape, begin: readonly number[]): void {
  const offsets = boxOffsets(outShape, begin, shape);
  for (let i = 0; i < offsets.length; i++) out[offsets[i]!] = x[i]!;
}

/** out = x gathered along `axis` at `indices`: x is [outer, n, inner], out [outer, indices.length, inner]. */
export function gather(x: TypedArray, outer: number, n: number, inner: number, indices: Int32Array, out: TypedArray): void {
  let o = 0;
  for (let i = 0; i < outer; i++) {
    for (const k of indices) {
      const from = (i * n + k) * inner;
      for (let j = 0; j < inner; j++) out[o++] = x[from + j]!;
    }
  }
}

/** The backward of gather: out [outer, n, inner] += dy scattered back to the gathered rows. */
export function scatterAdd(dy: TypedArray, outer: number, n: number, inner: number, indices: Int32Array, out: TypedArray): void {
  let o = 0;
  for (let i = 0; i < outer; i++) {
    for (const k of indices) {
      const to = (i * n + k) * inner;
      for (let j = 0; j < inner; j++) out[to + j]! += dy[o++]!;
    }
  }
}

/** out = x padded with `value`: paddings[d] = [before, after]. */
export function pad(x: TypedArray, shape: Shape, paddings: readonly (readonly [number, number])[], value: number, out: TypedArray, outShape: Shape): void {
  out.fill(value);
  const begin = paddings.map((p) => p[0]);
  sliceAssign(x, shape, out, outShape, begin);
}

/** out = x repeated reps[d] times along each axis. */
export function tile(x: TypedArray, shape: Shape, out: TypedArray, outShape: Shape): void {
  const rank = shape.length;
  const inStrides = stridesOf(shape);
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < out.length; i++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += (index[d]! % shape[d]!) * inStrides[d]!;
    out[i] = x[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      if (index[d]! < outShape[d]!) break;
      index[d] = 0;
    }
  }
}

/** out = condition ? a : b, with all three broadcast to outShape. */
export function select(condition: TypedArray, cShape: Shape, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void {
  const rank = outShape.length;
  const cs = broadcastStrides(cShape, rank);
  const as = broadcastStrides(aShape, rank);
  const bs = broadcastStrides(bShape, rank);
  const index = new Array<number>(rank).fill(0);
  let ci = 0;
  let ai = 0;
  let bi = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = condition[ci] ? a[ai]! : b[bi]!;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      ci += cs[d]!;
      ai += as[d]!;
      bi += bs[d]!;
      if (index[d]! < outShape[d]!) break;
      ci -= cs[d]! * outShape[d]!;
      ai -= as[d]! * outShape[d]!;
      bi -= bs[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
}
