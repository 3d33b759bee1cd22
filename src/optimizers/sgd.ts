// Gradient descent as TF.js has it: plain (SGDOptimizer) and with momentum (MomentumOptimizer),
// both on the backend's sgdUpdate kernel.

import { getBackend } from '../backend/select.js';
import { refuseUnknownOptions } from '../errors.js';
import type { Weight } from '../layers/layer.js';
import { checkBoolean, checkNumber, NON_NEGATIVE, Optimizer, type SlotKind } from './optimizer.js';

export interface SGDConfig {
  /** Default 0.01. */
  learningRate?: number;
}

export class SGD extends Optimizer {
  constructor(config: SGDConfig = {}) {
    super('SGD', config.learningRate ?? 0.01);
    refuseUnknownOptions(config, ['learningRate'], this.className);
  }

  protected slotKinds(): SlotKind[] {
    return [];
  }

  protected update(w: Weight): void {
    getBackend().sgdUpdate(w.value.f32, w.grad.f32, null, this.learningRate, 0, false);
  }

  getConfig(): Required<SGDConfig> {
    return { learningRate: this.learningRate };
  }
}

export interface MomentumConfig {
  /** Default 0.01. */
  learningRate?: number;
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
    super('Momentum', config.learningRate ?? 0.01);
    refuseUnknownOptions(config, ['learningRate', 'momentum', 'useNesterov'], this.className);
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

  protected update(w: Weight, [accumulation]: Float32Array[]): void {
    getBackend().sgdUpdate(w.value.f32, w.grad.f32, accumulation!, this.learningRate, this.momentum, this.useNesterov);
  }

  getConfig(): Required<MomentumConfig> {
    return { learningRate: this.learningRate, momentum: this.momentum, useNesterov: this.useNesterov };
  }
}
