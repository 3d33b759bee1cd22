// TF.js' gradient functions over the tape (engine.ts): grad, grads, valueAndGrad, valueAndGrads,
// variableGrads and customGrad.

import { TegakiError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { add } from './arithmetic.js';
import { convert } from './convert.js';
import { ones as onesOf, type TensorLike } from './creation.js';
import { gradientsOf, record, withoutRecording } from './engine.js';
import { trainableVariables, type Variable } from './variable.js';

/** The gradient a result starts with: ones of its shape, in float32 whatever its dtype. */
const ones = (t: Tensor): Tensor => onesOf(t.shape);

function run(f: (...args: Tensor[]) => Tensor, args: Tensor[], dy: TensorLike | Tensor | undefined, op: string): { value: Tensor; grads: Tensor[] } {
  if (typeof f !== 'function') throw new TegakiError(`${op}: the first argument must be a function.`);
  const d = dy === undefined ? undefined : convert(dy, 'dy', op);
  const { value, grads } = gradientsOf(() => f(...args), args, d, ones, add);
  grads.forEach((g, i) => {
    if (!g) throw new TegakiError(`${op}: cannot compute the gradient of y=f(x) with respect to argument ${i}: the f you passed does not use it to compute y.`);
  });
  return { value, grads: grads as Tensor[] };
}

export function grad(f: (x: Tensor) => Tensor): (x: Tensor | TensorLike, dy?: Tensor | TensorLike) => Tensor {
  return (x, dy) => run(f, [convert(x, 'x', 'grad')], dy, 'grad').grads[0]!;
}

export function grads(f: (...args: Tensor[]) => Tensor): (args: (Tensor | TensorLike)[], dy?: Tensor | TensorLike) => Tensor[] {
  return (args, dy) => {
    if (!Array.isArray(args)) throw new TegakiError('grads: the arguments must be given as an array.');
    return run(f, args.map((a, i) => convert(a, `args[${i}]`, 'grads')), dy, 'grads').grads;
  };
}

export function valueAndGrad(f: (x: Tensor) => Tensor): (x: Tensor | TensorLike, dy?: Tensor | TensorLike) => { value: Tensor; grad: Tensor } {
  return (x, dy) => {
    const { value, grads: g } = run(f, [convert(x, 'x', 'valueAndGrad')], dy, 'valueAndGrad');
    return { value, grad: g[0]! };
  };
}

export function valueAndGrads(f: (...args: Tensor[]) => Tensor): (args: (Tensor | TensorLike)[], dy?: Tensor | TensorLike) => { value: Tensor; grads: Tensor[] } {
  return (args, dy) => {
    if (!Array.isArray(args)) throw new TegakiError('valueAndGrads: the arguments must be given as an array.');
    return run(f, args.map((a, i) => convert(a, `args[${i}]`, 'valueAndGrads')), dy, 'valueAndGrads');
  };
}

/** TF.js' variableGrads: the scalar f() and its gradient for each (trainable) variable it uses, by name. */
export function variableGrads(f: () => Tensor, varList?: Variable[]): { value: Tensor; grads: Record<string, Tensor> } {
  const vars = (varList ?? trainableVariables()).filter((v) => v.trainable);
  if (vars.length === 0) throw new TegakiError(`variableGrads: ${varList ? 'none of the variables in varList is trainable' : 'there are no trainable variables'}.`);
  const { value, grads: g } = gradientsOf(f, vars, undefined, ones, add);
  if (value.rank !== 0) throw new TegakiError(`variableGrads: the result y returned by f() must be a scalar, received shape [${value.shape}].`);
  const out: Record<string, Tensor> = {};
  vars.forEach((v, i) => {
    if (g[i]) out[v.name] = g[i]!;
  });
  if (Object.keys(out).length === 0) throw new TegakiError('variableGrads: cannot find a connection between any variable and the result of the loss function y=f(x).');
  return { value, grads: out };
}

/** TF.js' customGrad: f returns { value, gradFunc(dy, saved) } and gradFunc replaces the recorded gradient. */
export function customGrad(f: (...args: unknown[]) => { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor | Tensor[] }): (...args: Tensor[]) => Tensor {
  return (...args) => {
    const inputs = args.map((a, i) => convert(a, `args[${i}]`, 'customGrad'));
    let saved: Tensor[] = [];
    const save = (tensors: Tensor[]): void => void (saved = tensors);
    // the value is computed without recording: only gradFunc describes its gradient
    const { value, gradFunc } = withoutRecording(() => f(...inputs, save));
    if (!(value instanceof Tensor)) throw new TegakiError('customGrad: f must return { value: Tensor, gradFunc }.');
    const out = new Tensor(value.shape, value.values, value.dtype);
    record(inputs, out, (dy) => {
      const g = gradFunc(dy, saved);
      const list = Array.isArray(g) ? g : [g];
      if (list.length !== inputs.length) throw new TegakiError(`customGrad: gradFunc returned ${list.length} gradients for ${inputs.length} inputs.`);
      return list;
    });
    return out;
  };
}
