// Per-sample losses as ops, (yTrue, yPred) → [batch, ...] with the last axis reduced: TF.js' layers
// losses (what compile takes by name) and Keras 3's options (fromLogits, labelSmoothing, delta).
// Their gradients come from the tape.

import { EPSILON } from '../backend/backend.js';
import { add, cast, div, mul, neg, reshape, sub, sum } from '../ops/arithmetic.js';
import { abs, clipByValue, exp, floor, log, log1p, maximum, minimum, relu, softplus, sqrt, square } from '../ops/math.js';
import { logSoftmax, oneHot } from '../ops/nn.js';
import { max, mean } from '../ops/reduction.js';
import type { Tensor } from '../tensor.js';

const BIG = Number.MAX_VALUE;

/** Keras' label smoothing: t(1 − s) + s/k. */
const smooth = (y: Tensor, s: number, k: number): Tensor => (s > 0 ? add(mul(y, 1 - s), s / k) : y);

export const meanSquaredError = (yTrue: Tensor, yPred: Tensor): Tensor => mean(square(sub(yPred, yTrue)), -1);

export const meanAbsoluteError = (yTrue: Tensor, yPred: Tensor): Tensor => mean(abs(sub(yPred, yTrue)), -1);

/** 100 · mean |(t − p) / max(|t|, ε)|. */
export function meanAbsolutePercentageError(yTrue: Tensor, yPred: Tensor): Tensor {
  return mul(100, mean(abs(div(sub(yTrue, yPred), clipByValue(abs(yTrue), EPSILON, BIG))), -1));
}

/** mean (log(1 + max(p, ε)) − log(1 + max(t, ε)))². */
export function meanSquaredLogarithmicError(yTrue: Tensor, yPred: Tensor): Tensor {
  return mean(square(sub(log1p(clipByValue(yPred, EPSILON, BIG)), log1p(clipByValue(yTrue, EPSILON, BIG)))), -1);
}

// TF.js and Keras 2 take hinge labels as given (−1 or 1); Keras 3 also maps labels in {0, 1} to {−1, 1}.
export const hinge = (yTrue: Tensor, yPred: Tensor): Tensor => mean(relu(sub(1, mul(yTrue, yPred))), -1);

export const squaredHinge = (yTrue: Tensor, yPred: Tensor): Tensor => mean(square(relu(sub(1, mul(yTrue, yPred)))), -1);

/** max(0, 1 + max((1 − t)·p) − Σ t·p). */
export function categoricalHinge(yTrue: Tensor, yPred: Tensor): Tensor {
  const pos = sum(mul(yTrue, yPred), -1);
  const negative = max(mul(sub(1, yTrue), yPred), -1);
  return relu(add(1, sub(negative, pos)));
}

/** log(cosh(p − t)) as x + softplus(−2x) − log 2, which does not overflow. */
export function logcosh(yTrue: Tensor, yPred: Tensor): Tensor {
  const x = sub(yPred, yTrue);
  return mean(sub(add(x, softplus(mul(-2, x))), Math.log(2)), -1);
}

/** Keras' Huber: ½e² where |e| ≤ delta, else delta·(|e| − ½delta). */
export function huber(yTrue: Tensor, yPred: Tensor, delta = 1): Tensor {
  const error = abs(sub(yPred, yTrue));
  const quadratic = minimum(error, delta);
  return mean(add(mul(0.5, square(quadratic)), mul(delta, sub(error, quadratic))), -1);
}

/** Σ t·log(max(t, ε) / max(p, ε)). */
export function kullbackLeiblerDivergence(yTrue: Tensor, yPred: Tensor): Tensor {
  return sum(mul(yTrue, log(div(clipByValue(yTrue, EPSILON, 1), clipByValue(yPred, EPSILON, 1)))), -1);
}

export const poisson = (yTrue: Tensor, yPred: Tensor): Tensor => mean(sub(yPred, mul(yTrue, log(add(yPred, EPSILON)))), -1);

/** x / sqrt(max(Σx², ε)) along axis. */
const l2Normalize = (x: Tensor, axis: number): Tensor => div(x, sqrt(maximum(sum(square(x), axis, true), EPSILON)));

/** −Σ normalized(t)·normalized(p) along axis (TF.js' cosineProximity, Keras' cosine_similarity). */
export function cosineProximity(yTrue: Tensor, yPred: Tensor, axis = -1): Tensor {
  return neg(sum(mul(l2Normalize(yTrue, axis), l2Normalize(yPred, axis)), axis));
}

/**
 * TF.js' categoricalCrossentropy on probabilities: renormalized, clipped to [ε, 1 − ε]. From
 * logits it is −Σ t·logSoftmax(x), as Keras 3 computes it.
 */
export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false, labelSmoothing = 0): Tensor {
  const t = smooth(yTrue, labelSmoothing, yPred.shape[yPred.rank - 1]!);
  if (fromLogits) return neg(sum(mul(t, logSoftmax(yPred)), -1));
  const p = clipByValue(div(yPred, sum(yPred, -1, true)), EPSILON, 1 - EPSILON);
  return neg(sum(mul(t, log(p)), -1));
}

/** TF.js' sparseCategoricalCrossentropy: class indices made one-hot, then the categorical loss. */
export function sparseCategoricalCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false): Tensor {
  const classes = yPred.shape[yPred.rank - 1]!;
  const indices = cast(floor(reshape(yTrue, [yTrue.size])), 'int32');
  return categoricalCrossentropy(reshape(oneHot(indices, classes, 1, 0, 'float32'), yPred.shape), yPred, fromLogits);
}

/** max(x, 0) − x·t + log(1 + e^−|x|): the cross-entropy of sigmoid(x), stable for any x. */
const sigmoidCrossEntropyWithLogits = (t: Tensor, x: Tensor): Tensor => add(sub(relu(x), mul(x, t)), log1p(exp(neg(abs(x)))));

/**
 * TF.js' binaryCrossentropy: probabilities clipped to [ε, 1 − ε] and turned into logits; the mean
 * over the last axis. Keras' fromLogits and labelSmoothing (t(1 − s) + s/2) too.
 */
export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false, labelSmoothing = 0): Tensor {
  const t = smooth(yTrue, labelSmoothing, 2);
  let logits = yPred;
  if (!fromLogits) {
    const p = clipByValue(yPred, EPSILON, 1 - EPSILON);
    logits = log(div(p, sub(1, p)));
  }
  return mean(sigmoidCrossEntropyWithLogits(t, logits), -1);
}
