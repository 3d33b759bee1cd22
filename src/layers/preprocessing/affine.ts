// Random geometric augmentation (Keras 3's RandomTranslation, RandomRotation, RandomZoom,
// RandomFlip): while training each image gets its own affine warp, drawn as Keras draws it and
// sampled as TensorFlow's ImageProjectiveTransformV3 does; in inference they pass images through.

import type { WarpFillMode, WarpInterpolation } from '../../backend/backend.js';
import type { Random } from '../../random.js';
import { requireDefault, type LayerArgs } from '../layer.js';
import { affineTransforms, factorRange, FILL_MODES, finiteNumber, INTERPOLATIONS, oneOf, SeedStream, WarpLayer, type WarpPlan } from './common.js';

/** Options every random warp takes. */
export interface RandomWarpArgs extends LayerArgs {
  /** How points outside the image are filled: 'reflect', 'wrap', 'constant' or 'nearest'. Default 'reflect'. */
  fillMode?: WarpFillMode;
  /** 'bilinear' or 'nearest'. Default 'bilinear'. */
  interpolation?: WarpInterpolation;
  /** The value outside the image with fillMode 'constant'. Default 0. */
  fillValue?: number;
  /** Seeds the layer's own random stream (same seed, same images). Default: none (the model's stream). */
  seed?: number | null;
  /** Only 'channelsLast' (NHWC). */
  dataFormat?: 'channelsLast';
}

const WARP_OPTIONS = ['fillMode', 'interpolation', 'fillValue', 'seed', 'dataFormat'];

/** A random warp: draw() gives each image's [a0, a1, a2, b0, b1, b2] mapping output to input pixels. */
abstract class RandomWarp extends WarpLayer {
  readonly fillMode: WarpFillMode;
  readonly interpolation: WarpInterpolation;
  readonly fillValue: number;
  private readonly seeds: SeedStream;

  constructor(args: RandomWarpArgs, ownOptions: readonly string[], layer: string) {
    super(args, [...ownOptions, ...WARP_OPTIONS]);
    this.fillMode = oneOf(args.fillMode, FILL_MODES, 'reflect', 'fillMode', layer);
    this.interpolation = oneOf(args.interpolation, INTERPOLATIONS, 'bilinear', 'interpolation', layer);
    this.fillValue = finiteNumber(args.fillValue, 0, 'fillValue', layer);
    this.seeds = new SeedStream(args.seed, layer);
    requireDefault(args.dataFormat, ['channelsLast'], 'dataFormat', layer);
  }

  get seed(): number | null {
    return this.seeds.seed;
  }

  /** The batch's transforms, drawn from rng; h, w the image height and width. */
  protected abstract draw(batch: number, h: number, w: number, rng: Random): Float32Array;

  protected plan(batch: number, training: boolean, rng: Random | undefined): WarpPlan {
    if (!training) return { crop: null, warp: null };
    const [h, w] = this.inputShape as [number, number];
    const transforms = this.draw(batch, h, w, this.seeds.stream(rng));
    return { crop: null, warp: { transforms, outH: h, outW: w, interpolation: this.interpolation, fillMode: this.fillMode, fillValue: this.fillValue } };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue, seed: this.seed, dataFormat: 'channelsLast' };
  }
}

/** batch uniform draws in [lower, upper). */
const uniforms = (rng: Random, batch: number, [lower, upper]: [number, number]): number[] => Array.from({ length: batch }, () => rng.uniform(lower, upper));

export interface RandomTranslationArgs extends RandomWarpArgs {
  /** Vertical shift as a fraction of the height: f for [−f, f], or [lower, upper], within [−1, 1]. Required. */
  heightFactor: number | [number, number];
  /** Horizontal shift as a fraction of the width, the same way. Required. */
  widthFactor: number | [number, number];
}

/** Shifts each image by a random fraction of its height and width (positive: down and right). */
export class RandomTranslation extends RandomWarp {
  static override readonly className = 'RandomTranslation';
  readonly heightFactor: number | [number, number];
  readonly widthFactor: number | [number, number];
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number];

  constructor(args: RandomTranslationArgs) {
    super(args, ['heightFactor', 'widthFactor'], 'RandomTranslation');
    this.heightRange = factorRange(args.heightFactor, 'heightFactor', 'RandomTranslation', [-1, 1]);
    this.widthRange = factorRange(args.widthFactor, 'widthFactor', 'RandomTranslation', [-1, 1]);
    this.heightFactor = structuredClone(args.heightFactor);
    this.widthFactor = structuredClone(args.widthFactor);
  }

  protected draw(batch: number, h: number, w: number, rng: Random): Float32Array {
    const dy = uniforms(rng, batch, this.heightRange);
    const dx = uniforms(rng, batch, this.widthRange);
    return affineTransforms(batch, (b) => [1, 0, -dx[b]! * w, 0, 1, -dy[b]! * h]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), heightFactor: structuredClone(this.heightFactor), widthFactor: structuredClone(this.widthFactor) };
  }
}

export interface RandomRotationArgs extends RandomWarpArgs {
  /** Rotation as a fraction of a full turn: f for [−f, f], or [lower, upper], within [−1, 1];
   *  positive is counter-clockwise. Required. */
  factor: number | [number, number];
}

/** Rotates each image about its centre by a random angle. */
export class RandomRotation extends RandomWarp {
  static override readonly className = 'RandomRotation';
  readonly factor: [number, number];

  constructor(args: RandomRotationArgs) {
    super(args, ['factor'], 'RandomRotation');
    this.factor = factorRange(args.factor, 'factor', 'RandomRotation', [-1, 1]);
  }

  protected draw(batch: number, h: number, w: number, rng: Random): Float32Array {
    const degrees = uniforms(rng, batch, [this.factor[0] * 360, this.factor[1] * 360]);
    // Keras' _compute_affine_matrix with no shift, shear or scale, about the centre of the pixel grid
    const cx = 0.5 * (w - 1);
    const cy = 0.5 * (h - 1);
    return affineTransforms(batch, (b) => {
      const a = (degrees[b]! * Math.PI) / 180;
      const cos = Math.cos(a);
      const sin = Math.sin(a);
      return [cos, -sin, cx - cx * cos + cy * sin, sin, cos, cy - cx * sin - cy * cos];
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: [...this.factor] };
  }
}

export interface RandomZoomArgs extends RandomWarpArgs {
  /** Zoom as a fraction of the height: f for [−f, f], or [lower, upper], within (−1, 1]; positive
   *  zooms out. Required. */
  heightFactor: number | [number, number];
  /** The same for the width. Default: none (the height's zoom, keeping the aspect ratio). */
  widthFactor?: number | [number, number] | null;
}

/** Zooms each image about its centre by a random factor. */
export class RandomZoom extends RandomWarp {
  static override readonly className = 'RandomZoom';
  readonly heightFactor: number | [number, number];
  readonly widthFactor: number | [number, number] | null;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number] | null;

  constructor(args: RandomZoomArgs) {
    super(args, ['heightFactor', 'widthFactor'], 'RandomZoom');
    this.heightRange = factorRange(args.heightFactor, 'heightFactor', 'RandomZoom', [-1, 1], true);
    const width = args.widthFactor ?? null;
    this.widthRange = width === null ? null : factorRange(width, 'widthFactor', 'RandomZoom', [-1, 1], true);
    this.heightFactor = structuredClone(args.heightFactor);
    this.widthFactor = structuredClone(width);
  }

  protected draw(batch: number, h: number, w: number, rng: Random): Float32Array {
    const zy = uniforms(rng, batch, [1 + this.heightRange[0], 1 + this.heightRange[1]]);
    const zx = this.widthRange ? uniforms(rng, batch, [1 + this.widthRange[0], 1 + this.widthRange[1]]) : zy;
    return affineTransforms(batch, (b) => [zx[b]!, 0, ((w - 1) / 2) * (1 - zx[b]!), 0, zy[b]!, ((h - 1) / 2) * (1 - zy[b]!)]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), heightFactor: structuredClone(this.heightFactor), widthFactor: structuredClone(this.widthFactor) };
  }
}

/** RandomFlip's modes; model.json spells them camelCase, as TF.js writes every string value. */
export type FlipMode = 'horizontal' | 'vertical' | 'horizontal_and_vertical' | 'horizontalAndVertical';

export interface RandomFlipArgs extends LayerArgs {
  /** 'horizontal', 'vertical' or 'horizontal_and_vertical'. Default 'horizontal_and_vertical'. */
  mode?: FlipMode;
  /** Seeds the layer's own random stream. Default: none (the model's stream). */
  seed?: number | null;
  /** Only 'channelsLast' (NHWC). */
  dataFormat?: 'channelsLast';
}

/**
 * Flips each image with probability ½; with 'horizontal_and_vertical' one draw flips both ways
 * (Keras' definition), so the image is either kept or turned half a turn.
 */
export class RandomFlip extends WarpLayer {
  static override readonly className = 'RandomFlip';
  readonly mode: 'horizontal' | 'vertical' | 'horizontal_and_vertical';
  private readonly seeds: SeedStream;

  constructor(args: RandomFlipArgs = {}) {
    super(args, ['mode', 'seed', 'dataFormat']);
    const mode = oneOf(args.mode, ['horizontal', 'vertical', 'horizontal_and_vertical', 'horizontalAndVertical'] as const, 'horizontal_and_vertical', 'mode', 'RandomFlip');
    this.mode = mode === 'horizontalAndVertical' ? 'horizontal_and_vertical' : mode;
    this.seeds = new SeedStream(args.seed, 'RandomFlip');
    requireDefault(args.dataFormat, ['channelsLast'], 'dataFormat', 'RandomFlip');
  }

  get seed(): number | null {
    return this.seeds.seed;
  }

  protected plan(batch: number, training: boolean, rng: Random | undefined): WarpPlan {
    if (!training) return { crop: null, warp: null };
    const [h, w] = this.inputShape as [number, number];
    const stream = this.seeds.stream(rng);
    const flips = Array.from({ length: batch }, () => stream.next() <= 0.5);
    const horizontal = this.mode !== 'vertical';
    const vertical = this.mode !== 'horizontal';
    // a flip reads whole pixels: nearest sampling copies them exactly
    const transforms = affineTransforms(batch, (b) => {
      const flipX = flips[b]! && horizontal;
      const flipY = flips[b]! && vertical;
      return [flipX ? -1 : 1, 0, flipX ? w - 1 : 0, 0, flipY ? -1 : 1, flipY ? h - 1 : 0];
    });
    return { crop: null, warp: { transforms, outH: h, outW: w, interpolation: 'nearest', fillMode: 'constant', fillValue: 0 } };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mode: this.mode === 'horizontal_and_vertical' ? 'horizontalAndVertical' : this.mode, seed: this.seed, dataFormat: 'channelsLast' };
  }
}
