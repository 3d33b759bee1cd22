// Optimizer factories and lookup by name ('sgd', 'rmsprop', 'adam').

import { TegakiError } from '../errors.js';
import { Adam, type AdamArgs, Optimizer, RMSprop, type RMSpropArgs, SGD, type SGDArgs } from './optimizer.js';

export { Adam, Optimizer, RMSprop, SGD };
export type { AdamArgs, RMSpropArgs, SGDArgs };

export const sgd = (args: SGDArgs = {}): SGD => new SGD(args);
export const rmsprop = (args: RMSpropArgs = {}): RMSprop => new RMSprop(args);
export const adam = (args: AdamArgs = {}): Adam => new Adam(args);

const BY_NAME: Record<string, (learningRate?: number) => Optimizer> = {
  sgd: (learningRate) => new SGD({ learningRate }),
  rmsprop: (learningRate) => new RMSprop({ learningRate }),
  adam: (learningRate) => new Adam({ learningRate }),
};

export const OPTIMIZER_NAMES = Object.keys(BY_NAME);

/** An optimizer by (case-insensitive) name with its Keras defaults, optionally another learning rate. */
export function getOptimizer(name: string, learningRate?: number): Optimizer {
  const create = BY_NAME[name.toLowerCase()];
  if (!create) throw new TegakiError(`Unknown optimizer '${name}'. Expected one of: ${OPTIMIZER_NAMES.join(', ')}.`);
  return create(learningRate);
}

/**
 * tf.train: TF.js' optimizer factories, positional arguments as TF.js takes them. Options tegaki
 * does not implement yet are refused by name, never ignored.
 */
export const train = {
  sgd: (learningRate: number): SGD => new SGD({ learningRate }),
  momentum: (learningRate: number, momentum: number, useNesterov = false): SGD => new SGD({ learningRate, momentum, nesterov: useNesterov }),
  rmsprop: (learningRate: number, decay = 0.9, momentum = 0, epsilon: number | null = null, centered = false): RMSprop => {
    if (momentum !== 0) throw new TegakiError('train.rmsprop: momentum is not supported yet (use 0).');
    if (centered) throw new TegakiError('train.rmsprop: centered is not supported yet.');
    return new RMSprop({ learningRate, rho: decay, ...(epsilon !== null ? { epsilon } : {}) });
  },
  adam: (learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null): Adam => new Adam({ learningRate, beta1, beta2, ...(epsilon !== null ? { epsilon } : {}) }),
  adagrad: (): never => {
    throw new TegakiError('train.adagrad is not supported yet: use sgd, momentum, rmsprop or adam.');
  },
  adadelta: (): never => {
    throw new TegakiError('train.adadelta is not supported yet: use sgd, momentum, rmsprop or adam.');
  },
  adamax: (): never => {
    throw new TegakiError('train.adamax is not supported yet: use sgd, momentum, rmsprop or adam.');
  },
};
