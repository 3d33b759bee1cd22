// Adagrad as TF.js has it (AdagradOptimizer): each weight's step shrinks with the sum of its
// squared gradients, which starts at initialAccumulatorValue.

import { refuseUnknownOptions } from '../errors.js';
import type { Weight } from '../layers/layer.js';
import { BACKEND_EPSILON, checkNumber, NON_NEGATIVE, Optimizer, type SlotKind } from './optimizer.js';

export interface AdagradConfig {
  /** Default 0.01. */
  learningRate?: number;
  /** Starting value of the sum of squared gradients. Default 0.1. */
  initialAccumulatorValue?: number;
}

export class Adagrad extends Optimizer {
  readonly initialAccumulatorValue: number;

  constructor(config: AdagradConfig = {}) {
    super('Adagrad', config.learningRate ?? 0.01);
    refuseUnknownOptions(config, ['learningRate', 'initialAccumulatorValue'], this.className);
    this.initialAccumulatorValue = checkNumber(this.className, 'initialAccumulatorValue', config.initialAccumulatorValue ?? 0.1, NON_NEGATIVE);
  }

  protected slotKinds(): SlotKind[] {
    // sum of squared gradients
    return [{ name: 'accumulator', initial: this.initialAccumulatorValue }];
  }

  protected update(w: Weight, [accumulator]: Float32Array[]): void {
    const param = w.value.f32;
    const grad = w.grad.f32;
    for (let i = 0; i < param.length; i++) {
      const g = grad[i];
      const sum = accumulator[i] + g * g;
      accumulator[i] = sum;
      // TF.js takes its backend's epsilon here; it has no epsilon argument
      param[i] -= (this.learningRate * g) / Math.sqrt(sum + BACKEND_EPSILON);
    }
  }

  getConfig(): Required<AdagradConfig> {
    return { learningRate: this.learningRate, initialAccumulatorValue: this.initialAccumulatorValue };
  }
}
