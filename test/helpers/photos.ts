// Photo-like digits made from MNIST test digits: dark ink on light or tinted paper, uneven light,
// off-centre, 80–400 px digits in larger frames, camera noise, JPEG. A stand-in for phone photos.

import sharp from 'sharp';
import { Random } from '../../src/node.js';

export interface PhotoOptions {
  /** Digit height in pixels. Default: random in [80, 400]. */
  digitSize?: number;
}

/** One JPEG photo of a 28×28 MNIST digit (bytes 0–255, white on black). */
export async function digitPhoto(digit: Uint8Array, rng: Random, options: PhotoOptions = {}): Promise<Buffer> {
  const size = options.digitSize ?? Math.round(rng.uniform(80, 400));
  const big = await sharp(Buffer.from(digit), { raw: { width: 28, height: 28, channels: 1 } })
    .resize(size, size, { kernel: 'cubic' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  const width = Math.round(size * rng.uniform(1.4, 2.6));
  const height = Math.round(size * rng.uniform(1.3, 2.2));
  const left = Math.round(rng.uniform(0, width - size));
  const top = Math.round(rng.uniform(0, height - size));
  const paper = [rng.uniform(200, 250), rng.uniform(195, 245), rng.uniform(170, 240)];
  const ink = [rng.uniform(10, 70), rng.uniform(10, 70), rng.uniform(20, 110)];
  // light falls off across the page in a random direction, plus a soft vignette
  const angle = rng.uniform(0, 2 * Math.PI);
  const falloff = rng.uniform(0.2, 0.45);
  const noise = rng.uniform(4, 12);
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = (x / width - 0.5) * Math.cos(angle) + (y / height - 0.5) * Math.sin(angle);
      const r2 = (x / width - 0.5) ** 2 + (y / height - 0.5) ** 2;
      const light = (1 - falloff * (u + 0.5)) * (1 - 0.3 * r2);
      const dx = x - left, dy = y - top;
      const a = dx >= 0 && dy >= 0 && dx < size && dy < size ? big[dy * size + dx]! / 255 : 0;
      for (let c = 0; c < 3; c++) {
        const v = (paper[c]! * (1 - a) + ink[c]! * a) * light + rng.normal() * noise;
        rgb[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return sharp(rgb, { raw: { width, height, channels: 3 } }).jpeg({ quality: Math.round(rng.uniform(55, 90)) }).toBuffer();
}
