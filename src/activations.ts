// Activation functions as layers apply them (TF.js' activation identifiers): validation of the
// `activation` option, the fused kernels' forward and backward, and the same function as ops (the tape path).

import { activationNeedsInput, type ElementwiseActivation } from './backend/backend.js';
import { getBackend } from './backend/select.js';
import { TegakiError } from './errors.js';
import { abs, clipByValue, elu, erf, minimum, relu, selu, sigmoid, softplus, tanh } from './ops/math.js';
import { add, div, mul } from './ops/arithmetic.js';
import { softmax } from './ops/nn.js';
import type { Tensor } from './tensor.js';

/** The elementwise kinds only activation layers use (they take a parameter); not activation names. */
type LayerOnlyActivation = 'leakyRelu' | 'thresholdedRelu' | 'clippedRelu';

/** The `activation` option's values: TF.js' identifiers (model.json spells them snake_case, e.g. hard_sigmoid). */
export type ActivationName = Exclude<ElementwiseActivation, LayerOnlyActivation> | 'softmax';

const NAMES: readonly ActivationName[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'relu6', 'softplus', 'softsign', 'hardSigmoid', 'swish', 'gelu', 'mish'];

/** Validates an activation option; undefined means 'linear' as in Keras. */
export function activationName(value: unknown, layerName: string): ActivationName {
  if (value === undefined || value === null) return 'linear';
  if (typeof value === 'string' && (NAMES as readonly string[]).includes(value)) return value as ActivationName;
  throw new TegakiError(`Unknown activation '${String(value)}' for layer ${layerName}. Expected one of: ${NAMES.join(', ')}.`);
}

/** Whether the backward of act needs the pre-activation kept (swish, gelu, mish); softmax keeps its logits anyway. */
export function needsPreActivation(act: ActivationName): boolean {
  return act !== 'softmax' && activationNeedsInput(act);
}

/** y = act(z) for z of shape [rows, cols]. z and y may be the same array except for softmax. */
export function activationForward(act: ActivationName, y: Float32Array, z: Float32Array, rows: number, cols: number): void {
  const backend = getBackend();
  if (act === 'softmax') backend.softmax(y, z, rows, cols);
  else backend.activation(y, z, act);
}

/**
 * dz = dL/dz from dy = dL/dy and saved: the forward output y, or the pre-activation z where
 * needsPreActivation(act). dz may be dy.
 */
export function activationBackward(act: ActivationName, dz: Float32Array, dy: Float32Array, saved: Float32Array, rows: number, cols: number): void {
  const backend = getBackend();
  if (act === 'softmax') backend.softmaxBackward(dz, dy, saved, rows, cols);
  else backend.activationBackward(dz, dy, saved, act);
}

/**
 * An activation by name as ops (the tape path of ActivatedLayer), composed as TF.js composes it
 * so the gradients agree at the kinks too.
 */
export function activationOp(name: ActivationName, z: Tensor): Tensor {
  switch (name) {
    case 'linear':
      return z;
    case 'relu':
      return relu(z);
    case 'sigmoid':
      return sigmoid(z);
    case 'tanh':
      return tanh(z);
    case 'softmax':
      return softmax(z);
    case 'elu':
      return elu(z);
    case 'selu':
      return selu(z);
    case 'relu6':
      // TF.js: minimum(6, relu(x)), so at exactly 6 the gradient goes to the constant
      return minimum(6, relu(z));
    case 'softplus':
      return softplus(z);
    case 'softsign':
      return div(z, add(abs(z), 1));
    case 'hardSigmoid':
      // TF.js' slope 0.2 (Keras 3's hard_sigmoid uses 1/6; model.json files come from TF.js)
      return clipByValue(add(0.5, mul(0.2, z)), 0, 1);
    case 'swish':
      return mul(sigmoid(z), z);
    case 'gelu':
      // TF.js' and Keras' default: the exact form with erf, not the tanh approximation
      return mul(z, mul(0.5, add(1, erf(div(z, Math.SQRT2)))));
    case 'mish':
      return mul(z, tanh(softplus(z)));
  }
}
