// Turning an image file into what a saved model takes, from the preprocessing stored with it:
// MNIST-style digit normalisation for digit models, a plain resize for folder-trained ones.

import { TegakiError } from '../errors.js';
import type { ModelMetadata } from '../model/metadata.js';
import { sizeOf, type Shape } from '../tensor.js';
import { preprocessDigit, type GrayImage } from './digits.js';
import { decodeGray, decodeResized } from './images.js';

export interface InputSpec {
  /** Shape of one model input, e.g. [28, 28, 1] or [784]. */
  shape: number[];
  /** Image height, width and channels before any flattening. */
  image: [number, number, number];
  scale: number;
  style: 'mnist-digit' | 'image';
}

/** What the model expects: its metadata when it has some, else MNIST digits for 28×28×1 / 784 inputs. */
export function inputSpec(inputShape: Shape, metadata: ModelMetadata): InputSpec {
  const shape = [...inputShape];
  const image: [number, number, number] =
    shape.length === 3 ? (shape as [number, number, number]) : sizeOf(shape) === 784 ? [28, 28, 1] : [Math.sqrt(sizeOf(shape)), Math.sqrt(sizeOf(shape)), 1];
  if (!Number.isInteger(image[0])) throw new TegakiError(`The model's input ${JSON.stringify(shape)} is not an image shape.`);
  const input = metadata.input;
  const digitLike = image[0] === 28 && image[1] === 28 && image[2] === 1;
  return { shape, image, scale: input?.scale ?? 1 / 255, style: input?.style ?? (digitLike ? 'mnist-digit' : 'image') };
}

export interface PreparedInput {
  /** The model's input, sizeOf(spec.shape) floats. */
  values: Float32Array;
  /** The image the model sees, for people (28×28 for digits). */
  seen: GrayImage | null;
}

/** Decode one image and prepare it as the model expects. */
export async function prepareImage(input: string | Buffer, spec: InputSpec, name?: string): Promise<PreparedInput> {
  const [h, w, c] = spec.image;
  if (spec.style === 'mnist-digit') {
    const gray = await decodeGray(input, name);
    const digit = preprocessDigit(gray, { size: h });
    if (!digit) throw new TegakiError(`${name ?? 'image'}: no ink found (an empty or uniform image).`);
    return { values: digit.data, seen: digit };
  }
  const bytes = await decodeResized(input, w, h, c === 3 ? 3 : 1, name);
  const values = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) values[i] = bytes[i]! * spec.scale;
  return { values, seen: c === 1 ? { width: w, height: h, data: values.map((v) => v / (spec.scale * 255)) } : null };
}
