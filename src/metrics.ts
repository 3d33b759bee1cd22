// Metrics by name, logged under TF.js' keys: 'accuracy' and 'acc' log as 'acc' (val_acc), the
// explicit forms under their own names. Accuracy is categorical, sparse or binary according to
// the labels, as Keras picks it from the loss.

import { TegakiError } from './errors.js';

export type MetricName = 'accuracy' | 'acc' | 'categoricalAccuracy' | 'sparseCategoricalAccuracy' | 'binaryAccuracy';

const METRICS: readonly MetricName[] = ['accuracy', 'acc', 'categoricalAccuracy', 'sparseCategoricalAccuracy', 'binaryAccuracy'];

/** A compiled metric: what it computes and the key it is logged under. */
export interface Metric {
  kind: 'accuracy';
  /** The logs' key: 'acc' for 'accuracy'/'acc', else the name given. */
  key: string;
}

export function getMetric(name: string): Metric {
  if (!(METRICS as readonly string[]).includes(name)) throw new TegakiError(`Unknown metric '${String(name)}'. Expected one of: ${METRICS.join(', ')}.`);
  return { kind: 'accuracy', key: name === 'accuracy' || name === 'acc' ? 'acc' : name };
}
