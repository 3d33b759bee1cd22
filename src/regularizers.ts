// Weight and activity regularizers as TF.js and Keras define them (tf.regularizers.l1, l2, l1l2):
// a penalty added to the training loss, its gradient to the weights' (or the activations') gradients.

import { TegakiError } from './errors.js';
import { checkArgs, prefixErrors, readSerializedObject, type SerializedObject } from './initializers.js';
import { shown } from './json.js';
import { add, mul, sum } from './ops/arithmetic.js';
import { gradientsOf, withoutRecording } from './ops/engine.js';
import { abs, square } from './ops/math.js';
import { ones } from './ops/creation.js';
import { Tensor, type Shape } from './tensor.js';

/** TF.js' Regularizer: a scalar penalty of a tensor. Subclasses write apply(); penalty() follows from it. */
export abstract class Regularizer {
  /** The class name model.json records (TF.js' getClassName). */
  abstract getClassName(): string;
  abstract getConfig(): Record<string, unknown>;
  /** TF.js' apply: the penalty of x, a scalar written with ops (so it trains on the gradient tape). */
  abstract apply(x: Tensor): Tensor;

  /**
   * The penalty of values (of shape), and when grad is given its gradient added to grad: what the
   * fused training path uses. The default differentiates apply() on the tape.
   */
  penalty(values: Float32Array, shape: Shape, grad: Float32Array | null): number {
    const x = new Tensor([...shape], values);
    if (!grad) return withoutRecording(() => this.apply(x).f32[0]!);
    const { value, grads } = gradientsOf(() => this.apply(x), [x], undefined, (t) => ones(t.shape), add);
    const g = grads[0]?.f32;
    if (g) for (let i = 0; i < grad.length; i++) grad[i]! += g[i]!;
    return value.f32[0]!;
  }
}

/** A non-negative finite factor (Keras' validate_float_arg). */
function factor(value: unknown, fallback: number, name: string): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TegakiError(`regularizers: expected ${name} to be a non-negative number. Received ${name}=${shown(value)}.`);
  return value;
}

/** l1·Σ|x| + l2·Σx² (TF.js' L1L2; its l1 and l2 factories are this with the other factor 0). */
export class L1L2 extends Regularizer {
  static readonly className = 'L1L2';
  readonly l1: number;
  readonly l2: number;

  /** Both factors default to 0.01, as in TF.js. */
  constructor(args: { l1?: number | null; l2?: number | null } = {}) {
    super();
    checkArgs(args, ['l1', 'l2'], 'regularizers.l1l2');
    this.l1 = factor(args.l1, 0.01, 'l1');
    this.l2 = factor(args.l2, 0.01, 'l2');
  }

  getClassName(): string {
    return 'L1L2';
  }

  getConfig(): Record<string, unknown> {
    return { l1: this.l1, l2: this.l2 };
  }

  apply(x: Tensor): Tensor {
    let penalty: Tensor = new Tensor([], [0]);
    if (this.l1 !== 0) penalty = add(penalty, sum(mul(abs(x), this.l1)));
    if (this.l2 !== 0) penalty = add(penalty, sum(mul(square(x), this.l2)));
    return penalty;
  }

  // the same sums in one pass; dl1|x|/dx is l1·step(x, −1), TF.js' subgradient (−l1 at 0)
  override penalty(values: Float32Array, _shape: Shape, grad: Float32Array | null): number {
    const { l1, l2 } = this;
    let total = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      total += l1 * Math.abs(v) + l2 * v * v;
      if (grad) grad[i]! += (l1 === 0 ? 0 : v > 0 ? l1 : -l1) + 2 * l2 * v;
    }
    return total;
  }
}

/** tf.regularizers: TF.js' factories with its defaults (0.01). */
export const regularizers = {
  /** l1·Σ|x|. */
  l1(args: { l1?: number } = {}): L1L2 {
    checkArgs(args, ['l1'], 'regularizers.l1');
    return new L1L2({ l1: args.l1, l2: 0 });
  },
  /** l2·Σx². */
  l2(args: { l2?: number } = {}): L1L2 {
    checkArgs(args, ['l2'], 'regularizers.l2');
    return new L1L2({ l1: 0, l2: args.l2 });
  },
  /** l1·Σ|x| + l2·Σx². */
  l1l2(args: { l1?: number; l2?: number } = {}): L1L2 {
    return new L1L2(args);
  },
};

// TF.js' name 'l1l2' and class L1L2, and Keras' names and classes L1 and L2 (saved as L1L2)
const BY_NAME: Record<string, (config: Record<string, unknown>) => Regularizer> = {
  l1l2: (c) => regularizers.l1l2(c), l1_l2: (c) => regularizers.l1l2(c), L1L2: (c) => regularizers.l1l2(c),
  l1: (c) => regularizers.l1(c), L1: (c) => regularizers.l1(c),
  l2: (c) => regularizers.l2(c), L2: (c) => regularizers.l2(c),
};

/**
 * A regularizer option as layers take it (TF.js' getRegularizer): tf.regularizers.*(), a name
 * ('l1l2', or Keras' 'l1', 'l2'), or the {className, config} model.json holds; null when absent.
 */
export function getRegularizer(value: unknown, field: string): Regularizer | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Regularizer) return value;
  const fail = (): never => {
    throw new TegakiError(`${field}: unknown regularizer ${shown(value)}. Expected tf.regularizers.l1(), l2() or l1l2(), the name 'l1l2', or {className: 'L1L2', config: {l1, l2}}.`);
  };
  const json = typeof value === 'string' ? { className: value, config: {} } : readSerializedObject(value, 'regularizer', field) ?? fail();
  const make = Object.hasOwn(BY_NAME, json.className) ? BY_NAME[json.className]! : fail();
  return prefixErrors(field, () => make(json.config));
}

/** TF.js' serializeRegularizer: {className, config}, or null for none. */
export function serializeRegularizer(regularizer: Regularizer | null): SerializedObject | null {
  return regularizer ? { className: regularizer.getClassName(), config: regularizer.getConfig() } : null;
}
