// Reshaping layers of TF.js and Keras: Reshape (targetShape, one -1 inferred), Permute (dims,
// 1-based as Keras) and RepeatVector (n). Shapes are of one sample; the batch axis stays first.

import { getBackend } from '../backend/select.js';
import { TegakiError } from '../errors.js';
import { shown } from '../json.js';
import { reshape } from '../ops/arithmetic.js';
import { expandDims, tile, transpose } from '../ops/shape.js';
import { sizeOf, Tensor } from '../tensor.js';
import { inversePermutation } from './activation-layers.js';
import { FusedLayer, type ForwardOptions } from './fused.js';
import { singleInput, singleSampleShape, type BatchShape, type CallArgs, type LayerArgs, type LayerInput } from './layer.js';

export interface ReshapeLayerArgs extends LayerArgs {
  /** The output sample shape (no batch axis); one entry may be -1 (or null), inferred from the input size. Required. */
  targetShape: number[];
}

export class Reshape extends FusedLayer {
  static override readonly className = 'Reshape';
  readonly targetShape: number[];

  constructor(args: ReshapeLayerArgs) {
    super(args, ['targetShape']);
    // TF.js writes the inferred dimension as null in model.json, Keras as -1
    const shape = Array.isArray(args?.targetShape) ? args.targetShape.map((d) => d ?? -1) : args?.targetShape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || (d <= 0 && d !== -1)) || shape.filter((d) => d === -1).length > 1) {
      throw new TegakiError(`Expected targetShape of Reshape to be positive integers with at most one -1. Received targetShape=${shown(shape)}.`);
    }
    this.targetShape = [...shape];
  }

  override computeOutputShape(inputShape: BatchShape | BatchShape[]): BatchShape {
    const sample = singleSampleShape(inputShape, this);
    const size = sizeOf(sample);
    const known = this.targetShape.reduce((n, d) => (d === -1 ? n : n * d), 1);
    const out = this.targetShape.map((d) => (d === -1 ? size / known : d));
    if (!out.every(Number.isInteger) || sizeOf(out) !== size) {
      throw new TegakiError(`Reshape ${this.name}: the total size must be unchanged; input shape [${sample}] (${size} values) cannot become targetShape [${this.targetShape}].`);
    }
    return [null, ...out];
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    const x = singleInput(inputs, this);
    return reshape(x, [x.shape[0]!, ...this.outputSampleShape([x.shape.slice(1)])]);
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    const batch = this.checkInput(x);
    return x.reshapeView([batch, ...this.outputShape]);
  }

  backward(dy: Tensor): Tensor {
    return dy.reshapeView([dy.shape[0]!, ...this.inputShape]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), targetShape: [...this.targetShape] };
  }
}

export interface PermuteLayerArgs extends LayerArgs {
  /** A permutation of 1..rank (axis 1 is the first after the batch axis), e.g. [2, 1]. Required. */
  dims: number[];
}

export class Permute extends FusedLayer {
  static override readonly className = 'Permute';
  readonly dims: number[];

  constructor(args: PermuteLayerArgs) {
    super(args, ['dims']);
    const dims = args?.dims;
    if (!Array.isArray(dims) || dims.length === 0 || [...dims].sort((a, b) => a - b).some((d, i) => d !== i + 1)) {
      throw new TegakiError(`Expected dims of Permute to be a permutation of 1..${Array.isArray(dims) ? dims.length : 'rank'} (consecutive, starting at 1). Received dims=${shown(dims)}.`);
    }
    this.dims = [...dims];
  }

  override computeOutputShape(inputShape: BatchShape | BatchShape[]): BatchShape {
    const sample = singleSampleShape(inputShape, this);
    if (sample.length !== this.dims.length) throw new TegakiError(`Permute ${this.name}: dims ${shown(this.dims)} permute ${this.dims.length} axes, but the input has ${sample.length} after the batch axis.`);
    return [null, ...this.dims.map((d) => sample[d - 1]!)];
  }

  /** The permutation of the whole batch tensor. */
  private get perm(): number[] {
    return [0, ...this.dims];
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    return transpose(singleInput(inputs, this), this.perm);
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    const batch = this.checkInput(x);
    const y = this.buffer('y', [batch, ...this.outputShape]);
    getBackend().transpose(x.f32, x.shape, this.perm, y.f32);
    return y;
  }

  backward(dy: Tensor): Tensor {
    const dx = this.buffer('dx', [dy.shape[0]!, ...this.inputShape]);
    getBackend().transpose(dy.f32, dy.shape, inversePermutation(this.perm), dx.f32);
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dims: [...this.dims] };
  }
}

export interface RepeatVectorLayerArgs extends LayerArgs {
  /** Number of repetitions: [batch, features] becomes [batch, n, features]. Required. */
  n: number;
}

export class RepeatVector extends FusedLayer {
  static override readonly className = 'RepeatVector';
  readonly n: number;

  constructor(args: RepeatVectorLayerArgs) {
    super(args, ['n']);
    if (!Number.isInteger(args?.n) || args.n <= 0) throw new TegakiError(`Expected n of RepeatVector to be a positive integer. Received n=${shown(args?.n)}.`);
    this.n = args.n;
  }

  override computeOutputShape(inputShape: BatchShape | BatchShape[]): BatchShape {
    const sample = singleSampleShape(inputShape, this);
    if (sample.length !== 1) throw new TegakiError(`RepeatVector ${this.name} expects inputs (None, features); received (None, ${sample.join(', ')}).`);
    return [null, this.n, sample[0]!];
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    return tile(expandDims(singleInput(inputs, this), 1), [1, this.n, 1]);
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    const batch = this.checkInput(x);
    const features = this.inputShape[0]!;
    const y = this.buffer('y', [batch, this.n, features]);
    getBackend().tile(x.f32, [batch, 1, features], y.f32, y.shape);
    return y;
  }

  backward(dy: Tensor): Tensor {
    // dx[b, f] = Σ_i dy[b, i, f]: the repetitions moved last, then summed
    const [batch, n, features] = dy.shape as [number, number, number];
    const moved = this.buffer('moved', [batch, features, n]);
    const backend = getBackend();
    backend.transpose(dy.f32, dy.shape, [0, 2, 1], moved.f32);
    const dx = this.buffer('dx', [batch, features]);
    backend.reduce('sum', moved.f32, batch * features, n, dx.f32);
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), n: this.n };
  }
}
