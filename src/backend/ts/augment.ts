// Image augmentation kernels, the reference: a per-image projective warp with TensorFlow's
// ImageProjectiveTransformV3 sampling (fill modes, bilinear/nearest), its transpose, and colour.

import type { ColorGeometry, WarpFillMode, WarpGeometry, WarpInterpolation } from '../backend.js';

/** Where a sample position lands along an axis of length len once the fill mode has folded it in
 *  (TensorFlow's MapCoordinate; 'constant' leaves it outside, and reads there give fillValue). */
export function mapCoordinate(c: number, len: number, mode: WarpFillMode): number {
  if (mode === 'constant') return c;
  if (mode === 'reflect') {
    // [abcd] → [dcba|abcd|dcba], reflecting about the edge of the last pixel
    if (c < 0) {
      if (len <= 1) c = 0;
      else {
        const sz2 = 2 * len;
        if (c < -sz2) c = sz2 * Math.trunc(-c / sz2) + c;
        c = c < -len ? c + sz2 : -c - 1;
      }
    } else if (c > len - 1) {
      if (len <= 1) c = 0;
      else {
        const sz2 = 2 * len;
        c -= sz2 * Math.trunc(c / sz2);
        if (c >= len) c = sz2 - c - 1;
      }
    }
  } else if (mode === 'wrap') {
    // [abcd] → [abcd|abcd|abcd], with TensorFlow's arithmetic (len − 1 in the divisor)
    if (c < 0) {
      if (len <= 1) c = 0;
      else c += len * (Math.trunc(-c / (len - 1)) + 1);
    } else if (c > len - 1) {
      if (len <= 1) c = 0;
      else c -= len * Math.trunc(c / (len - 1));
    }
  }
  // clamped for every folding mode: a position past len − 0.5 would round out of the image
  return Math.min(Math.max(c, 0), len - 1);
}

/** C's round(): halves away from zero (Math.round sends −0.5 up to 0). */
const roundAway = (v: number): number => (v < 0 ? -Math.round(-v) : Math.round(v));

/**
 * The taps output pixel (ox, oy) of image b reads: up to four input pixel indices (into the image,
 * in pixels) with their weights, and the weight left on fillValue (taps outside the image).
 * Forward and backward share it, so the backward is the exact transpose.
 */
function taps(t: Float32Array, b: number, ox: number, oy: number, g: WarpGeometry, interpolation: WarpInterpolation, fillMode: WarpFillMode, idx: Int32Array, w: Float64Array): { n: number; fill: number } {
  const o = b * 8;
  const k = t[o + 6]! * ox + t[o + 7]! * oy + 1;
  // an infinite coordinate is outside the image
  if (k === 0) return { n: 0, fill: 1 };
  const x = mapCoordinate((t[o]! * ox + t[o + 1]! * oy + t[o + 2]!) / k, g.inW, fillMode);
  const y = mapCoordinate((t[o + 3]! * ox + t[o + 4]! * oy + t[o + 5]!) / k, g.inH, fillMode);
  let n = 0;
  let fill = 0;
  const add = (iy: number, ix: number, weight: number): void => {
    if (iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW) {
      idx[n] = iy * g.inW + ix;
      w[n++] = weight;
    } else fill += weight;
  };
  if (interpolation === 'nearest') {
    add(roundAway(y), roundAway(x), 1);
  } else {
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    const fx = x - x0;
    const fy = y - y0;
    add(y0, x0, (1 - fy) * (1 - fx));
    add(y0, x0 + 1, (1 - fy) * fx);
    add(y0 + 1, x0, fy * (1 - fx));
    add(y0 + 1, x0 + 1, fy * fx);
  }
  return { n, fill };
}

export function affineTransform(y: Float32Array, x: Float32Array, transforms: Float32Array, g: WarpGeometry, interpolation: WarpInterpolation, fillMode: WarpFillMode, fillValue: number): void {
  const C = g.channels;
  const idx = new Int32Array(4);
  const w = new Float64Array(4);
  for (let b = 0; b < g.batch; b++) {
    const xb = b * g.inH * g.inW * C;
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        const { n, fill } = taps(transforms, b, ox, oy, g, interpolation, fillMode, idx, w);
        const out = ((b * g.outH + oy) * g.outW + ox) * C;
        for (let c = 0; c < C; c++) {
          let v = fill * fillValue;
          for (let i = 0; i < n; i++) v += w[i]! * x[xb + idx[i]! * C + c]!;
          y[out + c] = v;
        }
      }
    }
  }
}

export function affineTransformBackward(dx: Float32Array, dy: Float32Array, transforms: Float32Array, g: WarpGeometry, interpolation: WarpInterpolation, fillMode: WarpFillMode): void {
  const C = g.channels;
  const idx = new Int32Array(4);
  const w = new Float64Array(4);
  dx.fill(0, 0, g.batch * g.inH * g.inW * C);
  for (let b = 0; b < g.batch; b++) {
    const xb = b * g.inH * g.inW * C;
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        // the taps forward read, now written: what fillValue contributed has no input to go to
        const { n } = taps(transforms, b, ox, oy, g, interpolation, fillMode, idx, w);
        const out = ((b * g.outH + oy) * g.outW + ox) * C;
        for (let i = 0; i < n; i++) {
          const at = xb + idx[i]! * C;
          for (let c = 0; c < C; c++) dx[at + c]! += w[i]! * dy[out + c]!;
        }
      }
    }
  }
}

/** Per channel of image b: its mean over pixels (what contrast scales about). */
function channelMeans(x: Float32Array, b: number, g: ColorGeometry, out: Float64Array): void {
  out.fill(0);
  const base = b * g.pixels * g.channels;
  for (let p = 0; p < g.pixels; p++) for (let c = 0; c < g.channels; c++) out[c]! += x[base + p * g.channels + c]!;
  for (let c = 0; c < g.channels; c++) out[c]! /= g.pixels;
}

/** Calls f(i, z, scale) for every value of the batch with its unclipped result z and dz/dx's scale. */
function forEachAdjusted(x: Float32Array, contrast: Float32Array | null, delta: Float32Array | null, g: ColorGeometry, f: (i: number, z: number, b: number) => void): void {
  const mean = new Float64Array(g.channels);
  for (let b = 0; b < g.batch; b++) {
    const s = contrast ? contrast[b]! : 1;
    const d = delta ? delta[b]! : 0;
    if (contrast) channelMeans(x, b, g, mean);
    const base = b * g.pixels * g.channels;
    for (let p = 0; p < g.pixels; p++) {
      for (let c = 0; c < g.channels; c++) {
        const i = base + p * g.channels + c;
        const v = x[i]!;
        f(i, (contrast ? (v - mean[c]!) * s + mean[c]! : v) + d, b);
      }
    }
  }
}

export function adjustColor(y: Float32Array, x: Float32Array, contrast: Float32Array | null, delta: Float32Array | null, g: ColorGeometry, low: number, high: number): void {
  forEachAdjusted(x, contrast, delta, g, (i, z) => (y[i] = Math.min(Math.max(z, low), high)));
}

export function adjustColorBackward(dx: Float32Array, dy: Float32Array, x: Float32Array, contrast: Float32Array | null, delta: Float32Array | null, g: ColorGeometry, low: number, high: number): void {
  // dz = dy where the clip passed z through; then through the contrast: dx = s·dz + (1 − s)·mean(dz)
  forEachAdjusted(x, contrast, delta, g, (i, z) => (dx[i] = z >= low && z <= high ? dy[i]! : 0));
  if (!contrast) return;
  const mean = new Float64Array(g.channels);
  for (let b = 0; b < g.batch; b++) {
    const s = contrast[b]!;
    channelMeans(dx, b, g, mean);
    const base = b * g.pixels * g.channels;
    for (let p = 0; p < g.pixels; p++) {
      for (let c = 0; c < g.channels; c++) {
        const i = base + p * g.channels + c;
        dx[i] = s * dx[i]! + (1 - s) * mean[c]!;
      }
    }
  }
}
