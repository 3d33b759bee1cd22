// Conv2D: y = act(conv(x, W) + b) on NHWC inputs, W is [kH, kW, inC, filters] as in Keras, with
// taps dilationRate apart (atrous convolution) when asked. BaseConv holds what every 2-D
// convolution layer shares (window options, activation, bias), as TF.js' BaseConv does.

import { activationName, type ActivationName } from '../activations.js';
import type { ConvGeometry } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { TegakiError } from '../errors.js';
import { getInitializer, serializeInitializer, type Initializer } from '../initializers.js';
import { add } from '../ops/arithmetic.js';
import { conv2d } from '../ops/nn.js';
import { dilatedWindow } from '../ops/windows.js';
import { formatShape, type Shape, Tensor } from '../tensor.js';
import { singleInput, singleSampleShape, type CallArgs, type LayerArgs, type LayerInput, type WeightSpec, type Padding, paddingOption, positivePair, requireDefault, windowGeometry, type BatchShape } from './layer.js';
import { ActivatedLayer, activationOp, type ForwardOptions } from './fused.js';
import { KERNEL_BIAS_REGULARIZATION_OPTIONS, kernelBiasRegularization, kernelBiasRegularizationConfig, type KernelBiasRegularization, type KernelBiasRegularizationArgs } from './regularization.js';

/** The options of every 2-D convolution layer (TF.js' BaseConvLayerArgs). */
export interface BaseConvArgs extends LayerArgs {
  /** Window height and width, or one number for both. Required. */
  kernelSize: number | [number, number];
  /** Default 1. */
  strides?: number | [number, number];
  /** Default 'valid'. */
  padding?: Padding;
  /** Default 'linear'. */
  activation?: ActivationName;
  /** Default true. */
  useBias?: boolean;
  /** Default 'zeros'. */
  biasInitializer?: string | Initializer;
  /** Only 'channelsLast' (NHWC). */
  dataFormat?: 'channelsLast';
  /** Rows and columns between the kernel's taps, or one number for both; above 1 only with
   *  strides 1. Default 1. */
  dilationRate?: number | [number, number];
}

export interface Conv2DArgs extends BaseConvArgs, KernelBiasRegularizationArgs {
  /** Number of output channels. Required. */
  filters: number;
  /** Default 'glorotUniform'. */
  kernelInitializer?: string | Initializer;
}

type Window = ReturnType<typeof windowGeometry>;
const BASE_CONV_OPTIONS = ['kernelSize', 'strides', 'padding', 'activation', 'useBias', 'biasInitializer', 'dataFormat', 'dilationRate'];

/** Reads filters: a strictly positive integer. */
export function filtersOption(value: unknown, layer: string): number {
  if (!Number.isInteger(value) || (value as number) <= 0) {
    throw new TegakiError(`Expected a strictly positive integer for filters of ${layer}. Received filters=${JSON.stringify(value)}.`);
  }
  return value as number;
}

/** What the 2-D convolution layers share: window options, activation and bias. */
export abstract class BaseConv extends ActivatedLayer {
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly dilationRate: [number, number];
  readonly padding: Padding;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly biasInitializer: Initializer;
  private geometry: ConvGeometry | null = null;

  constructor(args: BaseConvArgs, ownOptions: readonly string[]) {
    super(args, [...BASE_CONV_OPTIONS, ...ownOptions]);
    const name = new.target.className!;
    requireDefault(args.dataFormat, ['channelsLast'], 'dataFormat', name);
    this.kernelSize = positivePair(args.kernelSize, 'kernelSize', name);
    this.strides = positivePair(args.strides ?? 1, 'strides', name);
    this.dilationRate = positivePair(args.dilationRate ?? 1, 'dilationRate', name);
    // TF.js accepts this layer and fails at its first call (in tf.conv2d); Keras 3 refuses it here.
    if (this.strides.some((v) => v > 1) && this.dilationRate.some((v) => v > 1)) {
      throw new TegakiError(`${name}: strides > 1 is not supported together with dilationRate > 1. Received strides=${JSON.stringify(this.strides)} and dilationRate=${JSON.stringify(this.dilationRate)}.`);
    }
    this.padding = paddingOption(args.padding, name);
    this.activation = activationName(args.activation, name);
    this.useBias = args.useBias ?? true;
    this.biasInitializer = getInitializer(args.biasInitializer, 'zeros', `${name} biasInitializer`);
  }

  /** The sample shape of an image input, or a refusal naming the layer. */
  protected imageShape(batchShape: BatchShape | BatchShape[]): [number, number, number] {
    const inputShape = singleSampleShape(batchShape, this);
    if (inputShape.length !== 3) {
      throw new TegakiError(`${this.className} layer ${this.name} expects images (None, height, width, channels); received ${formatShape([null, ...inputShape])}.`);
    }
    return inputShape as [number, number, number];
  }

  /** Output height and width of the convolution over an input, checked to be positive. */
  protected convolvedSize(inputShape: [number, number, number]): [number, number] {
    const [h, w] = this.windows(inputShape[0], inputShape[1]);
    if (h.out <= 0 || w.out <= 0) {
      const dilated = this.dilationRate.some((d) => d !== 1) ? ` dilated by ${this.dilationRate.join('×')}` : '';
      throw new TegakiError(`${this.className} layer ${this.name}: a ${this.kernelSize.join('×')} window${dilated} does not fit input ${formatShape([null, ...inputShape])} with 'valid' padding.`);
    }
    return [h.out, w.out];
  }

  /** Output size and leading padding along height and width: the dilated kernel's reach sets both. */
  private windows(inH: number, inW: number): [Window, Window] {
    const along = (size: number, i: 0 | 1): Window => windowGeometry(size, dilatedWindow(this.kernelSize[i], this.dilationRate[i]), this.strides[i], this.padding);
    return [along(inH, 0), along(inW, 1)];
  }

  /** The geometry of this layer's convolution of a batch of its input into outC channels. */
  protected convGeometry(batch: number, outC: number): ConvGeometry {
    if (this.geometry?.batch === batch) return this.geometry;
    const [inH, inW, inC] = this.inputShape as [number, number, number];
    const [h, w] = this.windows(inH, inW);
    this.geometry = {
      batch, inH, inW, inC, outH: h.out, outW: w.out, outC,
      kH: this.kernelSize[0], kW: this.kernelSize[1], strideH: this.strides[0], strideW: this.strides[1],
      padTop: h.padBefore, padLeft: w.padBefore, dilationH: this.dilationRate[0], dilationW: this.dilationRate[1],
    };
    return this.geometry;
  }

  /** The bias weight (last, as in Keras), or null. */
  protected get bias(): Tensor | null {
    return this.useBias ? this.weights.at(-1)!.value : null;
  }

  protected override get biasGradient(): Float32Array | null {
    return this.useBias ? this.weights.at(-1)!.grad.f32 : null;
  }

  /** act(z + bias) in ops: the end of every call(). */
  protected finish(z: Tensor): Tensor {
    return activationOp(this.activation, this.bias ? add(z, this.bias) : z);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      // copies: a config is a snapshot, editing it must not change this layer
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dataFormat: 'channelsLast',
      dilationRate: [...this.dilationRate],
      activation: this.activation,
      useBias: this.useBias,
      biasInitializer: serializeInitializer(this.biasInitializer),
    };
  }
}

export class Conv2D extends BaseConv {
  static override readonly className = 'Conv2D';
  readonly filters: number;
  readonly kernelInitializer: Initializer;
  /** The regularizers and constraints of the kernel, bias and output. */
  readonly regularization: KernelBiasRegularization;
  private lastInput: Tensor | null = null;

  constructor(args: Conv2DArgs) {
    super(args, ['filters', 'kernelInitializer', ...KERNEL_BIAS_REGULARIZATION_OPTIONS]);
    this.filters = filtersOption(args.filters, 'Conv2D');
    this.kernelInitializer = getInitializer(args.kernelInitializer, 'glorotUniform', 'Conv2D kernelInitializer');
    this.regularization = kernelBiasRegularization(args, 'Conv2D');
    this.activityRegularizer = this.regularization.activityRegularizer;
  }

  override computeOutputShape(batchShape: BatchShape | BatchShape[]): BatchShape {
    return [null, ...this.convolvedSize(this.imageShape(batchShape)), this.filters];
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    return this.finish(conv2d(singleInput(inputs, this), this.kernel, this.strides, this.padding, 'NHWC', this.dilationRate));
  }

  override weightSpecs(inputShape: Shape): WeightSpec[] {
    const kernel: WeightSpec = { name: 'kernel', shape: [...this.kernelSize, inputShape[2]!, this.filters], initializer: this.kernelInitializer, regularizer: this.regularization.kernelRegularizer, constraint: this.regularization.kernelConstraint };
    return this.useBias ? [kernel, { name: 'bias', shape: [this.filters], initializer: this.biasInitializer, regularizer: this.regularization.biasRegularizer, constraint: this.regularization.biasConstraint }] : [kernel];
  }

  private get kernel(): Tensor {
    return this.weights[0]!.value;
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    const batch = this.checkInput(x);
    const g = this.convGeometry(batch, this.filters);
    const z = this.buffer('z', [batch, g.outH, g.outW, g.outC]);
    getBackend().conv2d(z.f32, x.f32, this.kernel.f32, this.bias?.f32 ?? null, g, this.fusedActivation);
    this.lastInput = x;
    return this.activate(z);
  }

  backwardFromPreActivation(dz: Tensor, biasGradientDone = false): Tensor {
    const x = this.lastInput!;
    const g = this.convGeometry(x.shape[0]!, this.filters);
    const backend = getBackend();
    backend.conv2dBackwardFilter(this.weights[0]!.grad.f32, x.f32, dz.f32, g);
    if (this.biasGradient && !biasGradientDone) backend.biasGrad(this.biasGradient, dz.f32, g.batch * g.outH * g.outW, g.outC);
    if (!this.needsInputGradient) return x;
    const dx = this.buffer('dx', x.shape);
    backend.conv2dBackwardInput(dx.f32, dz.f32, this.kernel.f32, g);
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), filters: this.filters, kernelInitializer: serializeInitializer(this.kernelInitializer), ...kernelBiasRegularizationConfig(this.regularization) };
  }
}
