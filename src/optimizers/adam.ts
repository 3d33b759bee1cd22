// Adam as TF.js has it (AdamOptimizer): ε is added to the bias-corrected √v, on the backend's
// adamUpdate kernel.

import { getBackend } from '../backend/select.js';
import { refuseUnknownOptions } from '../errors.js';
import { BACKEND_EPSILON, checkNumber, FRACTION, NON_NEGATIVE, OPTIMIZER_OPTIONS, Optimizer, type LearningRate, type OptimizerOptions, type SlotKind } from './optimizer.js';

export interface AdamConfig extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: LearningRate;
  /** Decay of the first moment. Default 0.9. */
  beta1?: number;
  /** Decay of the second moment. Default 0.999. */
  beta2?: number;
  /** Default (and when null) 1e-7, TF.js' backend epsilon. */
  epsilon?: number | null;
}

export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(config: AdamConfig = {}) {
    super('Adam', config.learningRate ?? 0.001, config);
    refuseUnknownOptions(config, ['learningRate', 'beta1', 'beta2', 'epsilon', ...OPTIMIZER_OPTIONS], this.className);
    this.beta1 = checkNumber(this.className, 'beta1', config.beta1 ?? 0.9, FRACTION);
    this.beta2 = checkNumber(this.className, 'beta2', config.beta2 ?? 0.999, FRACTION);
    this.epsilon = checkNumber(this.className, 'epsilon', config.epsilon ?? BACKEND_EPSILON, NON_NEGATIVE);
  }

  protected slotKinds(): SlotKind[] {
    // first and second moments
    return [{ name: 'm', initial: 0 }, { name: 'v', initial: 0 }];
  }

  protected update(param: Float32Array, grad: Float32Array, [m, v]: Float32Array[]): void {
    getBackend().adamUpdate(param, grad, m!, v!, this.stepLearningRate, this.beta1, this.beta2, this.epsilon, this.iterations);
  }

  getConfig(): Record<string, unknown> {
    return this.configWith({ beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon });
  }
}
