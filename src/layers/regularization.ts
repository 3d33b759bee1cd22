// The regularizer and constraint options of layers with a kernel and a bias (Dense, Conv2D), read
// and written back as TF.js spells them.

import { getConstraint, serializeConstraint, type Constraint } from '../constraints.js';
import { getRegularizer, serializeRegularizer, type Regularizer } from '../regularizers.js';

/** TF.js' option names, in the order its getConfig writes them. */
export const KERNEL_BIAS_REGULARIZATION_OPTIONS = ['kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint'];

export interface KernelBiasRegularizationArgs {
  /** Penalty of the kernel added to the training loss: tf.regularizers.l1l2() etc. Default none. */
  kernelRegularizer?: Regularizer | string | null;
  /** Penalty of the bias. Default none. */
  biasRegularizer?: Regularizer | string | null;
  /** Penalty of the layer's output (summed over the batch, as Keras 3). Default none. */
  activityRegularizer?: Regularizer | string | null;
  /** Applied to the kernel after every optimizer update: tf.constraints.maxNorm() etc. Default none. */
  kernelConstraint?: Constraint | string | null;
  /** Applied to the bias after every optimizer update. Default none. */
  biasConstraint?: Constraint | string | null;
}

export interface KernelBiasRegularization {
  kernelRegularizer: Regularizer | null;
  biasRegularizer: Regularizer | null;
  activityRegularizer: Regularizer | null;
  kernelConstraint: Constraint | null;
  biasConstraint: Constraint | null;
}

/** The options read (tf.regularizers/constraints objects, names, or model.json's {className, config}). */
export function kernelBiasRegularization(args: KernelBiasRegularizationArgs, layer: string): KernelBiasRegularization {
  return {
    kernelRegularizer: getRegularizer(args.kernelRegularizer, `${layer} kernelRegularizer`),
    biasRegularizer: getRegularizer(args.biasRegularizer, `${layer} biasRegularizer`),
    activityRegularizer: getRegularizer(args.activityRegularizer, `${layer} activityRegularizer`),
    kernelConstraint: getConstraint(args.kernelConstraint, `${layer} kernelConstraint`),
    biasConstraint: getConstraint(args.biasConstraint, `${layer} biasConstraint`),
  };
}

/** getConfig's entries for them: {className, config}, or null for none, as TF.js writes them. */
export function kernelBiasRegularizationConfig(r: KernelBiasRegularization): Record<string, unknown> {
  return {
    kernelRegularizer: serializeRegularizer(r.kernelRegularizer),
    biasRegularizer: serializeRegularizer(r.biasRegularizer),
    activityRegularizer: serializeRegularizer(r.activityRegularizer),
    kernelConstraint: serializeConstraint(r.kernelConstraint),
    biasConstraint: serializeConstraint(r.biasConstraint),
  };
}
