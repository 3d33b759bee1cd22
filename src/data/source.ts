// Where fit, evaluate and predict read samples from. A source copies the samples a batch needs into
// a float buffer, so a dataset can stay as bytes and be converted batch by batch.

import { getBackend } from '../backend/select.js';
import { TegakiError } from '../errors.js';
import { formatShape, sizeOf, Tensor, type Shape } from '../tensor.js';

export interface SampleSource {
  /** Number of samples. */
  readonly length: number;
  /** Shape of one sample. */
  readonly sampleShape: Shape;
  /** Write the samples at `indices`, one after another, into out. */
  gather(indices: ArrayLike<number>, out: Float32Array): void;
}

/** Samples along the first axis of a tensor. */
export class TensorSource implements SampleSource {
  readonly length: number;
  readonly sampleShape: Shape;
  private readonly sampleSize: number;

  constructor(readonly tensor: Tensor) {
    if (tensor.rank < 1) throw new TegakiError('Expected a tensor with a batch dimension, received a scalar.');
    this.length = tensor.shape[0]!;
    this.sampleShape = tensor.shape.slice(1);
    this.sampleSize = sizeOf(this.sampleShape);
  }

  gather(indices: ArrayLike<number>, out: Float32Array): void {
    const n = this.sampleSize;
    for (let i = 0; i < indices.length; i++) {
      const from = indices[i]! * n;
      out.set(this.tensor.f32.subarray(from, from + n), i * n);
    }
  }
}

/** Images kept as bytes, scaled to [0, 1] as they are gathered. */
export class ByteImages implements SampleSource {
  readonly length: number;
  private readonly sampleSize: number;

  /** pixels holds `length` images of sampleShape, one byte per value. */
  constructor(readonly pixels: Uint8Array, readonly sampleShape: Shape) {
    this.sampleSize = sizeOf(sampleShape);
    if (pixels.length % this.sampleSize !== 0) {
      throw new TegakiError(`Image bytes (${pixels.length}) are not a whole number of ${formatShape(sampleShape)} images.`);
    }
    this.length = pixels.length / this.sampleSize;
  }

  gather(indices: ArrayLike<number>, out: Float32Array): void {
    // A backend kernel: in JavaScript this conversion costs as much as a dense model's step.
    getBackend().gatherBytes(out, this.pixels, indices instanceof Int32Array ? indices : Int32Array.from(indices), this.sampleSize, 1 / 255);
  }

  /** The same bytes seen with another sample shape of equal size (e.g. [784] for a dense model). */
  withShape(sampleShape: Shape): ByteImages {
    if (sizeOf(sampleShape) !== this.sampleSize) {
      throw new TegakiError(`Cannot view ${formatShape(this.sampleShape)} images as ${formatShape(sampleShape)}.`);
    }
    return new ByteImages(this.pixels, sampleShape);
  }

  /** The images at [start, end) as a float tensor. */
  toTensor(start = 0, end = this.length): Tensor {
    const out = new Tensor([end - start, ...this.sampleShape]);
    this.gather(range(start, end), out.f32);
    return out;
  }
}

/** Class labels kept as indices; gathered as indices (sparse) or one-hot rows. */
export class ClassLabels implements SampleSource {
  readonly length: number;
  readonly sampleShape: Shape;

  constructor(readonly classes: Uint8Array | Uint16Array | Int32Array, readonly numClasses: number, readonly oneHot: boolean) {
    this.length = classes.length;
    this.sampleShape = oneHot ? [numClasses] : [];
  }

  /** The same labels with the other encoding. */
  withOneHot(oneHot: boolean): ClassLabels {
    return oneHot === this.oneHot ? this : new ClassLabels(this.classes, this.numClasses, oneHot);
  }

  gather(indices: ArrayLike<number>, out: Float32Array): void {
    if (!this.oneHot) {
      for (let i = 0; i < indices.length; i++) out[i] = this.classes[indices[i]!]!;
      return;
    }
    const k = this.numClasses;
    out.fill(0, 0, indices.length * k);
    for (let i = 0; i < indices.length; i++) out[i * k + this.classes[indices[i]!]!] = 1;
  }

  toTensor(): Tensor {
    const out = new Tensor([this.length, ...this.sampleShape]);
    this.gather(range(0, this.length), out.f32);
    return out;
  }
}

/** A view of some samples of another source, by index (validation splits, slices). */
export class SubsetSource implements SampleSource {
  readonly sampleShape: Shape;
  private mapped = new Int32Array(0);

  constructor(readonly source: SampleSource, readonly indices: Int32Array) {
    this.sampleShape = source.sampleShape;
  }

  get length(): number {
    return this.indices.length;
  }

  gather(indices: ArrayLike<number>, out: Float32Array): void {
    if (this.mapped.length < indices.length) this.mapped = new Int32Array(indices.length);
    const mapped = this.mapped.subarray(0, indices.length);
    for (let i = 0; i < indices.length; i++) mapped[i] = this.indices[indices[i]!]!;
    this.source.gather(mapped, out);
  }
}

export function range(start: number, end: number): Int32Array {
  const r = new Int32Array(Math.max(end - start, 0));
  for (let i = 0; i < r.length; i++) r[i] = start + i;
  return r;
}

/** The first `count` samples of a source (or all of them). */
export function take(source: SampleSource, count: number): SampleSource {
  return count >= source.length ? source : new SubsetSource(source, range(0, count));
}

/** The samples seen with another sample shape of equal size: inputs as a model with that input shape takes them. */
export function withSampleShape(source: SampleSource, sampleShape: Shape): SampleSource {
  if (source.sampleShape.join() === sampleShape.join()) return source;
  if (source instanceof ByteImages) return source.withShape(sampleShape);
  if (sizeOf(sampleShape) !== sizeOf(source.sampleShape)) {
    throw new TegakiError(`Cannot view ${formatShape(source.sampleShape)} samples as ${formatShape(sampleShape)}.`);
  }
  return { length: source.length, sampleShape, gather: (indices, out) => source.gather(indices, out) };
}

export function asSource(data: Tensor | SampleSource, field: string): SampleSource {
  if (data instanceof Tensor) {
    if (data.isDisposed) throw new TegakiError(`${field} is a disposed tensor.`);
    // int32 or bool labels (tf.oneHot gives int32) are read as floats
    return new TensorSource(data.dtype === 'float32' ? data : new Tensor(data.shape, Float32Array.from(data.values)));
  }
  if (data && typeof (data as SampleSource).gather === 'function') return data;
  throw new TegakiError(`Expected ${field} to be a Tensor or a sample source.`);
}
