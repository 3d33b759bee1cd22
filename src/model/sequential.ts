// Sequential: a stack of layers, each feeding the next (TF.js' tf.sequential). It is a LayersModel
// whose graph it builds itself once the input shape is known. When every layer has fused kernels
// and the loss has a fused kernel, fit, evaluate and predict run those kernels over reused buffers
// (softmax + cross-entropy from the logits; sample and class weights per row); otherwise the
// layers' call() runs on the tape.

import type { Labels } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { range, type SampleSource } from '../data/source.js';
import { refuseUnknownOptions, TegakiError } from '../errors.js';
import { InputLayer } from '../layers/input.js';
import { callLayer, Layer } from '../layers/layer.js';
import { ActivatedLayer, FusedLayer } from '../layers/fused.js';
import { foldForInference } from '../layers/fold.js';
import { layerToJson } from '../layers/serialization.js';
import type { SymbolicTensor } from '../layers/layer.js';
import { lossSum } from '../losses.js';
import { Random } from '../random.js';
import { formatShape, sizeOf, Tensor, type Shape } from '../tensor.js';
import { forEachBatch, type ModelData } from './batches.js';
import type { Logs } from './callbacks.js';
import { batchWeights, type ClassWeight } from './class-weight.js';
import { withoutRecording } from '../ops/engine.js';
import type { BatchResult } from './fit.js';
import { graphOf } from './graph.js';
import { LayerNames, LayersModel, type BatchOptions } from './layers-model.js';
import { summaryLines, type TableLayout } from './summary.js';

export type { CompileArgs } from './layers-model.js';

export interface SequentialArgs {
  /** Layers to add in order. */
  layers?: Layer[];
  /** Default 'sequential'. */
  name?: string;
  /** Seed for the initial weights (and, unless fit gets its own, for shuffling and dropout).
   *  Default: random. */
  seed?: number;
}

export class Sequential extends LayersModel {
  private readonly stack: Layer[] = [];
  private readonly names: LayerNames;
  /** Gradient buffers of the fused path, one per batch size. */
  private readonly gradBuffers = new Map<number, Tensor>();
  /** Each layer's output in the last fused forward: what activity regularizers penalize. */
  private readonly layerOutputs: Tensor[] = [];

  constructor(args: SequentialArgs = {}) {
    if (!args || typeof args !== 'object') throw new TegakiError('sequential expects a config object, e.g. { layers: [...] }.');
    refuseUnknownOptions(args, ['layers', 'name', 'seed'], 'sequential');
    super({ name: args.name, seed: args.seed }, 'sequential');
    this.names = new LayerNames(this.name);
    if (args.layers !== undefined && !Array.isArray(args.layers)) throw new TegakiError('sequential: layers must be a list of layers.');
    for (const layer of args.layers ?? []) this.add(layer);
  }

  /** The layers in order (without an input layer, as in TF.js). */
  override get layers(): Layer[] {
    return [...this.stack];
  }

  override get topologyClassName(): string {
    return 'Sequential';
  }

  /** Append a layer (or a model, which then acts as one layer); it is built at once when the input shape is known. */
  add(layerOrModel: Layer | LayersModel): void {
    const layer = layerOrModel instanceof LayersModel ? layerOrModel.asLayer() : layerOrModel;
    if (!(layer instanceof Layer)) throw new TegakiError('Sequential.add expects a layer, e.g. layers.dense({ units: 10 }).');
    if (layer instanceof InputLayer) throw new TegakiError('Sequential.add: give the first layer an inputShape instead of an input layer.');
    const previous = this.stack.at(-1);
    if (previous && layer.declaredInputShape) {
      // Keras ignores it too, but silently; say so since it usually means a mistake
      if (previous.isBuilt && layer.declaredInputShape.join() !== previous.outputShape.join()) {
        throw new TegakiError(`Layer ${layer.name || layer.className} declares inputShape ${formatShape([null, ...layer.declaredInputShape])} but follows a layer with output ${formatShape([null, ...previous.outputShape])}.`);
      }
    }
    // build and check before the model changes: a layer that does not fit leaves it as it was
    const inputShape = previous ? (previous.isBuilt ? previous.outputShape : undefined) : layer.declaredInputShape;
    if (inputShape && !layer.isBuilt) layer.buildFor(inputShape, this.rng);
    else if (inputShape && layer.inputShape.join() !== inputShape.join()) {
      throw new TegakiError(`Layer ${layer.name || layer.className} was built for input ${formatShape([null, ...layer.inputShape])}, but follows ${previous ? `a layer with output ${formatShape([null, ...inputShape])}` : 'nothing'}.`);
    }
    this.names.assign(layer);
    this.stack.push(layer);
    // a graph built before (model.inputs was read) grows by this layer
    if (this.graph && layer.isBuilt) this.graph = graphOf([...this.graph.inputs], [layer.apply(this.graph.outputs[0]!)]);
    // connected as soon as it can be, so layer.output works as in TF.js
    else if (this.built) this.requireGraph();
  }

  /** TF.js' pop: remove the last layer. */
  pop(): void {
    const removed = this.stack.pop();
    if (!removed) throw new TegakiError(`Model ${this.name} has no layers to pop.`);
    this.names.release(removed.name);
    // the graph ends where the removed layer's node began (its layers keep their one node each)
    const node = this.graph && removed.inboundNodes.find((n) => this.graph!.nodes.includes(n));
    this.graph = node && this.stack.length > 0 ? graphOf([...this.graph!.inputs], [node.inputs[0]!]) : null;
  }

  /** Build every layer for samples of this shape (done automatically when the first layer has inputShape). */
  build(inputShape: Shape): void {
    let shape = inputShape;
    for (const layer of this.stack) {
      if (!layer.isBuilt) layer.buildFor(shape, this.rng);
      else if (layer.inputShape.join() !== shape.join()) {
        throw new TegakiError(`Layer ${layer.name} was built for input ${formatShape([null, ...layer.inputShape])}, not ${formatShape([null, ...shape])}.`);
      }
      shape = layer.outputShape;
    }
    this.requireGraph();
  }

  override get built(): boolean {
    return this.stack.length > 0 && this.stack.every((l) => l.isBuilt);
  }

  private requireBuilt(): void {
    if (this.stack.length === 0) throw new TegakiError(`Model ${this.name} has no layers.`);
    if (!this.built) throw new TegakiError(`Model ${this.name} is not built: give the first layer an inputShape, or call build().`);
  }

  override get inputSampleShapes(): number[][] {
    this.requireBuilt();
    return [this.stack[0]!.inputShape];
  }

  override get outputSampleShapes(): number[][] {
    this.requireBuilt();
    return [this.stack.at(-1)!.outputShape];
  }

  /** The symbolic graph (an input layer, then the stack), made when first asked for. */
  protected override requireGraph(): ReturnType<LayersModel['requireGraph']> {
    this.requireBuilt();
    if (!this.graph) {
      const input = new InputLayer({ batchInputShape: [null, ...this.stack[0]!.inputShape], name: `${this.name}_input` });
      let t: SymbolicTensor = input.output;
      for (const layer of this.stack) t = layer.apply(t);
      this.graph = graphOf([input.output], [t]);
    }
    return this.graph;
  }

  override get outputNames(): string[] {
    this.requireBuilt();
    return [this.stack.at(-1)!.name];
  }

  override get inputs(): SymbolicTensor[] {
    return [...this.requireGraph().inputs];
  }

  override get outputs(): SymbolicTensor[] {
    return [...this.requireGraph().outputs];
  }

  protected override checkInputs(sampleShapes: Shape[]): void {
    if (this.stack.length === 0) throw new TegakiError(`Model ${this.name} has no layers.`);
    if (!this.built && sampleShapes.length === 1) this.build(sampleShapes[0]!);
    super.checkInputs(sampleShapes);
  }

  protected override summaryLines(layout: TableLayout): string[] {
    this.requireBuilt();
    return summaryLines(this.name, this.stack, layout);
  }

  override modelTopology(): Record<string, unknown> {
    return { class_name: 'Sequential', config: { name: this.name, layers: this.stack.map(layerToJson) } };
  }

  override execute(xs: Tensor[], training: boolean, rng: Random = this.rng): Tensor[] {
    let h = xs[0]!;
    for (const layer of this.stack) {
      const out = callLayer(layer, h, { training, rng });
      if (Array.isArray(out)) throw new TegakiError(`Layer ${layer.name}: call returned several tensors; a Sequential layer must return one.`);
      h = out;
    }
    return [h];
  }

  /**
   * Whether the fused kernels can run this model: built-in layers, a loss with a fused kernel, and
   * one row of outputs per sample (the loss kernels see a batch as [rows, cols]; a rank > 2 output,
   * e.g. dense on sequences, is a loss per position and trains on the tape).
   */
  private get fused(): boolean {
    return this.stack.every((l) => l instanceof FusedLayer) && this.stack.at(-1)!.outputShape.length === 1 && this.losses.every((l) => l.kernel !== null);
  }

  private get fusedLayers(): FusedLayer[] {
    return this.stack as FusedLayer[];
  }

  /** Run a batch through every layer's fused kernels (or through `layers`); the result is reused by the next call. */
  forward(x: Tensor, training: boolean, rng: Random = this.rng, layers: readonly FusedLayer[] = this.fusedLayers): Tensor {
    let h = x;
    for (const [i, layer] of layers.entries()) {
      h = layer.forward(h, { training, rng });
      // what activity regularizers penalize (training runs every layer's own kernels)
      if (training) this.layerOutputs[i] = h;
    }
    return h;
  }

  /**
   * Softmax + cross-entropy is computed from the logits when the model ends in softmax (and the
   * loss takes probabilities, and no activity regularizer needs the gradient with respect to its output).
   */
  private get lossFromLogits(): boolean {
    const last = this.stack.at(-1);
    return this.loss!.kernel === 'categorical' && !this.loss!.fromLogits && last instanceof ActivatedLayer && last.activation === 'softmax' && !last.activityRegularizer;
  }

  /**
   * The penalty of layer i's output when it has an activity regularizer, its gradient added to dy
   * (dL/dy of that output, about to go into the layer's backward).
   */
  private activityPenalty(i: number, dy: Tensor): number {
    const regularizer = this.stack[i]!.activityRegularizer;
    const y = this.layerOutputs[i]!;
    return regularizer ? regularizer.penalty(y.f32, y.shape, dy.f32) : 0;
  }

  /** The penalties of the regularized weights, their gradients added to those backward wrote. */
  private weightPenalty(): number {
    let total = 0;
    for (const w of this.weights) if (w.regularizer) total += w.regularizer.penalty(w.value.f32, w.value.shape, w.grad.f32);
    return total;
  }

  /** Loss sum and correct count of the batch just run forward; with grad, backpropagate too. */
  lossOfBatch(output: Tensor, labels: Labels, grad: Tensor | null): BatchResult {
    const loss = this.loss!;
    const rows = output.shape[0]!;
    const cols = output.size / rows;
    const last = this.fusedLayers.at(-1)!;
    const logits = this.lossFromLogits ? (last as ActivatedLayer).logits! : null;
    const lossTotal = lossSum(loss, (logits ?? output).f32, logits !== null || loss.fromLogits, labels, rows, cols, grad?.f32 ?? null, 1 / rows);
    const correct = this.accuracyKey ? getBackend().countCorrect(output.f32, labels, rows, cols) : 0;
    // training adds the regularizers' penalties to the loss (evaluation leaves them out, as TF.js does)
    let penalty = 0;
    if (grad) {
      const top = this.stack.length - 1;
      if (!logits) penalty += this.activityPenalty(top, grad);
      let d = logits ? (last as ActivatedLayer).backwardFromPreActivation(grad) : last.backward(grad);
      for (let i = top - 1; i >= 0; i--) {
        penalty += this.activityPenalty(i, d);
        d = this.fusedLayers[i]!.backward(d);
      }
      penalty += this.weightPenalty();
    }
    return { loss: lossTotal + penalty * rows, correct };
  }

  override trainBatch(xs: Tensor[], ys: Tensor[], rng: Random, classWeights?: (ClassWeight | null)[] | null, sampleWeight?: Tensor | null): BatchResult {
    if (!this.fused) return super.trainBatch(xs, ys, rng, classWeights, sampleWeight);
    // set here, not when added: a layer may be shared with a model where it comes first
    // dL/dx only where a layer upstream trains: preprocessing in front of the first weights needs none
    let upstreamTrains = false;
    for (const layer of this.fusedLayers) {
      layer.needsInputGradient = upstreamTrains;
      upstreamTrains ||= layer.trainableWeights.length > 0;
    }
    const output = this.forward(xs[0]!, true, rng);
    let grad = this.gradBuffers.get(output.size);
    if (!grad) this.gradBuffers.set(output.size, (grad = new Tensor(output.shape)));
    const labels = this.labelsOf(ys, classWeights, sampleWeight);
    const r = this.lossOfBatch(output, labels, grad);
    const result = this.withMetrics(r, ys, output, labels.weights ?? null);
    const weights = this.trainableWeights;
    this.optimizer!.apply(weights);
    for (const w of weights) w.constrain();
    return result;
  }

  /** The kernels' labels: targets, and each row's weight (sample × class weight) when given. */
  private labelsOf(ys: Tensor[], classWeights?: (ClassWeight | null)[] | null, sampleWeight?: Tensor | null): Labels {
    return { data: ys[0]!.f32, sparse: this.loss!.sparse, weights: batchWeights(ys, classWeights, sampleWeight)[0]?.f32 ?? null };
  }

  /** Metrics other than accuracy, from the fused forward's output (weighted ones by the rows' weights). */
  private withMetrics(r: BatchResult, ys: Tensor[], output: Tensor, weights: Float32Array | null): BatchResult {
    if (this.metrics.every((m) => m.kind === 'accuracy' && !m.weighted)) return r;
    const w = weights ? [new Tensor([weights.length], weights)] : [];
    return { ...withoutRecording(() => this.metricsOf(ys, [output], w)), loss: r.loss, correct: r.correct };
  }

  protected override evaluateBatch(xs: Tensor[], ys: Tensor[], sampleWeight: Tensor | null = null): BatchResult {
    if (!this.fused) return super.evaluateBatch(xs, ys, sampleWeight);
    const output = this.forward(xs[0]!, false);
    const labels = this.labelsOf(ys, null, sampleWeight);
    return this.withMetrics(this.lossOfBatch(output, labels, null), ys, output, labels.weights ?? null);
  }

  /** Loss and metrics of one labelled source (what runs and reports evaluate). */
  evaluateSource(x: SampleSource, y: SampleSource, batchSize: number): Logs {
    return this.evaluateSources([x], [y], batchSize);
  }

  protected override predictSources(sources: readonly SampleSource[], batchSize: number): Tensor[] {
    if (!this.fused) return super.predictSources(sources, batchSize);
    const out = new Tensor([sources[0]!.length, ...this.outputShape]);
    const perSample = sizeOf(this.outputShape);
    // batch normalization folded into the layer before it, from the weights as they are now
    const layers = foldForInference(this.fusedLayers);
    forEachBatch(sources, range(0, sources[0]!.length), batchSize, ([batch], start) => out.f32.set(this.forward(batch!, false, this.rng, layers).f32, start * perSample));
    return [out];
  }

  /** Outputs for every sample, in one new tensor. */
  override predict(x: ModelData, args: BatchOptions = {}): Tensor {
    return super.predict(x, args) as Tensor;
  }
}

/** A Sequential model (TF.js' tf.sequential). */
export const sequential = (args: SequentialArgs = {}): Sequential => new Sequential(args);
