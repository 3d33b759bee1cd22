// Keras' Nadam: Adam with Nesterov momentum, whose momentum follows Dozat's schedule
// μₜ = β₁·(1 − ½·0.96ᵗ), the first moment corrected by the product of the μ so far.

import { getBackend } from '../backend/select.js';
import { refuseUnknownOptions } from '../errors.js';
import { checkNumber, FRACTION, NON_NEGATIVE, OPTIMIZER_OPTIONS, Optimizer, type LearningRate, type OptimizerOptions, type SlotKind } from './optimizer.js';

export interface NadamConfig extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: LearningRate;
  /** Decay of the first moment. Default 0.9. */
  beta1?: number;
  /** Decay of the second moment. Default 0.999. */
  beta2?: number;
  /** Added to the bias-corrected √v. Default 1e-7. */
  epsilon?: number;
}

export class Nadam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  // μ₁·…·μₜ for the step t it was computed at: the same for every weight of a step
  private product = { step: 0, value: 1 };

  constructor(config: NadamConfig = {}) {
    super('Nadam', config.learningRate ?? 0.001, config);
    refuseUnknownOptions(config, ['learningRate', 'beta1', 'beta2', 'epsilon', ...OPTIMIZER_OPTIONS], this.className);
    this.beta1 = checkNumber(this.className, 'beta1', config.beta1 ?? 0.9, FRACTION);
    this.beta2 = checkNumber(this.className, 'beta2', config.beta2 ?? 0.999, FRACTION);
    this.epsilon = checkNumber(this.className, 'epsilon', config.epsilon ?? 1e-7, NON_NEGATIVE);
  }

  protected slotKinds(): SlotKind[] {
    // first and second moments
    return [{ name: 'm', initial: 0 }, { name: 'v', initial: 0 }];
  }

  /** Dozat's momentum at step t. */
  private mu(t: number): number {
    return this.beta1 * (1 - 0.5 * Math.pow(0.96, t));
  }

  /**
   * μ₁·…·μₜ. Keras keeps it as optimizer state; it follows from the step count, so it is computed
   * (one factor a step, or again from 1 after the step count was set) and not saved.
   */
  private muProduct(t: number): number {
    if (this.product.step !== t) {
      let { step, value } = this.product.step < t ? this.product : { step: 0, value: 1 };
      while (step < t) value *= this.mu(++step);
      this.product = { step, value };
    }
    return this.product.value;
  }

  protected update(param: Float32Array, grad: Float32Array, [m, v]: Float32Array[]): void {
    const t = this.iterations;
    const mu = this.mu(t);
    const muNext = this.mu(t + 1);
    const product = this.muProduct(t);
    // the corrections of the moment (at μ of the next step) and of the gradient (at this one)
    const momentScale = muNext / (1 - product * muNext);
    const gradScale = (1 - mu) / (1 - product);
    getBackend().nadamUpdate(param, grad, m!, v!, this.stepLearningRate, this.beta1, this.beta2, this.epsilon, momentScale, gradScale, 1 - Math.pow(this.beta2, t));
  }

  getConfig(): Record<string, unknown> {
    return this.configWith({ beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon });
  }
}
