// LayersModel: TF.js' model of layers — tf.model({ inputs, outputs }) over a graph of layer
// applications, and the base of Sequential. compile / fit / evaluate / predict / save / summary as
// TF.js has them. Training runs the layers' call() on the gradient tape, so any layer, custom ones
// included, trains; Sequential adds the fused-kernel path for its built-in layers.

import type { Labels } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { range, type SampleSource } from '../data/source.js';
import { refuseUnknownOptions, TegakiError } from '../errors.js';
import { collectActivityPenalties, snakeCase, SymbolicTensor, type CallArgs, type Layer, type LayerWeight } from '../layers/layer.js';
import { layerToJson } from '../layers/serialization.js';
import { getLoss, type Loss, type LossFunction } from '../losses.js';
import { binaryAccuracy, categoricalAccuracy, confusionCounts, getMetric, sparseCategoricalAccuracy, weightedMeanCounts, type ConfusionCounts, type Metric, type MetricFunction } from '../metrics.js';
import { add, cast, mul, reshape } from '../ops/arithmetic.js';
import { ones } from '../ops/creation.js';
import { gradientsOf, isRecording, withoutRecording } from '../ops/engine.js';
import { mean } from '../ops/reduction.js';
import { concat } from '../ops/shape.js';
import { getOptimizer, Optimizer } from '../optimizers/index.js';
import { Random } from '../random.js';
import { formatShape, Tensor, type Shape } from '../tensor.js';
import type { IOHandler, SaveResult } from '../io/types.js';
import { asSources, checkBatchSize, forEachBatch, type ModelData } from './batches.js';
import { batchWeights, sampleWeightSource, type ClassWeight } from './class-weight.js';
import type { Logs } from './callbacks.js';
import { addBatch, FIT_OPTIONS, fitLoop, meanLogs, type BatchResult, type EpochSums, type FitOptions, type History, type LoopModel } from './fit.js';
import { evaluateDatasetLogs, fitDatasetLoop, type FitDatasetOptions } from './fit-dataset.js';
import { graphOf, nodesInGraph, runGraph, type Graph } from './graph.js';
import type { Dataset } from '../dataset/index.js';
import type { ModelMetadata } from './metadata.js';
import { saveModelTo } from './save.js';
import { ModelLayer, type NestableModel } from './nested.js';
import { functionalSummaryLines, tableLayout, type TableLayout } from './summary.js';

export interface ModelArgs {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
  /** Default 'model'. */
  name?: string;
  /** Seed for the initial weights of layers not built yet (and for shuffling and dropout unless fit gets its own). Default: random. */
  seed?: number;
}

export interface CompileArgs {
  /** An optimizer (tf.train.adam(0.01)), or its name ('sgd', 'rmsprop', 'adam', ...) with TF.js' defaults. */
  optimizer: Optimizer | string;
  /** A loss name ('categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'meanSquaredError';
   *  Keras' snake_case too), a function (yTrue, yPred) => Tensor, or one per output. */
  loss: string | LossFunction | (string | LossFunction)[] | Record<string, string | LossFunction>;
  /**
   * Default: none. ['accuracy'] adds accuracy; names ('binaryAccuracy', 'mae', 'precision', 'auc', ...)
   * log under the name given; a function (yTrue, yPred) => Tensor under its name.
   */
  metrics?: (string | MetricFunction | Metric)[];
  /**
   * Keras' weighted_metrics: metrics that sampleWeight and classWeight weigh, each a weighted mean
   * over the epoch; logged under their names, prefixed 'weighted_' when also among metrics.
   * Default: none. TF.js differs: it has no weightedMetrics.
   */
  weightedMetrics?: (string | MetricFunction | Metric)[];
}

export interface BatchOptions {
  /** Default 32. */
  batchSize?: number;
  /** Accepted for TF.js programs; nothing is printed. Default 0. */
  verbose?: number;
}

export interface EvaluateOptions extends BatchOptions {
  /**
   * Keras' sample_weight: one weight per sample multiplying its loss. Default: all 1.
   * TF.js differs: it refuses sampleWeight.
   */
  sampleWeight?: Tensor;
}

/** Unique layer names within a model: automatic names are numbered (dense, dense_1), explicit duplicates refused. */
export class LayerNames {
  private readonly counts = new Map<string, number>();
  private readonly used = new Set<string>();

  constructor(private readonly modelName: string) {}

  /** Name every layer of a new model: the names they have are reserved first, then the others numbered. */
  assignAll(layers: readonly Layer[]): void {
    for (const layer of layers) if (layer.name) this.assign(layer);
    for (const layer of layers) if (!layer.name) this.assign(layer);
  }

  /** A name free again (the layer left the model). */
  release(name: string): void {
    this.used.delete(name);
  }

  /** Give the layer a name if it has none; refuse one already used in this model. */
  assign(layer: Layer): void {
    if (layer.name) {
      if (this.used.has(layer.name)) throw new TegakiError(`Layer name '${layer.name}' is used twice in model ${this.modelName}.`);
    } else {
      const base = snakeCase(layer.className);
      let n = this.counts.get(base) ?? 0;
      while (this.used.has(n === 0 ? base : `${base}_${n}`)) n++;
      this.counts.set(base, n + 1);
      layer.name = n === 0 ? base : `${base}_${n}`;
    }
    this.used.add(layer.name);
  }
}

export class LayersModel implements LoopModel, NestableModel {
  readonly name: string;
  /** Set to end fit: after the current epoch when set by onEpochEnd, else after the current batch. */
  stopTraining = false;
  optimizer: Optimizer | null = null;
  /** One compiled loss per output. */
  protected losses: Loss[] = [];
  metrics: Metric[] = [];
  /** Class names, input preprocessing, history and seed: saved with the model. */
  metadata: ModelMetadata = {};
  /** Seed the model was created with, if any. */
  readonly seed: number | undefined;
  readonly rng: Random;
  protected graph: Graph | null = null;
  /** The layer this model is when nested in another (one, so every use shares its weights). */
  private nested: ModelLayer | null = null;
  private trainableFlag = true;

  /** Without inputs and outputs the model has no graph yet (Sequential builds its own). */
  constructor(args: Partial<ModelArgs> = {}, defaultName = 'model') {
    this.name = args.name ?? defaultName;
    this.seed = args.seed;
    this.rng = new Random(args.seed ?? (Math.random() * 2 ** 32) >>> 0);
    if (args.inputs === undefined && args.outputs === undefined) return;
    if (args.inputs === undefined || args.outputs === undefined) throw new TegakiError('tf.model needs both inputs and outputs.');
    const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
    this.graph = graphOf(list(args.inputs), list(args.outputs));
    new LayerNames(this.name).assignAll(this.graph.layers);
    this.buildGraphLayers(this.graph);
  }

  /** Build every layer of the graph not built yet, for the shapes its nodes receive. */
  private buildGraphLayers(graph: Graph): void {
    for (const node of graph.nodes) {
      if (!node.layer.isBuilt) node.layer.buildFor(node.inputShapes, this.rng);
      else if (node.inputShapes.some((s, i) => s.join() !== node.layer.inputShapes[i]?.join())) {
        throw new TegakiError(`Layer ${node.layer.name} is applied to inputs of different shapes (${node.inputShapes.map((s) => formatShape([null, ...s])).join(', ')} and ${node.layer.inputShapes.map((s) => formatShape([null, ...s])).join(', ')}).`);
      }
    }
  }

  /** 'Model' (or 'Sequential'), as model.json names the class. */
  get topologyClassName(): string {
    return 'Model';
  }

  /** TF.js' model.trainable: setting it freezes (or unfreezes) every layer. */
  get trainable(): boolean {
    return this.trainableFlag;
  }

  set trainable(value: boolean) {
    this.trainableFlag = value;
    for (const layer of this.layers) layer.trainable = value;
  }

  /** This model as a layer of another (sequential.add(model), model.apply(symbolic)). */
  asLayer(): ModelLayer {
    this.nested ??= new ModelLayer(this);
    return this.nested;
  }

  /** The layers, input layers first (TF.js' model.layers). */
  get layers(): Layer[] {
    return [...(this.graph?.layers ?? [])];
  }

  /** The symbolic inputs (tf.model({ inputs: model.inputs, ... }) builds on them). */
  get inputs(): SymbolicTensor[] {
    return [...this.requireGraph().inputs];
  }

  get outputs(): SymbolicTensor[] {
    return [...this.requireGraph().outputs];
  }

  protected requireGraph(): Graph {
    if (!this.graph) throw new TegakiError(`Model ${this.name} is not built yet, so it has no inputs or outputs.`);
    return this.graph;
  }

  get built(): boolean {
    return this.graph !== null;
  }

  /** Shapes of one sample of each input. */
  get inputSampleShapes(): number[][] {
    return this.requireGraph().inputs.map((t) => t.sampleShape);
  }

  get outputSampleShapes(): number[][] {
    return this.requireGraph().outputs.map((t) => t.sampleShape);
  }

  /** Shape of one sample of the (first) input, without the batch dimension. */
  get inputShape(): number[] {
    return this.inputSampleShapes[0]!;
  }

  /** Shape of one sample of the (first) output. */
  get outputShape(): number[] {
    return this.outputSampleShapes[0]!;
  }

  /** The layer of that name, or at that index (TF.js' getLayer(name?, index?)). */
  getLayer(nameOrIndex?: string | number, index?: number): Layer {
    const layers = this.layers;
    const at = typeof nameOrIndex === 'number' ? nameOrIndex : nameOrIndex === undefined ? index : undefined;
    if (at !== undefined) {
      if (!Number.isInteger(at) || at < 0 || at >= layers.length) throw new TegakiError(`getLayer: index ${at} is out of range; model ${this.name} has ${layers.length} layers.`);
      return layers[at]!;
    }
    const found = layers.find((l) => l.name === nameOrIndex);
    if (!found) throw new TegakiError(`getLayer: no layer named '${String(nameOrIndex)}' (layers: ${layers.map((l) => l.name).join(', ')}).`);
    return found;
  }

  compile(args: CompileArgs): void {
    if (!args || typeof args !== 'object') throw new TegakiError('compile expects { optimizer, loss }.');
    refuseUnknownOptions(args, ['optimizer', 'loss', 'metrics', 'weightedMetrics'], 'compile');
    const optimizer = typeof args.optimizer === 'string' ? getOptimizer(args.optimizer) : args.optimizer;
    if (!(optimizer instanceof Optimizer)) throw new TegakiError('compile: optimizer must be an optimizer (tf.train.adam()) or its name.');
    const losses = this.compiledLosses(args.loss);
    if (!Array.isArray(args.metrics ?? [])) throw new TegakiError('compile: metrics must be a list, e.g. [\'accuracy\'].');
    if (!Array.isArray(args.weightedMetrics ?? [])) throw new TegakiError('compile: weightedMetrics must be a list, e.g. [\'accuracy\'].');
    const plain = (args.metrics ?? []).map(getMetric);
    const weighted = (args.weightedMetrics ?? []).map((m): Metric => {
      const metric = getMetric(m);
      return { ...metric, weighted: true, key: plain.some((p) => p.key === metric.key) ? `weighted_${metric.key}` : metric.key };
    });
    const metrics = [...plain, ...weighted];
    if (plain.filter((m) => m.kind === 'accuracy').length > 1) throw new TegakiError('compile: give one accuracy metric (which one is picked from the loss and labels, as in TF.js).');
    this.optimizer = optimizer;
    this.losses = losses;
    this.metrics = metrics;
  }

  /** One loss, a list with one per output, or an object by output name (TF.js' forms). */
  private compiledLosses(loss: CompileArgs['loss']): Loss[] {
    const outputs = this.graph ? this.outputNames : null;
    if (loss && typeof loss === 'object' && !Array.isArray(loss)) {
      if (!outputs) throw new TegakiError('compile: losses by output name need a model with its outputs known.');
      const byName = loss as Record<string, string | LossFunction>;
      const unknown = Object.keys(byName).find((k) => !outputs.includes(k));
      if (unknown) throw new TegakiError(`compile: loss for '${unknown}', which is not an output (outputs: ${outputs.join(', ')}).`);
      return outputs.map((name) => {
        if (byName[name] === undefined) throw new TegakiError(`compile: no loss for output '${name}'.`);
        return getLoss(byName[name]!);
      });
    }
    const list = Array.isArray(loss) ? loss.map(getLoss) : [getLoss(loss)];
    if (Array.isArray(loss) && outputs && list.length !== outputs.length) throw new TegakiError(`compile: ${list.length} losses for ${outputs.length} outputs (${outputs.join(', ')}).`);
    return list;
  }

  /** The loss of the (first) output, once compiled. */
  get loss(): Loss | null {
    return this.losses[0] ?? null;
  }

  requireCompiled(): void {
    if (this.losses.length === 0 || !this.optimizer) throw new TegakiError(`Model ${this.name} is not compiled: call compile({ optimizer, loss }) first.`);
  }

  /** The key a single output's accuracy is logged under ('acc' as in TF.js), or null (not a metric, or several outputs: see metricKeys). */
  get accuracyKey(): string | null {
    if (this.losses.length > 1 || (this.graph && this.graph.outputs.length > 1)) return null;
    return this.metrics.find((m) => m.kind === 'accuracy' && !m.weighted)?.key ?? null;
  }

  /** Every key the logs hold, in TF.js' order: loss, each output's loss, then each output's metrics (prefixed by its name when there are several). */
  get metricKeys(): string[] {
    const names = this.outputNames;
    if (names.length === 1) return ['loss', ...this.metrics.map((m) => m.key)];
    return ['loss', ...names.map((n) => `${n}_loss`), ...names.flatMap((n) => this.metrics.map((m) => `${n}_${m.key}`))];
  }

  /** Every weight, layer by layer (TF.js' model.weights). */
  get weights(): LayerWeight[] {
    return this.layers.flatMap((l) => l.weights);
  }

  /** The weights the optimizer updates, in layer order. */
  get trainableWeights(): LayerWeight[] {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  get nonTrainableWeights(): LayerWeight[] {
    return this.layers.flatMap((l) => l.nonTrainableWeights);
  }

  getWeights(): Tensor[] {
    return this.layers.flatMap((l) => l.getWeights());
  }

  setWeights(weights: readonly Tensor[]): void {
    const count = this.layers.reduce((n, l) => n + l.weights.length, 0);
    if (!Array.isArray(weights) || weights.length !== count) throw new TegakiError(`Model ${this.name} has ${count} weight arrays, received ${Array.isArray(weights) ? weights.length : typeof weights}.`);
    let i = 0;
    for (const layer of this.layers) {
      layer.setWeights(weights.slice(i, i + layer.weights.length));
      i += layer.weights.length;
    }
  }

  countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  /**
   * The Keras summary table, printed with printFn (default console.log) and returned. Takes
   * TF.js' (lineLength, positions, printFn) too: a line length, and where the columns end
   * (fractions of the line, or columns).
   */
  summary(lineLengthOrPrint?: number | ((line: string) => void), positions?: number[], printFn?: (line: string, ...rest: unknown[]) => void): string {
    const print = (typeof lineLengthOrPrint === 'function' ? lineLengthOrPrint : printFn) ?? console.log;
    const lineLength = typeof lineLengthOrPrint === 'number' ? lineLengthOrPrint : undefined;
    const lines = this.summaryLines(tableLayout(this.topologyClassName !== 'Sequential', lineLength, positions ?? undefined));
    for (const line of lines) print(line);
    return lines.join('\n');
  }

  protected summaryLines(layout: TableLayout): string[] {
    return functionalSummaryLines(this.name, this.requireGraph(), layout);
  }

  /** The model's topology as model.json holds it ({ class_name, config }). */
  modelTopology(): Record<string, unknown> {
    const graph = this.requireGraph();
    // a node is named by its position among the layer's nodes that belong to this model, and
    // each layer lists its nodes in that order, so a loader numbers them the same way
    const ref = (t: SymbolicTensor): [string, number, number] => [t.sourceLayer.name, nodesInGraph(graph, t.sourceLayer).indexOf(t.node), 0];
    const layers = graph.layers.map((layer) => ({
      ...layerToJson(layer),
      name: layer.name,
      inbound_nodes: nodesInGraph(graph, layer).filter((n) => n.inputs.length > 0).map((n) => n.inputs.map((t) => [...ref(t), {}])),
    }));
    return { class_name: 'Model', config: { name: this.name, layers, input_layers: graph.inputs.map(ref), output_layers: graph.outputs.map(ref) } };
  }

  /** TF.js' toJSON: the topology as a JSON string (or the object when returnString is false). */
  toJSON(_unused?: unknown, returnString = true): string | Record<string, unknown> {
    const topology = this.modelTopology();
    return returnString ? JSON.stringify(topology) : topology;
  }

  /**
   * Save in the TensorFlow.js format (metadata included) through an IOHandler, or to the handler a
   * URL names: 'file://dir' or a plain folder path in Node.js.
   */
  async save(handlerOrUrl: IOHandler | string, config: { includeOptimizer?: boolean; trainableOnly?: boolean } = {}): Promise<SaveResult> {
    const { includeOptimizer = false, trainableOnly = false, ...rest } = config;
    refuseUnknownOptions(rest, ['includeOptimizer', 'trainableOnly'], 'save');
    if (trainableOnly) throw new TegakiError('save: trainableOnly is not supported yet.');
    // includeOptimizer: the optimizer's state, and what the model was compiled with (trainingConfig)
    return saveModelTo(this, this.metadata, handlerOrUrl, includeOptimizer ? { optimizer: this.optimizer, losses: this.losses, metrics: this.metrics } : undefined);
  }

  /** Run the layers on a batch (recorded on the gradient tape inside grad/minimize). */
  execute(xs: Tensor[], training: boolean, rng: Random = this.rng): Tensor[] {
    return runGraph(this.requireGraph(), xs, { training, rng });
  }

  /**
   * TF.js' apply/call: on tensors, the outputs computed with ops (so gradients flow through); on
   * a symbolic tensor, this model as a layer of a functional model.
   */
  apply(inputs: SymbolicTensor | SymbolicTensor[], kwargs?: CallArgs): SymbolicTensor;
  apply(inputs: Tensor | Tensor[], kwargs?: CallArgs): Tensor | Tensor[];
  apply(inputs: Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[], kwargs: CallArgs = {}): Tensor | Tensor[] | SymbolicTensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length > 0 && list.every((x) => x instanceof SymbolicTensor)) return this.asLayer().apply(list as SymbolicTensor[]);
    const xs = (list as unknown[]).map((x) => (x instanceof Tensor && x.dtype !== 'float32' ? cast(x, 'float32') : x));
    if (!xs.every((x) => x instanceof Tensor)) throw new TegakiError(`Model ${this.name}: apply expects tensors, or symbolic tensors from tf.input().`);
    this.checkInputs(xs.map((x) => x.shape.slice(1)));
    const outs = this.execute(xs, kwargs.training ?? false, kwargs.rng ?? this.rng);
    return outs.length === 1 ? outs[0]! : outs;
  }

  call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor | Tensor[] {
    return this.apply(inputs, kwargs);
  }

  /** Check one sample shape per input (building an unbuilt Sequential from them). */
  checkInputShapes(sampleShapes: Shape[]): void {
    this.checkInputs(sampleShapes);
  }

  /** Check one sample shape per input (building the model from them when it can). */
  protected checkInputs(sampleShapes: Shape[]): void {
    const expected = this.inputSampleShapes;
    if (sampleShapes.length !== expected.length) throw new TegakiError(`Model ${this.name} has ${expected.length} input${expected.length === 1 ? '' : 's'}, received ${sampleShapes.length}.`);
    sampleShapes.forEach((shape, i) => {
      if (shape.join() !== expected[i]!.join()) throw new TegakiError(`Model ${this.name} expects inputs ${formatShape([null, ...expected[i]!])}${expected.length > 1 ? ` at input ${i}` : ''}, received samples of shape ${formatShape([null, ...shape])}.`);
    });
  }

  /** Check labels against each output and its loss. */
  protected checkLabels(ys: readonly SampleSource[]): void {
    this.requireCompiled();
    const outs = this.outputSampleShapes;
    if (ys.length !== outs.length) throw new TegakiError(`Model ${this.name} has ${outs.length} output${outs.length === 1 ? '' : 's'}, received ${ys.length} label tensor${ys.length === 1 ? '' : 's'}.`);
    if (this.losses.length !== 1 && this.losses.length !== outs.length) throw new TegakiError(`Model ${this.name} has ${outs.length} outputs but was compiled with ${this.losses.length} losses.`);
    ys.forEach((y, i) => checkLabelShape(this.lossOf(i), y.sampleShape, outs[i]!));
  }

  private lossOf(output: number): Loss {
    return this.losses[this.losses.length === 1 ? 0 : output]!;
  }

  checkData(xs: readonly SampleSource[], ys: readonly SampleSource[]): void {
    this.checkInputs(xs.map((x) => x.sampleShape));
    this.checkLabels(ys);
    if (xs[0]!.length !== ys[0]!.length) throw new TegakiError(`x has ${xs[0]!.length} samples but y has ${ys[0]!.length}.`);
  }

  /** Names of the output layers (what per-output options are keyed by). */
  get outputNames(): string[] {
    return this.outputs.map((t) => t.sourceLayer.name);
  }

  /**
   * Each output's loss over the batch, Keras' sum_over_batch_size: Σ w·loss / its size, with w a
   * weight per sample (sample and class weights) or 1. Scalars on the tape.
   */
  private lossTerms(ys: readonly Tensor[], outputs: readonly Tensor[], weights: readonly (Tensor | null)[] | null): Tensor[] {
    return outputs.map((out, i) => {
      const perSample = this.lossOf(i).fn(ys[i]!, out);
      if (!(perSample instanceof Tensor)) throw new TegakiError(`The loss function ${this.lossOf(i).name} must return a tensor.`);
      const w = weights?.[i];
      // a weight per sample broadcasts over a loss with more axes than the batch
      return mean(w ? mul(perSample, reshape(w, [w.size, ...perSample.shape.slice(1).map(() => 1)])) : perSample);
    });
  }

  /** Each sample's accuracy (1 or 0, or its share of right columns), as 'accuracy' picks it from the labels and loss. */
  private accuracyOf(y: Tensor, out: Tensor, output: number): Tensor {
    if (out.size === out.shape[0] || this.lossOf(output).kernel === 'binary') return binaryAccuracy(y, out);
    return this.lossOf(output).sparse ? sparseCategoricalAccuracy(y, out) : categoricalAccuracy(y, out);
  }

  /** How many samples of an output are classified right. */
  private correctOf(y: Tensor, out: Tensor, output: number): number {
    const rows = out.shape[0]!;
    const labels: Labels = { data: y.f32, sparse: this.lossOf(output).sparse };
    return getBackend().countCorrect(out.f32, labels, rows, out.size / rows);
  }

  /**
   * The batch's loss and metrics as sums over its samples, from the outputs and their loss terms;
   * penalty (the regularizers', in training) is part of the loss, not of any output's.
   */
  private batchResult(ys: readonly Tensor[], outputs: readonly Tensor[], terms: readonly Tensor[], weights: readonly (Tensor | null)[], penalty = 0): BatchResult {
    return withoutRecording(() => {
      const rows = outputs[0]!.shape[0]!;
      const result = this.metricsOf(ys, outputs, weights);
      if (outputs.length > 1) this.outputNames.forEach((n, i) => (result.extra![`${n}_loss`] = terms[i]!.f32[0]! * rows));
      return { ...result, loss: (terms.reduce((n, t) => n + t.f32[0]!, 0) + penalty) * rows };
    });
  }

  /**
   * The compiled metrics of a batch: accuracy as a count, functions as sums over its samples,
   * stateful metrics as counts; weighted metrics as counts weighted by each output's sample weights.
   */
  protected metricsOf(ys: readonly Tensor[], outputs: readonly Tensor[], weights: readonly (Tensor | null)[] = []): BatchResult {
    const rows = outputs[0]!.shape[0]!;
    const single = outputs.length === 1;
    const names = single ? [''] : this.outputNames;
    const extra: Record<string, number> = {};
    const counts: Record<string, ConfusionCounts> = {};
    let correct = 0;
    outputs.forEach((out, i) => {
      for (const m of this.metrics) {
        const key = single ? m.key : `${names[i]}_${m.key}`;
        const w = m.weighted ? weights[i]?.f32 ?? null : null;
        if (m.kind === 'confusion') counts[key] = { curve: m.curve, values: confusionCounts(m.thresholds, ys[i]!, out, w) };
        else if (m.weighted) counts[key] = weightedMeanCounts(m.kind === 'accuracy' ? this.accuracyOf(ys[i]!, out, i) : m.fn(ys[i]!, out), w);
        else if (m.kind === 'accuracy' && single) correct = this.correctOf(ys[i]!, out, i);
        else extra[key] = m.kind === 'accuracy' ? this.correctOf(ys[i]!, out, i) : mean(m.fn(ys[i]!, out)).f32[0]! * rows;
      }
    });
    return { loss: 0, correct, extra, counts };
  }

  trainBatch(xs: Tensor[], ys: Tensor[], rng: Random, classWeights?: (ClassWeight | null)[] | null, sampleWeight?: Tensor | null): BatchResult {
    const weights = this.trainableWeights;
    const perSample = batchWeights(ys, classWeights, sampleWeight);
    let outputs: Tensor[] = [];
    let terms: Tensor[] = [];
    let penalty: Tensor | null = null;
    const { grads } = gradientsOf(() => {
      const run = collectActivityPenalties(() => this.execute(xs, true, rng));
      outputs = run.result;
      terms = this.lossTerms(ys, outputs, perSample);
      // TF.js' training loss: the outputs' losses plus every regularizer's penalty
      const penalties = [...run.penalties, ...this.calculateLosses()];
      penalty = penalties.length > 0 ? penalties.reduce((a, b) => add(a, b)) : null;
      const loss = terms.reduce((a, b) => add(a, b));
      return penalty ? add(loss, penalty) : loss;
    }, weights.map((w) => w.value), undefined, (t) => ones(t.shape), add);
    weights.forEach((w, i) => {
      const g = grads[i];
      if (g) w.grad.f32.set(g.f32);
      else w.grad.f32.fill(0);
    });
    this.optimizer!.apply(weights);
    for (const w of weights) w.constrain();
    return this.batchResult(ys, outputs, terms, perSample, (penalty as Tensor | null)?.f32[0] ?? 0);
  }

  /** TF.js' calculateLosses: the penalties of every regularized weight, as scalars. */
  calculateLosses(): Tensor[] {
    return this.layers.flatMap((l) => l.calculateLosses());
  }

  evaluateSources(xs: readonly SampleSource[], ys: readonly SampleSource[], batchSize: number, sampleWeight: SampleSource | null = null): Logs {
    this.checkData(xs, ys);
    checkBatchSize(batchSize);
    const length = xs[0]!.length;
    if (length === 0) throw new TegakiError('Cannot evaluate on an empty dataset.');
    const sums: EpochSums = { loss: 0, correct: 0, seen: 0 };
    const sources = sampleWeight ? [...xs, ...ys, sampleWeight] : [...xs, ...ys];
    forEachBatch(sources, range(0, length), batchSize, (batches) => {
      const w = sampleWeight ? batches[xs.length + ys.length]! : null;
      addBatch(sums, this.evaluateBatch(batches.slice(0, xs.length), batches.slice(xs.length, xs.length + ys.length), w), batches[0]!.shape[0]!);
    });
    return Object.fromEntries(meanLogs(sums, this.accuracyKey, this.metricKeys));
  }

  /** Loss sum and correct count of one batch (its samples weighted by sampleWeight), without training. */
  protected evaluateBatch(xs: Tensor[], ys: Tensor[], sampleWeight: Tensor | null = null): BatchResult {
    return withoutRecording(() => {
      const outputs = this.execute(xs, false);
      const weights = batchWeights(ys, null, sampleWeight);
      return this.batchResult(ys, outputs, this.lossTerms(ys, outputs, weights), weights);
    });
  }

  /** Train; see FitOptions for the defaults. */
  async fit(x: ModelData, y: ModelData, options: FitOptions = {}): Promise<History> {
    refuseUnknownOptions(options, FIT_OPTIONS, 'fit');
    return fitLoop(this, asSources(x, 'x'), asSources(y, 'y'), options);
  }

  /**
   * Loss and metrics over a dataset, as TF.js returns them: a scalar tensor of the loss, or
   * [loss, ...metrics] when the model was compiled with metrics.
   */
  evaluate(x: ModelData, y: ModelData, args: EvaluateOptions = {}): Tensor | Tensor[] {
    refuseUnknownOptions(args, ['batchSize', 'verbose', 'sampleWeight'], 'evaluate');
    const xs = asSources(x, 'x');
    const weights = args.sampleWeight === undefined ? null : sampleWeightSource(args.sampleWeight, xs[0]!.length, 'sampleWeight');
    return scalarsOf(this.evaluateSources(xs, asSources(y, 'y'), args.batchSize ?? 32, weights));
  }

  /**
   * Outputs for every sample: one tensor, or one per output. Inside a gradient function (grad,
   * minimize) the inputs run as one batch on the tape, so gradients flow through the model.
   */
  predict(x: ModelData, args: BatchOptions = {}): Tensor | Tensor[] {
    refuseUnknownOptions(args, ['batchSize', 'verbose'], 'predict');
    if (isRecording()) {
      const xs = Array.isArray(x) ? x : [x];
      if (!xs.every((t) => t instanceof Tensor)) throw new TegakiError('predict inside a gradient function takes tensors.');
      return this.apply(xs as Tensor[]);
    }
    const sources = asSources(x, 'x');
    this.checkInputs(sources.map((s) => s.sampleShape));
    const batchSize = args.batchSize ?? 32;
    checkBatchSize(batchSize);
    const outs = this.predictSources(sources, batchSize);
    return outs.length === 1 ? outs[0]! : outs;
  }

  /** Outputs of every sample, in new tensors. */
  protected predictSources(sources: readonly SampleSource[], batchSize: number): Tensor[] {
    const length = sources[0]!.length;
    if (length === 0) return this.outputSampleShapes.map((shape) => new Tensor([0, ...shape]));
    const parts: Tensor[][] = [];
    forEachBatch(sources, range(0, length), batchSize, (batches) => parts.push(this.execute(batches, false).map((t) => t.clone())));
    if (parts.length === 1) return parts[0]!;
    return this.outputSampleShapes.map((_, i) => concat(parts.map((p) => p[i]!), 0));
  }

  /** TF.js' fitDataset: train on a tf.data Dataset of batches ({ xs, ys } or [xs, ys]). */
  async fitDataset(dataset: Dataset, options: FitDatasetOptions): Promise<History> {
    if (!options || typeof options !== 'object') throw new TegakiError('fitDataset expects options with epochs.');
    return fitDatasetLoop(this, dataset, options);
  }

  /** TF.js' evaluateDataset: loss (and metrics) over a Dataset of batches; `batches` limits how many. */
  async evaluateDataset(dataset: Dataset, args: { batches?: number; verbose?: number } = {}): Promise<Tensor | Tensor[]> {
    refuseUnknownOptions(args, ['batches', 'verbose'], 'evaluateDataset');
    return scalarsOf(await evaluateDatasetLogs(this, dataset, args.batches, 'evaluateDataset'));
  }

  /** TF.js' predictOnBatch: predict on one batch holding every sample. */
  predictOnBatch(x: ModelData): Tensor | Tensor[] {
    const sources = asSources(x, 'x');
    return this.predict(x, { batchSize: Math.max(sources[0]!.length, 1) });
  }

  /** TF.js' trainOnBatch: one optimizer step on these samples; the loss, or [loss, ...metrics]. */
  async trainOnBatch(x: ModelData, y: ModelData): Promise<number | number[]> {
    const xs = asSources(x, 'x');
    const ys = asSources(y, 'y');
    this.checkData(xs, ys);
    const all = range(0, xs[0]!.length);
    let result: BatchResult = { loss: 0, correct: 0 };
    forEachBatch([...xs, ...ys], all, Math.max(all.length, 1), (batches) => (result = this.trainBatch(batches.slice(0, xs.length), batches.slice(xs.length), this.rng)));
    if (all.length === 0) throw new TegakiError('trainOnBatch: the batch has no samples.');
    const values = meanLogs({ ...result, seen: all.length }, this.accuracyKey, this.metricKeys).map(([, v]) => v);
    return values.length === 1 ? values[0]! : values;
  }
}

/** Logs as TF.js' evaluate returns them: a scalar of the loss, or [loss, ...metrics]. */
function scalarsOf(logs: Logs): Tensor | Tensor[] {
  const values = Object.values(logs).map((v) => new Tensor([], [v]));
  return values.length === 1 ? values[0]! : values;
}

/** Labels must fit the loss: class indices for the sparse one, else the output's shape. */
function checkLabelShape(loss: Loss, shape: Shape, out: Shape): void {
  if (loss.custom) return;
  if (loss.sparse) {
    if (shape.length === 0 || (shape.length === 1 && shape[0] === 1)) return;
    throw new TegakiError(`${loss.name} expects class indices (one number per sample); received labels of shape ${formatShape([null, ...shape])}. Use categoricalCrossentropy for one-hot labels.`);
  }
  if (shape.join() !== out.join()) throw new TegakiError(`${loss.name} expects labels of shape ${formatShape([null, ...out])} like the model's output; received ${formatShape([null, ...shape])}.`);
}

/** TF.js' tf.model({ inputs, outputs }): a model over the layers between them. */
export const model = (args: ModelArgs): LayersModel => {
  if (!args || typeof args !== 'object') throw new TegakiError('tf.model expects { inputs, outputs }.');
  refuseUnknownOptions(args, ['inputs', 'outputs', 'name', 'seed'], 'tf.model');
  if (args.inputs === undefined || args.outputs === undefined) throw new TegakiError('tf.model needs both inputs and outputs.');
  return new LayersModel(args);
};

