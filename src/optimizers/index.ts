// Optimizers: tf.train's factories with TF.js' positional arguments, lookup by the names
// compile() accepts and by the class names and configs a saved training config holds, factories
// with Keras' option names, and Keras' learning-rate schedules (optimizers.schedules).

import { refuseUnknownOptions, TegakiError } from '../errors.js';
import { Adadelta, type AdadeltaConfig } from './adadelta.js';
import { Adagrad, type AdagradConfig } from './adagrad.js';
import { Adam, type AdamConfig } from './adam.js';
import { Adamax, type AdamaxConfig } from './adamax.js';
import { AdamW, type AdamWConfig } from './adamw.js';
import { Nadam, type NadamConfig } from './nadam.js';
import { checkNumber, CLOSED_FRACTION, OPTIMIZER_OPTIONS, Optimizer, required, type LearningRate, type NamedTensor, type OptimizerOptions } from './optimizer.js';
import { RMSprop, type RMSpropConfig } from './rmsprop.js';
import { Momentum, type MomentumConfig, SGD, type SGDConfig } from './sgd.js';

export { Adadelta, Adagrad, Adam, Adamax, AdamW, Momentum, Nadam, Optimizer, RMSprop, SGD };
export type { AdadeltaConfig, AdagradConfig, AdamaxConfig, AdamConfig, AdamWConfig, MomentumConfig, NadamConfig, RMSpropConfig, SGDConfig, NamedTensor, LearningRate, OptimizerOptions };
export * as schedules from './schedules.js';
export { LearningRateSchedule } from './schedules.js';

/**
 * tf.train: TF.js' optimizer factories with its positional arguments and defaults. An epsilon of
 * null (the default) is TF.js' backend epsilon, 1e-7.
 */
export const train = {
  sgd: (learningRate: number): SGD => new SGD({ learningRate: required('train.sgd', 'learningRate', learningRate) }),
  momentum: (learningRate: number, momentum: number, useNesterov = false): Momentum =>
    new Momentum({ learningRate: required('train.momentum', 'learningRate', learningRate), momentum: required('train.momentum', 'momentum', momentum), useNesterov }),
  rmsprop: (learningRate: number, decay = 0.9, momentum = 0, epsilon: number | null = null, centered = false): RMSprop =>
    new RMSprop({ learningRate: required('train.rmsprop', 'learningRate', learningRate), decay, momentum, epsilon, centered }),
  adam: (learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null): Adam => new Adam({ learningRate, beta1, beta2, epsilon }),
  adadelta: (learningRate = 0.001, rho = 0.95, epsilon: number | null = null): Adadelta => new Adadelta({ learningRate, rho, epsilon }),
  adamax: (learningRate = 0.002, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null, decay = 0): Adamax => new Adamax({ learningRate, beta1, beta2, epsilon, decay }),
  adagrad: (learningRate: number, initialAccumulatorValue = 0.1): Adagrad =>
    new Adagrad({ learningRate: required('train.adagrad', 'learningRate', learningRate), initialAccumulatorValue }),
};

// The classes' defaults are those TF.js' layers give these names (tfjs-layers' getOptimizer).
const BY_NAME: Record<string, (learningRate?: LearningRate) => Optimizer> = {
  sgd: (learningRate) => new SGD({ learningRate }),
  rmsprop: (learningRate) => new RMSprop({ learningRate }),
  adam: (learningRate) => new Adam({ learningRate }),
  adagrad: (learningRate) => new Adagrad({ learningRate }),
  adadelta: (learningRate) => new Adadelta({ learningRate }),
  adamax: (learningRate) => new Adamax({ learningRate }),
  // Keras' (TF.js has neither)
  adamw: (learningRate) => new AdamW({ learningRate }),
  nadam: (learningRate) => new Nadam({ learningRate }),
};

/** The names compile({optimizer}) accepts, as TF.js' layers do. */
export const COMPILE_OPTIMIZER_NAMES = Object.keys(BY_NAME);

/** The optimizers a training run (command line, server) offers: all of them. */
export const OPTIMIZER_NAMES = COMPILE_OPTIMIZER_NAMES;

/** An optimizer by (case-insensitive) name with TF.js' defaults for it, optionally another learning rate or a schedule. */
export function getOptimizer(name: string, learningRate?: LearningRate): Optimizer {
  const create = BY_NAME[name.toLowerCase()];
  if (!create) throw new TegakiError(`Unknown optimizer '${name}'. Expected one of: ${COMPILE_OPTIMIZER_NAMES.join(', ')}.`);
  return create(learningRate);
}

// TF.js' getClassName() → the class; a Map, so that names like 'constructor' find nothing
const BY_CLASS_NAME = new Map<string, (config: Record<string, unknown>) => Optimizer>([
  ['SGD', (config) => new SGD(config)],
  ['Momentum', (config) => new Momentum(config as unknown as MomentumConfig)],
  ['RMSProp', (config) => new RMSprop(config)],
  ['Adam', (config) => new Adam(config)],
  ['Adadelta', (config) => new Adadelta(config)],
  ['Adagrad', (config) => new Adagrad(config)],
  ['Adamax', (config) => new Adamax(config)],
  ['AdamW', (config) => new AdamW(config)],
  ['Nadam', (config) => new Nadam(config)],
]);

/**
 * The optimizer a training config names: its getClassName() and getConfig() (TF.js'
 * deserialize of optimizer_config). Unknown keys and values out of range are refused by the class.
 */
export function optimizerFromConfig(className: string, config: Record<string, unknown>): Optimizer {
  const create = BY_CLASS_NAME.get(className);
  if (!create) throw new TegakiError(`class_name '${className}' is not an optimizer of TF.js or Keras that tegaki has. Expected one of: ${[...BY_CLASS_NAME.keys()].join(', ')}.`);
  return create(config);
}

export interface SGDArgs extends OptimizerOptions {
  /** Default 0.01. */
  learningRate?: LearningRate;
  /** Default 0 (plain gradient descent). */
  momentum?: number;
  /** Default false. */
  nesterov?: boolean;
}

/** Keras' SGD: plain, or TF.js' Momentum when momentum or nesterov is given. */
export function sgd(args: SGDArgs = {}): SGD | Momentum {
  refuseUnknownOptions(args, ['learningRate', 'momentum', 'nesterov', ...OPTIMIZER_OPTIONS], 'optimizers.sgd');
  const { momentum, nesterov, ...rest } = args;
  if (momentum === undefined && nesterov === undefined) return new SGD(rest);
  return new Momentum({ ...rest, momentum: momentum ?? 0, useNesterov: nesterov ?? false });
}

export interface RMSpropArgs extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: LearningRate;
  /** Decay of the mean square (TF.js' decay). Default 0.9. */
  rho?: number;
  /** Default 0. */
  momentum?: number;
  /** Default 1e-7. */
  epsilon?: number;
  /** Default false. */
  centered?: boolean;
}

/** Keras' RMSprop, computed as TF.js' RMSProp. */
export function rmsprop(args: RMSpropArgs = {}): RMSprop {
  refuseUnknownOptions(args, ['learningRate', 'rho', 'momentum', 'epsilon', 'centered', ...OPTIMIZER_OPTIONS], 'optimizers.rmsprop');
  const { rho, ...rest } = args;
  // checked here so that an error names rho, the option given
  if (rho !== undefined) checkNumber('optimizers.rmsprop', 'rho', rho, CLOSED_FRACTION);
  return new RMSprop({ ...rest, decay: rho });
}

export const adam = (args: AdamConfig = {}): Adam => new Adam(args);
export const adagrad = (args: AdagradConfig = {}): Adagrad => new Adagrad(args);
export const adadelta = (args: AdadeltaConfig = {}): Adadelta => new Adadelta(args);
export const adamax = (args: AdamaxConfig = {}): Adamax => new Adamax(args);
export const adamw = (args: AdamWConfig = {}): AdamW => new AdamW(args);
export const nadam = (args: NadamConfig = {}): Nadam => new Nadam(args);
