// Merge layers (Keras' Add, Multiply, Average, Maximum, Minimum, Concatenate): several inputs of
// one functional model combined into one output, written with ops (the tape gives the backward).

import { TegakiError } from '../errors.js';
import { addN, div, mul } from '../ops/arithmetic.js';
import { maximum, minimum } from '../ops/math.js';
import { concat } from '../ops/shape.js';
import { formatShape, Tensor } from '../tensor.js';
import { Layer, type CallArgs, type LayerArgs, type LayerInput, type BatchShape } from './layer.js';

/** The inputs of a merge layer: at least two tensors (or shapes, each a list). */
function several<T>(inputs: T | T[], layer: Layer): T[] {
  if (!Array.isArray(inputs) || inputs.length < 2 || !inputs.every((i) => i instanceof Tensor || Array.isArray(i))) throw new TegakiError(`A ${layer.className} layer should be called on a list of at least 2 inputs.`);
  return inputs;
}

/** A binary op applied left to right over the inputs. */
const fold = (inputs: Tensor[], op: (a: Tensor, b: Tensor) => Tensor): Tensor => inputs.slice(1).reduce(op, inputs[0]!);

/** Elementwise merges: every input has the same shape, and so has the output. */
abstract class ElementwiseMerge extends Layer {
  constructor(args: LayerArgs = {}) {
    super(args, []);
  }

  protected abstract merge(inputs: Tensor[]): Tensor;

  override computeOutputShape(inputShape: BatchShape | BatchShape[]): BatchShape {
    const shapes = several(inputShape as BatchShape[], this);
    const first = shapes[0]!;
    const other = shapes.find((s) => s.slice(1).join() !== first.slice(1).join());
    if (other) throw new TegakiError(`${this.className} layer ${this.name}: inputs must have the same shape, received ${formatShape(first)} and ${formatShape(other)}.`);
    return [null, ...first.slice(1)];
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    return this.merge(several(inputs as Tensor[], this));
  }
}

export class Add extends ElementwiseMerge {
  static override readonly className = 'Add';
  protected merge(inputs: Tensor[]): Tensor {
    return addN(inputs);
  }
}

export class Multiply extends ElementwiseMerge {
  static override readonly className = 'Multiply';
  protected merge(inputs: Tensor[]): Tensor {
    return fold(inputs, mul);
  }
}

export class Average extends ElementwiseMerge {
  static override readonly className = 'Average';
  protected merge(inputs: Tensor[]): Tensor {
    return div(addN(inputs), inputs.length);
  }
}

export class Maximum extends ElementwiseMerge {
  static override readonly className = 'Maximum';
  protected merge(inputs: Tensor[]): Tensor {
    return fold(inputs, maximum);
  }
}

export class Minimum extends ElementwiseMerge {
  static override readonly className = 'Minimum';
  protected merge(inputs: Tensor[]): Tensor {
    return fold(inputs, minimum);
  }
}

export interface ConcatenateArgs extends LayerArgs {
  /** Axis to join along. Default -1 (the last). */
  axis?: number;
}

export class Concatenate extends Layer {
  static override readonly className = 'Concatenate';
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args, ['axis']);
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis) || axis === 0) throw new TegakiError(`Concatenate: axis must be a non-zero integer (0 is the batch axis), received axis=${JSON.stringify(args.axis)}.`);
    this.axis = axis;
  }

  /** The axis counted from the front of a batch shape of this rank. */
  private axisFor(rank: number): number {
    const axis = this.axis < 0 ? rank + this.axis : this.axis;
    if (axis <= 0 || axis >= rank) throw new TegakiError(`Concatenate layer ${this.name}: axis ${this.axis} is outside inputs of rank ${rank}.`);
    return axis;
  }

  override computeOutputShape(inputShape: BatchShape | BatchShape[]): BatchShape {
    const shapes = several(inputShape as BatchShape[], this);
    const axis = this.axisFor(shapes[0]!.length);
    const rest = (s: BatchShape): string => s.filter((_, i) => i !== axis && i !== 0).join();
    const other = shapes.find((s) => s.length !== shapes[0]!.length || rest(s) !== rest(shapes[0]!));
    if (other) throw new TegakiError(`Concatenate layer ${this.name}: inputs must match except along axis ${this.axis}, received ${formatShape(shapes[0]!)} and ${formatShape(other)}.`);
    const out = [...shapes[0]!];
    out[axis] = shapes.reduce((n, s) => n + (s[axis] as number), 0);
    out[0] = null;
    return out;
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    const list = several(inputs as Tensor[], this);
    return concat(list, this.axisFor(list[0]!.rank));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}
