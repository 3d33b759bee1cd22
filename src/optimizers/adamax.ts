// Adamax as TF.js has it (AdamaxOptimizer): Adam with the second moment replaced by a decaying
// max of |g|, and a learning rate that can decay with the step count.

import { refuseUnknownOptions } from '../errors.js';
import { BACKEND_EPSILON, checkNumber, CLOSED_FRACTION, FRACTION, movingAverage, NON_NEGATIVE, OPTIMIZER_OPTIONS, Optimizer, type LearningRate, type OptimizerOptions, type SlotKind } from './optimizer.js';

export interface AdamaxConfig extends OptimizerOptions {
  /** Default 0.002. */
  learningRate?: LearningRate;
  /** Decay of the first moment. Default 0.9. */
  beta1?: number;
  /** Decay of the max of |g|. Default 0.999. */
  beta2?: number;
  /** Default (and when null) 1e-7, TF.js' backend epsilon. */
  epsilon?: number | null;
  /** Step t uses learningRate / (1 + decay·(t − 1)). Default 0. */
  decay?: number;
}

export class Adamax extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly decay: number;

  constructor(config: AdamaxConfig = {}) {
    super('Adamax', config.learningRate ?? 0.002, config);
    refuseUnknownOptions(config, ['learningRate', 'beta1', 'beta2', 'epsilon', 'decay', ...OPTIMIZER_OPTIONS], this.className);
    this.beta1 = checkNumber(this.className, 'beta1', config.beta1 ?? 0.9, FRACTION);
    // a max never divides by 1 − beta2^t, so beta2 = 1 (no decay) is fine
    this.beta2 = checkNumber(this.className, 'beta2', config.beta2 ?? 0.999, CLOSED_FRACTION);
    this.epsilon = checkNumber(this.className, 'epsilon', config.epsilon ?? BACKEND_EPSILON, NON_NEGATIVE);
    this.decay = checkNumber(this.className, 'decay', config.decay ?? 0, NON_NEGATIVE);
  }

  protected slotKinds(): SlotKind[] {
    // first moment, weighted infinity norm. TF.js differs: its Adamax names them so but has no
    // getWeights/setWeights, so TF.js neither saves nor loads an Adamax state.
    return [{ name: 'm', initial: 0 }, { name: 'v', initial: 0 }];
  }

  protected update(param: Float32Array, grad: Float32Array, [firstMoment, infNorm]: Float32Array[]): void {
    const t = this.iterations;
    const stepSize = this.stepLearningRate / (1 + this.decay * (t - 1)) / (1 - Math.pow(this.beta1, t));
    for (let i = 0; i < param.length; i++) {
      const g = grad[i];
      const m = movingAverage(firstMoment[i], g, this.beta1);
      const u = Math.max(this.beta2 * infNorm[i], Math.abs(g));
      firstMoment[i] = m;
      infNorm[i] = u;
      param[i] -= (stepSize * m) / (u + this.epsilon);
    }
  }

  getConfig(): Record<string, unknown> {
    return this.configWith({ beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, decay: this.decay });
  }
}
