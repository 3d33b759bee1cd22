// Reductions with tfjs-core's semantics: mean, max, min, argMax, argMin (axis 0 by default, as in
// TF.js), logSumExp, any, all. sum lives with the primitives in arithmetic.ts. max and min send
// their gradient to every position that holds the extreme value, as TF.js does.

import { TegakiError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { add, broadcastTo, cast, div, mul, reduceAlong, reshape, sub, sum, type Input } from './arithmetic.js';
import { equal } from './compare.js';
import { convert, kernels, parseAxes } from './convert.js';
import { record } from './engine.js';
import { exp, log } from './math.js';

/** TF.js' mean: sum divided by the count; int32 and bool inputs give float32. */
export function mean(x: Input, axis: number | number[] | null = null, keepDims = false): Tensor {
  const t = convert(x, 'x', 'mean');
  const axes = parseAxes(axis, t.rank, 'mean');
  const count = axes.reduce((n, a) => n * t.shape[a]!, 1);
  return div(sum(t.dtype === 'float32' ? t : cast(t, 'float32'), axes, keepDims), count);
}

function extreme(op: 'max' | 'min') {
  return (x: Input, axis: number | number[] | null = null, keepDims = false): Tensor => {
    const t = convert(x, 'x', op);
    const axes = parseAxes(axis, t.rank, op);
    const out = reduceAlong(t, axes, (m, outer, size, o) => kernels().reduce(op, m.values, outer, size, o.values), t.dtype, keepDims);
    record([t], out, (dy) => {
      const kept = t.shape.map((d, i) => (axes.includes(i) ? 1 : d));
      const at = cast(equal(t, broadcastTo(reshape(out, kept), t.shape)), 'float32');
      return [mul(broadcastTo(reshape(dy, kept), t.shape), at)];
    });
    return out;
  };
}

export const max = extreme('max');
export const min = extreme('min');

function argExtreme(op: 'argMax' | 'argMin') {
  return (x: Input, axis = 0): Tensor => {
    const t = convert(x, 'x', op);
    const [a] = parseAxes(axis, t.rank, op);
    if (t.rank === 0) throw new TegakiError(`${op}: needs a tensor of rank 1 or more.`);
    return reduceAlong(t, [a!], (m, outer, size, o) => kernels().argReduce(op, m.values, outer, size, o.values as Int32Array), 'int32', false);
  };
}

export const argMax = argExtreme('argMax');
export const argMin = argExtreme('argMin');

/** TF.js' logSumExp: log(sum(exp(x))) along axis, computed from the max so it cannot overflow. */
export function logSumExp(x: Input, axis: number | number[] | null = null, keepDims = false): Tensor {
  const t = convert(x, 'x', 'logSumExp');
  const axes = parseAxes(axis, t.rank, 'logSumExp');
  // the max is only a shift that cancels in the gradient: a constant, off the tape
  const top = max(t, axes, true);
  const shift = new Tensor(top.shape, top.values, top.dtype);
  const out = add(log(sum(exp(sub(t, shift)), axes, true)), shift);
  return keepDims ? out : reshape(out, t.shape.filter((_, i) => !axes.includes(i)));
}

function logicalReduce(op: 'any' | 'all') {
  return (x: Input, axis: number | number[] | null = null, keepDims = false): Tensor => {
    const t = convert(x, 'x', op, 'bool');
    const axes = parseAxes(axis, t.rank, op);
    return reduceAlong(t, axes, (m, outer, size, o) => kernels().reduce(op, m.values, outer, size, o.values), 'bool', keepDims);
  };
}

export const any = logicalReduce('any');
export const all = logicalReduce('all');
