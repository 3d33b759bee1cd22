// Decoding image files (PNG, JPEG, WebP, GIF, TIFF) with sharp, with a pixel limit against
// decompression bombs and one clear error per unreadable file.

import sharp from 'sharp';
import { TegakiError } from '../errors.js';
import { readRegularFile } from '../io/files.js';
import type { GrayImage } from './digits.js';

/** Larger images are refused: a tiny compressed file can decode to gigabytes. */
export const MAX_INPUT_PIXELS = 40_000_000;
/** Larger image files are refused before they are read. */
export const MAX_IMAGE_FILE_BYTES = 100 * 1024 * 1024;

/** The bytes to decode: a named file is read only if it is a regular file of sane size. */
function imageBytes(input: string | Buffer): Buffer {
  return typeof input === 'string' ? readRegularFile(input, MAX_IMAGE_FILE_BYTES, 'image') : input;
}

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff'];

export function isImageFile(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((e) => lower.endsWith(e));
}

function open(input: Buffer) {
  return sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .rotate() // honour the camera's orientation tag
    .flatten({ background: '#ffffff' });
}

function explain(e: unknown, name: string): TegakiError {
  const message = (e as Error).message ?? String(e);
  if (/pixel limit/i.test(message)) return new TegakiError(`${name}: image is larger than ${MAX_INPUT_PIXELS / 1e6} megapixels; refused.`);
  if (/unsupported image format|corrupt|premature end|bad seek|invalid|VipsJpeg|pngload|webpload|gifload|tiffload|Input buffer/i.test(message)) {
    return new TegakiError(`${name}: not a readable image (PNG, JPEG, WebP, GIF or TIFF): ${message.split('\n')[0]}`);
  }
  if (/no such file|ENOENT|Input file is missing/i.test(message)) return new TegakiError(`${name}: no such file.`);
  return new TegakiError(`${name}: cannot decode (${message.split('\n')[0]}).`);
}

/** A grayscale image in [0, 1], shrunk so its longer side is at most maxSide (detail beyond is noise). */
export async function decodeGray(input: string | Buffer, name = typeof input === 'string' ? input : 'image', maxSide = 512): Promise<GrayImage> {
  const bytes = imageBytes(input);
  try {
    const { data, info } = await open(bytes)
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const out = new Float32Array(info.width * info.height);
    for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels]! / 255;
    return { width: info.width, height: info.height, data: out };
  } catch (e) {
    throw explain(e, name);
  }
}

/** Bytes of an image resized to width×height (ignoring aspect, as Keras does), gray or RGB. */
export async function decodeResized(input: string | Buffer, width: number, height: number, channels: 1 | 3, name = typeof input === 'string' ? input : 'image'): Promise<Uint8Array> {
  const bytes = imageBytes(input);
  try {
    let pipeline = open(bytes).resize({ width, height, fit: 'fill' });
    pipeline = channels === 1 ? pipeline.greyscale() : pipeline.removeAlpha().toColourspace('srgb');
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.channels === channels) return new Uint8Array(data);
    const out = new Uint8Array(width * height * channels);
    for (let i = 0; i < width * height; i++) for (let c = 0; c < channels; c++) out[i * channels + c] = data[i * info.channels + Math.min(c, info.channels - 1)]!;
    return out;
  } catch (e) {
    throw explain(e, name);
  }
}

/** Width, height and channels of an image file without decoding its pixels. */
export async function imageInfo(input: string | Buffer, name = typeof input === 'string' ? input : 'image'): Promise<{ width: number; height: number; channels: number }> {
  const bytes = imageBytes(input);
  try {
    const m = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    if (!m.width || !m.height) throw new Error('unsupported image format');
    if (m.width * m.height > MAX_INPUT_PIXELS) throw new Error('exceeds pixel limit');
    return { width: m.width, height: m.height, channels: m.channels ?? 1 };
  } catch (e) {
    throw explain(e, name);
  }
}

/** Encode gray [0, 1] pixels as PNG (for --save-inputs). */
export async function grayToPng(img: GrayImage): Promise<Buffer> {
  const bytes = Buffer.alloc(img.width * img.height);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, img.data[i]!)) * 255);
  return sharp(bytes, { raw: { width: img.width, height: img.height, channels: 1 } }).png().toBuffer();
}
