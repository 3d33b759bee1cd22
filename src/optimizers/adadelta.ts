// Adadelta as TF.js has it (AdadeltaOptimizer): the step is the gradient scaled by the ratio of
// the root mean squares of past steps and of past gradients, times the learning rate.

import { refuseUnknownOptions } from '../errors.js';
import { BACKEND_EPSILON, checkNumber, CLOSED_FRACTION, movingAverage, NON_NEGATIVE, OPTIMIZER_OPTIONS, Optimizer, type LearningRate, type OptimizerOptions, type SlotKind } from './optimizer.js';

export interface AdadeltaConfig extends OptimizerOptions {
  /** Default 1, what TF.js' compile({optimizer: 'adadelta'}) uses (train.adadelta defaults to 0.001). */
  learningRate?: LearningRate;
  /** Decay of both mean squares. Default 0.95. */
  rho?: number;
  /** Default (and when null) 1e-7, TF.js' backend epsilon. */
  epsilon?: number | null;
}

export class Adadelta extends Optimizer {
  readonly rho: number;
  readonly epsilon: number;

  constructor(config: AdadeltaConfig = {}) {
    super('Adadelta', config.learningRate ?? 1, config);
    refuseUnknownOptions(config, ['learningRate', 'rho', 'epsilon', ...OPTIMIZER_OPTIONS], this.className);
    this.rho = checkNumber(this.className, 'rho', config.rho ?? 0.95, CLOSED_FRACTION);
    this.epsilon = checkNumber(this.className, 'epsilon', config.epsilon ?? BACKEND_EPSILON, NON_NEGATIVE);
  }

  protected slotKinds(): SlotKind[] {
    // mean squares of the gradients and of the steps
    return [{ name: 'accum_grad', initial: 0 }, { name: 'accum_var', initial: 0 }];
  }

  protected update(param: Float32Array, grad: Float32Array, [gradSquares, stepSquares]: Float32Array[]): void {
    for (let i = 0; i < param.length; i++) {
      const g = grad[i];
      // Keras differs: TF.js divides by the mean square from before this gradient, Keras after it
      const step = (Math.sqrt(stepSquares[i] + this.epsilon) / Math.sqrt(gradSquares[i] + this.epsilon)) * g;
      gradSquares[i] = movingAverage(gradSquares[i], g * g, this.rho);
      stepSquares[i] = movingAverage(stepSquares[i], step * step, this.rho);
      param[i] -= this.stepLearningRate * step;
    }
  }

  getConfig(): Record<string, unknown> {
    return this.configWith({ rho: this.rho, epsilon: this.epsilon });
  }
}
