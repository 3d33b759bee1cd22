// Elementwise math: the unary functions and activations, pow, minimum/maximum, squaredDifference
// and clipByValue, each with its gradient beside it (TF.js' formulas, written with ops).

import type { UnaryOp } from '../backend/backend.js';
import { TegakiError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { add, binaryOp, div, mul, neg, sub, sumTo, type Input } from './arithmetic.js';
import { greater, greaterEqual, less, lessEqual, logicalAnd, where } from './compare.js';
import { castRaw, compute, convert, convertPair, kernels } from './convert.js';
import { zerosLike } from './creation.js';
import { record } from './engine.js';

/** Ops that keep an integer dtype (the rest compute in float32, as TF.js does). */
const KEEP_DTYPE: readonly UnaryOp[] = ['neg', 'abs', 'square', 'sign', 'relu', 'relu6', 'step'];

/** A unary op and its gradient: grad(dy, x, y) with y the forward's result. */
function unaryOp(op: UnaryOp, grad: ((dy: Tensor, x: Tensor, y: Tensor) => Tensor) | null, params: readonly number[] = [], name: string = op) {
  return (x: Input): Tensor => {
    const given = convert(x, 'x', name);
    const t = given.dtype === 'float32' || (KEEP_DTYPE.includes(op) && given.dtype === 'int32') ? given : castRaw(given, 'float32');
    const out = compute(t.shape, t.dtype, (o) => kernels().unary(op, t.values, o.values, params));
    record([t], out, (dy) => [grad ? grad(dy, t, out) : zerosLike(dy)]);
    return out;
  };
}

/** 1 where x > 0, else 0 (the relu mask); TF.js' step. */
export function step(x: Input, alpha = 0.0): Tensor {
  return unaryOp('step', null, [alpha])(x);
}

const mask = (condition: Tensor): Tensor => where(condition, 1, 0);

// TF.js' subgradient of |x| at 0 is −1
export const abs = unaryOp('abs', (dy, x) => mul(dy, step(x, -1)));
export const sign = unaryOp('sign', null);
export const floor = unaryOp('floor', null);
export const ceil = unaryOp('ceil', null);
export const round = unaryOp('round', null);
export const square = unaryOp('square', (dy, x) => mul(dy, mul(x, 2)));
export const sqrt = unaryOp('sqrt', (dy, _x, y) => div(dy, mul(y, 2)));
export const rsqrt = unaryOp('rsqrt', (dy, x, y) => mul(dy, div(mul(y, -0.5), x)));
export const reciprocal = unaryOp('reciprocal', (dy, _x, y) => neg(mul(dy, mul(y, y))));
export const exp = unaryOp('exp', (dy, _x, y) => mul(dy, y));
export const expm1 = unaryOp('expm1', (dy, x) => mul(dy, exp(x)));
export const log = unaryOp('log', (dy, x) => div(dy, x));
export const log1p = unaryOp('log1p', (dy, x) => div(dy, add(x, 1)));
export const sin = unaryOp('sin', (dy, x) => mul(dy, cos(x)));
export const cos = unaryOp('cos', (dy, x) => neg(mul(dy, sin(x))));
export const tan = unaryOp('tan', (dy, x) => div(dy, square(cos(x))));
export const sigmoid = unaryOp('sigmoid', (dy, _x, y) => mul(dy, mul(y, sub(1, y))));
export const tanh = unaryOp('tanh', (dy, _x, y) => mul(dy, sub(1, square(y))));
export const relu = unaryOp('relu', (dy, x) => mul(dy, mask(greater(x, 0))));
export const relu6 = unaryOp('relu6', (dy, x) => mul(dy, mask(logicalAnd(greater(x, 0), lessEqual(x, 6)))));
export const elu = unaryOp('elu', (dy, _x, y) => mul(dy, where(less(y, 0), add(y, 1), 1)));
export const selu = unaryOp('selu', (dy, x) => mul(dy, where(greater(x, 0), 1.0507009873554805, mul(exp(x), 1.7580993408473766))));
export const softplus = unaryOp('softplus', (dy, x) => mul(dy, sigmoid(x)));
/** TF.js' erf, the Gauss error function; d/dx = 2/√π · e^(−x²). */
export const erf = unaryOp('erf', (dy, x) => mul(dy, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI))));

export function leakyRelu(x: Input, alpha = 0.2): Tensor {
  return unaryOp('leakyRelu', (dy, t) => mul(dy, where(greater(t, 0), 1, alpha)), [alpha], 'leakyRelu')(x);
}

/** TF.js' clipByValue: x limited to [min, max]; the gradient flows only where x was inside. */
export function clipByValue(x: Input, clipValueMin: number, clipValueMax: number): Tensor {
  if (!(clipValueMin <= clipValueMax)) throw new TegakiError(`clipByValue: clipValueMin (${clipValueMin}) must be ≤ clipValueMax (${clipValueMax}).`);
  return unaryOp('clip', (dy, t) => mul(dy, mask(logicalAnd(greaterEqual(t, clipValueMin), lessEqual(t, clipValueMax)))), [clipValueMin, clipValueMax], 'clipByValue')(x);
}

/** TF.js' pow: a^b; d/db uses log(a) where a > 0 (0 elsewhere), as TF.js does. */
export function pow(base: Input, exponent: Input): Tensor {
  const [a, b] = convertPair(base, exponent, 'pow');
  const out = binaryOp('pow', a, b, 'pow');
  record([a, b], out, (dy) => [
    sumTo(mul(dy, mul(b, pow(a, sub(b, 1)))), a.shape),
    sumTo(mul(dy, mul(out, where(greater(a, 0), log(where(greater(a, 0), a, 1)), 0))), b.shape),
  ]);
  return out;
}

function extremum(op: 'minimum' | 'maximum') {
  return (a: Input, b: Input): Tensor => {
    const [x, y] = convertPair(a, b, op);
    const out = binaryOp(op, x, y, op);
    // ties send the gradient to a, as TF.js does
    const aWins = (): Tensor => (op === 'minimum' ? lessEqual(x, y) : greaterEqual(x, y));
    record([x, y], out, (dy) => {
      const m = mask(aWins());
      return [sumTo(mul(dy, m), x.shape), sumTo(mul(dy, sub(1, m)), y.shape)];
    });
    return out;
  };
}

export const minimum = extremum('minimum');
export const maximum = extremum('maximum');

export function squaredDifference(a: Input, b: Input): Tensor {
  const [x, y] = convertPair(a, b, 'squaredDifference');
  const out = binaryOp('squaredDifference', x, y, 'squaredDifference');
  record([x, y], out, (dy) => {
    const d = mul(dy, mul(sub(x, y), 2));
    return [sumTo(d, x.shape), sumTo(neg(d), y.shape)];
  });
  return out;
}

