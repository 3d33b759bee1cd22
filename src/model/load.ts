// TF.js model artifacts → a Sequential or functional model, compiled with its optimizer state
// restored when saved with includeOptimizer (trainingConfig). Every built-in layer's weight shapes
// are checked against the weight specs before any weight is allocated, so a hostile model.json
// cannot make us allocate what its files do not hold.

import { refuseUnknownOptions, TegakiError } from '../errors.js';
import { getLoadHandler } from '../io/router.js';
import type { IOHandler, ModelArtifacts } from '../io/types.js';
import { decodeWeights } from '../io/weights.js';
import { InputLayer } from '../layers/input.js';
import type { Layer } from '../layers/layer.js';
import { FusedLayer } from '../layers/fused.js';
import { layerFromJson, type LayerJson } from '../layers/serialization.js';
import type { SymbolicTensor } from '../layers/layer.js';
import { formatShape, sizeOf, Tensor, type Shape } from '../tensor.js';
import { LayerNames, LayersModel } from './layers-model.js';
import { checkMetadata } from './metadata.js';
import { namedTrainableWeights, weightName } from './save.js';
import { Sequential } from './sequential.js';
import { compileConfigFrom, type CompileConfig } from './training-config.js';
import { isObject, shown } from '../json.js';


/**
 * Values one sample may have at a model's input or any layer's output: 2^24 (a 4096×4096 gray
 * image). A model.json with bigger shapes, weights or not, would have predict allocate gigabytes.
 */
export const MAX_SAMPLE_VALUES = 2 ** 24;

function checkSampleSize(shape: Shape, what: string, where: string): void {
  const n = sizeOf(shape);
  if (!(n <= MAX_SAMPLE_VALUES)) throw new TegakiError(`${where}: ${what} ${formatShape([null, ...shape])} holds ${n} values per sample, more than the ${MAX_SAMPLE_VALUES} tegaki accepts.`);
}

/** The layer list and name of a Sequential topology. */
function sequentialTopology(top: Record<string, unknown>, where: string): { name: string; layers: unknown[] } {
  const config = top['config'];
  const layers = Array.isArray(config) ? config : isObject(config) ? config['layers'] : undefined;
  if (!Array.isArray(layers) || layers.length === 0) throw new TegakiError(`${where}: the model has no layers.`);
  const name = isObject(config) && typeof config['name'] === 'string' ? config['name'] : 'sequential';
  return { name, layers };
}

/** The layers of the topology, unbuilt (Sequential names those without a name), and the input shape a leading InputLayer declares. */
function layersFromTopology(list: unknown[], where: string): { layers: Layer[]; inputShape: number[] | undefined } {
  const layers: Layer[] = [];
  let inputShape: number[] | undefined;
  for (const [i, entry] of list.entries()) {
    const json = entry as LayerJson;
    const at = `${where}: layer ${i}${isObject(json) && isObject(json.config) && typeof json.config['name'] === 'string' ? ` (${json.config['name'].slice(0, 80)})` : ''}`;
    const layer = readLayer(json, at);
    if (!(layer instanceof InputLayer)) layers.push(layer);
    else if (i === 0) inputShape = layer.inputShape;
    else throw new TegakiError(`${at}: an InputLayer can only come first in a Sequential model.`);
  }
  return { layers, inputShape };
}

/** One layer from its JSON; errors name where it is. */
function readLayer(json: LayerJson, at: string): Layer {
  return prefixed(at, () => layerFromJson(json, at));
}

type WeightShapes = Map<string, { layer: string; shape: number[] }>;
/** The file's weights by name; null when a model is made from its topology alone (new weights). */
type Values = ReturnType<typeof decodeWeights> | null;

/** The weights each layer will have for the sample shapes it receives, without allocating them. */
function expectedWeights(layers: readonly { layer: Layer; inputShape: Shape }[]): WeightShapes {
  const expected: WeightShapes = new Map();
  for (const { layer, inputShape } of layers) {
    for (const w of layer.weightSpecs(inputShape)) expected.set(weightName(layer, w.name), { layer: layer.name, shape: w.shape });
  }
  return expected;
}

/** The sample shape each layer of a stack receives, checking every output's size. */
function stackShapes(layers: Layer[], inputShape: Shape, where: string): { layer: Layer; inputShape: Shape }[] {
  checkSampleSize(inputShape, 'the input', where);
  let shape = inputShape;
  return layers.map((layer) => {
    const entry = { layer, inputShape: shape };
    shape = layer.outputSampleShape([shape]);
    checkSampleSize(shape, `layer ${layer.name} outputs`, where);
    return entry;
  });
}

/** Check the manifest against the expected weights: the same names and shapes. */
function checkWeightShapes(expected: WeightShapes, specs: Map<string, { shape: number[] }>, where: string): void {
  const extra = [...specs.keys()].find((k) => !expected.has(k));
  if (extra) throw new TegakiError(`${where}: weightsManifest lists '${extra}', which no layer has (expected: ${[...expected.keys()].join(', ')}).`);
  for (const [name, want] of expected) {
    const spec = specs.get(name);
    if (!spec) throw new TegakiError(`${where}: weightsManifest is missing ${name} (layer ${want.layer} needs shape ${formatShape(want.shape)}).`);
    if (spec.shape.join() !== want.shape.join()) {
      throw new TegakiError(`${where}: weight ${name} has shape ${formatShape(spec.shape)} in the manifest, the layer needs ${formatShape(want.shape)}.`);
    }
  }
}

function sequentialFromTopology(top: Record<string, unknown>, values: Values, where: string): Sequential {
  const { name, layers: list } = sequentialTopology(top, where);
  const { layers, inputShape: declared } = layersFromTopology(list, where);
  // named now (as Sequential would name them) so the weight names can be checked before building
  prefixed(where, () => new LayerNames(name).assignAll(layers));
  if (layers.length === 0) throw new TegakiError(`${where}: the model has no layers besides its input.`);
  const inputShape = layers[0]!.declaredInputShape ?? declared;
  if (!inputShape) throw new TegakiError(`${where}: the first layer has no batch_input_shape, so the input shape is unknown.`);
  if (inputShape.some((d) => !Number.isSafeInteger(d) || d <= 0)) throw new TegakiError(`${where}: input shape ${shown(inputShape)} must be positive integers.`);
  if (values) checkBuiltInWeights(stackShapes(layers, inputShape, where), values, where);
  const model = new Sequential({ name });
  for (const layer of layers) model.add(layer);
  if (!model.built) model.build(inputShape);
  return model;
}

/** A reference [layer name, node index, tensor index, ...] to a symbolic tensor. */
function tensorRef(ref: unknown, outputs: Map<string, SymbolicTensor[]>, at: string): SymbolicTensor | null {
  if (!Array.isArray(ref) || typeof ref[0] !== 'string' || !Number.isInteger(ref[1]) || (ref[2] !== undefined && ref[2] !== 0)) throw new TegakiError(`${at}: ${shown(ref)} is not a reference [layer, node, 0].`);
  // call arguments such as { training: true } would change what the layer computes
  if (ref[3] !== undefined && !(isObject(ref[3]) && Object.keys(ref[3]).length === 0)) throw new TegakiError(`${at}: call arguments ${shown(ref[3])} in an inbound node are not supported.`);
  return outputs.get(ref[0])?.[ref[1] as number] ?? null;
}

/** A functional layer entry of model.json: the layer and its inbound nodes, applied in order. */
interface PendingLayer {
  layer: Layer;
  nodes: unknown[];
  /** The next node to apply. */
  next: number;
  at: string;
}

/** One layer of a functional topology, checked: a name of its own (entry and config agree) and inbound nodes. */
function functionalLayer(entry: unknown, i: number, where: string): PendingLayer {
  const at = `${where}: layer ${i}${isObject(entry) && typeof entry['name'] === 'string' ? ` (${entry['name'].slice(0, 80)})` : ''}`;
  if (!isObject(entry)) throw new TegakiError(`${at}: not a layer.`);
  const config = isObject(entry['config']) ? entry['config'] : {};
  if (entry['name'] !== undefined && config['name'] !== undefined && entry['name'] !== config['name']) throw new TegakiError(`${at}: name and config.name differ.`);
  const layer = readLayer({ class_name: entry['class_name'] as string, config: { ...config, name: entry['name'] ?? config['name'] } }, at);
  if (!layer.name) throw new TegakiError(`${at}: every layer needs a name.`);
  const nodes = entry['inbound_nodes'] ?? [];
  if (!Array.isArray(nodes)) throw new TegakiError(`${at}: inbound_nodes must be a list.`);
  if (layer instanceof InputLayer && nodes.length > 0) throw new TegakiError(`${at}: an InputLayer has no inbound nodes.`);
  return { layer, nodes, next: 0, at };
}

/**
 * A functional model ('Model' or Keras 3's 'Functional'): its layers, then their nodes applied as
 * their inputs become available — each layer waits on the one it needs and is woken once that
 * layer has a new output, so the work grows with the nodes, not their square.
 */
function functionalFromTopology(top: Record<string, unknown>, values: Values, where: string): LayersModel {
  const config = isObject(top['config']) ? top['config'] : {};
  const list = config['layers'];
  if (!Array.isArray(list) || list.length === 0) throw new TegakiError(`${where}: the model has no layers.`);
  const outputs = new Map<string, SymbolicTensor[]>();
  const pending: PendingLayer[] = [];
  for (const [i, entry] of list.entries()) {
    const p = functionalLayer(entry, i, where);
    if (outputs.has(p.layer.name)) throw new TegakiError(`${p.at}: the name ${p.layer.name} is used twice.`);
    outputs.set(p.layer.name, p.layer instanceof InputLayer ? [p.layer.output] : []);
    if (!(p.layer instanceof InputLayer)) pending.push(p);
  }
  const waiting = new Map<string, PendingLayer[]>();
  const shapes: { layer: Layer; inputShape: Shape }[] = [];
  const ready = [...pending];
  while (ready.length > 0) {
    const p = ready.pop()!;
    while (p.next < p.nodes.length) {
      const refs = p.nodes[p.next];
      if (!Array.isArray(refs) || refs.length === 0) throw new TegakiError(`${p.at}: an inbound node must list its inputs.`);
      const inputs = refs.map((r) => tensorRef(r, outputs, p.at));
      const missing = inputs.findIndex((t) => t === null);
      if (missing >= 0) {
        const name = (refs[missing] as unknown[])[0] as string;
        waiting.set(name, [...(waiting.get(name) ?? []), p]);
        break;
      }
      const out = prefixed(p.at, () => p.layer.apply(inputs.length === 1 ? inputs[0]! : (inputs as SymbolicTensor[])));
      checkSampleSize(out.sampleShape, `layer ${p.layer.name} outputs`, where);
      if (p.next === 0) shapes.push({ layer: p.layer, inputShape: inputs[0]!.sampleShape });
      outputs.get(p.layer.name)!.push(out);
      p.next++;
      ready.push(...(waiting.get(p.layer.name) ?? []));
      waiting.delete(p.layer.name);
    }
  }
  const stuck = pending.find((p) => p.next < p.nodes.length);
  if (stuck) throw new TegakiError(`${stuck.at}: its inputs ${shown(stuck.nodes[stuck.next])} are not outputs of other layers of the model.`);
  const ends = (field: string): SymbolicTensor[] => {
    const refs = config[field];
    if (!Array.isArray(refs) || refs.length === 0) throw new TegakiError(`${where}: ${field} must list the model's ${field === 'input_layers' ? 'inputs' : 'outputs'}.`);
    return refs.map((r) => tensorRef(r, outputs, `${where}: ${field}`) ?? fail(`${where}: ${field} names ${shown(r)}, which is not in the model.`));
  };
  const inputs = ends('input_layers');
  for (const t of inputs) checkSampleSize(t.sampleShape, 'the input', where);
  if (values) checkBuiltInWeights(shapes, values, where);
  const name = typeof config['name'] === 'string' ? config['name'] : 'model';
  return prefixed(where, () => new LayersModel({ inputs, outputs: ends('output_layers'), name }));
}

/** Run fn; a TegakiError it throws gets `at` in front, so it names the file and layer. */
function prefixed<T>(at: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TegakiError && !e.message.startsWith(at)) throw new TegakiError(`${at}: ${e.message}`);
    throw e;
  }
}

function fail(message: string): never {
  throw new TegakiError(message);
}

/**
 * Check the built-in layers' weights before anything is allocated. Custom layers' weights are only
 * known once built: setWeightValues checks them after.
 */
function checkBuiltInWeights(shapes: { layer: Layer; inputShape: Shape }[], values: NonNullable<Values>, where: string): void {
  const custom = shapes.filter((s) => !(s.layer instanceof FusedLayer)).map((s) => `${s.layer.name}/`);
  const builtInSpecs = new Map([...values].filter(([name]) => !custom.some((prefix) => name.startsWith(prefix))));
  checkWeightShapes(expectedWeights(shapes.filter((s) => s.layer instanceof FusedLayer)), builtInSpecs, where);
}

/** Copy the file's weights into the built model, refusing missing, misshapen or non-finite ones. */
function setWeightValues(model: LayersModel, values: NonNullable<Values>, where: string): void {
  const expected = new Set<string>();
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      const key = weightName(layer, w.name);
      expected.add(key);
      const spec = values.get(key);
      if (!spec) throw new TegakiError(`${where}: weightsManifest is missing ${key} (layer ${layer.name} needs shape ${formatShape(w.value.shape)}).`);
      if (spec.shape.join() !== w.value.shape.join()) throw new TegakiError(`${where}: weight ${key} has shape ${formatShape(spec.shape)} in the manifest, the layer needs ${formatShape(w.value.shape)}.`);
      const source = spec.values;
      for (let i = 0; i < source.length; i++) {
        if (!Number.isFinite(source[i]!)) throw new TegakiError(`${where}: weight ${key} contains ${source[i]} at index ${i}.`);
      }
      w.value.f32.set(source);
      // as TF.js, whose loading writes each weight through LayerVariable.write
      w.constrain();
    }
  }
  const extra = [...values.keys()].find((k) => !expected.has(k));
  if (extra) throw new TegakiError(`${where}: weightsManifest lists '${extra}', which no layer has.`);
}

/** The file's weights split into the model's and the optimizer's (group "optimizer"), each in file order. */
function splitGroups(values: NonNullable<Values>): { model: NonNullable<Values>; optimizer: NonNullable<Values> } {
  const entries = [...values];
  return { model: new Map(entries.filter(([, w]) => w.group !== 'optimizer')), optimizer: new Map(entries.filter(([, w]) => w.group === 'optimizer')) };
}

/** TF.js' loadTrainingConfig and optimizer.setWeights: compile as saved, then the optimizer's state, checked against the model's weights. */
function compileAsSaved(model: LayersModel, training: CompileConfig, state: NonNullable<Values>, where: string): void {
  model.compile(training);
  if (state.size === 0) return;
  const named = [...state].map(([name, w]) => ({ name, tensor: new Tensor(w.shape, w.values) }));
  model.optimizer!.setWeightsOf(namedTrainableWeights(model), named, where);
}

/** Build a Sequential or functional model from artifacts; `where` names the source (a file) in errors. */
export function modelFromArtifacts(artifacts: ModelArtifacts, where: string, options: { weights?: 'load' | 'initialize' } = {}): LayersModel {
  try {
    return modelFromCheckedArtifacts(artifacts, where, options);
  } catch (e) {
    // JSON.parse accepts values nested far deeper than any walk over them can go
    if (e instanceof RangeError && /call stack/.test(e.message)) throw new TegakiError(`${where}: the model topology is nested too deeply to read.`);
    throw e;
  }
}

/** The class of model a model.json holds ('Sequential', 'Model', ...), read without building it. */
export function topologyClassName(artifacts: ModelArtifacts): unknown {
  const topology = artifacts.modelTopology;
  if (!isObject(topology)) return undefined;
  return (isObject(topology['model_config']) ? topology['model_config'] : topology)['class_name'];
}

function modelFromCheckedArtifacts(artifacts: ModelArtifacts, where: string, options: { weights?: 'load' | 'initialize' }): LayersModel {
  if (!isObject(artifacts.modelTopology)) throw new TegakiError(`${where}: no modelTopology; not a TensorFlow.js layers model.`);
  // Keras nests the topology once more under model_config
  const top = isObject(artifacts.modelTopology['model_config']) ? artifacts.modelTopology['model_config'] : artifacts.modelTopology;
  const all = options.weights === 'initialize' ? null : decodeWeights(artifacts.weightSpecs, artifacts.weightData, where);
  const { model: values, optimizer: state } = all ? splitGroups(all) : { model: null, optimizer: new Map() };
  // as TF.js: absent or null means the model was saved without its optimizer
  const training = artifacts.trainingConfig == null ? null : compileConfigFrom(artifacts.trainingConfig, where);
  if (state.size > 0 && !training) throw new TegakiError(`${where}: the weights hold optimizer state (group "optimizer") but there is no trainingConfig naming the optimizer.`);
  const kind = top['class_name'];
  const model = kind === 'Sequential' ? sequentialFromTopology(top, values, where)
    : kind === 'Model' || kind === 'Functional' ? functionalFromTopology(top, values, where)
      : fail(`${where}: a '${String(kind)}' model; tegaki loads Sequential and functional (Model) models.`);
  if (values) setWeightValues(model, values, where);
  if (training) compileAsSaved(model, training, state, where);
  const tegaki = artifacts.userDefinedMetadata?.['tegaki'];
  const { formatVersion: _version, ...metadata } = (isObject(tegaki) ? tegaki : {}) as Record<string, unknown>;
  model.metadata = checkMetadata(metadata, model.inputShape, model.outputShape, where);
  return model;
}

/** Load through a handler, or the handler registered for a URL (TF.js' tf.loadLayersModel). */
export async function loadLayersModel(handlerOrUrl: IOHandler | string, options: { strict?: boolean; onProgress?: (fraction: number) => void } = {}): Promise<LayersModel> {
  const { strict = true, onProgress, ...rest } = options;
  refuseUnknownOptions(rest, ['strict', 'onProgress'], 'loadLayersModel');
  if (!strict) throw new TegakiError('loadLayersModel: strict: false is not supported (every weight must match).');
  const handler = typeof handlerOrUrl === 'string' ? getLoadHandler(handlerOrUrl) : handlerOrUrl;
  if (!handler || typeof handler.load !== 'function') throw new TegakiError('loadLayersModel expects a URL such as file://dir/model.json, or an IOHandler with a load method.');
  const model = modelFromArtifacts(await handler.load(), typeof handlerOrUrl === 'string' ? handlerOrUrl : 'model');
  onProgress?.(1);
  return model;
}
