// Shape and regularization layers without weights: Flatten, Dropout, Activation.

import { activationName, type ActivationName } from '../activations.js';
import { getBackend } from '../backend/select.js';
import { TegakiError } from '../errors.js';
import { mul, reshape } from '../ops/arithmetic.js';
import { Random } from '../random.js';
import { sizeOf, Tensor } from '../tensor.js';
import { requireDefault, singleInput, singleSampleShape, type CallArgs, type LayerArgs, type LayerInput, type BatchShape } from './layer.js';
import { ActivatedLayer, activationOp, FusedLayer, type ForwardOptions } from './fused.js';

export class Flatten extends FusedLayer {
  static override readonly className = 'Flatten';

  constructor(args: LayerArgs & { dataFormat?: 'channelsLast' } = {}) {
    super(args, ['dataFormat']);
    requireDefault(args.dataFormat, ['channelsLast'], 'dataFormat', 'Flatten');
  }

  override computeOutputShape(inputShape: BatchShape | BatchShape[]): BatchShape {
    return [null, sizeOf(singleSampleShape(inputShape, this))];
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    const x = singleInput(inputs, this);
    return reshape(x, [x.shape[0]!, sizeOf(x.shape.slice(1))]);
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    const batch = this.checkInput(x);
    return x.reshapeView([batch, this.outputShape[0]!]);
  }

  backward(dy: Tensor): Tensor {
    return dy.reshapeView([dy.shape[0]!, ...this.inputShape]);
  }
}

export interface DropoutArgs extends LayerArgs {
  /** Fraction of inputs set to zero during training, in [0, 1). Required. */
  rate: number;
  /**
   * Shape of the drop mask with the batch axis (null: the input's size there); an axis of size 1
   * shares one draw along it, e.g. [null, 1, 1, channels] drops whole feature maps. Default: the input's shape.
   */
  noiseShape?: (number | null)[];
  /**
   * Seed of the layer's own random stream (as Keras' seed: reproducible, a new mask each step).
   * Default: the model's stream. TF.js differs: its seeded dropout draws the same mask every call.
   */
  seed?: number;
}

/** Inverted dropout as in Keras: kept values are scaled by 1/(1−rate) so inference is the identity. */
export class Dropout extends FusedLayer {
  static override readonly className = 'Dropout';
  readonly rate: number;
  readonly noiseShape: (number | null)[] | null;
  readonly seed: number | null;
  private readonly ownRng: Random | null;
  private mask: Float32Array = new Float32Array(0);
  private masked = false;

  constructor(args: DropoutArgs) {
    super(args, ['rate', 'noiseShape', 'seed']);
    if (typeof args.rate !== 'number' || !(args.rate >= 0 && args.rate < 1)) {
      throw new TegakiError(`Expected rate of Dropout in [0, 1). Received rate=${JSON.stringify(args.rate)}.`);
    }
    this.rate = args.rate;
    const shape = args.noiseShape;
    if (shape !== undefined && shape !== null && (!Array.isArray(shape) || shape.some((d) => d !== null && (!Number.isInteger(d) || d <= 0)))) {
      throw new TegakiError(`Expected noiseShape of Dropout to be positive integers or null. Received noiseShape=${JSON.stringify(shape)}.`);
    }
    this.noiseShape = shape ? [...shape] : null;
    if (args.seed !== undefined && args.seed !== null && !Number.isInteger(args.seed)) throw new TegakiError(`Expected seed of Dropout to be an integer. Received seed=${JSON.stringify(args.seed)}.`);
    this.seed = args.seed ?? null;
    this.ownRng = this.seed === null ? null : new Random(this.seed);
  }

  override call(inputs: LayerInput, { training = false, rng }: CallArgs = {}): Tensor {
    const x = singleInput(inputs, this);
    if (!training || this.rate === 0) return x;
    // the same draws as forward(), so both paths drop the same values for the same stream
    return mul(x, new Tensor(x.shape, this.drawMask(x.shape, rng ?? new Random((Math.random() * 2 ** 32) >>> 0)).slice()));
  }

  /** The mask's shape for an input of this shape: noiseShape with null filled in, checked. */
  private maskShape(shape: readonly number[]): number[] {
    if (!this.noiseShape) return [...shape];
    const resolved = this.noiseShape.map((d, i) => d ?? shape[i]!);
    if (resolved.length !== shape.length || resolved.some((d, i) => d !== 1 && d !== shape[i])) {
      throw new TegakiError(`Dropout ${this.name}: noiseShape ${JSON.stringify(this.noiseShape)} does not broadcast to the input shape [${shape}] (each axis 1 or the input's size).`);
    }
    return resolved;
  }

  /** A mask for an input of this shape: one draw per mask element, broadcast along its axes of size 1. */
  private drawMask(shape: readonly number[], modelRng: Random): Float32Array {
    const rng = this.ownRng ?? modelRng;
    const size = sizeOf(shape);
    const maskShape = this.maskShape(shape);
    const draws = sizeOf(maskShape) === size ? (this.mask.length === size ? this.mask : (this.mask = new Float32Array(size))) : new Float32Array(sizeOf(maskShape));
    const scale = 1 / (1 - this.rate);
    for (let i = 0; i < draws.length; i++) draws[i] = rng.next() < this.rate ? 0 : scale;
    if (draws === this.mask) return this.mask;
    if (this.mask.length !== size) this.mask = new Float32Array(size);
    getBackend().tile(draws, maskShape, this.mask, shape);
    return this.mask;
  }

  forward(x: Tensor, { training, rng }: ForwardOptions): Tensor {
    this.checkInput(x);
    this.masked = training && this.rate > 0;
    if (!this.masked) return x;
    this.drawMask(x.shape, rng);
    const y = this.buffer('y', x.shape);
    getBackend().multiply(y.f32, x.f32, this.mask);
    return y;
  }

  backward(dy: Tensor): Tensor {
    if (!this.masked) return dy;
    const dx = this.buffer('dx', dy.shape);
    getBackend().multiply(dx.f32, dy.f32, this.mask);
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape ? [...this.noiseShape] : null, seed: this.seed };
  }
}

export interface ActivationArgs extends LayerArgs {
  /** Required. */
  activation: ActivationName;
}

export class Activation extends ActivatedLayer {
  static override readonly className = 'Activation';
  readonly activation: ActivationName;

  constructor(args: ActivationArgs) {
    super(args, ['activation']);
    this.activation = activationName(args.activation, 'Activation');
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    return activationOp(this.activation, singleInput(inputs, this));
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    this.checkInput(x);
    // linear is x itself; softmax, swish, gelu and mish apply into a buffer of their own
    if (this.fusedActivation === 'linear') return this.activate(x);
    const y = this.buffer('y', x.shape);
    getBackend().activation(y.f32, x.f32, this.fusedActivation);
    return this.activate(y);
  }

  backwardFromPreActivation(dz: Tensor): Tensor {
    return dz;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activation };
  }
}
