// TF.js' chained ops: x.add(y).argMax(1) and the rest, attached to Tensor's prototype here so that
// tensor.ts needs none of the ops (imported for its effect by ops/index.ts).

import { Tensor, type DataType, type Shape } from '../tensor.js';
import { add, broadcastTo, cast, div, mul, neg, reshape, sub, sum, type Input } from './arithmetic.js';
import { equal, greater, greaterEqual, less, lessEqual, logicalAnd, logicalNot, logicalOr, notEqual } from './compare.js';
import { dot, matMul } from './matmul.js';
import * as math from './math.js';
import { avgPool, conv2d, logSoftmax, maxPool, oneHot, softmax } from './nn.js';
import { all, any, argMax, argMin, logSumExp, max, mean, min } from './reduction.js';
import { concat, expandDims, flatten, gather, pad, slice, split, squeeze, stack, tile, transpose, unstack } from './shape.js';

type Axis = number | number[] | null;

/** x.concat(y) and x.concat([y, z]): one tensor, or a list (a list of numbers is one tensor's values). */
const others = (tensors: Input | Input[]): Input[] => (Array.isArray(tensors) && typeof tensors[0] !== 'number' ? (tensors as Input[]) : [tensors as Input]);

declare module '../tensor.js' {
  interface Tensor {
    add(b: Input): Tensor;
    sub(b: Input): Tensor;
    mul(b: Input): Tensor;
    div(b: Input): Tensor;
    pow(exponent: Input): Tensor;
    neg(): Tensor;
    abs(): Tensor;
    square(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    reciprocal(): Tensor;
    exp(): Tensor;
    expm1(): Tensor;
    log(): Tensor;
    log1p(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    tan(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    sign(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    relu(): Tensor;
    relu6(): Tensor;
    elu(): Tensor;
    selu(): Tensor;
    softplus(): Tensor;
    leakyRelu(alpha?: number): Tensor;
    step(alpha?: number): Tensor;
    minimum(b: Input): Tensor;
    maximum(b: Input): Tensor;
    squaredDifference(b: Input): Tensor;
    clipByValue(min: number, max: number): Tensor;
    sum(axis?: Axis, keepDims?: boolean): Tensor;
    mean(axis?: Axis, keepDims?: boolean): Tensor;
    max(axis?: Axis, keepDims?: boolean): Tensor;
    min(axis?: Axis, keepDims?: boolean): Tensor;
    any(axis?: Axis, keepDims?: boolean): Tensor;
    all(axis?: Axis, keepDims?: boolean): Tensor;
    argMax(axis?: number): Tensor;
    argMin(axis?: number): Tensor;
    logSumExp(axis?: Axis, keepDims?: boolean): Tensor;
    reshape(shape: Shape): Tensor;
    reshapeAs(other: Tensor): Tensor;
    broadcastTo(shape: Shape): Tensor;
    expandDims(axis?: number): Tensor;
    squeeze(axis?: number[]): Tensor;
    flatten(): Tensor;
    transpose(perm?: number[]): Tensor;
    slice(begin: number | number[], size?: number | number[]): Tensor;
    split(numOrSizeSplits: number | number[], axis?: number): Tensor[];
    concat(tensors: Input | Input[], axis?: number): Tensor;
    stack(tensors: Input | Input[], axis?: number): Tensor;
    unstack(axis?: number): Tensor[];
    gather(indices: Input, axis?: number, batchDims?: number): Tensor;
    tile(reps: number[]): Tensor;
    pad(paddings: [number, number][], constantValue?: number): Tensor;
    equal(b: Input): Tensor;
    notEqual(b: Input): Tensor;
    greater(b: Input): Tensor;
    greaterEqual(b: Input): Tensor;
    less(b: Input): Tensor;
    lessEqual(b: Input): Tensor;
    logicalAnd(b: Input): Tensor;
    logicalOr(b: Input): Tensor;
    logicalNot(): Tensor;
    matMul(b: Input, transposeA?: boolean, transposeB?: boolean): Tensor;
    dot(b: Input): Tensor;
    softmax(dim?: number): Tensor;
    logSoftmax(axis?: number): Tensor;
    conv2d(...args: Parameters<typeof conv2d> extends [unknown, ...infer R] ? R : never): Tensor;
    maxPool(...args: Parameters<typeof maxPool> extends [unknown, ...infer R] ? R : never): Tensor;
    avgPool(...args: Parameters<typeof avgPool> extends [unknown, ...infer R] ? R : never): Tensor;
    oneHot(depth: number, onValue?: number, offValue?: number): Tensor;
    cast(dtype: DataType): Tensor;
    asType(dtype: DataType): Tensor;
    toFloat(): Tensor;
    toInt(): Tensor;
    toBool(): Tensor;
    asScalar(): Tensor;
    as1D(): Tensor;
    as2D(rows: number, columns: number): Tensor;
    as3D(rows: number, columns: number, depth: number): Tensor;
    as4D(rows: number, columns: number, depth: number, depth2: number): Tensor;
  }
}

const methods: Partial<Record<keyof Tensor, (this: Tensor, ...args: never[]) => unknown>> = {
  add(this: Tensor, b: Input) { return add(this, b); },
  sub(this: Tensor, b: Input) { return sub(this, b); },
  mul(this: Tensor, b: Input) { return mul(this, b); },
  div(this: Tensor, b: Input) { return div(this, b); },
  pow(this: Tensor, e: Input) { return math.pow(this, e); },
  neg(this: Tensor) { return neg(this); },
  minimum(this: Tensor, b: Input) { return math.minimum(this, b); },
  maximum(this: Tensor, b: Input) { return math.maximum(this, b); },
  squaredDifference(this: Tensor, b: Input) { return math.squaredDifference(this, b); },
  clipByValue(this: Tensor, lo: number, hi: number) { return math.clipByValue(this, lo, hi); },
  leakyRelu(this: Tensor, alpha?: number) { return math.leakyRelu(this, alpha); },
  step(this: Tensor, alpha?: number) { return math.step(this, alpha); },
  sum(this: Tensor, axis?: Axis, keepDims?: boolean) { return sum(this, axis, keepDims); },
  mean(this: Tensor, axis?: Axis, keepDims?: boolean) { return mean(this, axis, keepDims); },
  max(this: Tensor, axis?: Axis, keepDims?: boolean) { return max(this, axis, keepDims); },
  min(this: Tensor, axis?: Axis, keepDims?: boolean) { return min(this, axis, keepDims); },
  any(this: Tensor, axis?: Axis, keepDims?: boolean) { return any(this, axis, keepDims); },
  all(this: Tensor, axis?: Axis, keepDims?: boolean) { return all(this, axis, keepDims); },
  argMax(this: Tensor, axis?: number) { return argMax(this, axis); },
  argMin(this: Tensor, axis?: number) { return argMin(this, axis); },
  logSumExp(this: Tensor, axis?: Axis, keepDims?: boolean) { return logSumExp(this, axis, keepDims); },
  reshape(this: Tensor, shape: Shape) { return reshape(this, shape); },
  reshapeAs(this: Tensor, other: Tensor) { return reshape(this, other.shape); },
  broadcastTo(this: Tensor, shape: Shape) { return broadcastTo(this, shape); },
  expandDims(this: Tensor, axis?: number) { return expandDims(this, axis); },
  squeeze(this: Tensor, axis?: number[]) { return squeeze(this, axis); },
  flatten(this: Tensor) { return flatten(this); },
  transpose(this: Tensor, perm?: number[]) { return transpose(this, perm); },
  slice(this: Tensor, begin: number | number[], size?: number | number[]) { return slice(this, begin, size); },
  split(this: Tensor, n: number | number[], axis?: number) { return split(this, n, axis); },
  concat(this: Tensor, tensors: Input | Input[], axis?: number) { return concat([this, ...others(tensors)], axis); },
  stack(this: Tensor, tensors: Input | Input[], axis?: number) { return stack([this, ...others(tensors)], axis); },
  unstack(this: Tensor, axis?: number) { return unstack(this, axis); },
  gather(this: Tensor, indices: Input, axis?: number, batchDims?: number) { return gather(this, indices, axis, batchDims); },
  tile(this: Tensor, reps: number[]) { return tile(this, reps); },
  pad(this: Tensor, paddings: [number, number][], value?: number) { return pad(this, paddings, value); },
  equal(this: Tensor, b: Input) { return equal(this, b); },
  notEqual(this: Tensor, b: Input) { return notEqual(this, b); },
  greater(this: Tensor, b: Input) { return greater(this, b); },
  greaterEqual(this: Tensor, b: Input) { return greaterEqual(this, b); },
  less(this: Tensor, b: Input) { return less(this, b); },
  lessEqual(this: Tensor, b: Input) { return lessEqual(this, b); },
  logicalAnd(this: Tensor, b: Input) { return logicalAnd(this, b); },
  logicalOr(this: Tensor, b: Input) { return logicalOr(this, b); },
  logicalNot(this: Tensor) { return logicalNot(this); },
  matMul(this: Tensor, b: Input, ta?: boolean, tb?: boolean) { return matMul(this, b, ta, tb); },
  dot(this: Tensor, b: Input) { return dot(this, b); },
  softmax(this: Tensor, dim?: number) { return softmax(this, dim); },
  logSoftmax(this: Tensor, axis?: number) { return logSoftmax(this, axis); },
  conv2d(this: Tensor, ...args: Parameters<typeof conv2d> extends [unknown, ...infer R] ? R : never) { return conv2d(this, ...args); },
  maxPool(this: Tensor, ...args: Parameters<typeof maxPool> extends [unknown, ...infer R] ? R : never) { return maxPool(this, ...args); },
  avgPool(this: Tensor, ...args: Parameters<typeof avgPool> extends [unknown, ...infer R] ? R : never) { return avgPool(this, ...args); },
  oneHot(this: Tensor, depth: number, on?: number, off?: number) { return oneHot(this, depth, on, off); },
  cast(this: Tensor, dtype: DataType) { return cast(this, dtype); },
  asType(this: Tensor, dtype: DataType) { return cast(this, dtype); },
  toFloat(this: Tensor) { return cast(this, 'float32'); },
  toInt(this: Tensor) { return cast(this, 'int32'); },
  toBool(this: Tensor) { return cast(this, 'bool'); },
  asScalar(this: Tensor) { return reshape(this, []); },
  as1D(this: Tensor) { return reshape(this, [-1]); },
  as2D(this: Tensor, r: number, c: number) { return reshape(this, [r, c]); },
  as3D(this: Tensor, r: number, c: number, d: number) { return reshape(this, [r, c, d]); },
  as4D(this: Tensor, r: number, c: number, d: number, d2: number) { return reshape(this, [r, c, d, d2]); },
};

// the unary functions of math.ts, one method each
for (const name of ['abs', 'square', 'sqrt', 'rsqrt', 'reciprocal', 'exp', 'expm1', 'log', 'log1p', 'sin', 'cos', 'tan', 'floor', 'ceil', 'round', 'sign', 'sigmoid', 'tanh', 'relu', 'relu6', 'elu', 'selu', 'softplus'] as const) {
  const fn = math[name] as (x: Tensor) => Tensor;
  methods[name] = function (this: Tensor) {
    return fn(this);
  };
}

Object.assign(Tensor.prototype, methods);
