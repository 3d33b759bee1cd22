// The optimizer contract shared by every optimizer: per-weight slots (moving averages,
// accumulators), TF.js' minimize/computeGradients/applyGradients, state for checkpoints, and the
// checks that refuse hyperparameters by name.

import { TegakiError } from '../errors.js';
import type { Weight } from '../layers/layer.js';
import { variableGrads } from '../ops/gradients.js';
import { variableNamed, type Variable } from '../ops/variable.js';
import { Tensor } from '../tensor.js';

/** TF.js' backend epsilon() on its float32 backends: what an optimizer uses when epsilon is null. */
export const BACKEND_EPSILON = 1e-7;

export abstract class Optimizer {
  learningRate: number;
  /** Number of updates applied so far. */
  iterations = 0;
  // keyed by the weight's values tensor, which stays the same from step to step
  private readonly slots = new Map<Tensor, Float32Array[]>();

  /** className is TF.js' name for the optimizer (getClassName()); checkpoints record it. */
  constructor(readonly className: string, learningRate: number) {
    this.learningRate = checkNumber(className, 'learningRate', learningRate, NON_NEGATIVE);
  }

  getClassName(): string {
    return this.className;
  }

  /** TF.js' setLearningRate; assigning learningRate works as well. */
  setLearningRate(learningRate: number): void {
    this.learningRate = checkNumber(this.className, 'learningRate', learningRate, NON_NEGATIVE);
  }

  /** Apply one update from the gradients stored in the weights. */
  apply(weights: readonly Weight[]): void {
    this.iterations++;
    for (const w of weights) this.update(w, this.slotsFor(w));
  }

  /** The starting value of each slot kept per weight, in the order update() receives them. */
  protected abstract slotInitialValues(): number[];
  /** One step on w.value from w.grad; this.iterations counts this step (1 on the first). */
  protected abstract update(weight: Weight, slots: Float32Array[]): void;

  private slotsFor(w: Weight): Float32Array[] {
    let s = this.slots.get(w.value);
    if (!s) {
      s = this.slotInitialValues().map((initial) => new Float32Array(w.value.size).fill(initial));
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

  /** The hyperparameters under the keys TF.js' getConfig() uses. */
  abstract getConfig(): Record<string, unknown>;
}

/** decay·previous + (1 − decay)·value: the moving averages most optimizers keep. */
export function movingAverage(previous: number, value: number, decay: number): number {
  return decay * previous + (1 - decay) * value;
}

/** The values a hyperparameter may take, and how an error names them. */
export interface Range {
  holds(value: number): boolean;
  text: string;
}

export const NON_NEGATIVE: Range = { holds: (v) => v >= 0, text: 'a number >= 0' };
/** A decay below 1 (the bias corrections divide by 1 − decay^t). */
export const FRACTION: Range = { holds: (v) => v >= 0 && v < 1, text: 'a number in [0, 1)' };
/** A decay of 1 is allowed: the average then keeps its first value. */
export const CLOSED_FRACTION: Range = { holds: (v) => v >= 0 && v <= 1, text: 'a number in [0, 1]' };

/** value, when it is a finite number in range; otherwise an error naming where, the argument and what it received. */
export function checkNumber(where: string, name: string, value: unknown, range: Range): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !range.holds(value)) {
    throw new TegakiError(`${where}: expected ${name} to be ${range.text}, received ${name}=${show(value)}.`);
  }
  return value;
}

export function checkBoolean(where: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TegakiError(`${where}: expected ${name} to be true or false, received ${name}=${show(value)}.`);
  return value;
}

/** TF.js' positional arguments without a default (learningRate of sgd, momentum, rmsprop, adagrad). */
export function required<T>(where: string, name: string, value: T | undefined | null): T {
  if (value === undefined || value === null) throw new TegakiError(`${where}: ${name} is required, received ${name}=${show(value)}.`);
  return value;
}

// String() for numbers: JSON.stringify would print NaN and Infinity as null
const show = (value: unknown): string => (typeof value === 'string' || (typeof value === 'object' && value !== null) ? JSON.stringify(value) : String(value));
