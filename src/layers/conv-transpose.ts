// Conv2DTranspose: the gradient of a convolution with respect to its input, used as a layer
// (upsampling with learned filters). Kernel [kH, kW, filters, inC] as in Keras; its forward is
// conv2d's input gradient and its backward conv2d's forward and filter gradient, on the
// convolution that maps this layer's output back to its input.

import type { ConvGeometry } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { getInitializer, serializeInitializer, type Initializer } from '../initializers.js';
import { conv2dTranspose, transposeGeometry } from '../ops/conv-variants.js';
import type { Shape, Tensor } from '../tensor.js';
import { requireDefault, singleInput, type BatchShape, type CallArgs, type LayerInput, type WeightSpec } from './layer.js';
import { BaseConv, filtersOption, type Conv2DArgs } from './conv.js';
import type { ForwardOptions } from './fused.js';

/** TF.js' deconvLength: the output size of a transposed convolution along one axis. */
function deconvLength(size: number, stride: number, kernel: number, padding: 'valid' | 'same'): number {
  return size * stride + (padding === 'valid' ? Math.max(kernel - stride, 0) : 0);
}

/** TF.js differs: it accepts dilationRate and ignores it; here anything but 1 is refused. */
export class Conv2DTranspose extends BaseConv {
  static override readonly className = 'Conv2DTranspose';
  readonly filters: number;
  readonly kernelInitializer: Initializer;
  private lastInput: Tensor | null = null;
  private transposedGeometry: ConvGeometry | null = null;

  constructor(args: Conv2DArgs) {
    super(args, ['filters', 'kernelInitializer']);
    requireDefault(args.dilationRate, [1, [1, 1]], 'dilationRate', 'Conv2DTranspose');
    this.filters = filtersOption(args.filters, 'Conv2DTranspose');
    this.kernelInitializer = getInitializer(args.kernelInitializer, 'glorotUniform', 'Conv2DTranspose kernelInitializer');
  }

  private outputSize(inH: number, inW: number): [number, number] {
    return [deconvLength(inH, this.strides[0], this.kernelSize[0], this.padding), deconvLength(inW, this.strides[1], this.kernelSize[1], this.padding)];
  }

  override computeOutputShape(batchShape: BatchShape | BatchShape[]): BatchShape {
    const [h, w] = this.imageShape(batchShape);
    return [null, ...this.outputSize(h, w), this.filters];
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    const x = singleInput(inputs, this);
    return this.finish(conv2dTranspose(x, this.kernel, [x.shape[0]!, ...this.outputSize(x.shape[1]!, x.shape[2]!), this.filters], this.strides, this.padding));
  }

  override weightSpecs(inputShape: Shape): WeightSpec[] {
    const kernel: WeightSpec = { name: 'kernel', shape: [...this.kernelSize, this.filters, inputShape[2]!], initializer: this.kernelInitializer };
    return this.useBias ? [kernel, { name: 'bias', shape: [this.filters], initializer: this.biasInitializer }] : [kernel];
  }

  private get kernel(): Tensor {
    return this.weights[0]!.value;
  }

  /** The convolution from this layer's output (its input side) to this layer's input. */
  private transposed(batch: number): ConvGeometry {
    if (this.transposedGeometry?.batch === batch) return this.transposedGeometry;
    const [inH, inW, inC] = this.inputShape as [number, number, number];
    const [outH, outW] = this.outputSize(inH, inW);
    this.transposedGeometry = transposeGeometry(batch, inH, inW, inC, outH, outW, this.filters, this.kernelSize[0], this.kernelSize[1], this.strides, this.padding, 'Conv2DTranspose');
    return this.transposedGeometry;
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    const g = this.transposed(this.checkInput(x));
    const z = this.buffer('z', [g.batch, g.inH, g.inW, this.filters]);
    const backend = getBackend();
    backend.conv2dBackwardInput(z.f32, x.f32, this.kernel.f32, g);
    backend.biasActivation(z.f32, this.bias?.f32 ?? null, z.size / this.filters, this.filters, this.fusedActivation);
    this.lastInput = x;
    return this.activate(z);
  }

  backwardFromPreActivation(dz: Tensor, biasGradientDone = false): Tensor {
    const x = this.lastInput!;
    const g = this.transposed(x.shape[0]!);
    const backend = getBackend();
    if (this.biasGradient && !biasGradientDone) backend.biasGrad(this.biasGradient, dz.f32, dz.size / this.filters, this.filters);
    backend.conv2dBackwardFilter(this.weights[0]!.grad.f32, dz.f32, x.f32, g);
    if (!this.needsInputGradient) return x;
    const dx = this.buffer('dx', x.shape);
    backend.conv2d(dx.f32, dz.f32, this.kernel.f32, null, g);
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    // TF.js' Conv2DTranspose config has no dilationRate
    const { dilationRate: _, ...config } = super.getConfig();
    return { ...config, filters: this.filters, kernelInitializer: serializeInitializer(this.kernelInitializer) };
  }
}
