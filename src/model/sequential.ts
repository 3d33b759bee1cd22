// Sequential: a stack of layers with Keras' compile / fit / evaluate / predict / summary.

import type { Labels } from '../backend/backend.js';
import { asSource, range, type SampleSource } from '../data/source.js';
import { refuseUnknownOptions, TegakiError } from '../errors.js';
import { ActivatedLayer, Layer, snakeCase, type Weight } from '../layers/layer.js';
import { getLoss, lossSum, type Loss, type LossName } from '../losses.js';
import { getMetric, type Metric, type MetricName } from '../metrics.js';
import { getOptimizer, Optimizer } from '../optimizers/index.js';
import { Random } from '../random.js';
import { formatShape, sizeOf, Tensor, type Shape } from '../tensor.js';
import { getBackend } from '../backend/select.js';
import type { IOHandler, SaveResult } from '../io/types.js';
import { BatchBuffers, checkBatchSize, LabelBuffers } from './batches.js';
import type { Logs } from './callbacks.js';
import { FIT_OPTIONS, fitLoop, type FitOptions, type History } from './fit.js';
import type { ModelMetadata } from './metadata.js';
import { saveModelTo } from './save.js';
import { isRecording } from '../ops/engine.js';
import { summaryLines } from './summary.js';

export interface SequentialArgs {
  /** Layers to add in order. */
  layers?: Layer[];
  /** Default 'sequential'. */
  name?: string;
  /** Seed for the initial weights (and, unless fit gets its own, for shuffling and dropout).
   *  Default: random. */
  seed?: number;
}

export interface CompileArgs {
  /** An optimizer, or its name ('sgd', 'rmsprop', 'adam') with Keras defaults. */
  optimizer: Optimizer | string;
  /** 'categoricalCrossentropy', 'sparseCategoricalCrossentropy' or 'meanSquaredError' (Keras'
   *  snake_case names work too). */
  loss: LossName | string;
  /** Default: none. ['accuracy'] adds accuracy. */
  metrics?: (MetricName | string)[];
}

export interface BatchOptions {
  /** Default 32. */
  batchSize?: number;
}

export interface EvaluateArgs extends BatchOptions {
  /** Accepted for TF.js programs; evaluate prints nothing. Default 0. */
  verbose?: number;
}

export class Sequential {
  readonly name: string;
  readonly layers: Layer[] = [];
  /** Set to end fit: after the current epoch when set by onEpochEnd, else after the current batch. */
  stopTraining = false;
  optimizer: Optimizer | null = null;
  loss: Loss | null = null;
  metrics: Metric[] = [];
  /** Class names, input preprocessing, history and seed: saved with the model. */
  metadata: ModelMetadata = {};
  /** Seed the model was created with, if any. */
  readonly seed: number | undefined;
  readonly rng: Random;
  private readonly nameCounts = new Map<string, number>();

  constructor(args: SequentialArgs = {}) {
    this.name = args.name ?? 'sequential';
    this.seed = args.seed;
    this.rng = new Random(args.seed ?? (Math.random() * 2 ** 32) >>> 0);
    for (const layer of args.layers ?? []) this.add(layer);
  }

  /** Append a layer; it is built at once when the input shape is known. */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new TegakiError('Sequential.add expects a layer, e.g. layers.dense({ units: 10 }).');
    if (this.layers.length > 0 && layer.declaredInputShape) {
      // Keras ignores it too, but silently; say so since it usually means a mistake
      if (this.layers.at(-1)!.isBuilt && layer.declaredInputShape.join() !== this.layers.at(-1)!.outputShape.join()) {
        throw new TegakiError(`Layer ${layer.name || layer.className} declares inputShape ${formatShape([null, ...layer.declaredInputShape])} but follows a layer with output ${formatShape([null, ...this.layers.at(-1)!.outputShape])}.`);
      }
    }
    layer.name = this.uniqueName(layer.name || snakeCase(layer.className));
    layer.needsInputGradient = this.layers.length > 0;
    this.layers.push(layer);
    const inputShape = this.layers.length === 1 ? layer.declaredInputShape : this.layers.at(-2)!.isBuilt ? this.layers.at(-2)!.outputShape : undefined;
    if (inputShape) layer.build(inputShape, this.rng);
  }

  private uniqueName(base: string): string {
    if (this.layers.some((l) => l.name === base)) {
      // an explicit duplicate name is a user error; automatic names get numbered
      if (!this.nameCounts.has(base)) throw new TegakiError(`Layer name '${base}' is used twice in model ${this.name}.`);
    }
    const count = this.nameCounts.get(base) ?? 0;
    this.nameCounts.set(base, count + 1);
    return count === 0 ? base : `${base}_${count}`;
  }

  /** Build every layer for samples of this shape (done automatically when the first layer has inputShape). */
  build(inputShape: Shape): void {
    let shape = inputShape;
    for (const layer of this.layers) {
      if (!layer.isBuilt) layer.build(shape, this.rng);
      else if (layer.inputShape.join() !== shape.join()) {
        throw new TegakiError(`Layer ${layer.name} was built for input ${formatShape([null, ...layer.inputShape])}, not ${formatShape([null, ...shape])}.`);
      }
      shape = layer.outputShape;
    }
  }

  get built(): boolean {
    return this.layers.length > 0 && this.layers.every((l) => l.isBuilt);
  }

  get inputShape(): number[] {
    this.requireBuilt();
    return this.layers[0]!.inputShape;
  }

  get outputShape(): number[] {
    this.requireBuilt();
    return this.layers.at(-1)!.outputShape;
  }

  private requireBuilt(): void {
    if (this.layers.length === 0) throw new TegakiError(`Model ${this.name} has no layers.`);
    if (!this.built) throw new TegakiError(`Model ${this.name} is not built: give the first layer an inputShape, or call build().`);
  }

  compile(args: CompileArgs): void {
    this.optimizer = typeof args.optimizer === 'string' ? getOptimizer(args.optimizer) : args.optimizer;
    if (!(this.optimizer instanceof Optimizer)) throw new TegakiError('compile: optimizer must be an optimizer or its name.');
    this.loss = getLoss(args.loss);
    this.metrics = (args.metrics ?? []).map(getMetric);
  }

  /** The key accuracy is logged under ('acc' as in TF.js), or null when it is not a metric. */
  get accuracyKey(): string | null {
    return this.metrics.find((m) => m.kind === 'accuracy')?.key ?? null;
  }

  /** Trainable weights in layer order. */
  get trainableWeights(): Weight[] {
    return this.layers.filter((l) => l.trainable).flatMap((l) => l.weights);
  }

  getWeights(): Tensor[] {
    return this.layers.flatMap((l) => l.getWeights());
  }

  setWeights(weights: readonly Tensor[]): void {
    let i = 0;
    for (const layer of this.layers) {
      layer.setWeights(weights.slice(i, i + layer.weights.length));
      i += layer.weights.length;
    }
    if (i !== weights.length) throw new TegakiError(`Model ${this.name} has ${i} weight arrays, received ${weights.length}.`);
  }

  countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  /**
   * The Keras summary table, printed with printFn (default console.log) and returned. Takes
   * TF.js' (lineLength, positions, printFn) too; the table keeps Keras' 65 columns.
   */
  summary(lineLengthOrPrint?: number | ((line: string) => void), positions?: number[], printFn?: (line: string, ...rest: unknown[]) => void): string {
    if (typeof lineLengthOrPrint === 'number' || positions !== undefined) throw new TegakiError('summary: lineLength and positions are not supported; the table has Keras\' 65 columns.');
    const print = (typeof lineLengthOrPrint === 'function' ? lineLengthOrPrint : printFn) ?? console.log;
    return this.summaryTable(print);
  }

  private summaryTable(printFn: (line: string) => void): string {
    this.requireBuilt();
    const lines = summaryLines(this.name, this.layers);
    for (const line of lines) printFn(line);
    return lines.join('\n');
  }

  /**
   * Save in the TensorFlow.js format (metadata included) through an IOHandler, or to the handler a
   * URL names: 'file://dir' or a plain folder path in Node.js.
   */
  async save(handlerOrUrl: IOHandler | string, config: { includeOptimizer?: boolean; trainableOnly?: boolean } = {}): Promise<SaveResult> {
    const { includeOptimizer = false, trainableOnly = false, ...rest } = config;
    refuseUnknownOptions(rest, ['includeOptimizer', 'trainableOnly'], 'save');
    if (includeOptimizer) throw new TegakiError('save: includeOptimizer is not supported yet.');
    if (trainableOnly) throw new TegakiError('save: trainableOnly is not supported yet.');
    return saveModelTo(this, this.metadata, handlerOrUrl);
  }

  /** Train; see FitOptions for the defaults. */
  async fit(x: Tensor | SampleSource, y: Tensor | SampleSource, options: FitOptions = {}): Promise<History> {
    refuseUnknownOptions(options, FIT_OPTIONS, 'fit');
    return fitLoop(this, asSource(x, 'x'), asSource(y, 'y'), options);
  }

  /**
   * Loss and metrics over a dataset, as TF.js returns them: a scalar tensor of the loss, or
   * [loss, ...metrics] when the model was compiled with metrics.
   */
  evaluate(x: Tensor | SampleSource, y: Tensor | SampleSource, args: EvaluateArgs = {}): Tensor | Tensor[] {
    refuseUnknownOptions(args, ['batchSize', 'verbose'], 'evaluate');
    const logs = this.evaluateSource(asSource(x, 'x'), asSource(y, 'y'), args.batchSize ?? 32);
    const values = Object.values(logs).map((v) => new Tensor([], [v]));
    return values.length === 1 ? values[0]! : values;
  }

  /** Outputs for every sample, in one new tensor. */
  predict(x: Tensor | SampleSource, { batchSize = 32 }: BatchOptions = {}): Tensor {
    // its layers run fused kernels that the tape does not see: a gradient through them would be silently wrong
    if (isRecording()) throw new TegakiError('Calling a layers model inside a gradient function (grad, minimize, ...) is not supported yet; use fit, or write the model with ops.');
    const source = asSource(x, 'x');
    this.ensureBuiltFor(source.sampleShape);
    checkBatchSize(batchSize);
    const out = new Tensor([source.length, ...this.outputShape]);
    const perSample = sizeOf(this.outputShape);
    this.forEachBatch(source, range(0, source.length), batchSize, (batch, start) => {
      const y = this.forward(batch, false);
      out.f32.set(y.f32, start * perSample);
    });
    return out;
  }

  /** Run a batch through every layer; the result is reused by the next call. */
  forward(x: Tensor, training: boolean, rng: Random = this.rng): Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h, { training, rng });
    return h;
  }

  /** Build from the data's sample shape when needed, or check that it matches. */
  ensureBuiltFor(sampleShape: Shape): void {
    if (this.layers.length === 0) throw new TegakiError(`Model ${this.name} has no layers.`);
    if (!this.built) this.build(sampleShape);
    const expected = this.inputShape;
    if (expected.join() !== sampleShape.join()) {
      throw new TegakiError(`Model ${this.name} expects inputs ${formatShape([null, ...expected])}, received samples of shape ${formatShape([null, ...sampleShape])}.`);
    }
  }

  /** Labels as the loss wants them, with a clear error when their shape does not fit. */
  labelsShape(y: SampleSource): { sparse: boolean } {
    const loss = this.requireCompiled();
    const out = this.outputShape;
    const shape = y.sampleShape;
    if (loss.sparse) {
      if (shape.length === 0 || (shape.length === 1 && shape[0] === 1)) return { sparse: true };
      throw new TegakiError(`${loss.name} expects class indices (one number per sample); received labels of shape ${formatShape([null, ...shape])}. Use categoricalCrossentropy for one-hot labels.`);
    }
    if (shape.join() === out.join()) return { sparse: false };
    throw new TegakiError(`${loss.name} expects labels of shape ${formatShape([null, ...out])} like the model's output; received ${formatShape([null, ...shape])}.`);
  }

  requireCompiled(): Loss {
    if (!this.loss || !this.optimizer) throw new TegakiError(`Model ${this.name} is not compiled: call compile({ optimizer, loss }) first.`);
    return this.loss;
  }

  /** Softmax + cross-entropy is computed from the logits when the model ends in softmax. */
  private get lossFromLogits(): boolean {
    const last = this.layers.at(-1);
    return this.loss!.crossEntropy && last instanceof ActivatedLayer && last.activation === 'softmax';
  }

  /** Loss sum and correct count of the batch just run forward; with grad, backpropagate too. */
  lossOfBatch(output: Tensor, labels: Labels, grad: Tensor | null): { loss: number; correct: number } {
    const loss = this.loss!;
    const rows = output.shape[0]!;
    const cols = output.size / rows;
    const last = this.layers.at(-1)!;
    const logits = this.lossFromLogits ? (last as ActivatedLayer).logits! : null;
    const lossTotal = lossSum(loss, (logits ?? output).f32, logits !== null, labels, rows, cols, grad?.f32 ?? null, 1 / rows);
    const correct = this.accuracyKey ? getBackend().countCorrect(output.f32, labels, rows, cols) : 0;
    if (grad) {
      let d = logits ? (last as ActivatedLayer).backwardFromPreActivation(grad) : last.backward(grad);
      for (let i = this.layers.length - 2; i >= 0; i--) d = this.layers[i]!.backward(d);
    }
    return { loss: lossTotal, correct };
  }

  evaluateSource(x: SampleSource, y: SampleSource, batchSize: number): Logs {
    this.ensureBuiltFor(x.sampleShape);
    const { sparse } = this.labelsShape(y);
    checkBatchSize(batchSize);
    if (x.length !== y.length) throw new TegakiError(`x has ${x.length} samples but y has ${y.length}.`);
    if (x.length === 0) throw new TegakiError('Cannot evaluate on an empty dataset.');
    let loss = 0;
    let correct = 0;
    const labelBuffers = new LabelBuffers(y, sparse);
    this.forEachBatch(x, range(0, x.length), batchSize, (batch, _start, indices) => {
      const out = this.forward(batch, false);
      const r = this.lossOfBatch(out, labelBuffers.gather(indices), null);
      loss += r.loss;
      correct += r.correct;
    });
    const logs: Logs = { loss: loss / x.length };
    if (this.accuracyKey) logs[this.accuracyKey] = correct / x.length;
    return logs;
  }

  /** Gather batches of the given sample order into a reused buffer and hand each to fn. */
  forEachBatch(source: SampleSource, order: Int32Array, batchSize: number, fn: (batch: Tensor, start: number, indices: Int32Array) => void): void {
    const buffers = new BatchBuffers(source);
    for (let start = 0; start < order.length; start += batchSize) {
      const indices = order.subarray(start, Math.min(start + batchSize, order.length));
      fn(buffers.gather(indices), start, indices);
    }
  }
}

/** A Sequential model (TF.js' tf.sequential). */
export const sequential = (args: SequentialArgs = {}): Sequential => new Sequential(args);
