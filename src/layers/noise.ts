// Regularization layers that perturb their input during training only (the identity in inference):
// GaussianNoise (additive), GaussianDropout (multiplicative) and SpatialDropout2D (whole channels).
// They draw from the random stream the model hands them, as Dropout does, so a seeded model repeats.

import { getBackend } from '../backend/select.js';
import { TegakiError } from '../errors.js';
import { shown } from '../json.js';
import { add, mul } from '../ops/arithmetic.js';
import { Random } from '../random.js';
import { Tensor } from '../tensor.js';
import { FusedLayer, type ForwardOptions } from './fused.js';
import { requireDefault, singleInput, singleSampleShape, type BatchShape, type CallArgs, type LayerArgs, type LayerInput } from './layer.js';

/** A layer that adds or multiplies by noise drawn per call in training; backward reuses the draw. */
abstract class NoiseLayer extends FusedLayer {
  /** Whether the noise multiplies (dropouts) or adds (GaussianNoise). */
  protected abstract readonly multiplicative: boolean;
  private noise: Float32Array = new Float32Array(0);
  private noisy = false;

  /** Whether this configuration changes anything at all (a rate of 0 does not). */
  protected abstract get active(): boolean;

  /** Fill noise (one value per element of x) from rng. */
  protected abstract draw(noise: Float32Array, shape: readonly number[], rng: Random): void;

  private drawFor(shape: readonly number[], rng: Random): Float32Array {
    const size = shape.reduce((a, b) => a * b, 1);
    if (this.noise.length !== size) this.noise = new Float32Array(size);
    this.draw(this.noise, shape, rng);
    return this.noise;
  }

  override call(inputs: LayerInput, { training = false, rng }: CallArgs = {}): Tensor {
    const x = singleInput(inputs, this);
    if (!training || !this.active) return x;
    // the same draws as forward(), so both paths perturb alike for the same stream
    const noise = new Tensor(x.shape, this.drawFor(x.shape, rng ?? new Random((Math.random() * 2 ** 32) >>> 0)).slice());
    return this.multiplicative ? mul(x, noise) : add(x, noise);
  }

  forward(x: Tensor, { training, rng }: ForwardOptions): Tensor {
    this.checkInput(x);
    this.noisy = training && this.active;
    if (!this.noisy) return x;
    const noise = this.drawFor(x.shape, rng);
    const y = this.buffer('y', x.shape);
    if (this.multiplicative) getBackend().multiply(y.f32, x.f32, noise);
    else getBackend().binary('add', x.f32, [x.size], noise, [x.size], y.f32, [x.size]);
    return y;
  }

  backward(dy: Tensor): Tensor {
    if (!this.noisy || !this.multiplicative) return dy;
    const dx = this.buffer('dx', dy.shape);
    getBackend().multiply(dx.f32, dy.f32, this.noise);
    return dx;
  }
}

/** A rate in [0, 1), Keras' message otherwise. */
function rateOption(rate: unknown, layer: string): number {
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new TegakiError(`Expected rate of ${layer} in [0, 1). Received rate=${shown(rate)}.`);
  return rate;
}

export interface GaussianNoiseArgs extends LayerArgs {
  /** Standard deviation of the zero-mean noise added in training. Required. */
  stddev: number;
}

export class GaussianNoise extends NoiseLayer {
  static override readonly className = 'GaussianNoise';
  protected readonly multiplicative = false;
  readonly stddev: number;

  constructor(args: GaussianNoiseArgs) {
    super(args, ['stddev']);
    if (typeof args?.stddev !== 'number' || !(args.stddev >= 0) || !Number.isFinite(args.stddev)) {
      throw new TegakiError(`Expected stddev of GaussianNoise to be a non-negative number. Received stddev=${shown(args?.stddev)}.`);
    }
    this.stddev = args.stddev;
  }

  protected get active(): boolean {
    return this.stddev > 0;
  }

  protected draw(noise: Float32Array, _shape: readonly number[], rng: Random): void {
    for (let i = 0; i < noise.length; i++) noise[i] = this.stddev * rng.normal();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), stddev: this.stddev };
  }
}

export interface GaussianDropoutArgs extends LayerArgs {
  /** Drop probability: the input is multiplied by noise of mean 1 and variance rate/(1 − rate). Required. */
  rate: number;
}

export class GaussianDropout extends NoiseLayer {
  static override readonly className = 'GaussianDropout';
  protected readonly multiplicative = true;
  readonly rate: number;

  constructor(args: GaussianDropoutArgs) {
    super(args, ['rate']);
    this.rate = rateOption(args?.rate, 'GaussianDropout');
  }

  protected get active(): boolean {
    return this.rate > 0;
  }

  protected draw(noise: Float32Array, _shape: readonly number[], rng: Random): void {
    const stddev = Math.sqrt(this.rate / (1 - this.rate));
    for (let i = 0; i < noise.length; i++) noise[i] = 1 + stddev * rng.normal();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate };
  }
}

export interface SpatialDropout2DArgs extends LayerArgs {
  /** Fraction of the channels of each sample set to zero in training, in [0, 1). Required. */
  rate: number;
  /** Only 'channelsLast' (NHWC). Default 'channelsLast'. */
  dataFormat?: 'channelsLast';
}

/** Dropout of whole feature maps (Keras' SpatialDropout2D): one draw per sample and channel, kept ones scaled by 1/(1 − rate). */
export class SpatialDropout2D extends NoiseLayer {
  static override readonly className = 'SpatialDropout2D';
  protected readonly multiplicative = true;
  readonly rate: number;

  constructor(args: SpatialDropout2DArgs) {
    super(args, ['rate', 'dataFormat']);
    this.rate = rateOption(args?.rate, 'SpatialDropout2D');
    requireDefault(args.dataFormat, ['channelsLast'], 'dataFormat', 'SpatialDropout2D');
  }

  override computeOutputShape(inputShape: BatchShape | BatchShape[]): BatchShape {
    const sample = singleSampleShape(inputShape, this);
    if (sample.length !== 3) throw new TegakiError(`SpatialDropout2D ${this.name} expects inputs (None, height, width, channels); received (None, ${sample.join(', ')}).`);
    return [null, ...sample];
  }

  protected get active(): boolean {
    return this.rate > 0;
  }

  protected draw(noise: Float32Array, shape: readonly number[], rng: Random): void {
    const [batch, h, w, c] = shape as [number, number, number, number];
    const scale = 1 / (1 - this.rate);
    const pixels = h * w;
    for (let b = 0; b < batch; b++) {
      for (let ch = 0; ch < c; ch++) {
        const keep = rng.next() < this.rate ? 0 : scale;
        for (let p = 0; p < pixels; p++) noise[(b * pixels + p) * c + ch] = keep;
      }
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, dataFormat: 'channelsLast' };
  }
}
