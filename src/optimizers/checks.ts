// The checks every optimizer and learning-rate schedule applies to its arguments, refusing a value
// by name and quoting it, and the moving average most optimizers keep.

import { TegakiError } from '../errors.js';

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
export const POSITIVE: Range = { holds: (v) => v > 0, text: 'a number > 0' };
export const ANY: Range = { holds: () => true, text: 'a finite number' };
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
export const show = (value: unknown): string => (typeof value === 'string' || (typeof value === 'object' && value !== null) ? JSON.stringify(value) : String(value));
