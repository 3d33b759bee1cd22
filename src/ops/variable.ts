// Variables (TF.js' tf.variable): tensors whose values change (assign, optimizer updates), kept in
// a registry by name so that gradients and optimizers can refer to them as TF.js programs do.

import { TegakiError } from '../errors.js';
import { Tensor, type DataType } from '../tensor.js';
import { cast } from './arithmetic.js';

const registry = new Map<string, Variable>();
let nextVariable = 0;

export class Variable extends Tensor {
  readonly name: string;
  trainable: boolean;

  constructor(initialValue: Tensor, trainable = true, name?: string, dtype?: DataType) {
    const init = dtype && dtype !== initialValue.dtype ? cast(initialValue, dtype) : initialValue;
    super(init.shape, init.values.slice(), init.dtype);
    this.trainable = trainable;
    this.name = name ?? String(nextVariable++);
    if (registry.has(this.name)) throw new TegakiError(`Variable with name ${this.name} was already registered.`);
    registry.set(this.name, this);
  }

  override get mutable(): boolean {
    return true;
  }

  /** Replace the values (same shape and dtype); tensors computed before keep the old ones. */
  assign(newValue: Tensor): void {
    if (!(newValue instanceof Tensor)) throw new TegakiError(`Variable ${this.name}: assign expects a tensor.`);
    if (newValue.dtype !== this.dtype) throw new TegakiError(`Variable ${this.name} is ${this.dtype}; cannot assign a ${newValue.dtype} tensor.`);
    if (newValue.shape.join() !== this.shape.join()) throw new TegakiError(`Variable ${this.name} has shape [${this.shape}]; cannot assign shape [${newValue.shape}].`);
    this.storage = newValue.values.slice();
  }

  override dispose(): void {
    registry.delete(this.name);
    super.dispose();
  }
}

/** TF.js' tf.variable(initialValue, trainable = true, name?, dtype?). */
export function variable(initialValue: Tensor, trainable = true, name?: string, dtype?: DataType): Variable {
  if (!(initialValue instanceof Tensor)) throw new TegakiError('variable: initialValue must be a tensor.');
  return new Variable(initialValue, trainable, name, dtype);
}

/** The trainable variables in creation order (what variableGrads and minimize use by default). */
export const trainableVariables = (): Variable[] => [...registry.values()].filter((v) => v.trainable);

/** The registered variable of that name. */
export const variableNamed = (name: string): Variable | undefined => registry.get(name);
