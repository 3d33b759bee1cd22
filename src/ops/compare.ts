// Comparisons and selection: equal, notEqual, greater(Equal), less(Equal) and the logical ops give
// bool tensors (no gradient); where(condition, a, b) picks elementwise, its gradient going to
// the side that was picked.

import { type Tensor } from '../tensor.js';
import type { BinaryOp } from '../backend/backend.js';
import { binaryOp, sumTo, type Input } from './arithmetic.js';
import { broadcastShapes, compute, convert, convertPair, kernels } from './convert.js';
import { zerosLike } from './creation.js';
import { record } from './engine.js';

function comparison(op: BinaryOp) {
  return (a: Input, b: Input): Tensor => {
    const [x, y] = convertPair(a, b, op);
    return binaryOp(op, x, y, op, 'bool');
  };
}

export const equal = comparison('equal');
export const notEqual = comparison('notEqual');
export const greater = comparison('greater');
export const greaterEqual = comparison('greaterEqual');
export const less = comparison('less');
export const lessEqual = comparison('lessEqual');

function logical(op: 'logicalAnd' | 'logicalOr') {
  return (a: Input, b: Input): Tensor => binaryOp(op, convert(a, 'a', op, 'bool'), convert(b, 'b', op, 'bool'), op, 'bool');
}

export const logicalAnd = logical('logicalAnd');
export const logicalOr = logical('logicalOr');

export function logicalNot(x: Input): Tensor {
  const t = convert(x, 'x', 'logicalNot', 'bool');
  return compute(t.shape, 'bool', (o) => kernels().unary('logicalNot', t.values, o.values));
}

export function isNaN(x: Input): Tensor {
  const t = convert(x, 'x', 'isNaN');
  return compute(t.shape, 'bool', (o) => kernels().unary('isNaN', t.values, o.values));
}

/** TF.js' where: condition ? a : b elementwise, all three broadcast together. */
export function where(condition: Input, a: Input, b: Input): Tensor {
  const c = convert(condition, 'condition', 'where', 'bool');
  const [x, y] = convertPair(a, b, 'where');
  const shape = broadcastShapes(broadcastShapes(c.shape, x.shape, 'where'), y.shape, 'where');
  const out = compute(shape, x.dtype, (o) => kernels().select(c.values, c.shape, x.values, x.shape, y.values, y.shape, o.values, shape));
  record([c, x, y], out, (dy) => {
    const none = zerosLike(dy);
    return [null, sumTo(where(c, dy, none), x.shape), sumTo(where(c, none, dy), y.shape)];
  });
  return out;
}
