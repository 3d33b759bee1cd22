// Adagrad as TF.js has it (AdagradOptimizer): each weight's step shrinks with the sum of its
// squared gradients, which starts at initialAccumulatorValue.

import { refuseUnknownOptions } from '../errors.js';
import { BACKEND_EPSILON, checkNumber, NON_NEGATIVE, OPTIMIZER_OPTIONS, Optimizer, type LearningRate, type OptimizerOptions, type SlotKind } from './optimizer.js';

export interface AdagradConfig extends OptimizerOptions {
  /** Default 0.01. */
  learningRate?: LearningRate;
  /** Starting value of the sum of squared gradients. Default 0.1. */
  initialAccumulatorValue?: number;
}

export class Adagrad extends Optimizer {
  readonly initialAccumulatorValue: number;

  constructor(config: AdagradConfig = {}) {
    super('Adagrad', config.learningRate ?? 0.01, config);
    refuseUnknownOptions(config, ['learningRate', 'initialAccumulatorValue', ...OPTIMIZER_OPTIONS], this.className);
    this.initialAccumulatorValue = checkNumber(this.className, 'initialAccumulatorValue', config.initialAccumulatorValue ?? 0.1, NON_NEGATIVE);
  }

  protected slotKinds(): SlotKind[] {
    // sum of squared gradients
    return [{ name: 'accumulator', initial: this.initialAccumulatorValue }];
  }

  protected update(param: Float32Array, grad: Float32Array, [accumulator]: Float32Array[]): void {
    for (let i = 0; i < param.length; i++) {
      const g = grad[i];
      const sum = accumulator[i] + g * g;
      accumulator[i] = sum;
      // TF.js takes its backend's epsilon here; it has no epsilon argument
      param[i] -= (this.stepLearningRate * g) / Math.sqrt(sum + BACKEND_EPSILON);
    }
  }

  getConfig(): Record<string, unknown> {
    return this.configWith({ initialAccumulatorValue: this.initialAccumulatorValue });
  }
}
