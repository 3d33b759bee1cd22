// Weight constraints as TF.js and Keras define them (tf.constraints.maxNorm, unitNorm, nonNeg,
// minMaxNorm): a projection applied to a weight after every optimizer update.

import { TegakiError } from './errors.js';
import { checkArgs, prefixErrors, readSerializedObject, type SerializedObject } from './initializers.js';
import { shown } from './json.js';
import { add, div, mul, sum } from './ops/arithmetic.js';
import { clipByValue, relu, sqrt } from './ops/math.js';
import type { Tensor } from './tensor.js';

/** Keras' and TF.js' fuzz factor, which keeps a zero norm from dividing by zero. */
const EPSILON = 1e-7;

/** TF.js' Constraint: apply(w) gives the projected weight, written with ops. */
export abstract class Constraint {
  /** The class name model.json records (TF.js' getClassName). */
  abstract getClassName(): string;
  getConfig(): Record<string, unknown> {
    return {};
  }
  abstract apply(w: Tensor): Tensor;
}

type Axis = number | number[];

/** Options read with Keras-style messages ("Expected maxValue ... Received maxValue=-1."). */
function number(value: unknown, fallback: number, name: string, where: string, min = -Infinity): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw new TegakiError(`${where}: expected ${name} to be a finite number${min > -Infinity ? ` >= ${min}` : ''}. Received ${name}=${shown(value)}.`);
  return value;
}

function axisOption(value: unknown, where: string): Axis {
  if (value === undefined || value === null) return 0;
  const ok = (v: unknown): boolean => Number.isInteger(v);
  if (!(ok(value) || (Array.isArray(value) && value.length > 0 && value.every(ok)))) throw new TegakiError(`${where}: expected axis to be an integer or a list of them. Received axis=${shown(value)}.`);
  return Array.isArray(value) ? [...(value as number[])] : (value as number);
}

function checkOptions(args: unknown, known: readonly string[], where: string): Record<string, unknown> {
  const options = args ?? {};
  checkArgs(options, known, where);
  return options;
}

/** The L2 norms of w along axis, kept as size-1 dimensions so they broadcast against w. */
function norms(w: Tensor, axis: Axis): Tensor {
  return sqrt(sum(mul(w, w), axis, true));
}

/** Each slice along axis scaled to norm `desired` (computed from its norm). */
function rescale(w: Tensor, axis: Axis, desired: (norm: Tensor) => Tensor): Tensor {
  const n = norms(w, axis);
  return mul(w, div(desired(n), add(n, EPSILON)));
}

/** Norms along axis at most maxValue (default 2): larger slices are scaled down. */
export class MaxNorm extends Constraint {
  static readonly className = 'MaxNorm';
  readonly maxValue: number;
  readonly axis: Axis;
  constructor(args: { maxValue?: number; axis?: Axis } = {}) {
    super();
    const a = checkOptions(args, ['maxValue', 'axis'], 'constraints.maxNorm');
    this.maxValue = number(a['maxValue'], 2, 'maxValue', 'constraints.maxNorm', 0);
    this.axis = axisOption(a['axis'], 'constraints.maxNorm');
  }
  getClassName(): string {
    return 'MaxNorm';
  }
  override getConfig(): Record<string, unknown> {
    return { maxValue: this.maxValue, axis: this.axis };
  }
  apply(w: Tensor): Tensor {
    return rescale(w, this.axis, (n) => clipByValue(n, 0, this.maxValue));
  }
}

/** Norms along axis equal to 1. */
export class UnitNorm extends Constraint {
  static readonly className = 'UnitNorm';
  readonly axis: Axis;
  constructor(args: { axis?: Axis } = {}) {
    super();
    this.axis = axisOption(checkOptions(args, ['axis'], 'constraints.unitNorm')['axis'], 'constraints.unitNorm');
  }
  getClassName(): string {
    return 'UnitNorm';
  }
  override getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }
  apply(w: Tensor): Tensor {
    return div(w, add(norms(w, this.axis), EPSILON));
  }
}

/** Negative values become 0. */
export class NonNeg extends Constraint {
  static readonly className = 'NonNeg';
  constructor(args: Record<string, never> = {}) {
    super();
    checkOptions(args, [], 'constraints.nonNeg');
  }
  getClassName(): string {
    return 'NonNeg';
  }
  apply(w: Tensor): Tensor {
    return relu(w);
  }
}

/** Norms along axis moved into [minValue, maxValue] (defaults 0 and 1), by the fraction rate (default 1). */
export class MinMaxNorm extends Constraint {
  static readonly className = 'MinMaxNorm';
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: Axis;
  constructor(args: { minValue?: number; maxValue?: number; rate?: number; axis?: Axis } = {}) {
    super();
    const where = 'constraints.minMaxNorm';
    const a = checkOptions(args, ['minValue', 'maxValue', 'rate', 'axis'], where);
    this.minValue = number(a['minValue'], 0, 'minValue', where, 0);
    this.maxValue = number(a['maxValue'], 1, 'maxValue', where, 0);
    if (this.maxValue < this.minValue) throw new TegakiError(`${where}: expected maxValue >= minValue. Received minValue=${this.minValue}, maxValue=${this.maxValue}.`);
    this.rate = number(a['rate'], 1, 'rate', where, 0);
    this.axis = axisOption(a['axis'], where);
  }
  getClassName(): string {
    return 'MinMaxNorm';
  }
  override getConfig(): Record<string, unknown> {
    return { minValue: this.minValue, maxValue: this.maxValue, rate: this.rate, axis: this.axis };
  }
  apply(w: Tensor): Tensor {
    // rate·clip(norm) + (1 − rate)·norm: rate 1 clips, below 1 moves part of the way
    return rescale(w, this.axis, (n) => add(mul(clipByValue(n, this.minValue, this.maxValue), this.rate), mul(n, 1 - this.rate)));
  }
}

/** tf.constraints: TF.js' factories with its option names and defaults. */
export const constraints = {
  maxNorm: (args: { maxValue?: number; axis?: Axis } = {}): MaxNorm => new MaxNorm(args),
  unitNorm: (args: { axis?: Axis } = {}): UnitNorm => new UnitNorm(args),
  nonNeg: (): NonNeg => new NonNeg(),
  minMaxNorm: (args: { minValue?: number; maxValue?: number; rate?: number; axis?: Axis } = {}): MinMaxNorm => new MinMaxNorm(args),
};

// TF.js' identifiers and class names, and Keras' snake_case names
const BY_NAME: Record<string, (config: Record<string, unknown>) => Constraint> = {
  maxNorm: (c) => new MaxNorm(c), MaxNorm: (c) => new MaxNorm(c), max_norm: (c) => new MaxNorm(c),
  unitNorm: (c) => new UnitNorm(c), UnitNorm: (c) => new UnitNorm(c), unit_norm: (c) => new UnitNorm(c),
  nonNeg: (c) => new NonNeg(c as Record<string, never>), NonNeg: (c) => new NonNeg(c as Record<string, never>), non_neg: (c) => new NonNeg(c as Record<string, never>),
  minMaxNorm: (c) => new MinMaxNorm(c), MinMaxNorm: (c) => new MinMaxNorm(c), min_max_norm: (c) => new MinMaxNorm(c),
};

/**
 * A constraint option as layers take it (TF.js' getConstraint): tf.constraints.*(), a name
 * ('maxNorm', 'nonNeg', ...), or the {className, config} model.json holds; null when absent.
 */
export function getConstraint(value: unknown, field: string): Constraint | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Constraint) return value;
  const fail = (): never => {
    throw new TegakiError(`${field}: unknown constraint ${shown(value)}. Expected tf.constraints.maxNorm(), unitNorm(), nonNeg() or minMaxNorm(), their name, or {className, config}.`);
  };
  const json = typeof value === 'string' ? { className: value, config: {} } : readSerializedObject(value, 'constraint', field) ?? fail();
  const make = Object.hasOwn(BY_NAME, json.className) ? BY_NAME[json.className]! : fail();
  return prefixErrors(field, () => make(json.config));
}

/** TF.js' serializeConstraint: {className, config}, or null for none. */
export function serializeConstraint(constraint: Constraint | null): SerializedObject | null {
  return constraint ? { className: constraint.getClassName(), config: constraint.getConfig() } : null;
}
