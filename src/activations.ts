// Activation functions as a layer applies them: elementwise ones in place over the pre-activation,
// softmax into its own buffer so the pre-activation (the logits) stays available to the loss.

import type { ElementwiseActivation } from './backend/backend.js';
import { getBackend } from './backend/select.js';
import { TegakiError } from './errors.js';

export type ActivationName = ElementwiseActivation | 'softmax';

const NAMES: readonly ActivationName[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'];

/** Validates an activation option; undefined means 'linear' as in Keras. */
export function activationName(value: unknown, layerName: string): ActivationName {
  if (value === undefined || value === null) return 'linear';
  if (typeof value === 'string' && (NAMES as readonly string[]).includes(value)) return value as ActivationName;
  throw new TegakiError(`Unknown activation '${String(value)}' for layer ${layerName}. Expected one of: ${NAMES.join(', ')}.`);
}

/** y = act(z) for z of shape [rows, cols]. z and y may be the same array except for softmax. */
export function activationForward(act: ActivationName, y: Float32Array, z: Float32Array, rows: number, cols: number): void {
  const backend = getBackend();
  if (act === 'softmax') backend.softmax(y, z, rows, cols);
  else backend.activation(y, z, act);
}

/** dz = dL/dz from dy = dL/dy and the forward output y. dz may be dy. */
export function activationBackward(act: ActivationName, dz: Float32Array, dy: Float32Array, y: Float32Array, rows: number, cols: number): void {
  const backend = getBackend();
  if (act === 'softmax') backend.softmaxBackward(dz, dy, y, rows, cols);
  else backend.activationBackward(dz, dy, y, act);
}
