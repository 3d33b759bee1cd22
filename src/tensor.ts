// Tensor: a shape and a Float32Array in row-major order; images are NHWC (Keras' channels_last).
import { TegakiError } from './errors.js';

export type Shape = readonly number[];

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

export class Tensor {
  readonly shape: Shape;
  readonly data: Float32Array;

  constructor(shape: Shape, data?: Float32Array | readonly number[]) {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new TegakiError(`Invalid tensor shape ${formatShape(shape)}.`);
    }
    this.shape = [...shape];
    const n = sizeOf(shape);
    if (data === undefined) this.data = new Float32Array(n);
    else this.data = data instanceof Float32Array ? data : Float32Array.from(data);
    if (this.data.length !== n) {
      throw new TegakiError(`Tensor data has ${this.data.length} values but shape ${formatShape(shape)} needs ${n}.`);
    }
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The same data seen with another shape of equal size (no copy). */
  reshape(shape: Shape): Tensor {
    return new Tensor(shape, this.data);
  }

  clone(): Tensor {
    return new Tensor(this.shape, this.data.slice());
  }

  /** Nested arrays, for printing and tests. */
  toArray(): unknown {
    const build = (dim: number, offset: number): unknown => {
      if (dim === this.shape.length) return this.data[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim]! }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }
}

/** A tensor from nested arrays or a flat array with an explicit shape. */
export function tensor(values: readonly number[] | Float32Array, shape?: Shape): Tensor {
  return new Tensor(shape ?? [values.length], values instanceof Float32Array ? values : Float32Array.from(values));
}
