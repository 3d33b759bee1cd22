// Rescaling, Resizing, CenterCrop and RandomCrop (Keras 3's definitions, TF.js' names and config
// spellings): always-on image preprocessing, except RandomCrop's random offset while training.

import { TegakiError } from '../../errors.js';
import { shown } from '../../json.js';
import { add, mul } from '../../ops/arithmetic.js';
import type { Random } from '../../random.js';
import { Tensor } from '../../tensor.js';
import { FusedLayer, type ForwardOptions } from '../fused.js';
import { requireDefault, singleInput, type CallArgs, type LayerArgs, type LayerInput } from '../layer.js';
import { affineTransforms, finiteNumber, INTERPOLATIONS, oneOf, positiveInteger, resizeTransform, SeedStream, WarpLayer, type WarpPlan } from './common.js';
import type { WarpInterpolation } from '../../backend/backend.js';

export interface RescalingArgs extends LayerArgs {
  /** Multiplies every input value. Required. */
  scale: number;
  /** Added after scaling. Default 0. */
  offset?: number;
}

/** y = x·scale + offset, e.g. scale 1/255 for byte images. */
export class Rescaling extends FusedLayer {
  static override readonly className = 'Rescaling';
  readonly scale: number;
  readonly offset: number;

  constructor(args: RescalingArgs) {
    super(args, ['scale', 'offset']);
    // TF.js differs: it takes a number only and does not check it; Keras also takes one per channel.
    this.scale = finiteNumber(args?.scale, undefined, 'scale', 'Rescaling');
    this.offset = finiteNumber(args.offset, 0, 'offset', 'Rescaling');
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    return add(mul(singleInput(inputs, this), this.scale), this.offset);
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    this.checkInput(x);
    const y = this.buffer('y', x.shape);
    const xs = x.f32;
    const ys = y.f32;
    for (let i = 0; i < xs.length; i++) ys[i] = xs[i]! * this.scale + this.offset;
    return y;
  }

  backward(dy: Tensor): Tensor {
    if (!this.needsInputGradient) return dy;
    const dx = this.buffer('dx', dy.shape);
    for (let i = 0; i < dy.size; i++) dx.f32[i] = dy.f32[i]! * this.scale;
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }
}

/** Keras' crop to the output's aspect ratio: the largest centred box of that ratio (at least 1×1). */
function aspectCrop(h: number, w: number, outH: number, outW: number): { top: number; left: number; height: number; width: number } {
  const height = Math.max(Math.min(h, Math.trunc((w * outH) / outW)), 1);
  const width = Math.max(Math.min(w, Math.trunc((h * outW) / outH)), 1);
  return { top: Math.trunc((h - height) / 2), left: Math.trunc((w - width) / 2), height, width };
}

/** Crop (unless it is the whole image), then resize the crop to outH×outW (unless it has that size). */
function cropAndResize(batch: number, h: number, w: number, crop: WarpPlan['crop'], outH: number, outW: number, interpolation: WarpInterpolation): WarpPlan {
  const box = crop ?? { top: 0, left: 0, height: h, width: w };
  const whole = box.height === h && box.width === w;
  const sized = box.height === outH && box.width === outW;
  const t = resizeTransform(box.height, box.width, outH, outW);
  return {
    crop: whole ? null : box,
    warp: sized ? null : { transforms: affineTransforms(batch, () => t), outH, outW, interpolation, fillMode: 'nearest', fillValue: 0 },
  };
}

export interface ResizingArgs extends LayerArgs {
  /** Output height. Required. */
  height: number;
  /** Output width. Required. */
  width: number;
  /** 'bilinear' or 'nearest'. Default 'bilinear'. */
  interpolation?: WarpInterpolation;
  /** Crop the largest centred box of the output's aspect ratio before resizing. Default false. */
  cropToAspectRatio?: boolean;
  /** Keras 3's padding to the aspect ratio: only false. */
  padToAspectRatio?: false;
  /** Keras 3's fill for that padding: only 'constant'. */
  fillMode?: 'constant';
  /** Keras 3's value for that padding (unused without it). Default 0. */
  fillValue?: number;
  /** Keras 3's antialiased downsampling: only false. */
  antialias?: false;
  /** Only 'channelsLast' (NHWC). */
  dataFormat?: 'channelsLast';
}

/**
 * Resizes images to height×width as tf.image.resize does (half-pixel centres).
 * TF.js differs: its Resizing passes alignCorners = !cropToAspectRatio to resizeBilinear, so its
 * outputs differ from Keras' (the same only where both grids agree, e.g. nearest ×2 with a crop).
 */
export class Resizing extends WarpLayer {
  static override readonly className = 'Resizing';
  readonly height: number;
  readonly width: number;
  readonly interpolation: WarpInterpolation;
  readonly cropToAspectRatio: boolean;

  constructor(args: ResizingArgs) {
    super(args, ['height', 'width', 'interpolation', 'cropToAspectRatio', 'padToAspectRatio', 'fillMode', 'fillValue', 'antialias', 'dataFormat']);
    this.height = positiveInteger(args?.height, 'height', 'Resizing');
    this.width = positiveInteger(args.width, 'width', 'Resizing');
    this.interpolation = oneOf(args.interpolation, INTERPOLATIONS, 'bilinear', 'interpolation', 'Resizing');
    if (args.cropToAspectRatio !== undefined && args.cropToAspectRatio !== null && typeof args.cropToAspectRatio !== 'boolean') {
      throw new TegakiError(`Expected cropToAspectRatio of Resizing to be a boolean. Received cropToAspectRatio=${shown(args.cropToAspectRatio)}.`);
    }
    this.cropToAspectRatio = args.cropToAspectRatio ?? false;
    // Keras 3's further options, accepted at their defaults so its model files load
    requireDefault(args.padToAspectRatio, [false], 'padToAspectRatio', 'Resizing');
    requireDefault(args.fillMode, ['constant'], 'fillMode', 'Resizing');
    finiteNumber(args.fillValue, 0, 'fillValue', 'Resizing');
    requireDefault(args.antialias, [false], 'antialias', 'Resizing');
    requireDefault(args.dataFormat, ['channelsLast'], 'dataFormat', 'Resizing');
  }

  protected override outputSize(): [number, number] {
    return [this.height, this.width];
  }

  protected plan(batch: number): WarpPlan {
    const [h, w] = this.inputShape as [number, number];
    const crop = this.cropToAspectRatio ? aspectCrop(h, w, this.height, this.width) : null;
    return cropAndResize(batch, h, w, crop, this.height, this.width, this.interpolation);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width, interpolation: this.interpolation, cropToAspectRatio: this.cropToAspectRatio };
  }
}

export interface CenterCropArgs extends LayerArgs {
  /** Output height. Required. */
  height: number;
  /** Output width. Required. */
  width: number;
  /** Only 'channelsLast' (NHWC). */
  dataFormat?: 'channelsLast';
}

/**
 * The central height×width of each image; an image smaller than that is cropped to the output's
 * aspect ratio and resized (bilinear), as Keras does.
 * TF.js differs: it crops through cropAndResize (nearest sampling of the box) and shifts by one
 * column when the widths differ by one; the two agree on many sizes (9×8 → 5×4, 28×28 → 20×20).
 */
export class CenterCrop extends WarpLayer {
  static override readonly className = 'CenterCrop';
  readonly height: number;
  readonly width: number;

  constructor(args: CenterCropArgs) {
    super(args, ['height', 'width', 'dataFormat']);
    this.height = positiveInteger(args?.height, 'height', 'CenterCrop');
    this.width = positiveInteger(args.width, 'width', 'CenterCrop');
    requireDefault(args.dataFormat, ['channelsLast'], 'dataFormat', 'CenterCrop');
  }

  protected override outputSize(): [number, number] {
    return [this.height, this.width];
  }

  protected plan(batch: number): WarpPlan {
    const [h, w] = this.inputShape as [number, number];
    if (h >= this.height && w >= this.width) {
      const box = { top: Math.floor((h - this.height) / 2), left: Math.floor((w - this.width) / 2), height: this.height, width: this.width };
      return cropAndResize(batch, h, w, box, this.height, this.width, 'bilinear');
    }
    return cropAndResize(batch, h, w, aspectCrop(h, w, this.height, this.width), this.height, this.width, 'bilinear');
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width };
  }
}

export interface RandomCropArgs extends CenterCropArgs {
  /** Seeds the layer's own random stream. Default: none (the model's stream). */
  seed?: number | null;
}

/**
 * While training, a random height×width window (one offset per batch, as Keras draws it) of
 * images larger than that in both dimensions; otherwise, and in inference, the centred crop of
 * the output's aspect ratio resized to height×width (bilinear).
 */
export class RandomCrop extends WarpLayer {
  static override readonly className = 'RandomCrop';
  readonly height: number;
  readonly width: number;
  private readonly seeds: SeedStream;

  constructor(args: RandomCropArgs) {
    super(args, ['height', 'width', 'seed', 'dataFormat']);
    this.height = positiveInteger(args?.height, 'height', 'RandomCrop');
    this.width = positiveInteger(args.width, 'width', 'RandomCrop');
    this.seeds = new SeedStream(args.seed, 'RandomCrop');
    requireDefault(args.dataFormat, ['channelsLast'], 'dataFormat', 'RandomCrop');
  }

  get seed(): number | null {
    return this.seeds.seed;
  }

  protected override outputSize(): [number, number] {
    return [this.height, this.width];
  }

  protected plan(batch: number, training: boolean, rng: Random | undefined): WarpPlan {
    const [h, w] = this.inputShape as [number, number];
    if (training && h > this.height && w > this.width) {
      const stream = this.seeds.stream(rng);
      const top = Math.trunc(stream.uniform(0, h - this.height + 1));
      const left = Math.trunc(stream.uniform(0, w - this.width + 1));
      return { crop: { top, left, height: this.height, width: this.width }, warp: null };
    }
    return cropAndResize(batch, h, w, aspectCrop(h, w, this.height, this.width), this.height, this.width, 'bilinear');
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width, seed: this.seed, dataFormat: 'channelsLast' };
  }
}
