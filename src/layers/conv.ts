// Conv2D: y = act(conv(x, W) + b) on NHWC inputs, W is [kH, kW, inC, filters] as in Keras, with
// taps dilationRate apart (atrous convolution) when asked.

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

export interface Conv2DArgs extends LayerArgs, KernelBiasRegularizationArgs {
  /** Number of output channels. Required. */
  filters: number;
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
  /** Default 'glorotUniform'. */
  kernelInitializer?: string | Initializer;
  /** Default 'zeros'. */
  biasInitializer?: string | Initializer;
  /** Only 'channelsLast' (NHWC). */
  dataFormat?: 'channelsLast';
  /** Rows and columns between the kernel's taps, or one number for both; above 1 only with
   *  strides 1. Default 1. */
  dilationRate?: number | [number, number];
}

type Window = ReturnType<typeof windowGeometry>;

export class Conv2D extends ActivatedLayer {
  static override readonly className = 'Conv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly dilationRate: [number, number];
  readonly padding: Padding;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  /** The regularizers and constraints of the kernel, bias and output. */
  readonly regularization: KernelBiasRegularization;
  private lastInput: Tensor | null = null;
  private geometry: ConvGeometry | null = null;

  constructor(args: Conv2DArgs) {
    super(args, ['filters', 'kernelSize', 'strides', 'padding', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'dataFormat', 'dilationRate', ...KERNEL_BIAS_REGULARIZATION_OPTIONS]);
    requireDefault(args.dataFormat, ['channelsLast'], 'dataFormat', 'Conv2D');
    if (!Number.isInteger(args.filters) || args.filters <= 0) {
      throw new TegakiError(`Expected a strictly positive integer for filters of Conv2D. Received filters=${JSON.stringify(args.filters)}.`);
    }
    this.filters = args.filters;
    this.kernelSize = positivePair(args.kernelSize, 'kernelSize', 'Conv2D');
    this.strides = positivePair(args.strides ?? 1, 'strides', 'Conv2D');
    this.dilationRate = positivePair(args.dilationRate ?? 1, 'dilationRate', 'Conv2D');
    // TF.js accepts this layer and fails at its first call (in tf.conv2d); Keras 3 refuses it here.
    if (this.strides.some((v) => v > 1) && this.dilationRate.some((v) => v > 1)) {
      throw new TegakiError(`Conv2D: strides > 1 is not supported together with dilationRate > 1. Received strides=${JSON.stringify(this.strides)} and dilationRate=${JSON.stringify(this.dilationRate)}.`);
    }
    this.padding = paddingOption(args.padding, 'Conv2D');
    this.activation = activationName(args.activation, 'Conv2D');
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer, 'glorotUniform', 'Conv2D kernelInitializer');
    this.biasInitializer = getInitializer(args.biasInitializer, 'zeros', 'Conv2D biasInitializer');
    this.regularization = kernelBiasRegularization(args, 'Conv2D');
    this.activityRegularizer = this.regularization.activityRegularizer;
  }

  override computeOutputShape(batchShape: BatchShape | BatchShape[]): BatchShape {
    const inputShape = singleSampleShape(batchShape, this);
    if (inputShape.length !== 3) {
      throw new TegakiError(`Conv2D layer ${this.name} expects images (None, height, width, channels); received ${formatShape([null, ...inputShape])}.`);
    }
    const [h, w] = this.windows(inputShape[0]!, inputShape[1]!);
    if (h.out <= 0 || w.out <= 0) {
      const dilated = this.isDilated ? ` dilated by ${this.dilationRate.join('×')}` : '';
      throw new TegakiError(`Conv2D layer ${this.name}: a ${this.kernelSize.join('×')} window${dilated} does not fit input ${formatShape([null, ...inputShape])} with 'valid' padding.`);
    }
    return [null, h.out, w.out, this.filters];
  }

  private get isDilated(): boolean {
    return this.dilationRate.some((d) => d !== 1);
  }

  /** Output size and leading padding along height and width: the dilated kernel's reach sets both. */
  private windows(inH: number, inW: number): [Window, Window] {
    const along = (size: number, i: 0 | 1): Window => windowGeometry(size, dilatedWindow(this.kernelSize[i], this.dilationRate[i]), this.strides[i], this.padding);
    return [along(inH, 0), along(inW, 1)];
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    const z = conv2d(singleInput(inputs, this), this.kernel, this.strides, this.padding, 'NHWC', this.dilationRate);
    return activationOp(this.activation, this.bias ? add(z, this.bias) : z);
  }

  override weightSpecs(inputShape: Shape): WeightSpec[] {
    const kernel: WeightSpec = { name: 'kernel', shape: [...this.kernelSize, inputShape[2]!, this.filters], initializer: this.kernelInitializer, regularizer: this.regularization.kernelRegularizer, constraint: this.regularization.kernelConstraint };
    return this.useBias ? [kernel, { name: 'bias', shape: [this.filters], initializer: this.biasInitializer, regularizer: this.regularization.biasRegularizer, constraint: this.regularization.biasConstraint }] : [kernel];
  }

  private get kernel(): Tensor {
    return this.weights[0]!.value;
  }

  private get bias(): Tensor | null {
    return this.useBias ? this.weights[1]!.value : null;
  }

  private geometryFor(batch: number): ConvGeometry {
    if (this.geometry?.batch === batch) return this.geometry;
    const [inH, inW, inC] = this.inputShape as [number, number, number];
    const [h, w] = this.windows(inH, inW);
    this.geometry = {
      batch, inH, inW, inC, outH: h.out, outW: w.out, outC: this.filters,
      kH: this.kernelSize[0], kW: this.kernelSize[1], strideH: this.strides[0], strideW: this.strides[1],
      padTop: h.padBefore, padLeft: w.padBefore, dilationH: this.dilationRate[0], dilationW: this.dilationRate[1],
    };
    return this.geometry;
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    const batch = this.checkInput(x);
    const g = this.geometryFor(batch);
    const backend = getBackend();
    const z = this.buffer('z', [batch, g.outH, g.outW, g.outC]);
    backend.conv2d(z.f32, x.f32, this.kernel.f32, this.bias?.f32 ?? null, g, this.fusedActivation);
    this.lastInput = x;
    return this.activate(z);
  }

  protected override get biasGradient(): Float32Array | null {
    return this.bias ? this.weights[1]!.grad.f32 : null;
  }

  backwardFromPreActivation(dz: Tensor, biasGradientDone = false): Tensor {
    const x = this.lastInput!;
    const g = this.geometryFor(x.shape[0]!);
    const backend = getBackend();
    backend.conv2dBackwardFilter(this.weights[0]!.grad.f32, x.f32, dz.f32, g);
    if (this.bias && !biasGradientDone) backend.biasGrad(this.weights[1]!.grad.f32, dz.f32, g.batch * g.outH * g.outW, g.outC);
    if (!this.needsInputGradient) return x;
    const dx = this.buffer('dx', x.shape);
    backend.conv2dBackwardInput(dx.f32, dz.f32, this.kernel.f32, g);
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      // copies: a config is a snapshot, editing it must not change this layer
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dataFormat: 'channelsLast',
      dilationRate: [...this.dilationRate],
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
      ...kernelBiasRegularizationConfig(this.regularization),
    };
  }
}
