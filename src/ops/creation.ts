// Making tensors, with tfjs-core's names and rules: tensor() from nested arrays (shape inferred and
// checked) or flat values with a shape, tensor1d…tensor6d, scalar, zeros/ones/fill, the *Like
// forms, range, linspace, eye, and seeded random tensors.

import { TegakiError } from '../errors.js';
import { Random } from '../random.js';
import { isTypedArray, sizeOf, Tensor, typedArrayFor, type DataType, type Shape, type TypedArray } from '../tensor.js';

/** A nested array of numbers or booleans. */
export type RecursiveArray<T> = T | RecursiveArray<T>[];
/** What an op takes where TF.js takes a TensorLike. */
export type TensorLike = TypedArray | number | boolean | RecursiveArray<number | boolean> | readonly number[];

function inferDtype(values: unknown): DataType {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Int32Array || values instanceof Uint8Array || values instanceof Uint8ClampedArray) return 'int32';
  let v = values;
  while (Array.isArray(v)) v = v[0];
  return typeof v === 'boolean' ? 'bool' : 'float32';
}

/** The shape of nested arrays, checking that every row is as long as the first. */
function inferShape(values: unknown, op: string): number[] {
  if (isTypedArray(values)) return [values.length];
  if (!Array.isArray(values)) return [];
  const shape: number[] = [];
  let v: unknown = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  const check = (node: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(node)) throw new TegakiError(`${op}: element ${path} should be a number but is an array.`);
      if (typeof node !== 'number' && typeof node !== 'boolean') throw new TegakiError(`${op}: values must be numbers or booleans; ${path} is ${JSON.stringify(node)}.`);
      return;
    }
    if (!Array.isArray(node)) throw new TegakiError(`${op}: element ${path} should be an array of ${shape[depth]} values but is ${JSON.stringify(node)}.`);
    if (node.length !== shape[depth]) throw new TegakiError(`${op}: element ${path} should have ${shape[depth]} elements, but has ${node.length} elements.`);
    node.forEach((child, i) => check(child, depth + 1, `${path}[${i}]`));
  };
  check(values, 0, 'values');
  return shape;
}

function flatten(values: unknown, out: number[]): number[] {
  if (Array.isArray(values)) for (const v of values) flatten(v, out);
  else out.push(typeof values === 'boolean' ? (values ? 1 : 0) : (values as number));
  return out;
}

/** TF.js' tf.tensor(values, shape?, dtype?). */
export function tensor(values: TensorLike, shape?: Shape, dtype?: DataType, op = 'tensor'): Tensor {
  if (dtype !== undefined && dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') throw new TegakiError(`${op}: dtype '${String(dtype)}' is not supported (float32, int32 or bool).`);
  if (values instanceof Tensor) throw new TegakiError(`${op}: values is already a tensor; use clone() or cast().`);
  const type = dtype ?? inferDtype(values);
  const inferred = inferShape(values, op);
  const flat: ArrayLike<number> = isTypedArray(values) || values instanceof Uint8ClampedArray ? values : flatten(values, []);
  const target = shape ? [...shape] : inferred;
  if (shape) {
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new TegakiError(`${op}: shape [${shape}] must be non-negative integers.`);
    if (inferred.length > 1 && inferred.join() !== shape.join()) throw new TegakiError(`${op}: the inferred shape (${inferred}) does not match the provided shape (${shape}).`);
    if (flat.length !== sizeOf(shape)) {
      throw new TegakiError(`${op}: based on the provided shape, [${shape}], the tensor should have ${sizeOf(shape)} values but has ${flat.length}.`);
    }
  }
  const out = typedArrayFor(type, flat.length);
  if (type === 'bool') for (let i = 0; i < flat.length; i++) out[i] = flat[i] ? 1 : 0;
  else if (type === 'int32') for (let i = 0; i < flat.length; i++) out[i] = Math.trunc(flat[i]!);
  else for (let i = 0; i < flat.length; i++) out[i] = flat[i]!;
  return new Tensor(target, out, type);
}

function ofRank(rank: number, name: string) {
  return (values: TensorLike, shape?: Shape, dtype?: DataType): Tensor => {
    const t = tensor(values, shape, dtype, name);
    if (t.rank !== rank) throw new TegakiError(`${name} requires ${rank === 0 ? 'a number' : `values of rank ${rank}`}; received rank ${t.rank}${shape ? '' : ' (give the shape for flat values)'}.`);
    return t;
  };
}

export const scalar = (value: number | boolean, dtype?: DataType): Tensor => ofRank(0, 'scalar')(value, [], dtype);
/** TF.js' tensor1d(values, dtype?): no shape argument, as in TF.js. */
export const tensor1d = (values: TensorLike, dtype?: DataType): Tensor => ofRank(1, 'tensor1d')(values, undefined, dtype);
export const tensor2d = ofRank(2, 'tensor2d');
export const tensor3d = ofRank(3, 'tensor3d');
export const tensor4d = ofRank(4, 'tensor4d');
export const tensor5d = ofRank(5, 'tensor5d');
export const tensor6d = ofRank(6, 'tensor6d');

function checkShape(shape: Shape, op: string): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) throw new TegakiError(`${op}: shape must be a list of non-negative integers, received ${JSON.stringify(shape)}.`);
}

export function fill(shape: Shape, value: number | boolean, dtype?: DataType): Tensor {
  checkShape(shape, 'fill');
  const type = dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  const values = typedArrayFor(type, sizeOf(shape));
  values.fill(type === 'int32' ? Math.trunc(Number(value)) : Number(value));
  return new Tensor(shape, values, type);
}

export const zeros = (shape: Shape, dtype: DataType = 'float32'): Tensor => fill(shape, 0, dtype);
export const ones = (shape: Shape, dtype: DataType = 'float32'): Tensor => fill(shape, 1, dtype);
export const zerosLike = (x: Tensor): Tensor => zeros(x.shape, x.dtype);
export const onesLike = (x: Tensor): Tensor => ones(x.shape, x.dtype);

/** TF.js' range(start, stop, step = 1, dtype = 'float32'): stop excluded. */
export function range(start: number, stop: number, step = 1, dtype: 'float32' | 'int32' = 'float32'): Tensor {
  if (step === 0) throw new TegakiError('range: step cannot be 0.');
  // TF.js counts down when stop < start and the step is left at 1
  if (stop < start && step === 1) step = -1;
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const values = typedArrayFor(dtype, n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return new Tensor([n], values, dtype);
}

/** TF.js' linspace(start, stop, num): num evenly spaced values, both ends included. */
export function linspace(start: number, stop: number, num: number): Tensor {
  if (!Number.isInteger(num) || num <= 0) throw new TegakiError(`linspace: num must be a positive integer, received ${num}.`);
  const values = new Float32Array(num);
  const step = num === 1 ? 0 : (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) values[i] = start + i * step;
  return new Tensor([num], values);
}

/** TF.js' eye(numRows, numColumns = numRows). */
export function eye(numRows: number, numColumns = numRows, batchShape?: number[], dtype: DataType = 'float32'): Tensor {
  if (batchShape !== undefined) throw new TegakiError('eye: batchShape is not supported.');
  const values = typedArrayFor(dtype, numRows * numColumns);
  for (let i = 0; i < Math.min(numRows, numColumns); i++) values[i * numColumns + i] = 1;
  return new Tensor([numRows, numColumns], values, dtype);
}

// ---- random tensors: seeded with tegaki's generator (the values differ from TF.js' for a seed) ----

let unseeded: Random | null = null;
const generator = (seed?: number): Random => (seed !== undefined ? new Random(seed) : (unseeded ??= new Random((Math.random() * 2 ** 32) >>> 0)));

function randomTensor(shape: Shape, dtype: DataType, draw: (rng: Random) => number, seed: number | undefined, op: string): Tensor {
  checkShape(shape, op);
  if (dtype === 'bool') throw new TegakiError(`${op}: dtype bool is not supported.`);
  const rng = generator(seed);
  const values = typedArrayFor(dtype, sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = dtype === 'int32' ? Math.round(draw(rng)) : draw(rng);
  return new Tensor(shape, values, dtype);
}

export function randomNormal(shape: Shape, mean = 0, stdDev = 1, dtype: 'float32' | 'int32' = 'float32', seed?: number): Tensor {
  return randomTensor(shape, dtype, (rng) => mean + stdDev * rng.normal(), seed, 'randomNormal');
}

/** Normal values redrawn beyond two standard deviations (TF.js' truncatedNormal). */
export function truncatedNormal(shape: Shape, mean = 0, stdDev = 1, dtype: 'float32' | 'int32' = 'float32', seed?: number): Tensor {
  return randomTensor(shape, dtype, (rng) => {
    for (;;) {
      const v = rng.normal();
      if (Math.abs(v) <= 2) return mean + stdDev * v;
    }
  }, seed, 'truncatedNormal');
}

export function randomUniform(shape: Shape, minval = 0, maxval = 1, dtype: DataType = 'float32', seed?: number | string): Tensor {
  if (typeof seed === 'string') throw new TegakiError('randomUniform: seed must be a number in tegaki.');
  const draw = dtype === 'int32' ? (rng: Random) => Math.floor(minval + (maxval - minval) * rng.next()) : (rng: Random) => minval + (maxval - minval) * rng.next();
  return randomTensor(shape, dtype, draw, seed, 'randomUniform');
}
