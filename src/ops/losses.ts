// tf.losses: TF.js' loss functions as ops (so their gradients come from the tape), with TF.js'
// weights and reductions (default: the mean over the non-zero weights).

import { TegakiError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { add, cast, div, mul, neg, sub, sum, type Input } from './arithmetic.js';
import { notEqual } from './compare.js';
import { convert } from './convert.js';
import { ones } from './creation.js';
import { abs, exp, log, minimum, relu, square } from './math.js';
import { logSoftmax } from './nn.js';
import { mean } from './reduction.js';

/** TF.js' Reduction: how per-element losses become the result. */
export enum Reduction {
  NONE = 0,
  MEAN = 1,
  SUM = 2,
  SUM_BY_NONZERO_WEIGHTS = 3,
}

/** TF.js' computeWeightedLoss: losses × weights, reduced. */
export function computeWeightedLoss(losses: Input, weights?: Input, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor {
  const l = convert(losses, 'losses', 'computeWeightedLoss');
  const w = weights === undefined ? null : convert(weights, 'weights', 'computeWeightedLoss');
  const weighted = w ? mul(l, w) : l;
  switch (reduction) {
    case Reduction.NONE:
      return weighted;
    case Reduction.SUM:
      return sum(weighted);
    case Reduction.MEAN: {
      if (!w) return mean(weighted);
      // weights broadcast over several losses each count that many times
      const factor = l.size / w.size;
      const result = div(sum(weighted), sum(w));
      return factor > 1 ? div(result, factor) : result;
    }
    case Reduction.SUM_BY_NONZERO_WEIGHTS: {
      if (!w) return div(sum(weighted), l.size);
      const nonZero = sum(cast(notEqual(mul(w, ones(l.shape)), 0), 'float32'));
      return div(sum(weighted), nonZero);
    }
    default:
      throw new TegakiError(`computeWeightedLoss: unknown reduction ${String(reduction)}.`);
  }
}

function pair(labels: Input, predictions: Input, op: string): [Tensor, Tensor] {
  const y = convert(labels, 'labels', op, 'float32');
  const p = convert(predictions, 'predictions', op, 'float32');
  if (y.shape.join() !== p.shape.join()) throw new TegakiError(`${op}: labels have shape [${y.shape}], predictions [${p.shape}]; they must match.`);
  return [y, p];
}

export function absoluteDifference(labels: Input, predictions: Input, weights?: Input, reduction?: Reduction): Tensor {
  const [y, p] = pair(labels, predictions, 'absoluteDifference');
  return computeWeightedLoss(abs(sub(y, p)), weights, reduction);
}

export function meanSquaredError(labels: Input, predictions: Input, weights?: Input, reduction?: Reduction): Tensor {
  const [y, p] = pair(labels, predictions, 'meanSquaredError');
  return computeWeightedLoss(square(sub(y, p)), weights, reduction);
}

/** TF.js' logLoss: −y·log(p + ε) − (1 − y)·log(1 − p + ε). */
export function logLoss(labels: Input, predictions: Input, weights?: Input, epsilon = 1e-7, reduction?: Reduction): Tensor {
  const [y, p] = pair(labels, predictions, 'logLoss');
  const losses = sub(neg(mul(y, log(add(p, epsilon)))), mul(sub(1, y), log(add(sub(1, p), epsilon))));
  return computeWeightedLoss(losses, weights, reduction);
}

export function huberLoss(labels: Input, predictions: Input, weights?: Input, delta = 1.0, reduction?: Reduction): Tensor {
  const [y, p] = pair(labels, predictions, 'huberLoss');
  const error = abs(sub(p, y));
  const quadratic = minimum(error, delta);
  const linear = sub(error, quadratic);
  return computeWeightedLoss(add(mul(0.5, square(quadratic)), mul(delta, linear)), weights, reduction);
}

export function hingeLoss(labels: Input, predictions: Input, weights?: Input, reduction?: Reduction): Tensor {
  const [y, p] = pair(labels, predictions, 'hingeLoss');
  return computeWeightedLoss(relu(sub(1, mul(sub(mul(2, y), 1), p))), weights, reduction);
}

/** TF.js' sigmoidCrossEntropy from logits: max(x, 0) − x·y + log(1 + e^(−|x|)). */
export function sigmoidCrossEntropy(multiClassLabels: Input, logits: Input, weights?: Input, labelSmoothing = 0, reduction?: Reduction): Tensor {
  let [y, x] = pair(multiClassLabels, logits, 'sigmoidCrossEntropy');
  if (labelSmoothing > 0) y = add(mul(y, 1 - labelSmoothing), 0.5 * labelSmoothing);
  const losses = add(sub(relu(x), mul(x, y)), log(add(1, exp(neg(abs(x))))));
  return computeWeightedLoss(losses, weights, reduction);
}

/** TF.js' softmaxCrossEntropy from logits, per example summed over the last axis. */
export function softmaxCrossEntropy(onehotLabels: Input, logits: Input, weights?: Input, labelSmoothing = 0, reduction?: Reduction): Tensor {
  let [y, x] = pair(onehotLabels, logits, 'softmaxCrossEntropy');
  if (labelSmoothing > 0) {
    const classes = y.shape[y.rank - 1]!;
    y = add(mul(y, 1 - labelSmoothing), labelSmoothing / classes);
  }
  const perExample = neg(sum(mul(y, logSoftmax(x)), -1));
  return computeWeightedLoss(perExample, weights, reduction);
}

/** TF.js' cosineDistance: 1 − Σ labels·predictions along axis (inputs expected unit-normalized). */
export function cosineDistance(labels: Input, predictions: Input, axis: number, weights?: Input, reduction?: Reduction): Tensor {
  const [y, p] = pair(labels, predictions, 'cosineDistance');
  return computeWeightedLoss(sub(1, sum(mul(y, p), axis, true)), weights, reduction);
}
