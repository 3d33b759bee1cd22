// The layer contract (after Keras and TF.js): the constructor validates its config;
// build(inputShape) adds weights; call(inputs, kwargs) computes with ops, so the tape gives custom
// layers their backward; apply() runs call on tensors or records a node on symbolic tensors;
// computeOutputShape and getConfig describe it. Symbolic tensors (tf.input(), layer.apply on them)
// describe functional models. Built-in layers also have fused kernels (fused.ts).

import { getConstraint, type Constraint } from '../constraints.js';
import { refuseUnknownOptions, TegakiError } from '../errors.js';
import { getInitializer, type Initializer } from '../initializers.js';
import { withoutRecording } from '../ops/engine.js';
import { getRegularizer, type Regularizer } from '../regularizers.js';
import { Random } from '../random.js';
import { formatShape, Tensor, type Shape } from '../tensor.js';
import { shown } from '../json.js';

/** Values one weight may hold: 2^28 (1 GiB of float32), above VGG16's largest; a config cannot ask for more. */
export const MAX_WEIGHT_VALUES = 2 ** 28;

/** Options every layer accepts. */
export interface LayerArgs {
  /** Unique name within the model. Default: the class name in snake_case, numbered (`dense_1`). */
  name?: string;
  /** Shape of one sample, without the batch dimension; only the first layer needs it. */
  inputShape?: number[];
  /** The same with a leading batch dimension (null), as getConfig writes it; inputShape wins. */
  batchInputShape?: (number | null)[];
  /** Whether the optimizer updates this layer's weights. Default true. */
  trainable?: boolean;
}

/** A weight a layer will create once it knows its input shape. */
export interface WeightSpec {
  name: string;
  shape: number[];
  initializer: Initializer;
  /** Penalty added to the training loss. Default none. */
  regularizer?: Regularizer | null;
  /** Projection applied after every optimizer update. Default none. */
  constraint?: Constraint | null;
}

/** A trainable array and the gradient of the loss with respect to it. */
export interface Weight {
  name: string;
  value: Tensor;
  grad: Tensor;
}

/**
 * A layer's weight (TF.js' LayerVariable): read() gives the tensor ops use, write() replaces its
 * values. It carries its regularizer (a training-loss penalty) and constraint (applied after each
 * optimizer update), as Keras 3's variables do.
 */
export class LayerWeight implements Weight {
  readonly grad: Tensor;
  constructor(readonly name: string, readonly value: Tensor, public trainable = true, readonly regularizer: Regularizer | null = null, readonly constraint: Constraint | null = null) {
    this.grad = new Tensor(value.shape);
  }

  read(): Tensor {
    return this.value;
  }

  /** New values in place: optimizers and tensors that read the weight keep seeing this one. */
  write(values: Tensor): void {
    if (!(values instanceof Tensor) || values.shape.join() !== this.value.shape.join()) {
      throw new TegakiError(`Weight ${this.name} has shape ${formatShape(this.value.shape)}, received ${values instanceof Tensor ? formatShape(values.shape) : typeof values}.`);
    }
    this.value.f32.set(values.f32);
    // as TF.js' LayerVariable.write (so setWeights and loading a model apply it too)
    this.constrain();
  }

  /** Project the values by the constraint, in place (after an optimizer update). */
  constrain(): void {
    const constraint = this.constraint;
    if (!constraint) return;
    const projected = withoutRecording(() => constraint.apply(this.value));
    if (!(projected instanceof Tensor) || projected.shape.join() !== this.value.shape.join()) {
      throw new TegakiError(`Weight ${this.name}: constraint ${constraint.getClassName()} must return a tensor of shape ${formatShape(this.value.shape)}.`);
    }
    this.value.f32.set(projected.f32);
  }

  get shape(): number[] {
    return [...this.value.shape];
  }

  get dtype(): 'float32' {
    return 'float32';
  }
}

/** TF.js' kwargs of call(): training, plus the random stream models hand to dropout. */
export interface CallArgs {
  training?: boolean;
  rng?: Random;
}

export type LayerInput = Tensor | Tensor[];

export abstract class Layer {
  /** TF.js' serialization name; subclasses set `static className = 'MyLayer'`. */
  static className?: string;
  name: string;
  trainable: boolean;
  built = false;
  readonly declaredInputShape: number[] | undefined;
  /** Weights in Keras order (kernel, then bias). */
  readonly weights: LayerWeight[] = [];
  /** Where this layer was applied to symbolic tensors (functional models), in order. */
  readonly inboundNodes: LayerNode[] = [];
  /** Penalty of the layer's output added to the training loss (TF.js' and Keras' activityRegularizer). */
  activityRegularizer: Regularizer | null = null;
  private inShapes: number[][] = [];
  private outShape: number[] = [];
  /** Draws initial weights in build(); models set it to their seeded stream. */
  private initRng: Random | null = null;

  /**
   * ownOptions: the options of a built-in subclass besides LayerArgs; any other is refused by
   * name. Custom layers pass their whole config, so without ownOptions nothing is refused.
   */
  constructor(args: LayerArgs = {}, ownOptions?: readonly string[]) {
    if (args !== null && typeof args !== 'object') throw new TegakiError(`${new.target.name}: expected a config object, received ${JSON.stringify(args)}.`);
    args ??= {};
    if (ownOptions) checkLayerOptions(args, ownOptions, new.target.name);
    this.name = args.name ?? '';
    this.trainable = args.trainable ?? true;
    const given = (v: unknown): boolean => v !== undefined && v !== null;
    if (given(args.inputShape) && given(args.batchInputShape) && JSON.stringify([null, ...(args.inputShape as number[])]) !== JSON.stringify(args.batchInputShape)) {
      throw new TegakiError(`${new.target.name}: inputShape ${JSON.stringify(args.inputShape)} and batchInputShape ${JSON.stringify(args.batchInputShape)} disagree; give one.`);
    }
    if (args.inputShape !== undefined && args.inputShape !== null) {
      if (!Array.isArray(args.inputShape) || args.inputShape.some((d) => !Number.isInteger(d) || d <= 0)) {
        throw new TegakiError(`Expected inputShape to be positive integers. Received inputShape=${shown(args.inputShape)}.`);
      }
      this.declaredInputShape = [...args.inputShape];
    } else if (args.batchInputShape !== undefined && args.batchInputShape !== null) {
      // what getConfig writes, so that new Layer(layer.getConfig()) keeps the input shape
      const shape = args.batchInputShape;
      if (!Array.isArray(shape) || shape.length < 2 || shape.slice(1).some((d) => !Number.isInteger(d) || d! <= 0)) {
        throw new TegakiError(`Expected batchInputShape to be [null, ...positive integers]. Received batchInputShape=${shown(shape)}.`);
      }
      if (shape[0] !== null && shape[0] !== undefined) throw new TegakiError(`${new.target.name}: a fixed batch size (batchInputShape[0] = ${shown(shape[0])}) is not supported; use null.`);
      this.declaredInputShape = shape.slice(1) as number[];
    }
  }

  /** TF.js' fromConfig: a layer of class cls from its config (what loading a registered custom layer calls). */
  static fromConfig<T extends Layer>(cls: new (config: Record<string, unknown>) => T, config: Record<string, unknown>): T {
    return new cls(config);
  }

  /** The layer's one application to symbolic tensors (input and output need exactly one). */
  private get onlyNode(): LayerNode {
    if (this.inboundNodes.length !== 1) throw new TegakiError(`Layer ${this.name || this.className} has ${this.inboundNodes.length === 0 ? 'not been applied to a symbolic input' : `been applied ${this.inboundNodes.length} times`}, so it has no single input and output.`);
    return this.inboundNodes[0]!;
  }

  /** The symbolic output of this layer's one application (TF.js' layer.output). */
  get output(): SymbolicTensor {
    return this.onlyNode.output;
  }

  /** The symbolic input(s) of that application (an input layer has none: it is its own output). */
  get input(): SymbolicTensor | SymbolicTensor[] {
    const inputs = this.onlyNode.inputs;
    return inputs.length === 0 ? this.output : inputs.length === 1 ? inputs[0]! : [...inputs];
  }

  /** The name the model format uses for this class (TF.js' getClassName()). */
  get className(): string {
    return (this.constructor as typeof Layer).className ?? this.constructor.name;
  }

  getClassName(): string {
    return this.className;
  }

  /** Shape of one input sample (no batch dimension); known once built. */
  get inputShape(): number[] {
    return this.inShapes[0] ?? [];
  }

  /** Shapes of one sample of each input (merge layers have several). */
  get inputShapes(): number[][] {
    return this.inShapes;
  }

  /** Shape of one output sample (no batch dimension); known once built. */
  get outputShape(): number[] {
    return this.outShape;
  }

  /** TF.js' batchInputShape: the declared input shape with its batch dimension (null). */
  get batchInputShape(): (number | null)[] | undefined {
    return this.declaredInputShape ? [null, ...this.declaredInputShape] : undefined;
  }

  get isBuilt(): boolean {
    return this.built;
  }

  get trainableWeights(): LayerWeight[] {
    return this.trainable ? this.weights.filter((w) => w.trainable) : [];
  }

  get nonTrainableWeights(): LayerWeight[] {
    return this.trainable ? this.weights.filter((w) => !w.trainable) : [...this.weights];
  }

  /** The output sample shape for these input sample shapes, checked (nothing is built). */
  outputSampleShape(inputShapes: readonly Shape[]): number[] {
    const batched = inputShapes.map((s) => [null, ...s]);
    const out = this.computeOutputShape(batched.length === 1 ? batched[0]! : batched);
    if (!Array.isArray(out) || out.length < 1 || Array.isArray(out[0]) || out.slice(1).some((d) => !Number.isInteger(d) || (d as number) <= 0)) {
      throw new TegakiError(`Layer ${this.name || this.className}: computeOutputShape must return one shape [null, ...positive integers]; received ${JSON.stringify(out)}.`);
    }
    return out.slice(1) as number[];
  }

  /** Check the input shapes, then build (drawing initial values from rng). Models call this. */
  buildFor(inputShapes: Shape | readonly Shape[], rng: Random): void {
    const shapes = (inputShapes.length > 0 && Array.isArray(inputShapes[0]) ? inputShapes : [inputShapes]) as Shape[];
    const outShape = this.outputSampleShape(shapes);
    this.initRng = rng;
    const batched = shapes.map((s) => [null, ...s]);
    this.build(batched.length === 1 ? batched[0]! : batched);
    this.initRng = null;
    this.inShapes = shapes.map((s) => [...s]);
    this.outShape = outShape;
    this.built = true;
  }

  /**
   * TF.js' build(inputShape), inputShape with its batch dimension (null): create the weights.
   * The default adds those weightSpecs describes.
   */
  build(inputShape: BatchShape | BatchShape[]): void {
    const first = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as BatchShape;
    for (const spec of this.weightSpecs(first.slice(1) as number[])) this.addWeight(spec.name, spec.shape, 'float32', spec.initializer, spec.regularizer, true, spec.constraint);
    this.built = true;
  }

  /**
   * TF.js' addWeight: a new weight of this layer, initialized by name (e.g. 'glorotUniform',
   * 'zeros'); regularizer (tf.regularizers.*) adds a penalty to the training loss, constraint
   * (tf.constraints.*) projects the weight after every optimizer update.
   */
  addWeight(name: string, shape: Shape, dtype?: string, initializer?: string | Initializer, regularizer?: Regularizer | string | null, trainable = true, constraint?: Constraint | string | null): LayerWeight {
    const where = `Layer ${this.name || this.className}: addWeight('${name}')`;
    if (dtype !== undefined && dtype !== null && dtype !== 'float32') throw new TegakiError(`${where}: dtype '${String(dtype)}' is not supported (float32 only).`);
    const penalty = getRegularizer(regularizer, `${where} regularizer`);
    const projection = getConstraint(constraint, `${where} constraint`);
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) throw new TegakiError(`${where}: shape must be non-negative integers, received ${JSON.stringify(shape)}.`);
    const size = shape.reduce((n, d) => n * d, 1);
    if (size > MAX_WEIGHT_VALUES) throw new TegakiError(`${where}: shape ${shown(shape)} holds ${size} values, more than the ${MAX_WEIGHT_VALUES} a weight may have.`);
    const value = new Tensor([...shape]);
    getInitializer(initializer, 'glorotUniform', where).initialize(value.f32, shape, this.initRng ?? new Random((Math.random() * 2 ** 32) >>> 0));
    const weight = new LayerWeight(name, value, trainable ?? true, penalty, projection);
    this.weights.push(weight);
    return weight;
  }

  /**
   * The weights build() creates for this input shape, in Keras order, without allocating them:
   * a loader checks them against a file before trusting its sizes.
   */
  weightSpecs(_inputShape: Shape): WeightSpec[] {
    return [];
  }

  /** TF.js' computeOutputShape, shapes with their batch dimension. The default: the input's. */
  computeOutputShape(inputShape: BatchShape | BatchShape[]): BatchShape | BatchShape[] {
    return inputShape;
  }

  /** TF.js' call: the layer's computation written with ops (recorded on the gradient tape). */
  call(inputs: LayerInput, _kwargs: CallArgs = {}): LayerInput {
    return inputs;
  }

  /**
   * TF.js' apply: on tensors, build if needed and call; on symbolic tensors (tf.input()), record
   * where this layer sits in a functional model and return its symbolic output.
   */
  apply(inputs: LayerInput, kwargs?: CallArgs): LayerInput;
  apply(inputs: SymbolicTensor | SymbolicTensor[], kwargs?: CallArgs): SymbolicTensor;
  apply(inputs: LayerInput | SymbolicTensor | SymbolicTensor[], kwargs: CallArgs = {}): LayerInput | SymbolicTensor {
    const list = (Array.isArray(inputs) ? inputs : [inputs]) as unknown[];
    if (list.length === 0) throw new TegakiError(`Layer ${this.name || this.className}: apply needs at least one input.`);
    if (list.every((t) => t instanceof SymbolicTensor)) return this.applySymbolic(list as SymbolicTensor[]);
    if (!list.every((t) => t instanceof Tensor)) throw new TegakiError(`Layer ${this.name || this.className}: apply expects tensors, or symbolic tensors from tf.input(), not a mix.`);
    const tensors = list as Tensor[];
    const shapes = tensors.map((t) => t.shape.slice(1));
    if (!this.built) this.buildFor(shapes, new Random((Math.random() * 2 ** 32) >>> 0));
    else this.checkInputShapes(shapes);
    return this.call(Array.isArray(inputs) ? tensors : tensors[0]!, kwargs);
  }

  private applySymbolic(inputs: SymbolicTensor[]): SymbolicTensor {
    const shapes = inputs.map((t) => t.sampleShape);
    if (this.built) this.checkInputShapes(shapes);
    const out = this.outputSampleShape(shapes);
    const node = new LayerNode(this, inputs, shapes);
    this.inboundNodes.push(node);
    return node.setOutput(new SymbolicTensor([null, ...out], this, this.inboundNodes.length - 1));
  }

  private checkInputShapes(shapes: readonly Shape[]): void {
    if (shapes.length !== this.inShapes.length || shapes.some((s, i) => s.join() !== this.inShapes[i]!.join())) {
      const show = (list: readonly Shape[]): string => list.map((s) => formatShape([null, ...s])).join(', ');
      throw new TegakiError(`Layer ${this.name || this.className} was built for input ${show(this.inShapes)}, received ${show(shapes)}.`);
    }
  }

  /** TF.js-style camelCase config; enough to rebuild the layer. */
  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable };
    if (this.declaredInputShape) config['batchInputShape'] = [null, ...this.declaredInputShape];
    return config;
  }

  countParams(): number {
    return this.weights.reduce((n, w) => n + w.value.size, 0);
  }

  /** TF.js' calculateLosses: the penalties of this layer's regularized weights, as scalars. */
  calculateLosses(): Tensor[] {
    return this.weights.flatMap((w) => (w.regularizer ? [w.regularizer.apply(w.value)] : []));
  }

  getWeights(): Tensor[] {
    return this.weights.map((w) => w.value.clone());
  }

  setWeights(values: readonly Tensor[]): void {
    if (values.length !== this.weights.length) {
      throw new TegakiError(`Layer ${this.name} expects ${this.weights.length} weight arrays, received ${values.length}.`);
    }
    values.forEach((v, i) => this.weights[i]!.write(v));
  }

  /** TF.js' dispose: nothing to free (tensors are garbage-collected). */
  dispose(): { refCountAfterDispose: number; numDisposedVariables: number } {
    return { refCountAfterDispose: 0, numDisposedVariables: 0 };
  }
}

/** A shape with its batch dimension first (null: any batch size). */
export type BatchShape = (number | null)[];

export class SymbolicTensor {
  readonly dtype = 'float32';

  /** shape: [null, ...sample shape]; the output of sourceLayer's node nodeIndex. */
  constructor(readonly shape: BatchShape, readonly sourceLayer: Layer, readonly nodeIndex: number) {}

  get rank(): number {
    return this.shape.length;
  }

  /** The shape of one sample (without the batch dimension). */
  get sampleShape(): number[] {
    return this.shape.slice(1) as number[];
  }

  /** The node that produced this tensor. */
  get node(): LayerNode {
    return this.sourceLayer.inboundNodes[this.nodeIndex]!;
  }

  get name(): string {
    return `${this.sourceLayer.name || this.sourceLayer.className}/${this.nodeIndex}`;
  }

  toString(): string {
    return `SymbolicTensor(shape=[${this.shape.map((d) => d ?? 'null').join(',')}], layer=${this.sourceLayer.name || this.sourceLayer.className})`;
  }
}

/** One application of a layer to symbolic inputs (Keras' Node). */
export class LayerNode {
  private outputTensor: SymbolicTensor | null = null;

  constructor(readonly layer: Layer, readonly inputs: readonly SymbolicTensor[], readonly inputShapes: readonly number[][]) {}

  setOutput(output: SymbolicTensor): SymbolicTensor {
    this.outputTensor = output;
    return output;
  }

  get output(): SymbolicTensor {
    if (!this.outputTensor) throw new TegakiError(`Layer ${this.layer.name}: node has no output yet.`);
    return this.outputTensor;
  }
}

/** Activity penalties of the forward pass being trained, or null when none is collected. */
let activityPenalties: Tensor[] | null = null;

/**
 * fn's result and the penalties of the activity regularizers of the layers it calls with
 * callLayer: what a training step adds to its loss (evaluation leaves them out, as TF.js does).
 */
export function collectActivityPenalties<T>(fn: () => T): { result: T; penalties: Tensor[] } {
  const outer = activityPenalties;
  const penalties: Tensor[] = [];
  activityPenalties = penalties;
  try {
    return { result: fn(), penalties };
  } finally {
    activityPenalties = outer;
  }
}

/** layer.call, and the penalty of its output when it has an activity regularizer and penalties are collected (Keras' __call__). */
export function callLayer(layer: Layer, inputs: LayerInput, kwargs: CallArgs): LayerInput {
  const out = layer.call(inputs, kwargs);
  if (layer.activityRegularizer && activityPenalties) {
    for (const t of Array.isArray(out) ? out : [out]) activityPenalties.push(layer.activityRegularizer.apply(t));
  }
  return out;
}

/** The one input of a single-input layer's call. */
export function singleInput(inputs: LayerInput, layer: Layer): Tensor {
  if (inputs instanceof Tensor) return inputs;
  if (Array.isArray(inputs) && inputs.length === 1 && inputs[0] instanceof Tensor) return inputs[0];
  throw new TegakiError(`Layer ${layer.name || layer.className} expects one input tensor.`);
}

/** The one input's sample shape for a single-input layer's computeOutputShape. */
export function singleSampleShape(inputShape: BatchShape | BatchShape[], layer: Layer): number[] {
  if (Array.isArray(inputShape[0])) {
    if (inputShape.length !== 1) throw new TegakiError(`Layer ${layer.name || layer.className} expects one input, received ${inputShape.length}.`);
    return (inputShape[0] as BatchShape).slice(1) as number[];
  }
  return (inputShape as BatchShape).slice(1) as number[];
}

/** The options every layer takes (TF.js' LayerArgs that tegaki implements). */
const LAYER_OPTIONS = ['name', 'inputShape', 'batchInputShape', 'trainable', 'dtype'];

/** Options a layer does not implement (regularizers, constraints, ...) are refused by name. */
function checkLayerOptions(args: object, own: readonly string[], layer: string): void {
  refuseUnknownOptions(args, [...own, ...LAYER_OPTIONS], layer);
  const dtype = (args as { dtype?: unknown }).dtype;
  if (dtype !== undefined && dtype !== null && dtype !== 'float32') throw new TegakiError(`${layer}: dtype '${String(dtype)}' is not supported (float32 only).`);
}

/** Options a layer accepts only at their default, e.g. dataFormat 'channelsLast' or dilationRate 1. */
export function requireDefault(value: unknown, allowed: readonly unknown[], option: string, layer: string): void {
  if (value === undefined || value === null) return;
  if (!allowed.some((a) => JSON.stringify(a) === JSON.stringify(value))) throw new TegakiError(`${layer}: ${option}=${JSON.stringify(value)} is not supported yet (only ${allowed.map((a) => JSON.stringify(a)).join(' or ')}).`);
}

/** Keras-style snake_case base name for automatic layer names: MaxPooling2D → max_pooling2d. */
export function snakeCase(className: string): string {
  return className
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** Reads a positive integer option, or a pair of them, with Keras-style error messages. */
export function positivePair(value: unknown, field: string, layerName: string): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || pair.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new TegakiError(`Expected ${field} of layer ${layerName} to be a positive integer or a pair of them. Received ${field}=${JSON.stringify(value)}.`);
  }
  return [pair[0], pair[1]];
}

export { paddingOption, windowGeometry, type Padding } from '../ops/windows.js';
