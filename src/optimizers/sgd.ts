// Gradient descent as TF.js has it: plain (SGDOptimizer) and with momentum (MomentumOptimizer),
// both on the backend's sgdUpdate kernel.

import { getBackend } from '../backend/select.js';
import { refuseUnknownOptions } from '../errors.js';
import { checkBoolean, checkNumber, NON_NEGATIVE, OPTIMIZER_OPTIONS, Optimizer, type LearningRate, type OptimizerOptions, type SlotKind } from './optimizer.js';

export interface SGDConfig extends OptimizerOptions {
  /** Default 0.01. */
  learningRate?: LearningRate;
}

export class SGD extends Optimizer {
  constructor(config: SGDConfig = {}) {
    super('SGD', config.learningRate ?? 0.01, config);
    refuseUnknownOptions(config, ['learningRate', ...OPTIMIZER_OPTIONS], this.className);
  }

  protected slotKinds(): SlotKind[] {
    return [];
  }

  protected update(param: Float32Array, grad: Float32Array): void {
    getBackend().sgdUpdate(param, grad, null, this.stepLearningRate, 0, false);
  }

  getConfig(): Record<string, unknown> {
    return this.configWith({});
  }
}

export interface MomentumConfig extends OptimizerOptions {
  /** Default 0.01. */
  learningRate?: LearningRate;
  /** Required: how much of the accumulated gradient each step keeps. */
  momentum: number;
  /** Step along the gradient looked ahead by the momentum. Default false. */
  useNesterov?: boolean;
}

export class Momentum extends Optimizer {
  /** Assigning it works as setMomentum does, unchecked. */
  momentum: number;
  readonly useNesterov: boolean;

  constructor(config: MomentumConfig) {
    super('Momentum', config.learningRate ?? 0.01, config);
    refuseUnknownOptions(config, ['learningRate', 'momentum', 'useNesterov', ...OPTIMIZER_OPTIONS], this.className);
    this.momentum = checkNumber(this.className, 'momentum', config.momentum, NON_NEGATIVE);
    this.useNesterov = checkBoolean(this.className, 'useNesterov', config.useNesterov ?? false);
  }

  protected slotKinds(): SlotKind[] {
    // the accumulated gradient
    return [{ name: 'momentum', initial: 0 }];
  }

  /**
   * TF.js' setMomentum. TF.js differs: its update keeps using the momentum the optimizer was
   * created with (only getConfig sees the new one); here the next steps use it.
   */
  setMomentum(momentum: number): void {
    this.momentum = checkNumber(this.className, 'momentum', momentum, NON_NEGATIVE);
  }

  // Keras' SGD keeps −lr·v instead of v, so its steps are these while the learning rate stays the
  // same. Keras differs when it changes (a schedule, setLearningRate): there each past gradient
  // keeps the rate it came with, here every one takes the current rate (as in TF.js).
  protected update(param: Float32Array, grad: Float32Array, [accumulation]: Float32Array[]): void {
    getBackend().sgdUpdate(param, grad, accumulation!, this.stepLearningRate, this.momentum, this.useNesterov);
  }

  getConfig(): Record<string, unknown> {
    return this.configWith({ momentum: this.momentum, useNesterov: this.useNesterov });
  }
}
