// tf.lossFunctions: the per-sample losses compile trains (TF.js' layers losses), callable directly,
// and Keras' configurable losses as factories (BinaryCrossentropy({ fromLogits: true }), ...).
// Kept apart from tf.losses, which in TF.js holds tfjs-core's reduced losses with weights.

import { named } from '../losses.js';

export { BinaryCrossentropy, CategoricalCrossentropy, CosineSimilarity, Huber, SparseCategoricalCrossentropy, type CrossentropyOptions, type LossFunction } from '../losses.js';

export const meanSquaredError = named('meanSquaredError');
export const meanAbsoluteError = named('meanAbsoluteError');
export const meanAbsolutePercentageError = named('meanAbsolutePercentageError');
export const meanSquaredLogarithmicError = named('meanSquaredLogarithmicError');
export const squaredHinge = named('squaredHinge');
export const hinge = named('hinge');
export const categoricalHinge = named('categoricalHinge');
export const logcosh = named('logcosh');
export const huber = named('huber');
export const categoricalCrossentropy = named('categoricalCrossentropy');
export const sparseCategoricalCrossentropy = named('sparseCategoricalCrossentropy');
export const binaryCrossentropy = named('binaryCrossentropy');
export const kullbackLeiblerDivergence = named('kullbackLeiblerDivergence');
export const poisson = named('poisson');
export const cosineProximity = named('cosineProximity');
export { meanSquaredError as mse, meanSquaredError as MSE, meanAbsoluteError as mae, meanAbsoluteError as MAE };
export { meanAbsolutePercentageError as mape, meanAbsolutePercentageError as MAPE, meanSquaredLogarithmicError as msle, meanSquaredLogarithmicError as MSLE };
export { kullbackLeiblerDivergence as kld, kullbackLeiblerDivergence as KLD, logcosh as logCosh, cosineProximity as cosineSimilarity };
