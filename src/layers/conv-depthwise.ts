// DepthwiseConv2D (each input channel convolved with its own depthMultiplier filters) and
// SeparableConv2D (that, then a 1×1 convolution mixing the channels), as in TF.js and Keras:
// weights depthwise_kernel [kH, kW, inC, m], pointwise_kernel [1, 1, inC·m, filters], bias.

import type { ConvGeometry } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { TegakiError } from '../errors.js';
import { getInitializer, serializeInitializer, type Initializer } from '../initializers.js';
import { conv2d } from '../ops/nn.js';
import { depthwiseConv2d } from '../ops/conv-variants.js';
import type { Shape, Tensor } from '../tensor.js';
import { singleInput, type BatchShape, type CallArgs, type LayerInput, type WeightSpec } from './layer.js';
import { BaseConv, filtersOption, type BaseConvArgs } from './conv.js';
import type { ForwardOptions } from './fused.js';

export interface DepthwiseConv2DArgs extends BaseConvArgs {
  /** Output channels per input channel. Default 1. */
  depthMultiplier?: number;
  /** Default 'glorotUniform'. */
  depthwiseInitializer?: string | Initializer;
}

export interface SeparableConv2DArgs extends DepthwiseConv2DArgs {
  /** Number of output channels. Required. */
  filters: number;
  /** Default 'glorotUniform'. */
  pointwiseInitializer?: string | Initializer;
}

/** The depthwise part both layers share: its option, weight and kernels. */
abstract class DepthwiseBase extends BaseConv {
  readonly depthMultiplier: number;
  readonly depthwiseInitializer: Initializer;
  protected lastInput: Tensor | null = null;

  constructor(args: DepthwiseConv2DArgs, ownOptions: readonly string[]) {
    super(args, ['depthMultiplier', 'depthwiseInitializer', ...ownOptions]);
    const name = new.target.className!;
    const m = args.depthMultiplier ?? 1;
    if (!Number.isInteger(m) || m <= 0) throw new TegakiError(`Expected a strictly positive integer for depthMultiplier of ${name}. Received depthMultiplier=${JSON.stringify(args.depthMultiplier)}.`);
    this.depthMultiplier = m;
    this.depthwiseInitializer = getInitializer(args.depthwiseInitializer, 'glorotUniform', `${name} depthwiseInitializer`);
  }

  protected depthwiseSpec(inputShape: Shape): WeightSpec {
    return { name: 'depthwise_kernel', shape: [...this.kernelSize, inputShape[2]!, this.depthMultiplier], initializer: this.depthwiseInitializer };
  }

  protected get depthwiseKernel(): Tensor {
    return this.weights[0]!.value;
  }

  /** The depthwise convolution's geometry for a batch: inC·m output channels. */
  protected depthwiseGeometry(batch: number): ConvGeometry {
    return this.convGeometry(batch, this.inputShape[2]! * this.depthMultiplier);
  }

  /** The depthwise convolution in ops (call()'s first step). */
  protected depthwiseOp(x: Tensor): Tensor {
    return depthwiseConv2d(x, this.depthwiseKernel, this.strides, this.padding, 'NHWC', this.dilationRate);
  }

  /** Writes the depthwise kernel's gradient for dm (dL/d its output); returns dL/dx unless not needed. */
  protected depthwiseBackward(dm: Tensor): Tensor {
    const x = this.lastInput!;
    const g = this.depthwiseGeometry(x.shape[0]!);
    getBackend().depthwiseConv2dBackwardFilter(this.weights[0]!.grad.f32, x.f32, dm.f32, g);
    if (!this.needsInputGradient) return x;
    const dx = this.buffer('dx', x.shape);
    getBackend().depthwiseConv2dBackwardInput(dx.f32, dm.f32, this.depthwiseKernel.f32, g);
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), depthMultiplier: this.depthMultiplier, depthwiseInitializer: serializeInitializer(this.depthwiseInitializer) };
  }
}

/**
 * TF.js differs: its DepthwiseConv2D ignores dilationRate (a TODO in tfjs-layers); here it is
 * honoured as in Keras 3.
 */
export class DepthwiseConv2D extends DepthwiseBase {
  static override readonly className = 'DepthwiseConv2D';

  constructor(args: DepthwiseConv2DArgs) {
    super(args, []);
  }

  override computeOutputShape(batchShape: BatchShape | BatchShape[]): BatchShape {
    const shape = this.imageShape(batchShape);
    return [null, ...this.convolvedSize(shape), shape[2] * this.depthMultiplier];
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    return this.finish(this.depthwiseOp(singleInput(inputs, this)));
  }

  override weightSpecs(inputShape: Shape): WeightSpec[] {
    const depthwise = this.depthwiseSpec(inputShape);
    return this.useBias ? [depthwise, { name: 'bias', shape: [inputShape[2]! * this.depthMultiplier], initializer: this.biasInitializer }] : [depthwise];
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    const g = this.depthwiseGeometry(this.checkInput(x));
    const z = this.buffer('z', [g.batch, g.outH, g.outW, g.outC]);
    getBackend().depthwiseConv2d(z.f32, x.f32, this.depthwiseKernel.f32, this.bias?.f32 ?? null, g, this.fusedActivation);
    this.lastInput = x;
    return this.activate(z);
  }

  backwardFromPreActivation(dz: Tensor, biasGradientDone = false): Tensor {
    if (this.biasGradient && !biasGradientDone) getBackend().biasGrad(this.biasGradient, dz.f32, dz.size / dz.shape[3]!, dz.shape[3]!);
    return this.depthwiseBackward(dz);
  }
}

export class SeparableConv2D extends DepthwiseBase {
  static override readonly className = 'SeparableConv2D';
  readonly filters: number;
  readonly pointwiseInitializer: Initializer;
  /** The depthwise output of the last forward: the pointwise convolution's input. */
  private lastDepthwise: Tensor | null = null;

  constructor(args: SeparableConv2DArgs) {
    super(args, ['filters', 'pointwiseInitializer']);
    this.filters = filtersOption(args.filters, 'SeparableConv2D');
    this.pointwiseInitializer = getInitializer(args.pointwiseInitializer, 'glorotUniform', 'SeparableConv2D pointwiseInitializer');
  }

  override computeOutputShape(batchShape: BatchShape | BatchShape[]): BatchShape {
    return [null, ...this.convolvedSize(this.imageShape(batchShape)), this.filters];
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    return this.finish(conv2d(this.depthwiseOp(singleInput(inputs, this)), this.pointwiseKernel, 1, 'valid'));
  }

  override weightSpecs(inputShape: Shape): WeightSpec[] {
    const specs: WeightSpec[] = [
      this.depthwiseSpec(inputShape),
      { name: 'pointwise_kernel', shape: [1, 1, inputShape[2]! * this.depthMultiplier, this.filters], initializer: this.pointwiseInitializer },
    ];
    return this.useBias ? [...specs, { name: 'bias', shape: [this.filters], initializer: this.biasInitializer }] : specs;
  }

  private get pointwiseKernel(): Tensor {
    return this.weights[1]!.value;
  }

  /** The 1×1 convolution over the depthwise output's pixels. */
  private pointwiseGeometry(depthwise: ConvGeometry): ConvGeometry {
    const { batch, outH, outW, outC } = depthwise;
    return { batch, inH: outH, inW: outW, inC: outC, outH, outW, outC: this.filters, kH: 1, kW: 1, strideH: 1, strideW: 1, padTop: 0, padLeft: 0 };
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    const g = this.depthwiseGeometry(this.checkInput(x));
    const m = this.buffer('depthwise', [g.batch, g.outH, g.outW, g.outC]);
    getBackend().depthwiseConv2d(m.f32, x.f32, this.depthwiseKernel.f32, null, g);
    const z = this.buffer('z', [g.batch, g.outH, g.outW, this.filters]);
    getBackend().conv2d(z.f32, m.f32, this.pointwiseKernel.f32, this.bias?.f32 ?? null, this.pointwiseGeometry(g), this.fusedActivation);
    this.lastInput = x;
    this.lastDepthwise = m;
    return this.activate(z);
  }

  backwardFromPreActivation(dz: Tensor, biasGradientDone = false): Tensor {
    const m = this.lastDepthwise!;
    const g = this.pointwiseGeometry(this.depthwiseGeometry(m.shape[0]!));
    const backend = getBackend();
    if (this.biasGradient && !biasGradientDone) backend.biasGrad(this.biasGradient, dz.f32, g.batch * g.outH * g.outW, g.outC);
    backend.conv2dBackwardFilter(this.weights[1]!.grad.f32, m.f32, dz.f32, g);
    const dm = this.buffer('dDepthwise', m.shape);
    backend.conv2dBackwardInput(dm.f32, dz.f32, this.pointwiseKernel.f32, g);
    return this.depthwiseBackward(dm);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), filters: this.filters, pointwiseInitializer: serializeInitializer(this.pointwiseInitializer) };
  }
}
