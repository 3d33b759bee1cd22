// Tensor: a shape, a dtype and a typed array in row-major order; images are NHWC (Keras'
// channels_last). As in TF.js, dtypes are float32, int32 and bool (bool stored as Uint8Array),
// and a tensor is read with dataSync()/data()/arraySync()/array(). Its chained methods
// (x.add(y).argMax(1)) are attached by ops/chain.ts, which keeps this file free of the ops.
// Tensors are garbage-collected: dispose() exists for TF.js programs and only marks the tensor.

import { TegakiError } from './errors.js';
import { dtypeOf, isTypedArray, typedArrayFor, type DataType, type Shape, type TypedArray } from './dtypes.js';
import { formatTensor } from './tensor-format.js';

export type { DataType, Rank, Shape, TypedArray } from './dtypes.js';

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Keras-style shape text, with `None` for the batch dimension: `(None, 26, 26, 32)`. */
export function formatShape(shape: readonly (number | null)[]): string {
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

export { dtypeOf, isTypedArray, typedArrayFor } from './dtypes.js';

let nextId = 0;

export class Tensor {
  readonly shape: Shape;
  readonly dtype: DataType;
  /** Unique per tensor (TF.js' id). */
  readonly id = nextId++;
  /** The values, row-major. Variables replace them on assign(). */
  protected storage: TypedArray;
  private disposed = false;

  /** A tensor of `shape` holding `values` (default: zeros of `dtype`, default float32). */
  constructor(shape: Shape, values?: TypedArray | readonly number[], dtype?: DataType) {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new TegakiError(`Invalid tensor shape ${formatShape(shape)}.`);
    }
    this.shape = [...shape];
    const n = sizeOf(shape);
    const type = dtype ?? (isTypedArray(values) ? dtypeOf(values) : 'float32');
    if (values === undefined) this.storage = typedArrayFor(type, n);
    else if (isTypedArray(values) && dtypeOf(values) === type) this.storage = values;
    else {
      this.storage = typedArrayFor(type, values.length);
      for (let i = 0; i < values.length; i++) this.storage[i] = type === 'bool' ? (values[i] ? 1 : 0) : values[i]!;
    }
    this.dtype = type;
    if (this.storage.length !== n) throw new TegakiError(`Tensor data has ${this.storage.length} values but shape ${formatShape(shape)} needs ${n}.`);
  }

  /** The values as they are stored (no copy); tegaki's kernels read and write these. */
  get values(): TypedArray {
    if (this.disposed) throw new TegakiError(`Tensor ${this.id} is disposed.`);
    return this.storage;
  }

  /** The values of a float32 tensor (no copy), for kernels that work on floats. */
  get f32(): Float32Array {
    const v = this.values;
    if (!(v instanceof Float32Array)) throw new TegakiError(`Expected a float32 tensor, received ${this.dtype}.`);
    return v;
  }

  get size(): number {
    return this.storage.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Whether the values may change in place (a variable's do); views of it must copy them. */
  get mutable(): boolean {
    return false;
  }

  /** A copy of the values (TF.js' dataSync). */
  dataSync(): TypedArray {
    return this.values.slice();
  }

  /** A copy of the values (TF.js' data(); there is nothing to wait for). */
  async data(): Promise<TypedArray> {
    return this.dataSync();
  }

  /** The values as nested arrays (a number for a scalar; booleans stay 0/1 as in TF.js). */
  arraySync(): number | unknown[] {
    const v = this.values;
    const build = (dim: number, offset: number): unknown => {
      if (dim === this.shape.length) return v[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim]! }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0) as number | unknown[];
  }

  async array(): Promise<number | unknown[]> {
    return this.arraySync();
  }

  /** The same values seen with another shape of equal size (no copy). */
  reshapeView(shape: Shape): Tensor {
    return new Tensor(shape, this.values, this.dtype);
  }

  clone(): Tensor {
    return new Tensor(this.shape, this.values.slice(), this.dtype);
  }

  /** Mark the tensor as no longer used; reading it afterwards is an error, as in TF.js. */
  dispose(): void {
    this.disposed = true;
  }

  /** TF.js' text form: `Tensor\n    [[1, 2],\n     [3, 4]]`. */
  toString(verbose = false): string {
    return formatTensor(this.values, this.shape, this.dtype, verbose);
  }

  /** Print toString() to the console (TF.js' print). */
  print(verbose = false): void {
    console.log(this.toString(verbose));
  }
}

/** TF.js' rank-named tensor types; tegaki does not check ranks in types, so they are all Tensor. */
export type Scalar = Tensor;
export type Tensor1D = Tensor;
export type Tensor2D = Tensor;
export type Tensor3D = Tensor;
export type Tensor4D = Tensor;
export type Tensor5D = Tensor;
export type Tensor6D = Tensor;
