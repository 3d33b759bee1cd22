// Shape and regularization layers without weights: Flatten, Dropout, Activation.

import { activationName, type ActivationName } from '../activations.js';
import { getBackend } from '../backend/select.js';
import { TegakiError } from '../errors.js';
import { sizeOf, type Shape, Tensor } from '../tensor.js';
import { ActivatedLayer, Layer, requireDefault, type ForwardOptions, type LayerArgs } from './layer.js';

export class Flatten extends Layer {
  readonly className = 'Flatten';

  constructor(args: LayerArgs & { dataFormat?: 'channelsLast' } = {}) {
    super(args, ['dataFormat']);
    requireDefault(args.dataFormat, ['channelsLast'], 'dataFormat', 'Flatten');
  }

  computeOutputShape(inputShape: Shape): number[] {
    return [sizeOf(inputShape)];
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
}

/** Inverted dropout as in Keras: kept values are scaled by 1/(1−rate) so inference is the identity. */
export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly rate: number;
  private mask: Float32Array = new Float32Array(0);
  private masked = false;

  constructor(args: DropoutArgs) {
    super(args, ['rate']);
    if (typeof args.rate !== 'number' || !(args.rate >= 0 && args.rate < 1)) {
      throw new TegakiError(`Expected rate of Dropout in [0, 1). Received rate=${JSON.stringify(args.rate)}.`);
    }
    this.rate = args.rate;
  }

  computeOutputShape(inputShape: Shape): number[] {
    return [...inputShape];
  }

  forward(x: Tensor, { training, rng }: ForwardOptions): Tensor {
    this.checkInput(x);
    this.masked = training && this.rate > 0;
    if (!this.masked) return x;
    if (this.mask.length !== x.size) this.mask = new Float32Array(x.size);
    const scale = 1 / (1 - this.rate);
    for (let i = 0; i < x.size; i++) this.mask[i] = rng.next() < this.rate ? 0 : scale;
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
    return { ...super.getConfig(), rate: this.rate };
  }
}

export interface ActivationArgs extends LayerArgs {
  /** Required. */
  activation: ActivationName;
}

export class Activation extends ActivatedLayer {
  readonly className = 'Activation';
  readonly activation: ActivationName;

  constructor(args: ActivationArgs) {
    super(args, ['activation']);
    this.activation = activationName(args.activation, 'Activation');
  }

  computeOutputShape(inputShape: Shape): number[] {
    return [...inputShape];
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    this.checkInput(x);
    if (this.activation === 'softmax') return this.activate(x);
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
