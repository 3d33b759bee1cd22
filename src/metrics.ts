// Metrics by name, logged under TF.js' keys: 'accuracy' and 'acc' log as 'acc' (val_acc), the
// explicit forms under their own names. Accuracy is categorical, sparse or binary according to
// the labels, as Keras picks it from the loss.

import { TegakiError } from './errors.js';
import type { Tensor } from './tensor.js';

export type MetricName = 'accuracy' | 'acc' | 'categoricalAccuracy' | 'sparseCategoricalAccuracy' | 'binaryAccuracy';

const METRICS: readonly MetricName[] = ['accuracy', 'acc', 'categoricalAccuracy', 'sparseCategoricalAccuracy', 'binaryAccuracy'];

/** A metric function as compile takes it: (yTrue, yPred) => a tensor whose mean is the value. */
export type MetricFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** A compiled metric: what it computes and the key it is logged under. */
export type Metric =
  /** key: 'acc' for 'accuracy'/'acc', else the name given. */
  | { kind: 'accuracy'; key: string }
  /** key: the function's name, as TF.js logs it. */
  | { kind: 'function'; key: string; fn: MetricFunction };

export function getMetric(name: string | MetricFunction): Metric {
  if (typeof name === 'function') return { kind: 'function', key: name.name || 'metric', fn: name };
  if (!(METRICS as readonly string[]).includes(name)) throw new TegakiError(`Unknown metric '${String(name)}'. Expected one of: ${METRICS.join(', ')}, or a function (yTrue, yPred) => Tensor.`);
  return { kind: 'accuracy', key: name === 'accuracy' || name === 'acc' ? 'acc' : name };
}
