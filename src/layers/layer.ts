// The layer contract (after Keras): constructor validates its config, build(inputShape) creates
// weights, forward/backward run a batch, computeOutputShape and getConfig describe it.

import { activationBackward, activationForward, type ActivationName } from '../activations.js';
import type { ElementwiseActivation } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { refuseUnknownOptions, TegakiError } from '../errors.js';
import { initialize, type InitializerName } from '../initializers.js';
import type { Random } from '../random.js';
import { formatShape, sizeOf, Tensor, type Shape } from '../tensor.js';

/** Options every layer accepts. */
export interface LayerArgs {
  /** Unique name within the model. Default: the class name in snake_case, numbered (`dense_1`). */
  name?: string;
  /** Shape of one sample, without the batch dimension; only the first layer needs it. */
  inputShape?: number[];
  /** The same with a leading batch dimension (null), as getConfig writes it; inputShape wins. */
  batchInputShape?: (number | null)[];
  /** Whether the optimizer updates this layer's weights. Default true. */
  trainable?: boolean;
}

/** A weight a layer will create once it knows its input shape. */
export interface WeightSpec {
  name: string;
  shape: number[];
  initializer: InitializerName;
}

/** A trainable array and the gradient of the loss with respect to it. */
export interface Weight {
  name: string;
  value: Tensor;
  grad: Tensor;
}

export interface ForwardOptions {
  training: boolean;
  /** Random stream for layers that draw during training (dropout). */
  rng: Random;
}

export abstract class Layer {
  abstract readonly className: string;
  name: string;
  trainable: boolean;
  readonly declaredInputShape: number[] | undefined;
  /** Weights in Keras order (kernel, then bias). */
  readonly weights: Weight[] = [];
  /** Whether backward must produce dL/dx; false for the first layer saves a whole pass. */
  needsInputGradient = true;
  private built = false;
  private inShape: number[] = [];
  private outShape: number[] = [];
  private readonly buffers = new Map<string, Tensor>();

  /** ownOptions: the options of the subclass, besides LayerArgs; any other is refused by name. */
  constructor(args: LayerArgs = {}, ownOptions: readonly string[] = []) {
    checkLayerOptions(args, ownOptions, new.target.name);
    this.name = args.name ?? '';
    this.trainable = args.trainable ?? true;
    if (args.inputShape !== undefined) {
      if (!Array.isArray(args.inputShape) || args.inputShape.some((d) => !Number.isInteger(d) || d <= 0)) {
        throw new TegakiError(`Expected inputShape to be positive integers. Received inputShape=${JSON.stringify(args.inputShape)}.`);
      }
      this.declaredInputShape = [...args.inputShape];
    } else if (args.batchInputShape !== undefined) {
      // what getConfig writes, so that new Layer(layer.getConfig()) keeps the input shape
      const shape = args.batchInputShape;
      if (!Array.isArray(shape) || shape.length < 2 || shape.slice(1).some((d) => !Number.isInteger(d) || d! <= 0)) {
        throw new TegakiError(`Expected batchInputShape to be [null, ...positive integers]. Received batchInputShape=${JSON.stringify(shape)}.`);
      }
      this.declaredInputShape = shape.slice(1) as number[];
    }
  }

  /** Shape of one input sample (no batch dimension); known once built. */
  get inputShape(): number[] {
    return this.inShape;
  }

  /** Shape of one output sample (no batch dimension); known once built. */
  get outputShape(): number[] {
    return this.outShape;
  }

  get isBuilt(): boolean {
    return this.built;
  }

  /** Check the input shape, create weights (drawing initial values from rng). */
  build(inputShape: Shape, rng: Random): void {
    const outShape = this.computeOutputShape(inputShape);
    for (const spec of this.weightSpecs(inputShape)) {
      const value = new Tensor(spec.shape);
      initialize(value.f32, spec.shape, spec.initializer, rng);
      this.weights.push({ name: spec.name, value, grad: new Tensor(spec.shape) });
    }
    this.inShape = [...inputShape];
    this.outShape = outShape;
    this.built = true;
  }

  /**
   * The weights build() creates for this input shape, in Keras order, without allocating them:
   * a loader checks them against a file before trusting its sizes.
   */
  weightSpecs(_inputShape: Shape): WeightSpec[] {
    return [];
  }

  /** Output shape of one sample for a given input sample shape. */
  abstract computeOutputShape(inputShape: Shape): number[];

  /** Run a batch [batch, ...inputShape]. The result is owned by the layer and reused next call. */
  abstract forward(x: Tensor, options: ForwardOptions): Tensor;

  /** Given dL/dy for the last forward, write weight gradients and return dL/dx. */
  abstract backward(dy: Tensor): Tensor;

  /** TF.js-style camelCase config; enough to rebuild the layer. */
  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable };
    if (this.declaredInputShape) config['batchInputShape'] = [null, ...this.declaredInputShape];
    return config;
  }

  countParams(): number {
    return this.weights.reduce((n, w) => n + w.value.size, 0);
  }

  getWeights(): Tensor[] {
    return this.weights.map((w) => w.value.clone());
  }

  setWeights(values: readonly Tensor[]): void {
    if (values.length !== this.weights.length) {
      throw new TegakiError(`Layer ${this.name} expects ${this.weights.length} weight arrays, received ${values.length}.`);
    }
    values.forEach((v, i) => {
      const w = this.weights[i]!;
      if (v.size !== w.value.size || v.shape.join() !== w.value.shape.join()) {
        throw new TegakiError(`Layer ${this.name} weight ${w.name} has shape ${formatShape(w.value.shape)}, received ${formatShape(v.shape)}.`);
      }
      w.value.f32.set(v.f32);
    });
  }

  /** A tensor of the given shape kept for reuse under key: allocation only when the size changes. */
  protected buffer(key: string, shape: Shape): Tensor {
    const existing = this.buffers.get(key);
    if (existing && existing.size === sizeOf(shape)) {
      return existing.shape.join() === shape.join() ? existing : existing.reshapeView(shape);
    }
    const t = new Tensor(shape);
    this.buffers.set(key, t);
    return t;
  }

  /** Throws a clear error when a batch does not match the built input shape. */
  protected checkInput(x: Tensor): number {
    const expected = this.inShape;
    if (x.rank !== expected.length + 1 || expected.some((d, i) => x.shape[i + 1] !== d)) {
      throw new TegakiError(`Layer ${this.name} expects input ${formatShape([null, ...expected])}, received ${formatShape(x.shape)}.`);
    }
    return x.shape[0]!;
  }
}

/**
 * A layer whose output is act(pre-activation). It keeps the pre-activation when the activation is
 * softmax, so a cross-entropy loss can work from the logits (stable) and skip the softmax backward.
 */
export abstract class ActivatedLayer extends Layer {
  abstract readonly activation: ActivationName;
  private lastOutput: Tensor | null = null;
  private lastLogits: Tensor | null = null;

  /** The pre-activation of the last forward (only kept for softmax). */
  get logits(): Tensor | null {
    return this.lastLogits;
  }

  /** The part of the activation a kernel can fuse with the bias add (all but softmax). */
  protected get fusedActivation(): ElementwiseActivation {
    return this.activation === 'softmax' ? 'linear' : this.activation;
  }

  /**
   * Finish the activation of z, whose elementwise part (fusedActivation) is already applied in
   * place, and remember what backward needs.
   */
  protected activate(z: Tensor): Tensor {
    if (this.activation !== 'softmax') {
      this.lastLogits = null;
      this.lastOutput = z;
      return z;
    }
    const cols = z.shape[z.rank - 1]!;
    const y = this.buffer('softmax', z.shape);
    activationForward('softmax', y.f32, z.f32, z.size / cols, cols);
    this.lastLogits = z;
    this.lastOutput = y;
    return y;
  }

  /** dL/dz from dL/dy, into a reused buffer. */
  protected deactivate(dy: Tensor): Tensor {
    const y = this.lastOutput!;
    if (this.activation === 'linear') return dy;
    const cols = y.shape[y.rank - 1]!;
    const dz = this.buffer('dz', y.shape);
    activationBackward(this.activation, dz.f32, dy.f32, y.f32, y.size / cols, cols);
    return dz;
  }

  /** The gradient buffer of the bias, or null when the layer has none. */
  protected get biasGradient(): Float32Array | null {
    return null;
  }

  override backward(dy: Tensor): Tensor {
    const y = this.lastOutput!;
    const db = this.biasGradient;
    if (this.activation === 'softmax' || this.activation === 'linear' || !db) return this.backwardFromPreActivation(this.deactivate(dy));
    // One pass gives dz and the bias gradient (both read the same rows).
    const cols = y.shape[y.rank - 1]!;
    const dz = this.buffer('dz', y.shape);
    getBackend().biasActivationBackward(dz.f32, db, dy.f32, y.f32, y.size / cols, cols, this.activation);
    return this.backwardFromPreActivation(dz, true);
  }

  /**
   * Backward from dL/dz, the gradient with respect to the pre-activation. biasGradientDone says
   * the bias gradient is already written (by the fused pass in backward).
   */
  abstract backwardFromPreActivation(dz: Tensor, biasGradientDone?: boolean): Tensor;
}

/** The options every layer takes (TF.js' LayerArgs that tegaki implements). */
const LAYER_OPTIONS = ['name', 'inputShape', 'batchInputShape', 'trainable', 'dtype'];

/** Options a layer does not implement (regularizers, constraints, ...) are refused by name. */
function checkLayerOptions(args: object, own: readonly string[], layer: string): void {
  refuseUnknownOptions(args, [...own, ...LAYER_OPTIONS], layer);
  const dtype = (args as { dtype?: unknown }).dtype;
  if (dtype !== undefined && dtype !== null && dtype !== 'float32') throw new TegakiError(`${layer}: dtype '${String(dtype)}' is not supported (float32 only).`);
}

/** Options a layer accepts only at their default, e.g. dataFormat 'channelsLast' or dilationRate 1. */
export function requireDefault(value: unknown, allowed: readonly unknown[], option: string, layer: string): void {
  if (value === undefined || value === null) return;
  if (!allowed.some((a) => JSON.stringify(a) === JSON.stringify(value))) throw new TegakiError(`${layer}: ${option}=${JSON.stringify(value)} is not supported yet (only ${allowed.map((a) => JSON.stringify(a)).join(' or ')}).`);
}

/** Keras-style snake_case base name for automatic layer names: MaxPooling2D → max_pooling2d. */
export function snakeCase(className: string): string {
  return className
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** Reads a positive integer option, or a pair of them, with Keras-style error messages. */
export function positivePair(value: unknown, field: string, layerName: string): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || pair.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new TegakiError(`Expected ${field} of layer ${layerName} to be a positive integer or a pair of them. Received ${field}=${JSON.stringify(value)}.`);
  }
  return [pair[0], pair[1]];
}

export { paddingOption, windowGeometry, type Padding } from '../ops/windows.js';
