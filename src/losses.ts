// Losses by name (Keras' or TF.js' spelling) or as functions (yTrue, yPred) => Tensor. Each has
// its per-sample form in ops (TF.js' layers losses: what a functional model's tape trains on) and,
// for the named ones, fused kernels Sequential uses; there softmax + cross-entropy is computed from
// the logits, which is exact where log(softmax) would underflow.

import { EPSILON, type Labels } from './backend/backend.js';
import { getBackend } from './backend/select.js';
import { TegakiError } from './errors.js';
import { cast, div, mul, neg, reshape, sub, sum } from './ops/arithmetic.js';
import { clipByValue, floor, log, square } from './ops/math.js';
import { oneHot } from './ops/nn.js';
import { mean } from './ops/reduction.js';
import type { Tensor } from './tensor.js';
export { EPSILON };

export type LossName = 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'meanSquaredError';

/** A loss as a compiled model uses it: per sample, [batch, ...] → [batch] (or any shape; fit averages it). */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

export interface Loss {
  readonly name: string;
  /** Labels are class indices rather than one-hot rows. */
  readonly sparse: boolean;
  readonly crossEntropy: boolean;
  /** The per-sample loss in ops. */
  readonly fn: LossFunction;
  /** Given as a function: only the tape path can train it. */
  readonly custom: boolean;
}

/** TF.js' categoricalCrossentropy on probabilities: renormalized, clipped to [ε, 1 − ε]. */
export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor): Tensor {
  const p = clipByValue(div(yPred, sum(yPred, -1, true)), EPSILON, 1 - EPSILON);
  return neg(sum(mul(yTrue, log(p)), -1));
}

/** TF.js' sparseCategoricalCrossentropy: class indices made one-hot, then the categorical loss. */
export function sparseCategoricalCrossentropy(yTrue: Tensor, yPred: Tensor): Tensor {
  const classes = yPred.shape[yPred.rank - 1]!;
  const indices = cast(floor(reshape(yTrue, [yTrue.size])), 'int32');
  return categoricalCrossentropy(reshape(oneHot(indices, classes, 1, 0, 'float32'), yPred.shape), yPred);
}

/** TF.js' meanSquaredError: the mean over the last axis. */
export const meanSquaredError = (yTrue: Tensor, yPred: Tensor): Tensor => mean(square(sub(yPred, yTrue)), -1);

const LOSSES: Record<LossName, Loss> = {
  categoricalCrossentropy: { name: 'categoricalCrossentropy', sparse: false, crossEntropy: true, fn: categoricalCrossentropy, custom: false },
  sparseCategoricalCrossentropy: { name: 'sparseCategoricalCrossentropy', sparse: true, crossEntropy: true, fn: sparseCategoricalCrossentropy, custom: false },
  meanSquaredError: { name: 'meanSquaredError', sparse: false, crossEntropy: false, fn: meanSquaredError, custom: false },
};

const ALIASES: Record<string, LossName> = {
  categorical_crossentropy: 'categoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  mean_squared_error: 'meanSquaredError',
  mse: 'meanSquaredError',
};

export function getLoss(name: string | LossFunction): Loss {
  if (typeof name === 'function') return { name: name.name || 'loss', sparse: false, crossEntropy: false, fn: name, custom: true };
  const loss = LOSSES[(ALIASES[name] ?? name) as LossName];
  if (!loss) throw new TegakiError(`Unknown loss '${String(name)}'. Expected one of: ${Object.keys(LOSSES).join(', ')}, or a function (yTrue, yPred) => Tensor.`);
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
