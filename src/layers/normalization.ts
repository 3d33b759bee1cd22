// BatchNormalization and LayerNormalization (Keras semantics, TF.js names): fused kernels for
// Sequential's fast path, and call() written in ops for the tape.

import { getBackend } from '../backend/select.js';
import { TegakiError } from '../errors.js';
import { getInitializer, serializeInitializer, type Initializer } from '../initializers.js';
import { shown } from '../json.js';
import { add, mul, reshape, sub } from '../ops/arithmetic.js';
import { rsqrt, squaredDifference } from '../ops/math.js';
import { mean } from '../ops/reduction.js';
import { sizeOf, Tensor, type Shape } from '../tensor.js';
import { singleInput, singleSampleShape, type BatchShape, type CallArgs, type LayerArgs, type LayerInput, type LayerWeight, type WeightSpec } from './layer.js';
import { FusedLayer, type ForwardOptions } from './fused.js';

/** The options both normalization layers share. */
export interface NormalizationArgs extends LayerArgs {
  /** A small number added to the variance so the division never is by zero. Default 1e-3. */
  epsilon?: number;
  /** Add the learned offset beta. Default true. */
  center?: boolean;
  /** Multiply by the learned scale gamma. Default true. */
  scale?: boolean;
  /** Default 'zeros'. */
  betaInitializer?: string | Initializer;
  /** Default 'ones'. */
  gammaInitializer?: string | Initializer;
}

const NORMALIZATION_OPTIONS = ['epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer'];

function flag(value: unknown, option: string, layer: string): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value !== 'boolean') throw new TegakiError(`Expected ${option} of ${layer} to be true or false. Received ${option}=${shown(value)}.`);
  return value;
}

/** An axis index into a shape of the given rank (batch included), checked; the batch axis is refused. */
function resolveAxis(axis: number, rank: number, layer: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 1 || a >= rank) {
    throw new TegakiError(`${layer}: axis=${axis} is ${a === 0 ? 'the batch axis' : 'out of range'} for inputs of rank ${rank}; expected an axis in [${1 - rank}, -1] or [1, ${rank - 1}].`);
  }
  return a;
}

/** y = (x − mean)·rsqrt(variance + ε)·gamma + beta in ops; mean, variance, gamma, beta broadcast. */
function normalizeOps(x: Tensor, m: Tensor, variance: Tensor, gamma: Tensor | null, beta: Tensor | null, epsilon: number): Tensor {
  let y = mul(sub(x, m), rsqrt(add(variance, epsilon)));
  if (gamma) y = mul(y, gamma);
  return beta ? add(y, beta) : y;
}

/** What both layers keep: epsilon, center, scale, the gamma and beta weights. */
abstract class Normalization extends FusedLayer {
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly betaInitializer: Initializer;
  readonly gammaInitializer: Initializer;

  constructor(args: NormalizationArgs, ownOptions: readonly string[]) {
    super(args, [...NORMALIZATION_OPTIONS, ...ownOptions]);
    const layer = new.target.className!;
    if (args.epsilon !== undefined && args.epsilon !== null && (typeof args.epsilon !== 'number' || !(args.epsilon > 0) || !Number.isFinite(args.epsilon))) {
      throw new TegakiError(`Expected epsilon of ${layer} to be a positive number. Received epsilon=${shown(args.epsilon)}.`);
    }
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = flag(args.center, 'center', layer);
    this.scale = flag(args.scale, 'scale', layer);
    this.betaInitializer = getInitializer(args.betaInitializer, 'zeros', `${layer} betaInitializer`);
    this.gammaInitializer = getInitializer(args.gammaInitializer, 'ones', `${layer} gammaInitializer`);
  }

  /** gamma then beta, as Keras orders them, for parameters of this shape. */
  protected affineSpecs(shape: number[]): WeightSpec[] {
    const specs: WeightSpec[] = [];
    if (this.scale) specs.push({ name: 'gamma', shape, initializer: this.gammaInitializer });
    if (this.center) specs.push({ name: 'beta', shape, initializer: this.betaInitializer });
    return specs;
  }

  /** How errors name this layer: its class, and its name once it has one. */
  protected get where(): string {
    return this.name ? `${this.className} layer ${this.name}` : this.className;
  }

  protected weightNamed(name: string): LayerWeight | null {
    return this.weights.find((w) => w.name === name) ?? null;
  }

  protected get gamma(): LayerWeight | null {
    return this.weightNamed('gamma');
  }

  protected get beta(): LayerWeight | null {
    return this.weightNamed('beta');
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: serializeInitializer(this.betaInitializer),
      gammaInitializer: serializeInitializer(this.gammaInitializer),
    };
  }
}

export interface BatchNormalizationArgs extends NormalizationArgs {
  /** The features axis (channels): statistics run over every other axis. Default -1. */
  axis?: number;
  /** Moving statistics keep this much of their value at each training step. Default 0.99. */
  momentum?: number;
  /** Default 'zeros'. */
  movingMeanInitializer?: string | Initializer;
  /** Default 'ones'. */
  movingVarianceInitializer?: string | Initializer;
}

/**
 * Batch normalization: in training, each feature is normalized with the batch's mean and biased
 * variance, which also move the moving statistics (moving −= (moving − batch)·(1 − momentum), as
 * TF.js writes it); in inference, with the moving statistics. As in Keras 3, a layer with
 * trainable = false always runs in inference mode.
 * TF.js differs: its frozen layer still normalizes with (and updates) batch statistics in training.
 */
export class BatchNormalization extends Normalization {
  static override readonly className = 'BatchNormalization';
  readonly axis: number;
  readonly momentum: number;
  readonly movingMeanInitializer: Initializer;
  readonly movingVarianceInitializer: Initializer;
  /** What backward needs from the last forward. */
  private last: { x: Tensor; mean: Float32Array; variance: Float32Array; batchStatistics: boolean } | null = null;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args ?? {}, ['axis', 'momentum', 'movingMeanInitializer', 'movingVarianceInitializer']);
    args ??= {};
    if (args.axis !== undefined && args.axis !== null && !Number.isInteger(args.axis)) {
      throw new TegakiError(`Expected axis of BatchNormalization to be an integer. Received axis=${shown(args.axis)}.`);
    }
    this.axis = args.axis ?? -1;
    if (args.momentum !== undefined && args.momentum !== null && (typeof args.momentum !== 'number' || !(args.momentum >= 0 && args.momentum <= 1))) {
      throw new TegakiError(`Expected momentum of BatchNormalization in [0, 1]. Received momentum=${shown(args.momentum)}.`);
    }
    this.momentum = args.momentum ?? 0.99;
    this.movingMeanInitializer = getInitializer(args.movingMeanInitializer, 'zeros', 'BatchNormalization movingMeanInitializer');
    this.movingVarianceInitializer = getInitializer(args.movingVarianceInitializer, 'ones', 'BatchNormalization movingVarianceInitializer');
  }

  override computeOutputShape(inputShape: BatchShape | BatchShape[]): BatchShape {
    const sample = singleSampleShape(inputShape, this);
    resolveAxis(this.axis, sample.length + 1, this.where);
    return [null, ...sample];
  }

  override weightSpecs(inputShape: Shape): WeightSpec[] {
    const shape = [inputShape[resolveAxis(this.axis, inputShape.length + 1, this.where) - 1]!];
    return [
      ...this.affineSpecs(shape),
      { name: 'moving_mean', shape, initializer: this.movingMeanInitializer },
      { name: 'moving_variance', shape, initializer: this.movingVarianceInitializer },
    ];
  }

  /** As Layer.build, with the moving statistics not trainable. */
  override build(inputShape: BatchShape | BatchShape[]): void {
    for (const spec of this.weightSpecs(singleSampleShape(inputShape, this))) {
      this.addWeight(spec.name, spec.shape, 'float32', spec.initializer, undefined, !spec.name.startsWith('moving_'));
    }
    this.built = true;
  }

  private get movingMean(): LayerWeight {
    return this.weightNamed('moving_mean')!;
  }

  private get movingVariance(): LayerWeight {
    return this.weightNamed('moving_variance')!;
  }

  /** Keras 3: batch statistics only when training a trainable layer. */
  private usesBatchStatistics(training: boolean | undefined): boolean {
    return training === true && this.trainable;
  }

  /** moving −= (moving − batch)·(1 − momentum), each step rounded to float32 as TF.js' ops are. */
  private updateMovingStatistics(batchMean: Float32Array, batchVariance: Float32Array): void {
    const decay = Math.fround(1 - this.momentum);
    const move = (moving: Float32Array, value: Float32Array): void => {
      for (let c = 0; c < moving.length; c++) moving[c] = moving[c]! - Math.fround(Math.fround(moving[c]! - value[c]!) * decay);
    };
    move(this.movingMean.value.f32, batchMean);
    move(this.movingVariance.value.f32, batchVariance);
  }

  /** x as [outer, channels, inner] around the features axis. */
  private layout(shape: Shape): { outer: number; channels: number; inner: number } {
    const a = resolveAxis(this.axis, shape.length, this.where);
    return { outer: sizeOf(shape.slice(0, a)), channels: shape[a]!, inner: sizeOf(shape.slice(a + 1)) };
  }

  override call(inputs: LayerInput, { training }: CallArgs = {}): Tensor {
    const x = singleInput(inputs, this);
    const a = resolveAxis(this.axis, x.rank, this.where);
    const kept = x.shape.map((d, i) => (i === a ? d : 1));
    const param = (w: LayerWeight | null): Tensor | null => (w ? reshape(w.value, kept) : null);
    if (!this.usesBatchStatistics(training)) {
      return normalizeOps(x, param(this.movingMean)!, param(this.movingVariance)!, param(this.gamma), param(this.beta), this.epsilon);
    }
    const axes = x.shape.map((_, i) => i).filter((i) => i !== a);
    const m = mean(x, axes, true);
    const variance = mean(squaredDifference(x, m), axes, true);
    this.updateMovingStatistics(m.f32, variance.f32);
    return normalizeOps(x, m, variance, param(this.gamma), param(this.beta), this.epsilon);
  }

  forward(x: Tensor, { training }: ForwardOptions): Tensor {
    this.checkInput(x);
    const { outer, channels, inner } = this.layout(x.shape);
    const backend = getBackend();
    const batchStatistics = this.usesBatchStatistics(training);
    let m = this.movingMean.value.f32;
    let variance = this.movingVariance.value.f32;
    if (batchStatistics) {
      m = this.buffer('mean', [channels]).f32;
      variance = this.buffer('variance', [channels]).f32;
      backend.batchNormStatistics(m, variance, x.f32, outer, channels, inner);
      this.updateMovingStatistics(m, variance);
    }
    const y = this.buffer('y', x.shape);
    backend.batchNormForward(y.f32, x.f32, m, variance, this.gamma?.value.f32 ?? null, this.beta?.value.f32 ?? null, this.epsilon, outer, channels, inner);
    this.last = { x, mean: m, variance, batchStatistics };
    return y;
  }

  backward(dy: Tensor): Tensor {
    const { x, mean: m, variance, batchStatistics } = this.last!;
    const { outer, channels, inner } = this.layout(x.shape);
    const dx = this.needsInputGradient ? this.buffer('dx', x.shape) : null;
    const gamma = this.gamma;
    getBackend().batchNormBackward(dx?.f32 ?? null, gamma?.grad.f32 ?? null, this.beta?.grad.f32 ?? null, dy.f32, x.f32, m, variance, gamma?.value.f32 ?? null, this.epsilon, outer, channels, inner, batchStatistics);
    return dx ?? x;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      movingMeanInitializer: serializeInitializer(this.movingMeanInitializer),
      movingVarianceInitializer: serializeInitializer(this.movingVarianceInitializer),
    };
  }
}

export interface LayerNormalizationArgs extends NormalizationArgs {
  /** The axis or axes normalized over (the trailing ones, e.g. -1 or [1, 2, 3]). Default -1. */
  axis?: number | number[];
}

/** Layer normalization: each sample normalized over the given trailing axes, then scaled and offset per feature. */
export class LayerNormalization extends Normalization {
  static override readonly className = 'LayerNormalization';
  readonly axis: number | number[];
  private last: { x: Tensor; mean: Float32Array; variance: Float32Array } | null = null;

  constructor(args: LayerNormalizationArgs = {}) {
    super(args ?? {}, ['axis']);
    const axis = (args ?? {}).axis ?? -1;
    if (!(Number.isInteger(axis) || (Array.isArray(axis) && axis.length > 0 && axis.every((a) => Number.isInteger(a))))) {
      throw new TegakiError(`Expected axis of LayerNormalization to be an integer or a list of integers. Received axis=${shown(axis)}.`);
    }
    this.axis = Array.isArray(axis) ? [...axis] : axis;
  }

  /** The first normalized axis (batch included) for inputs of this rank: the axes must be the trailing ones. */
  private firstAxis(rank: number): number {
    const where = this.where;
    const axes = (Array.isArray(this.axis) ? this.axis : [this.axis]).map((a) => resolveAxis(a, rank, where));
    // in increasing order too: gamma's shape follows the order the axes are given in
    if (axes.some((a, i) => a !== rank - axes.length + i)) {
      throw new TegakiError(`${where}: axis=${shown(this.axis)} is not supported for inputs of rank ${rank}; only trailing axes (e.g. -1, or [${rank - axes.length}, ..., ${rank - 1}]).`);
    }
    return axes[0]!;
  }

  override computeOutputShape(inputShape: BatchShape | BatchShape[]): BatchShape {
    const sample = singleSampleShape(inputShape, this);
    this.firstAxis(sample.length + 1);
    return [null, ...sample];
  }

  override weightSpecs(inputShape: Shape): WeightSpec[] {
    return this.affineSpecs(inputShape.slice(this.firstAxis(inputShape.length + 1) - 1));
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    const x = singleInput(inputs, this);
    const first = this.firstAxis(x.rank);
    const axes = x.shape.map((_, i) => i).filter((i) => i >= first);
    const m = mean(x, axes, true);
    const variance = mean(squaredDifference(x, m), axes, true);
    return normalizeOps(x, m, variance, this.gamma?.value ?? null, this.beta?.value ?? null, this.epsilon);
  }

  /** x as [rows, cols]: cols are the normalized trailing axes. */
  private rowsOf(shape: Shape): { rows: number; cols: number } {
    const first = this.firstAxis(shape.length);
    return { rows: sizeOf(shape.slice(0, first)), cols: sizeOf(shape.slice(first)) };
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    this.checkInput(x);
    const { rows, cols } = this.rowsOf(x.shape);
    const y = this.buffer('y', x.shape);
    const m = this.buffer('mean', [rows]).f32;
    const variance = this.buffer('variance', [rows]).f32;
    getBackend().layerNormForward(y.f32, m, variance, x.f32, this.gamma?.value.f32 ?? null, this.beta?.value.f32 ?? null, this.epsilon, rows, cols);
    this.last = { x, mean: m, variance };
    return y;
  }

  backward(dy: Tensor): Tensor {
    const { x, mean: m, variance } = this.last!;
    const { rows, cols } = this.rowsOf(x.shape);
    const dx = this.needsInputGradient ? this.buffer('dx', x.shape) : null;
    getBackend().layerNormBackward(dx?.f32 ?? null, this.gamma?.grad.f32 ?? null, this.beta?.grad.f32 ?? null, dy.f32, x.f32, m, variance, this.gamma?.value.f32 ?? null, this.epsilon, rows, cols);
    return dx ?? x;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: Array.isArray(this.axis) ? [...this.axis] : this.axis };
  }
}
