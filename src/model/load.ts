// TF.js model artifacts → a Sequential model. Every layer's weight shapes are checked against the
// weight specs before any weight is allocated, so a hostile model.json cannot make us allocate
// what its files do not hold.

import { refuseUnknownOptions, TegakiError } from '../errors.js';
import { getLoadHandler } from '../io/router.js';
import type { IOHandler, ModelArtifacts } from '../io/types.js';
import { decodeWeights } from '../io/weights.js';
import { snakeCase, type Layer } from '../layers/layer.js';
import { layerFromJson, type LayerJson } from '../layers/serialization.js';
import { formatShape, sizeOf, type Shape } from '../tensor.js';
import { checkMetadata } from './metadata.js';
import { weightName } from './save.js';
import { Sequential } from './sequential.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Values one sample may have at a model's input or any layer's output: 2^24 (a 4096×4096 gray
 * image). A model.json with bigger shapes, weights or not, would have predict allocate gigabytes.
 */
export const MAX_SAMPLE_VALUES = 2 ** 24;

function checkSampleSize(shape: Shape, what: string, where: string): void {
  const n = sizeOf(shape);
  if (!(n <= MAX_SAMPLE_VALUES)) throw new TegakiError(`${where}: ${what} ${formatShape([null, ...shape])} holds ${n} values per sample, more than the ${MAX_SAMPLE_VALUES} tegaki accepts.`);
}

/** The layer list and name of a Sequential topology (Keras nests it once more under model_config). */
function sequentialTopology(topology: Record<string, unknown>, where: string): { name: string; layers: unknown[] } {
  const top = isObject(topology['model_config']) ? topology['model_config'] : topology;
  if (top['class_name'] !== 'Sequential') throw new TegakiError(`${where}: a '${String(top['class_name'])}' model; tegaki loads Sequential models.`);
  const config = top['config'];
  const layers = Array.isArray(config) ? config : isObject(config) ? config['layers'] : undefined;
  if (!Array.isArray(layers) || layers.length === 0) throw new TegakiError(`${where}: the model has no layers.`);
  const name = isObject(config) && typeof config['name'] === 'string' ? config['name'] : 'sequential';
  return { name, layers };
}

/** The layers of the topology, unbuilt and named as Sequential would name them, and the input shape a leading InputLayer declares. */
function layersFromTopology(list: unknown[], where: string): { layers: Layer[]; inputShape: number[] | undefined } {
  const layers: Layer[] = [];
  const counts = new Map<string, number>();
  let inputShape: number[] | undefined;
  for (const [i, entry] of list.entries()) {
    const json = entry as LayerJson;
    const at = `${where}: layer ${i}${isObject(json) && isObject(json.config) && typeof json.config['name'] === 'string' ? ` (${json.config['name']})` : ''}`;
    if (isObject(json) && json.class_name === 'InputLayer') {
      const config = isObject(json.config) ? json.config : {};
      const shape = config['batch_input_shape'] ?? config['batch_shape'];
      if (!Array.isArray(shape) || shape.length < 2) throw new TegakiError(`${at}: InputLayer needs batch_input_shape [null, ...].`);
      inputShape = shape.slice(1) as number[];
      continue;
    }
    try {
      const layer = layerFromJson(json, at);
      if (!layer.name) {
        const base = snakeCase(layer.className);
        const n = counts.get(base) ?? 0;
        counts.set(base, n + 1);
        layer.name = n === 0 ? base : `${base}_${n}`;
      }
      layers.push(layer);
    } catch (e) {
      if (e instanceof TegakiError && !e.message.startsWith(where)) throw new TegakiError(`${at}: ${e.message}`);
      throw e;
    }
  }
  return { layers, inputShape };
}

/** Check each layer's weights against the specs, walking shapes without allocating. */
function checkWeightShapes(layers: Layer[], inputShape: Shape, specs: Map<string, { shape: number[] }>, where: string): void {
  const names = new Set<string>(layers.map((l) => l.name));
  if (names.size !== layers.length) throw new TegakiError(`${where}: two layers have the same name.`);
  const expected = new Map<string, { layer: string; shape: number[] }>();
  checkSampleSize(inputShape, 'the input', where);
  let shape = inputShape;
  for (const layer of layers) {
    const out = layer.computeOutputShape(shape);
    for (const w of layer.weightSpecs(shape)) expected.set(weightName(layer, w.name), { layer: layer.name, shape: w.shape });
    shape = out;
    checkSampleSize(shape, `layer ${layer.name} outputs`, where);
  }
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

/** Build a Sequential model from artifacts; `where` names the source (a file) in errors. */
export function modelFromArtifacts(artifacts: ModelArtifacts, where: string): Sequential {
  if (!isObject(artifacts.modelTopology)) throw new TegakiError(`${where}: no modelTopology; not a TensorFlow.js layers model.`);
  const { name, layers: list } = sequentialTopology(artifacts.modelTopology, where);
  const { layers, inputShape: declared } = layersFromTopology(list, where);
  if (layers.length === 0) throw new TegakiError(`${where}: the model has no layers besides its input.`);
  const inputShape = layers[0]!.declaredInputShape ?? declared;
  if (!inputShape) throw new TegakiError(`${where}: the first layer has no batch_input_shape, so the input shape is unknown.`);
  if (inputShape.some((d) => !Number.isSafeInteger(d) || d <= 0)) throw new TegakiError(`${where}: input shape ${JSON.stringify(inputShape)} must be positive integers.`);
  const values = decodeWeights(artifacts.weightSpecs, artifacts.weightData, where);
  checkWeightShapes(layers, inputShape, values, where);
  const model = new Sequential({ name });
  for (const layer of layers) model.add(layer);
  if (!model.built) model.build(inputShape);
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      const source = values.get(weightName(layer, w.name))!.values;
      for (let i = 0; i < source.length; i++) {
        if (!Number.isFinite(source[i]!)) throw new TegakiError(`${where}: weight ${weightName(layer, w.name)} contains ${source[i]} at index ${i}.`);
      }
      w.value.f32.set(source);
    }
  }
  const tegaki = artifacts.userDefinedMetadata?.['tegaki'];
  const { formatVersion: _version, ...metadata } = (isObject(tegaki) ? tegaki : {}) as Record<string, unknown>;
  model.metadata = checkMetadata(metadata, model.inputShape, model.outputShape, where);
  return model;
}

/** Load through a handler, or the handler registered for a URL (TF.js' tf.loadLayersModel). */
export async function loadLayersModel(handlerOrUrl: IOHandler | string, options: { strict?: boolean; onProgress?: (fraction: number) => void } = {}): Promise<Sequential> {
  const { strict = true, onProgress, ...rest } = options;
  refuseUnknownOptions(rest, ['strict', 'onProgress'], 'loadLayersModel');
  if (!strict) throw new TegakiError('loadLayersModel: strict: false is not supported (every weight must match).');
  const handler = typeof handlerOrUrl === 'string' ? getLoadHandler(handlerOrUrl) : handlerOrUrl;
  if (!handler || typeof handler.load !== 'function') throw new TegakiError('loadLayersModel expects a URL such as file://dir/model.json, or an IOHandler with a load method.');
  const model = modelFromArtifacts(await handler.load(), typeof handlerOrUrl === 'string' ? handlerOrUrl : 'model');
  onProgress?.(1);
  return model;
}
