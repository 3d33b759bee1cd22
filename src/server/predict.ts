// POST /api/predict: an uploaded image → the model's top classes and the 28×28 input it saw.
// Uses the same preparation as `tegaki predict` (MNIST-style for digit models).

import { inputSpec, prepareImage } from '../data/model-input.js';
import { TegakiError } from '../errors.js';
import type { Sequential } from '../model/sequential.js';
import { Tensor } from '../tensor.js';
import { HttpError } from './http.js';

/** PNG, JPEG, GIF, WebP, TIFF and BMP by their first bytes: the Content-Type header is only a claim. */
export function looksLikeImage(bytes: Buffer): boolean {
  const starts = (...sig: number[]): boolean => sig.every((b, i) => bytes[i] === b);
  return (
    starts(0x89, 0x50, 0x4e, 0x47) ||
    starts(0xff, 0xd8, 0xff) ||
    starts(0x47, 0x49, 0x46, 0x38) ||
    (starts(0x52, 0x49, 0x46, 0x46) && bytes.subarray(8, 12).toString('latin1') === 'WEBP') ||
    starts(0x49, 0x49, 0x2a, 0x00) ||
    starts(0x4d, 0x4d, 0x00, 0x2a)
  );
}

export interface Prediction {
  predictions: { class: string; probability: number }[];
  probabilities: number[];
  /** The image the model saw, as gray bytes (base64), row by row. */
  input: { width: number; height: number; pixels: string } | null;
}

export async function predictImage(model: Sequential, body: Buffer, top: number): Promise<Prediction> {
  if (body.length === 0) throw new HttpError(400, 'Empty body: send the image bytes.');
  if (!looksLikeImage(body)) throw new HttpError(415, 'Not an image: send PNG, JPEG, GIF, WebP or TIFF bytes.');
  const spec = inputSpec(model.inputShape, model.metadata);
  let prepared;
  try {
    prepared = await prepareImage(body, spec, 'upload');
  } catch (e) {
    if (e instanceof TegakiError) throw new HttpError(/no ink/.test(e.message) ? 422 : 415, e.message);
    throw e;
  }
  const output = model.predict(new Tensor([1, ...spec.shape], prepared.values));
  const probabilities = Array.from(output.f32);
  const classNames = model.metadata.classNames ?? probabilities.map((_, i) => String(i));
  const predictions = probabilities
    .map((probability, i) => ({ class: classNames[i] ?? String(i), probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, Math.max(1, top));
  const seen = prepared.seen;
  const input = seen
    ? { width: seen.width, height: seen.height, pixels: Buffer.from(Uint8Array.from(seen.data, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255))).toString('base64') }
    : null;
  return { predictions, probabilities, input };
}
