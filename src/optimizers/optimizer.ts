// Optimizers with Keras' defaults. Each keeps per-weight slots (momentum, mean square, moments)
// and updates weights in place through the backend.

import { getBackend } from '../backend/select.js';
import { TegakiError } from '../errors.js';
import type { Weight } from '../layers/layer.js';
import { variableGrads } from '../ops/gradients.js';
import { variableNamed, type Variable } from '../ops/variable.js';
import { Tensor } from '../tensor.js';

export abstract class Optimizer {
  abstract readonly className: string;
  learningRate: number;
  /** Number of updates applied so far. */
  iterations = 0;
  // keyed by the weight's values tensor, which stays the same from step to step
  private readonly slots = new Map<Tensor, Float32Array[]>();

  constructor(learningRate: number) {
    checkPositive(learningRate, 'learningRate');
    this.learningRate = learningRate;
  }

  /** Apply one update from the gradients stored in the weights. */
  apply(weights: readonly Weight[]): void {
    this.iterations++;
    for (const w of weights) this.update(w, this.slotsFor(w));
  }

  protected abstract slotCount(): number;
  protected abstract update(weight: Weight, slots: Float32Array[]): void;

  private slotsFor(w: Weight): Float32Array[] {
    let s = this.slots.get(w.value);
    if (!s) {
      s = Array.from({ length: this.slotCount() }, () => new Float32Array(w.value.size));
      this.slots.set(w.value, s);
    }
    return s;
  }

  /** TF.js' minimize: one step down the gradient of the scalar f() over varList (default: all trainable variables). */
  minimize(f: () => Tensor, returnCost = false, varList?: Variable[]): Tensor | null {
    const { value, grads } = this.computeGradients(f, varList);
    this.applyGradients(grads);
    return returnCost ? value : null;
  }

  /** TF.js' computeGradients: f()'s value and its gradient for each variable, by name. */
  computeGradients(f: () => Tensor, varList?: Variable[]): { value: Tensor; grads: Record<string, Tensor> } {
    return variableGrads(f, varList);
  }

  /** TF.js' applyGradients: update the named variables by their gradients (one iteration). */
  applyGradients(variableGradients: Record<string, Tensor> | { name: string; tensor: Tensor }[]): void {
    const entries = Array.isArray(variableGradients) ? variableGradients.map((g) => [g.name, g.tensor] as const) : Object.entries(variableGradients);
    const weights = entries.map(([name, grad]): Weight => {
      const v = variableNamed(name);
      if (!v) throw new TegakiError(`applyGradients: no variable named '${name}'.`);
      if (!(grad instanceof Tensor) || grad.shape.join() !== v.shape.join()) throw new TegakiError(`applyGradients: the gradient for '${name}' must be a tensor of shape [${v.shape}].`);
      // the update kernels write into the variable's own values
      return { name, value: v, grad: grad.dtype === 'float32' ? grad : new Tensor(grad.shape, Float32Array.from(grad.values), 'float32') };
    });
    this.apply(weights);
  }

  /** Slot arrays and step count, in weight order, for checkpoints. */
  getState(weights: readonly Weight[]): { iterations: number; slots: Float32Array[][] } {
    return { iterations: this.iterations, slots: weights.map((w) => this.slotsFor(w).map((a) => a.slice())) };
  }

  setState(weights: readonly Weight[], state: { iterations: number; slots: Float32Array[][] }): void {
    this.iterations = state.iterations;
    weights.forEach((w, i) => this.slotsFor(w).forEach((slot, j) => slot.set(state.slots[i]![j]!)));
  }

  abstract getConfig(): Record<string, unknown>;
}

export function checkPositive(value: number, field: string): void {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new TegakiError(`Expected a strictly positive value for ${field}. Received ${field}=${JSON.stringify(value)}.`);
  }
}

export function checkFraction(value: number, field: string): void {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new TegakiError(`Expected ${field} in [0, 1). Received ${field}=${JSON.stringify(value)}.`);
  }
}

export interface SGDArgs {
  /** Default 0.01. */
  learningRate?: number;
  /** Default 0 (plain gradient descent). */
  momentum?: number;
  /** Default false. */
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly className = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(args: SGDArgs = {}) {
    super(args.learningRate ?? 0.01);
    this.momentum = args.momentum ?? 0;
    checkFraction(this.momentum, 'momentum');
    this.nesterov = args.nesterov ?? false;
  }

  protected slotCount(): number {
    return this.momentum > 0 ? 1 : 0;
  }

  protected update(w: Weight, slots: Float32Array[]): void {
    getBackend().sgdUpdate(w.value.f32, w.grad.f32, slots[0] ?? null, this.learningRate, this.momentum, this.nesterov);
  }

  getConfig(): Record<string, unknown> {
    return { learningRate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov };
  }
}

export interface RMSpropArgs {
  /** Default 0.001. */
  learningRate?: number;
  /** Decay of the mean square. Default 0.9. */
  rho?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

export class RMSprop extends Optimizer {
  readonly className = 'RMSprop';
  readonly rho: number;
  readonly epsilon: number;

  constructor(args: RMSpropArgs = {}) {
    super(args.learningRate ?? 0.001);
    this.rho = args.rho ?? 0.9;
    checkFraction(this.rho, 'rho');
    this.epsilon = args.epsilon ?? 1e-7;
  }

  protected slotCount(): number {
    return 1;
  }

  protected update(w: Weight, slots: Float32Array[]): void {
    getBackend().rmspropUpdate(w.value.f32, w.grad.f32, slots[0]!, this.learningRate, this.rho, this.epsilon);
  }

  getConfig(): Record<string, unknown> {
    return { learningRate: this.learningRate, rho: this.rho, epsilon: this.epsilon };
  }
}

export interface AdamArgs {
  /** Default 0.001. */
  learningRate?: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

export class Adam extends Optimizer {
  readonly className = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(args: AdamArgs = {}) {
    super(args.learningRate ?? 0.001);
    this.beta1 = args.beta1 ?? 0.9;
    this.beta2 = args.beta2 ?? 0.999;
    checkFraction(this.beta1, 'beta1');
    checkFraction(this.beta2, 'beta2');
    this.epsilon = args.epsilon ?? 1e-7;
  }

  protected slotCount(): number {
    return 2;
  }

  protected update(w: Weight, slots: Float32Array[]): void {
    getBackend().adamUpdate(w.value.f32, w.grad.f32, slots[0]!, slots[1]!, this.learningRate, this.beta1, this.beta2, this.epsilon, this.iterations);
  }

  getConfig(): Record<string, unknown> {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
