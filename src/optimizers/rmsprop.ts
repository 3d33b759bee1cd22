// RMSProp as TF.js has it (RMSPropOptimizer): the gradient divided by the root of its mean square,
// optionally centered (minus the squared mean gradient) and with momentum. The plain form runs on
// the backend's rmspropUpdate kernel and keeps one slot, as checkpoints of tutorial runs expect.

import { getBackend } from '../backend/select.js';
import { refuseUnknownOptions } from '../errors.js';
import { BACKEND_EPSILON, checkBoolean, checkNumber, CLOSED_FRACTION, movingAverage, NON_NEGATIVE, OPTIMIZER_OPTIONS, Optimizer, type LearningRate, type OptimizerOptions, type SavedSlot, type SlotKind } from './optimizer.js';

export interface RMSpropConfig extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: LearningRate;
  /** Decay of the mean square (Keras' rho). Default 0.9. */
  decay?: number;
  /** Default 0 (each step is the scaled gradient alone). */
  momentum?: number;
  /** Default (and when null) 1e-7, TF.js' backend epsilon. */
  epsilon?: number | null;
  /** Divide by an estimate of the variance instead of the mean square. Default false. */
  centered?: boolean;
}

export class RMSprop extends Optimizer {
  readonly decay: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(config: RMSpropConfig = {}) {
    super('RMSProp', config.learningRate ?? 0.001, config);
    refuseUnknownOptions(config, ['learningRate', 'decay', 'momentum', 'epsilon', 'centered', ...OPTIMIZER_OPTIONS], this.className);
    this.decay = checkNumber(this.className, 'decay', config.decay ?? 0.9, CLOSED_FRACTION);
    this.momentum = checkNumber(this.className, 'momentum', config.momentum ?? 0, NON_NEGATIVE);
    this.epsilon = checkNumber(this.className, 'epsilon', config.epsilon ?? BACKEND_EPSILON, NON_NEGATIVE);
    this.centered = checkBoolean(this.className, 'centered', config.centered ?? false);
  }

  private get plain(): boolean {
    return this.momentum === 0 && !this.centered;
  }

  protected slotKinds(): SlotKind[] {
    // mean square; then the step with momentum and, when centered, the mean gradient
    const kinds = [{ name: 'rms', initial: 0 }, { name: 'momentum', initial: 0 }, { name: 'mg', initial: 0 }];
    return kinds.slice(0, this.plain ? 1 : this.centered ? 3 : 2);
  }

  protected override savedSlots(): SavedSlot[] {
    // TF.js keeps the step with momentum in the plain form too, where it only multiplies it by a
    // momentum of 0: saved as zeros, and what a file holds there is checked and dropped
    return this.plain ? [{ name: 'rms', slot: 0 }, { name: 'momentum', slot: null }] : super.savedSlots();
  }

  protected update(param: Float32Array, grad: Float32Array, slots: Float32Array[]): void {
    if (this.plain) getBackend().rmspropUpdate(param, grad, slots[0], this.stepLearningRate, this.decay, this.epsilon);
    else this.updateWithMomentum(param, grad, slots);
  }

  private updateWithMomentum(param: Float32Array, grad: Float32Array, [meanSquare, moment, meanGrad]: Float32Array[]): void {
    for (let i = 0; i < param.length; i++) {
      const g = grad[i];
      const ms = movingAverage(meanSquare[i], g * g, this.decay);
      meanSquare[i] = ms;
      let denominator = ms + this.epsilon;
      if (this.centered) {
        const mg = movingAverage(meanGrad[i], g, this.decay);
        meanGrad[i] = mg;
        // As TF.js: ε is subtracted, so where the gradient varies less than ε the step is NaN.
        // Keras (and TensorFlow's own kernel) add ε instead.
        denominator = ms - (mg * mg + this.epsilon);
      }
      const step = this.momentum * moment[i] + (this.stepLearningRate * g) / Math.sqrt(denominator);
      moment[i] = step;
      param[i] -= step;
    }
  }

  getConfig(): Record<string, unknown> {
    return this.configWith({ decay: this.decay, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered });
  }
}
