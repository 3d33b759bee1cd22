// The advanced activation layers of TF.js and Keras: ReLU (maxValue), LeakyReLU, PReLU (a learned
// alpha), ELU, ThresholdedReLU and Softmax (any axes), each with fused kernels and call() in ops.

import { activationNeedsInput, type ElementwiseActivation } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { TegakiError } from '../errors.js';
import { getInitializer, serializeInitializer, type Initializer } from '../initializers.js';
import { mul, reshape, sumTo } from '../ops/arithmetic.js';
import { greater, greaterEqual, where } from '../ops/compare.js';
import { withoutRecording } from '../ops/engine.js';
import { clipByValue, elu, leakyRelu, relu } from '../ops/math.js';
import { prelu, softmax } from '../ops/nn.js';
import { transpose } from '../ops/shape.js';
import { shown } from '../json.js';
import { sizeOf, Tensor, type Shape } from '../tensor.js';
import { FusedLayer, type ForwardOptions } from './fused.js';
import { singleInput, type CallArgs, type LayerArgs, type LayerInput, type WeightSpec } from './layer.js';

/** A finite number option, or its default when absent; refused otherwise, quoting the value. */
function numberOption(value: unknown, fallback: number, option: string, layer: string, check: (v: number) => boolean = () => true, expected = 'a number'): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) throw new TegakiError(`Expected ${option} of ${layer} to be ${expected}. Received ${option}=${shown(value)}.`);
  return value;
}

/** A weightless layer computing one backend activation kind elementwise. */
abstract class ElementwiseLayer extends FusedLayer {
  /** The backend kernel's kind and its parameter. */
  protected abstract get kind(): ElementwiseActivation;
  protected abstract get param(): number | undefined;
  private lastInput: Tensor | null = null;
  private lastOutput: Tensor | null = null;

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    this.checkInput(x);
    const y = this.buffer('y', x.shape);
    getBackend().activation(y.f32, x.f32, this.kind, this.param);
    this.lastInput = x;
    this.lastOutput = y;
    return y;
  }

  backward(dy: Tensor): Tensor {
    const dx = this.buffer('dx', dy.shape);
    const saved = activationNeedsInput(this.kind) ? this.lastInput! : this.lastOutput!;
    getBackend().activationBackward(dx.f32, dy.f32, saved.f32, this.kind, this.param);
    return dx;
  }
}

export interface ReLULayerArgs extends LayerArgs {
  /** Upper bound of the output (no bound when absent). Default none. */
  maxValue?: number;
}

/** TF.js' ReLU layer: max(x, 0), clipped at maxValue when given. */
export class ReLU extends ElementwiseLayer {
  static override readonly className = 'ReLU';
  readonly maxValue: number | undefined;

  constructor(args: ReLULayerArgs = {}) {
    super(args, ['maxValue']);
    const max = numberOption(args.maxValue, NaN, 'maxValue', 'ReLU', (v) => v >= 0, 'a non-negative number');
    this.maxValue = Number.isNaN(max) ? undefined : max;
  }

  protected get kind(): ElementwiseActivation {
    return this.maxValue === undefined ? 'relu' : 'clippedRelu';
  }

  protected get param(): number | undefined {
    return this.maxValue;
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    const y = relu(singleInput(inputs, this));
    return this.maxValue === undefined ? y : clipByValue(y, 0, this.maxValue);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), maxValue: this.maxValue ?? null };
  }
}

export interface LeakyReLULayerArgs extends LayerArgs {
  /** Slope for x < 0. Default 0.3 (TF.js and Keras 2; Keras 3's negative_slope defaults to 0.2). */
  alpha?: number;
}

/** x for x ≥ 0, alpha·x below. */
export class LeakyReLU extends ElementwiseLayer {
  static override readonly className = 'LeakyReLU';
  readonly alpha: number;

  constructor(args: LeakyReLULayerArgs = {}) {
    super(args, ['alpha']);
    this.alpha = numberOption(args.alpha, 0.3, 'alpha', 'LeakyReLU');
  }

  protected get kind(): ElementwiseActivation {
    return 'leakyRelu';
  }

  protected get param(): number {
    return this.alpha;
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    return leakyRelu(singleInput(inputs, this), this.alpha);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

export interface ELULayerArgs extends LayerArgs {
  /** Scale of the negative part, alpha·(eˣ − 1). Default 1. */
  alpha?: number;
}

/**
 * Exponential linear unit. TF.js differs: its ELU layer refuses alpha other than 1; Keras takes
 * any alpha, and so do we (such a model.json loads in Keras, not in TF.js).
 */
export class ELU extends ElementwiseLayer {
  static override readonly className = 'ELU';
  readonly alpha: number;

  constructor(args: ELULayerArgs = {}) {
    super(args, ['alpha']);
    this.alpha = numberOption(args.alpha, 1, 'alpha', 'ELU');
  }

  protected get kind(): ElementwiseActivation {
    return 'elu';
  }

  protected get param(): number {
    return this.alpha;
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    const x = singleInput(inputs, this);
    // elu(x)·(alpha where x < 0): the factor is constant on each side, so the gradient scales alike
    return this.alpha === 1 ? elu(x) : mul(elu(x), where(greaterEqual(x, 0), 1, this.alpha));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

export interface ThresholdedReLULayerArgs extends LayerArgs {
  /** x passes where x > theta, else 0. Default 1. */
  theta?: number;
}

export class ThresholdedReLU extends ElementwiseLayer {
  static override readonly className = 'ThresholdedReLU';
  readonly theta: number;

  constructor(args: ThresholdedReLULayerArgs = {}) {
    super(args, ['theta']);
    this.theta = numberOption(args.theta, 1, 'theta', 'ThresholdedReLU');
  }

  protected get kind(): ElementwiseActivation {
    return 'thresholdedRelu';
  }

  protected get param(): number {
    return this.theta;
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    const x = singleInput(inputs, this);
    return mul(x, where(greater(x, this.theta), 1, 0));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), theta: this.theta };
  }
}

export interface PReLULayerArgs extends LayerArgs {
  /** Initial alpha. Default 'zeros'. */
  alphaInitializer?: string | Initializer;
  /** Axes (1-based, of the input with its batch axis) along which one alpha is shared, e.g. [1, 2] for images. Default none. */
  sharedAxes?: number | number[];
}

/** Parametric ReLU: x for x > 0, alpha·x below, with alpha learned per position (or shared along sharedAxes). */
export class PReLU extends FusedLayer {
  static override readonly className = 'PReLU';
  readonly alphaInitializer: Initializer;
  readonly sharedAxes: number[] | null;
  private alphaFull: Float32Array = new Float32Array(0);
  private lastInput: Tensor | null = null;

  constructor(args: PReLULayerArgs = {}) {
    super(args, ['alphaInitializer', 'sharedAxes']);
    this.alphaInitializer = getInitializer(args.alphaInitializer, 'zeros', 'PReLU alphaInitializer');
    const axes = typeof args.sharedAxes === 'number' ? [args.sharedAxes] : args.sharedAxes;
    if (axes !== undefined && axes !== null && (!Array.isArray(axes) || axes.some((a) => !Number.isInteger(a) || a < 1))) {
      throw new TegakiError(`Expected sharedAxes of PReLU to be positive integers (axes after the batch axis). Received sharedAxes=${shown(args.sharedAxes)}.`);
    }
    this.sharedAxes = axes ? [...axes] : null;
  }

  /** alpha's shape: the sample shape with 1 along the shared axes. */
  private alphaShape(inputShape: Shape): number[] {
    const shape = [...inputShape];
    for (const axis of this.sharedAxes ?? []) {
      if (axis > shape.length) throw new TegakiError(`PReLU: sharedAxes ${shown(this.sharedAxes)} names axis ${axis}, but the input has ${shape.length} axes after the batch axis.`);
      shape[axis - 1] = 1;
    }
    return shape;
  }

  override weightSpecs(inputShape: Shape): WeightSpec[] {
    return [{ name: 'alpha', shape: this.alphaShape(inputShape), initializer: this.alphaInitializer }];
  }

  private get alpha(): Tensor {
    return this.weights[0]!.value;
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    return prelu(singleInput(inputs, this), this.alpha);
  }

  /** alpha broadcast to the sample shape (a view of alpha itself when nothing is shared). */
  private expandedAlpha(): Float32Array {
    if (!this.sharedAxes) return this.alpha.f32;
    const size = sizeOf(this.inputShape);
    if (this.alphaFull.length !== size) this.alphaFull = new Float32Array(size);
    getBackend().tile(this.alpha.f32, this.alpha.shape, this.alphaFull, this.inputShape);
    return this.alphaFull;
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    this.checkInput(x);
    const y = this.buffer('y', x.shape);
    getBackend().prelu(y.f32, x.f32, this.expandedAlpha(), sizeOf(this.inputShape));
    this.lastInput = x;
    return y;
  }

  backward(dy: Tensor): Tensor {
    const x = this.lastInput!;
    const size = sizeOf(this.inputShape);
    const dx = this.needsInputGradient ? this.buffer('dx', dy.shape) : null;
    const grad = this.weights[0]!.grad;
    const dalpha = this.sharedAxes ? new Float32Array(size) : grad.f32;
    getBackend().preluBackward(dx?.f32 ?? null, dalpha, dy.f32, x.f32, this.expandedAlpha(), size);
    // shared axes: the per-position gradients summed along them
    if (this.sharedAxes) grad.f32.set(withoutRecording(() => sumTo(new Tensor(this.inputShape, dalpha), grad.shape)).f32);
    return dx ?? x;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alphaInitializer: serializeInitializer(this.alphaInitializer), sharedAxes: this.sharedAxes ? [...this.sharedAxes] : null };
  }
}

export interface SoftmaxLayerArgs extends LayerArgs {
  /** The axis, or axes, normalized over (of the input with its batch axis). Default -1. */
  axis?: number | number[];
}

/**
 * Softmax over one or several axes. TF.js differs: its default axis is 1 (the same as -1 for
 * [batch, features]), and it computes only the last axis; Keras' default is -1 and any axes work.
 */
export class Softmax extends FusedLayer {
  static override readonly className = 'Softmax';
  readonly axis: number | number[];
  private lastOutput: Tensor | null = null;

  constructor(args: SoftmaxLayerArgs = {}) {
    super(args, ['axis']);
    const axis = args.axis ?? -1;
    const list = Array.isArray(axis) ? axis : [axis];
    if (list.length === 0 || list.some((a) => !Number.isInteger(a) || a === 0)) {
      throw new TegakiError(`Expected axis of Softmax to be a non-zero integer or a list of them (axis 0 is the batch). Received axis=${shown(args.axis)}.`);
    }
    this.axis = Array.isArray(axis) ? [...axis] : axis;
  }

  /** The softmax axes as sample axes (0-based, after the batch axis), sorted; checked against the rank. */
  private sampleAxes(rank: number): number[] {
    const list = Array.isArray(this.axis) ? this.axis : [this.axis];
    const axes = list.map((a) => (a < 0 ? a + rank + 1 : a) - 1);
    if (axes.some((a) => a < 0 || a >= rank) || new Set(axes).size !== axes.length) {
      throw new TegakiError(`Softmax: axis ${shown(this.axis)} does not name distinct axes after the batch axis of an input of rank ${rank + 1}.`);
    }
    return axes.sort((a, b) => a - b);
  }

  override computeOutputShape(inputShape: (number | null)[] | (number | null)[][]): (number | null)[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    this.sampleAxes(shape.length - 1);
    return shape;
  }

  /**
   * How a batch is laid out for a row softmax: the permutation that moves the softmax axes last
   * (null when they already are), and the row length.
   */
  private layout(sampleShape: Shape): { perm: number[] | null; cols: number } {
    const rank = sampleShape.length;
    const axes = this.sampleAxes(rank);
    const rest = [...Array(rank).keys()].filter((a) => !axes.includes(a));
    const cols = axes.reduce((n, a) => n * sampleShape[a]!, 1);
    const trailing = axes.every((a, i) => a === rank - axes.length + i);
    return { perm: trailing ? null : [0, ...[...rest, ...axes].map((a) => a + 1)], cols };
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    const x = singleInput(inputs, this);
    const { perm, cols } = this.layout(x.shape.slice(1));
    const moved = perm ? transpose(x, perm) : x;
    const y = reshape(softmax(reshape(moved, [moved.size / cols, cols])), moved.shape);
    return perm ? transpose(y, inversePermutation(perm)) : y;
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    this.checkInput(x);
    const backend = getBackend();
    const { perm, cols } = this.layout(this.inputShape);
    const rows = x.size / cols;
    if (!perm) {
      const y = this.buffer('y', x.shape);
      backend.softmax(y.f32, x.f32, rows, cols);
      this.lastOutput = y;
      return y;
    }
    // softmax in the permuted layout (kept for backward), then back to the input's
    const movedShape = perm.map((a) => x.shape[a]!);
    const moved = this.buffer('moved', movedShape);
    backend.transpose(x.f32, x.shape, perm, moved.f32);
    const yMoved = this.buffer('yMoved', movedShape);
    backend.softmax(yMoved.f32, moved.f32, rows, cols);
    const y = this.buffer('y', x.shape);
    backend.transpose(yMoved.f32, movedShape, inversePermutation(perm), y.f32);
    this.lastOutput = yMoved;
    return y;
  }

  backward(dy: Tensor): Tensor {
    const backend = getBackend();
    const { perm, cols } = this.layout(this.inputShape);
    const yMoved = this.lastOutput!;
    const dx = this.buffer('dx', dy.shape);
    if (!perm) {
      backend.softmaxBackward(dx.f32, dy.f32, yMoved.f32, dy.size / cols, cols);
      return dx;
    }
    const dyMoved = this.buffer('dyMoved', yMoved.shape);
    backend.transpose(dy.f32, dy.shape, perm, dyMoved.f32);
    backend.softmaxBackward(dyMoved.f32, dyMoved.f32, yMoved.f32, dy.size / cols, cols);
    backend.transpose(dyMoved.f32, yMoved.shape, inversePermutation(perm), dx.f32);
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: Array.isArray(this.axis) ? [...this.axis] : this.axis };
  }
}

/** The permutation that undoes perm. */
export function inversePermutation(perm: readonly number[]): number[] {
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return inverse;
}
