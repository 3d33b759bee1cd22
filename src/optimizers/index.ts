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
