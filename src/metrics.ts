// Metrics by name. Accuracy is categorical or sparse according to the labels, as Keras picks it
// from the loss.

import { TegakiError } from './errors.js';

export type MetricName = 'accuracy';

export function getMetric(name: string): MetricName {
  if (name === 'accuracy' || name === 'acc' || name === 'categoricalAccuracy' || name === 'sparseCategoricalAccuracy') return 'accuracy';
  throw new TegakiError(`Unknown metric '${name}'. Expected: accuracy.`);
}
