// tf.metrics: TF.js' metric functions (yTrue, yPred) → a value per sample (or per batch), and
// Keras' configurable metrics (TopKCategoricalAccuracy, AUC) for compile.

import { named } from '../losses.js';

export type { Metric, MetricFunction } from '../metrics.js';
export { AUC, binaryAccuracy, categoricalAccuracy, precision, recall, sparseCategoricalAccuracy, TopKCategoricalAccuracy, topKCategoricalAccuracy } from '../metrics.js';

export const binaryCrossentropy = named('binaryCrossentropy');
export const categoricalCrossentropy = named('categoricalCrossentropy');
export const sparseCategoricalCrossentropy = named('sparseCategoricalCrossentropy');
export const cosineProximity = named('cosineProximity');
export const meanAbsoluteError = named('meanAbsoluteError');
export const meanAbsolutePercentageError = named('meanAbsolutePercentageError');
export const meanSquaredError = named('meanSquaredError');
export { meanSquaredError as mse, meanSquaredError as MSE, meanAbsoluteError as mae, meanAbsoluteError as MAE };
export { meanAbsolutePercentageError as mape, meanAbsolutePercentageError as MAPE, cosineProximity as cosine };
