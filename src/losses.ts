// Losses by name (Keras' or TF.js' spelling). Softmax + cross-entropy is computed from the logits,
// which is exact where log(softmax) would underflow.

import type { Labels } from './backend/backend.js';
export { EPSILON } from './backend/backend.js';
import { getBackend } from './backend/select.js';
import { TegakiError } from './errors.js';

export type LossName = 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'meanSquaredError';

export interface Loss {
  readonly name: LossName;
  /** Labels are class indices rather than one-hot rows. */
  readonly sparse: boolean;
  readonly crossEntropy: boolean;
}

const LOSSES: Record<LossName, Loss> = {
  categoricalCrossentropy: { name: 'categoricalCrossentropy', sparse: false, crossEntropy: true },
  sparseCategoricalCrossentropy: { name: 'sparseCategoricalCrossentropy', sparse: true, crossEntropy: true },
  meanSquaredError: { name: 'meanSquaredError', sparse: false, crossEntropy: false },
};

const ALIASES: Record<string, LossName> = {
  categorical_crossentropy: 'categoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  mean_squared_error: 'meanSquaredError',
  mse: 'meanSquaredError',
};

export function getLoss(name: string): Loss {
  const loss = LOSSES[(ALIASES[name] ?? name) as LossName];
  if (!loss) throw new TegakiError(`Unknown loss '${name}'. Expected one of: ${Object.keys(LOSSES).join(', ')}.`);
  return loss;
}

/**
 * Sum over the batch of the per-sample loss. pred is [rows, cols]: probabilities, or logits when
 * fromLogits (softmax cross-entropy). When grad is given it receives dL/dpred · gradScale.
 */
export function lossSum(loss: Loss, pred: Float32Array, fromLogits: boolean, labels: Labels, rows: number, cols: number, grad: Float32Array | null, gradScale: number): number {
  const backend = getBackend();
  if (fromLogits) return backend.softmaxCrossEntropy(grad, pred, labels, rows, cols, gradScale);
  if (loss.crossEntropy) return backend.crossEntropy(grad, pred, labels, rows, cols, gradScale);
  return backend.meanSquaredError(grad, pred, labels, rows, cols, gradScale);
}
