// Dense: y = act(x·W + b), W is [inputDim, units] as in Keras.

import { activationName, type ActivationName } from '../activations.js';
import { getBackend } from '../backend/select.js';
import { TegakiError } from '../errors.js';
import { getInitializer, serializeInitializer, type Initializer } from '../initializers.js';
import { add } from '../ops/arithmetic.js';
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

  // Keras differs: its Dense also accepts rank > 2 inputs (applied on the last axis); ours wants Flatten first.
  override computeOutputShape(inputShape: BatchShape | BatchShape[]): BatchShape {
    const sample = singleSampleShape(inputShape, this);
    if (sample.length !== 1) {
      throw new TegakiError(`Dense layer ${this.name} expects flat inputs (None, features); received ${formatShape([null, ...sample])}. Add a flatten layer before it.`);
    }
    return [null, this.units];
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    const z = matMul(singleInput(inputs, this), this.kernel);
    return activationOp(this.activation, this.bias ? add(z, this.bias) : z);
  }

  override weightSpecs(inputShape: Shape): WeightSpec[] {
    const kernel: WeightSpec = { name: 'kernel', shape: [inputShape[0]!, this.units], initializer: this.kernelInitializer, regularizer: this.regularization.kernelRegularizer, constraint: this.regularization.kernelConstraint };
    return this.useBias ? [kernel, { name: 'bias', shape: [this.units], initializer: this.biasInitializer, regularizer: this.regularization.biasRegularizer, constraint: this.regularization.biasConstraint }] : [kernel];
  }

  private get kernel(): Tensor {
    return this.weights[0]!.value;
  }

  private get bias(): Tensor | null {
    return this.useBias ? this.weights[1]!.value : null;
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    const batch = this.checkInput(x);
    const inDim = this.inputShape[0]!;
    const backend = getBackend();
    const z = this.buffer('z', [batch, this.units]);
    // z[batch, units] = x[batch, in] · W[in, units]
    backend.matmul(z.f32, x.f32, this.kernel.f32, batch, this.units, inDim);
    backend.biasActivation(z.f32, this.bias?.f32 ?? null, batch, this.units, this.fusedActivation);
    this.lastInput = x;
    return this.activate(z);
  }

  protected override get biasGradient(): Float32Array | null {
    return this.bias ? this.weights[1]!.grad.f32 : null;
  }

  backwardFromPreActivation(dz: Tensor, biasGradientDone = false): Tensor {
    const x = this.lastInput!;
    const batch = x.shape[0]!;
    const inDim = this.inputShape[0]!;
    const backend = getBackend();
    // dW[in, units] = xᵀ · dz
    backend.matmul(this.weights[0]!.grad.f32, x.f32, dz.f32, inDim, this.units, batch, { transA: true });
    if (this.bias && !biasGradientDone) backend.biasGrad(this.weights[1]!.grad.f32, dz.f32, batch, this.units);
    if (!this.needsInputGradient) return x;
    const dx = this.buffer('dx', [batch, inDim]);
    // dx[batch, in] = dz · Wᵀ
    backend.matmul(dx.f32, dz.f32, this.kernel.f32, batch, inDim, this.units, { transB: true });
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
