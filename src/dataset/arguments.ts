// Checks of the arguments of tf.data's methods: one TegakiError line naming the method and argument.

import { TegakiError } from '../errors.js';
import { describe } from './element.js';

export function checkPositiveInteger(method: string, name: string, value: unknown, hint = ''): asserts value is number {
  if (!Number.isInteger(value) || (value as number) <= 0) throw new TegakiError(`${method}: ${name} must be a positive integer, received ${describe(value)}${hint}.`);
}

export function checkFunction(method: string, name: string, value: unknown): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') throw new TegakiError(`${method}: ${name} must be a function, received ${describe(value)}.`);
}

/**
 * A count as take, skip and repeat read it: undefined when absent or negative (TF.js' "no count"),
 * else a non-negative integer or Infinity.
 */
export function countArgument(method: string, count: unknown): number | undefined {
  if (count === undefined || count === null) return undefined;
  if (typeof count !== 'number' || Number.isNaN(count) || (!Number.isInteger(count) && count !== Infinity && count !== -Infinity)) {
    throw new TegakiError(`${method}: count must be an integer (or Infinity; negative or absent means no count), received ${describe(count)}.`);
  }
  return count < 0 ? undefined : count;
}
