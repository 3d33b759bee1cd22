// What the image preprocessing layers share: option parsing (factors, seeds, fill modes), the
// warp as an op with its gradient, and WarpLayer, the base of every layer that crops, resizes or
// warps images (NHWC) with the one affineTransform kernel.

import type { WarpFillMode, WarpGeometry, WarpInterpolation } from '../../backend/backend.js';
import { getBackend } from '../../backend/select.js';
import { TegakiError } from '../../errors.js';
import { shown } from '../../json.js';
import { record } from '../../ops/engine.js';
import { slice } from '../../ops/shape.js';
import { Random } from '../../random.js';
import { formatShape, Tensor } from '../../tensor.js';
import { FusedLayer, type ForwardOptions } from '../fused.js';
import { singleInput, singleSampleShape, type BatchShape, type CallArgs, type Layer, type LayerInput } from '../layer.js';

export const FILL_MODES: readonly WarpFillMode[] = ['reflect', 'wrap', 'constant', 'nearest'];
export const INTERPOLATIONS: readonly WarpInterpolation[] = ['bilinear', 'nearest'];

/** value if it is one of allowed (default when not given), else a TegakiError quoting it. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T, option: string, layer: string): T {
  if (value === undefined || value === null) return fallback;
  if (!allowed.includes(value as T)) throw new TegakiError(`Expected ${option} of ${layer} to be one of ${allowed.map((a) => `'${a}'`).join(', ')}. Received ${option}=${shown(value)}.`);
  return value as T;
}

/** A finite number option (default when not given). */
export function finiteNumber(value: unknown, fallback: number | undefined, option: string, layer: string): number {
  if ((value === undefined || value === null) && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TegakiError(`Expected ${option} of ${layer} to be a finite number. Received ${option}=${shown(value)}.`);
  return value;
}

/** A strictly positive integer option (an output height or width). */
export function positiveInteger(value: unknown, option: string, layer: string): number {
  if (!Number.isInteger(value) || (value as number) <= 0) throw new TegakiError(`Expected ${option} of ${layer} to be a strictly positive integer. Received ${option}=${shown(value)}.`);
  return value as number;
}

/**
 * Keras' factor: a number f gives [max(−|f|, min), |f|], a pair gives itself sorted; each bound
 * within [min, max] (maxOpen: the upper end of the bound excluded). Returns [lower, upper].
 */
export function factorRange(value: unknown, option: string, layer: string, [min, max]: [number, number], minOpen = false): [number, number] {
  const bad = (): never => {
    throw new TegakiError(`Expected ${option} of ${layer} to be a number or a pair of numbers in ${minOpen ? '(' : '['}${min}, ${max}]. Received ${option}=${shown(value)}.`);
  };
  const inside = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && (minOpen ? v > min : v >= min) && v <= max;
  if (Array.isArray(value)) {
    if (value.length !== 2 || !value.every(inside)) bad();
    const [a, b] = value as [number, number];
    return a <= b ? [a, b] : [b, a];
  }
  if (!inside(value)) bad();
  const f = Math.abs(value as number);
  if (f > max) bad();
  return [Math.max(-f, min), f];
}

/** A seed option: an integer, or none (null: draw from the model's stream). */
export function seedOption(value: unknown, layer: string): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value)) throw new TegakiError(`Expected seed of ${layer} to be an integer. Received seed=${shown(value)}.`);
  return value as number;
}

/** The [height, width, channels] of one image, checked. */
export function imageShape(batchShape: BatchShape | BatchShape[], layer: Layer): [number, number, number] {
  const shape = singleSampleShape(batchShape, layer);
  if (shape.length !== 3) throw new TegakiError(`${layer.className} layer ${layer.name} expects images (None, height, width, channels); received ${formatShape([null, ...shape])}.`);
  return shape as [number, number, number];
}

/**
 * The warp as an op: y = affineTransform(x), and on the tape its transpose as x's gradient.
 * x is [batch, inH, inW, channels]; transforms [batch·8].
 */
export function warp(x: Tensor, transforms: Float32Array, outH: number, outW: number, interpolation: WarpInterpolation, fillMode: WarpFillMode, fillValue: number): Tensor {
  const g = warpGeometry(x.shape, outH, outW);
  const y = new Tensor([g.batch, outH, outW, g.channels]);
  getBackend().affineTransform(y.f32, x.f32, transforms, g, interpolation, fillMode, fillValue);
  record([x], y, (dy) => {
    const dx = new Tensor(x.shape);
    getBackend().affineTransformBackward(dx.f32, dy.f32, transforms, g, interpolation, fillMode);
    return [dx];
  }, { firstOrderOnly: true });
  return y;
}

function warpGeometry(shape: readonly number[], outH: number, outW: number): WarpGeometry {
  const [batch, inH, inW, channels] = shape as [number, number, number, number];
  return { batch, inH, inW, channels, outH, outW };
}

/** Transforms [batch·8] with each image's [a0, a1, a2, b0, b1, b2] from fill(b), c0 = c1 = 0. */
export function affineTransforms(batch: number, fill: (b: number) => readonly number[]): Float32Array {
  const t = new Float32Array(batch * 8);
  for (let b = 0; b < batch; b++) t.set(fill(b), b * 8);
  return t;
}

/**
 * Resizing an inH×inW image (or crop) to outH×outW as tf.image.resize does (half-pixel centres:
 * output pixel o reads input (o + 0.5)·in/out − 0.5), for a warp with fillMode 'nearest' (the edge
 * clamp of resize).
 */
export function resizeTransform(inH: number, inW: number, outH: number, outW: number): number[] {
  const sy = inH / outH;
  const sx = inW / outW;
  return [sx, 0, 0.5 * sx - 0.5, 0, sy, 0.5 * sy - 0.5];
}

/** What a WarpLayer does to one batch: crop, then warp to outH×outW; null for either skips it. */
export interface WarpPlan {
  crop: { top: number; left: number; height: number; width: number } | null;
  warp: { transforms: Float32Array; outH: number; outW: number; interpolation: WarpInterpolation; fillMode: WarpFillMode; fillValue: number } | null;
}

/** Where a random layer draws: its own stream when seeded (same seed, same images), else the caller's (the model's). */
export class SeedStream {
  readonly seed: number | null;
  private readonly own: Random | null;

  constructor(seed: unknown, layer: string) {
    this.seed = seedOption(seed, layer);
    this.own = this.seed === null ? null : new Random(this.seed);
  }

  stream(rng: Random | undefined): Random {
    return this.own ?? rng ?? new Random((Math.random() * 2 ** 32) >>> 0);
  }
}

/**
 * Crop and/or warp each batch as plan() says (identity when it says neither). forward/backward
 * are the fused path; call() does the same with ops, so the tape gets the transposed warp.
 */
export abstract class WarpLayer extends FusedLayer {
  private last: { x: Tensor; plan: WarpPlan; cropped: Tensor } | null = null;

  /** What to do to a batch of `batch` images of the built input shape. */
  protected abstract plan(batch: number, training: boolean, rng: Random | undefined): WarpPlan;

  override computeOutputShape(inputShape: BatchShape | BatchShape[]): BatchShape {
    const [h, w, c] = imageShape(inputShape, this);
    const [outH, outW] = this.outputSize(h, w);
    return [null, outH, outW, c];
  }

  /** The output height and width for an input height and width (default: the same). */
  protected outputSize(h: number, w: number): [number, number] {
    return [h, w];
  }

  override call(inputs: LayerInput, { training = false, rng }: CallArgs = {}): Tensor {
    const x = singleInput(inputs, this);
    const { crop, warp: w } = this.plan(x.shape[0]!, training, rng);
    const cropped = crop ? slice(x, [0, crop.top, crop.left, 0], [-1, crop.height, crop.width, -1]) : x;
    return w ? warp(cropped, w.transforms, w.outH, w.outW, w.interpolation, w.fillMode, w.fillValue) : cropped;
  }

  forward(x: Tensor, { training, rng }: ForwardOptions): Tensor {
    const batch = this.checkInput(x);
    const plan = this.plan(batch, training, rng);
    const backend = getBackend();
    let cropped = x;
    if (plan.crop) {
      const { top, left, height, width } = plan.crop;
      const size = [batch, height, width, x.shape[3]!];
      cropped = this.buffer('crop', size);
      backend.slice(x.f32, x.shape, [0, top, left, 0], size, cropped.f32);
    }
    this.last = { x, plan, cropped };
    if (!plan.warp) return cropped;
    const { transforms, outH, outW, interpolation, fillMode, fillValue } = plan.warp;
    const y = this.buffer('y', [batch, outH, outW, x.shape[3]!]);
    backend.affineTransform(y.f32, cropped.f32, transforms, warpGeometry(cropped.shape, outH, outW), interpolation, fillMode, fillValue);
    return y;
  }

  backward(dy: Tensor): Tensor {
    const { x, plan, cropped } = this.last!;
    if (!plan.crop && !plan.warp) return dy;
    // first in the model: nothing upstream uses dL/dx
    if (!this.needsInputGradient) return x;
    const backend = getBackend();
    let d = dy;
    if (plan.warp) {
      d = this.buffer('dwarp', cropped.shape);
      backend.affineTransformBackward(d.f32, dy.f32, plan.warp.transforms, warpGeometry(cropped.shape, plan.warp.outH, plan.warp.outW), plan.warp.interpolation, plan.warp.fillMode);
    }
    if (!plan.crop) return d;
    const dx = this.buffer('dx', x.shape);
    dx.f32.fill(0);
    backend.sliceAdd(d.f32, x.shape, [0, plan.crop.top, plan.crop.left, 0], d.shape, dx.f32);
    return dx;
  }
}
