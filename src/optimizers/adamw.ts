// Keras' AdamW: Adam as Keras computes it (ε added to √v, the bias corrections folded into the step
// size), optionally AMSGrad, with decoupled weight decay on by default.

import { getBackend } from '../backend/select.js';
import { refuseUnknownOptions } from '../errors.js';
import { checkBoolean, checkNumber, FRACTION, NON_NEGATIVE, OPTIMIZER_OPTIONS, Optimizer, type LearningRate, type OptimizerOptions, type SlotKind } from './optimizer.js';

export interface AdamWConfig extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: LearningRate;
  /** Before each update, w ← w − w·weightDecay·learningRate. Default 0.004. */
  weightDecay?: number;
  /** Decay of the first moment. Default 0.9. */
  beta1?: number;
  /** Decay of the second moment. Default 0.999. */
  beta2?: number;
  /** Added to √v (Keras' "epsilon hat"). Default 1e-7. */
  epsilon?: number;
  /** Divide by the largest second moment seen so far (AMSGrad). Default false. */
  amsgrad?: boolean;
}

export class AdamW extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  constructor(config: AdamWConfig = {}) {
    // Keras refuses a weight_decay of None here: only an absent one takes the default
    super('AdamW', config.learningRate ?? 0.001, { ...config, weightDecay: checkNumber('AdamW', 'weightDecay', config.weightDecay === undefined ? 0.004 : config.weightDecay, NON_NEGATIVE) });
    refuseUnknownOptions(config, ['learningRate', 'beta1', 'beta2', 'epsilon', 'amsgrad', ...OPTIMIZER_OPTIONS], this.className);
    this.beta1 = checkNumber(this.className, 'beta1', config.beta1 ?? 0.9, FRACTION);
    this.beta2 = checkNumber(this.className, 'beta2', config.beta2 ?? 0.999, FRACTION);
    this.epsilon = checkNumber(this.className, 'epsilon', config.epsilon ?? 1e-7, NON_NEGATIVE);
    this.amsgrad = checkBoolean(this.className, 'amsgrad', config.amsgrad ?? false);
  }

  protected slotKinds(): SlotKind[] {
    // first and second moments; with AMSGrad, the largest second moment
    const kinds = [{ name: 'm', initial: 0 }, { name: 'v', initial: 0 }, { name: 'vhat', initial: 0 }];
    return this.amsgrad ? kinds : kinds.slice(0, 2);
  }

  protected update(param: Float32Array, grad: Float32Array, [m, v, vHat]: Float32Array[]): void {
    const t = this.iterations;
    const unbias2 = Math.sqrt(1 - Math.pow(this.beta2, t));
    if (!this.amsgrad) {
      // Keras' m·α/(√v + ε) with α = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) is TF.js' Adam step with ε/√(1 − β₂ᵗ)
      getBackend().adamUpdate(param, grad, m!, v!, this.stepLearningRate, this.beta1, this.beta2, this.epsilon / unbias2, t);
      return;
    }
    const alpha = (this.stepLearningRate * unbias2) / (1 - Math.pow(this.beta1, t));
    for (let i = 0; i < param.length; i++) {
      const g = grad[i]!;
      const mi = m![i]! + (g - m![i]!) * (1 - this.beta1);
      const vi = v![i]! + (g * g - v![i]!) * (1 - this.beta2);
      const largest = Math.max(vHat![i]!, vi);
      m![i] = mi;
      v![i] = vi;
      vHat![i] = largest;
      param[i] -= (mi * alpha) / (Math.sqrt(largest) + this.epsilon);
    }
  }

  getConfig(): Record<string, unknown> {
    return this.configWith({ beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad });
  }
}
