// Random colour augmentation (Keras 3's RandomContrast and RandomBrightness): while training each
// image gets its own contrast factor or brightness shift, clipped to valueRange; identity in inference.

import type { ColorGeometry } from '../../backend/backend.js';
import { getBackend } from '../../backend/select.js';
import { TegakiError } from '../../errors.js';
import { shown } from '../../json.js';
import { record } from '../../ops/engine.js';
import type { Random } from '../../random.js';
import { Tensor } from '../../tensor.js';
import { FusedLayer, type ForwardOptions } from '../fused.js';
import { requireDefault, singleInput, type BatchShape, type CallArgs, type LayerArgs, type LayerInput } from '../layer.js';
import { factorRange, imageShape, SeedStream } from './common.js';

/** One batch's draws: a contrast factor or a brightness shift per image (null: not this layer's). */
interface ColorDraw {
  contrast: Float32Array | null;
  delta: Float32Array | null;
}

function colorGeometry(shape: readonly number[]): ColorGeometry {
  return { batch: shape[0]!, pixels: shape[1]! * shape[2]!, channels: shape[3]! };
}

/** adjustColor as an op, with its gradient on the tape. */
function adjustColor(x: Tensor, draw: ColorDraw, low: number, high: number): Tensor {
  const g = colorGeometry(x.shape);
  const y = new Tensor(x.shape);
  getBackend().adjustColor(y.f32, x.f32, draw.contrast, draw.delta, g, low, high);
  record([x], y, (dy) => {
    const dx = new Tensor(x.shape);
    getBackend().adjustColorBackward(dx.f32, dy.f32, x.f32, draw.contrast, draw.delta, g, low, high);
    return [dx];
  }, { firstOrderOnly: true });
  return y;
}

export interface RandomColorArgs extends LayerArgs {
  /** The range input values lie in, [low, high]; outputs are clipped to it. Default [0, 255]. */
  valueRange?: [number, number];
  /** Seeds the layer's own random stream. Default: none (the model's stream). */
  seed?: number | null;
  /** Only 'channelsLast' (NHWC). */
  dataFormat?: 'channelsLast';
}

abstract class RandomColor extends FusedLayer {
  readonly valueRange: [number, number];
  private readonly seeds: SeedStream;
  private last: { x: Tensor; draw: ColorDraw | null } | null = null;

  constructor(args: RandomColorArgs, ownOptions: readonly string[], layer: string) {
    super(args, [...ownOptions, 'valueRange', 'seed', 'dataFormat']);
    requireDefault(args.dataFormat, ['channelsLast'], 'dataFormat', layer);
    const range = args.valueRange ?? [0, 255];
    if (!Array.isArray(range) || range.length !== 2 || !range.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new TegakiError(`Expected valueRange of ${layer} to be a pair of numbers [low, high]. Received valueRange=${shown(args.valueRange)}.`);
    }
    this.valueRange = range[0] <= range[1] ? [range[0], range[1]] : [range[1], range[0]];
    this.seeds = new SeedStream(args.seed, layer);
  }

  get seed(): number | null {
    return this.seeds.seed;
  }

  /** The batch's draws. */
  protected abstract draw(batch: number, rng: Random): ColorDraw;

  override computeOutputShape(inputShape: BatchShape | BatchShape[]): BatchShape {
    return [null, ...imageShape(inputShape, this)];
  }

  override call(inputs: LayerInput, { training = false, rng }: CallArgs = {}): Tensor {
    const x = singleInput(inputs, this);
    if (!training) return x;
    return adjustColor(x, this.draw(x.shape[0]!, this.seeds.stream(rng)), ...this.valueRange);
  }

  forward(x: Tensor, { training, rng }: ForwardOptions): Tensor {
    const batch = this.checkInput(x);
    const draw = training ? this.draw(batch, this.seeds.stream(rng)) : null;
    this.last = { x, draw };
    if (!draw) return x;
    const y = this.buffer('y', x.shape);
    getBackend().adjustColor(y.f32, x.f32, draw.contrast, draw.delta, colorGeometry(x.shape), ...this.valueRange);
    return y;
  }

  backward(dy: Tensor): Tensor {
    const { x, draw } = this.last!;
    if (!draw) return dy;
    // first in the model: nothing upstream uses dL/dx
    if (!this.needsInputGradient) return x;
    const dx = this.buffer('dx', x.shape);
    getBackend().adjustColorBackward(dx.f32, dy.f32, x.f32, draw.contrast, draw.delta, colorGeometry(x.shape), ...this.valueRange);
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), valueRange: [...this.valueRange], seed: this.seed, dataFormat: 'channelsLast' };
  }
}

export interface RandomContrastArgs extends RandomColorArgs {
  /** f for factors in [1 − f, 1 + f], or [lower, upper] for [1 − lower, 1 + upper]; within [0, 1]. Required. */
  factor: number | [number, number];
}

/**
 * Scales each image's channels about their mean: (x − mean)·c + mean, c drawn per image.
 * Keras 3 documents a single factor f as [1 − f, 1 + f] (what this does) while its code draws
 * from [1, 1 + f]; the documented definition, also Keras 2's, is the one kept here.
 */
export class RandomContrast extends RandomColor {
  static override readonly className = 'RandomContrast';
  readonly factor: [number, number];

  constructor(args: RandomContrastArgs) {
    super(args, ['factor'], 'RandomContrast');
    const f = args?.factor;
    this.factor = typeof f === 'number' && f >= 0 && f <= 1 ? [f, f] : factorRange(f, 'factor', 'RandomContrast', [0, 1]);
  }

  protected draw(batch: number, rng: Random): ColorDraw {
    const contrast = new Float32Array(batch);
    for (let b = 0; b < batch; b++) contrast[b] = rng.uniform(1 - this.factor[0], 1 + this.factor[1]);
    return { contrast, delta: null };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: [...this.factor] };
  }
}

export interface RandomBrightnessArgs extends RandomColorArgs {
  /** Shift as a fraction of the value range: f for [−f, f], or [lower, upper], within [−1, 1]. Required. */
  factor: number | [number, number];
}

/** Adds to each image a shift drawn per image (a fraction of the value range). */
export class RandomBrightness extends RandomColor {
  static override readonly className = 'RandomBrightness';
  readonly factor: [number, number];

  constructor(args: RandomBrightnessArgs) {
    super(args, ['factor'], 'RandomBrightness');
    this.factor = factorRange(args?.factor, 'factor', 'RandomBrightness', [-1, 1]);
  }

  protected draw(batch: number, rng: Random): ColorDraw {
    const delta = new Float32Array(batch);
    const span = this.valueRange[1] - this.valueRange[0];
    for (let b = 0; b < batch; b++) delta[b] = rng.uniform(this.factor[0], this.factor[1]) * span;
    return { contrast: null, delta };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: [...this.factor] };
  }
}
