// Dense: y = act(x·W + b), W is [inputDim, units] as in Keras; inputs of rank > 2 are
// multiplied along their last axis (every other axis is a row), as in Keras and TF.js.

import { activationName, type ActivationName } from '../activations.js';
import { getBackend } from '../backend/select.js';
import { TegakiError } from '../errors.js';
import { getInitializer, serializeInitializer, type Initializer } from '../initializers.js';
import { add, reshape } from '../ops/arithmetic.js';
import { matMul } from '../ops/matmul.js';
import { formatShape, type Shape, Tensor } from '../tensor.js';
import { singleInput, singleSampleShape, type CallArgs, type LayerArgs, type LayerInput, type WeightSpec, type BatchShape } from './layer.js';
import { ActivatedLayer, activationOp, type ForwardOptions } from './fused.js';
import { KERNEL_BIAS_REGULARIZATION_OPTIONS, kernelBiasRegularization, kernelBiasRegularizationConfig, type KernelBiasRegularization, type KernelBiasRegularizationArgs } from './regularization.js';

export interface DenseArgs extends LayerArgs, KernelBiasRegularizationArgs {
  /** Number of outputs. Required. */
  units: number;
  /** Default 'linear'. */
  activation?: ActivationName;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: string | Initializer;
  /** Default 'zeros'. */
  biasInitializer?: string | Initializer;
  /** TF.js' shorthand for inputShape [inputDim]. */
  inputDim?: number;
}

export class Dense extends ActivatedLayer {
  static override readonly className = 'Dense';
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  /** The regularizers and constraints of the kernel, bias and output. */
  readonly regularization: KernelBiasRegularization;
  private lastInput: Tensor | null = null;

  constructor(args: DenseArgs) {
    // inputDim is TF.js' shorthand for inputShape [inputDim]
    super(args.inputDim !== undefined && args.inputShape === undefined ? { ...args, inputShape: [args.inputDim] } : args, ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'inputDim', ...KERNEL_BIAS_REGULARIZATION_OPTIONS]);
    if (!Number.isInteger(args.units) || args.units <= 0) {
      throw new TegakiError(`Expected a strictly positive integer for units of Dense. Received units=${JSON.stringify(args.units)}.`);
    }
    this.units = args.units;
    this.activation = activationName(args.activation, 'Dense');
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer, 'glorotUniform', 'Dense kernelInitializer');
    this.biasInitializer = getInitializer(args.biasInitializer, 'zeros', 'Dense biasInitializer');
    this.regularization = kernelBiasRegularization(args, 'Dense');
    this.activityRegularizer = this.regularization.activityRegularizer;
  }

  override computeOutputShape(inputShape: BatchShape | BatchShape[]): BatchShape {
    const sample = singleSampleShape(inputShape, this);
    if (sample.length < 1) throw new TegakiError(`Dense layer ${this.name} expects inputs with a feature axis (None, ..., features); received ${formatShape([null, ...sample])}.`);
    return [null, ...sample.slice(0, -1), this.units];
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    const x = singleInput(inputs, this);
    const inDim = x.shape[x.rank - 1]!;
    // rows of features: one matMul whatever the rank, then the leading axes back
    const z = matMul(x.rank === 2 ? x : reshape(x, [x.size / inDim, inDim]), this.kernel);
    const y = activationOp(this.activation, this.bias ? add(z, this.bias) : z);
    return x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), this.units]);
  }

  override weightSpecs(inputShape: Shape): WeightSpec[] {
    const kernel: WeightSpec = { name: 'kernel', shape: [inputShape.at(-1)!, this.units], initializer: this.kernelInitializer, regularizer: this.regularization.kernelRegularizer, constraint: this.regularization.kernelConstraint };
    return this.useBias ? [kernel, { name: 'bias', shape: [this.units], initializer: this.biasInitializer, regularizer: this.regularization.biasRegularizer, constraint: this.regularization.biasConstraint }] : [kernel];
  }

  private get kernel(): Tensor {
    return this.weights[0]!.value;
  }

  private get bias(): Tensor | null {
    return this.useBias ? this.weights[1]!.value : null;
  }

  /** Rows of the matrix product: every position of every sample. */
  private rowsOf(x: Tensor): number {
    return x.size / this.inputShape.at(-1)!;
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    const batch = this.checkInput(x);
    const inDim = this.inputShape.at(-1)!;
    const rows = this.rowsOf(x);
    const backend = getBackend();
    const z = this.buffer('z', [batch, ...this.outputShape]);
    // z[rows, units] = x[rows, in] · W[in, units]
    backend.matmul(z.f32, x.f32, this.kernel.f32, rows, this.units, inDim);
    backend.biasActivation(z.f32, this.bias?.f32 ?? null, rows, this.units, this.fusedActivation);
    this.lastInput = x;
    return this.activate(z);
  }

  protected override get biasGradient(): Float32Array | null {
    return this.bias ? this.weights[1]!.grad.f32 : null;
  }

  backwardFromPreActivation(dz: Tensor, biasGradientDone = false): Tensor {
    const x = this.lastInput!;
    const rows = this.rowsOf(x);
    const inDim = this.inputShape.at(-1)!;
    const backend = getBackend();
    // dW[in, units] = xᵀ · dz
    backend.matmul(this.weights[0]!.grad.f32, x.f32, dz.f32, inDim, this.units, rows, { transA: true });
    if (this.bias && !biasGradientDone) backend.biasGrad(this.weights[1]!.grad.f32, dz.f32, rows, this.units);
    if (!this.needsInputGradient) return x;
    const dx = this.buffer('dx', x.shape);
    // dx[rows, in] = dz · Wᵀ
    backend.matmul(dx.f32, dz.f32, this.kernel.f32, rows, inDim, this.units, { transB: true });
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
      ...kernelBiasRegularizationConfig(this.regularization),
    };
  }
}
