// The TensorFlow.js Layers format in memory: a model ↔ model.json plus weight bytes. No file
// system here, so the browser app loads models with the same code (model-file.ts adds the disk).

import { TegakiError } from '../errors.js';
import type { Layer } from '../layers/layer.js';
import { Sequential } from '../model/sequential.js';
import { formatShape, sizeOf } from '../tensor.js';
import { layerFromJson, layerToJson, type LayerJson } from './topology.js';

/** Bumped when tegaki's reading of model.json changes incompatibly. */
export const FORMAT_VERSION = 1;
const GENERATED_BY = 'tegaki 0.1.0';

/** What a model carries besides its weights, so tools can feed it without being told. */
export interface ModelMetadata {
  /** Name of each output class, in order. */
  classNames?: string[];
  /** How raw images become model inputs. */
  input?: {
    /** Shape of one input sample, e.g. [28, 28, 1] or [784]. */
    shape: number[];
    /** Pixel values are multiplied by this (1/255 maps bytes to [0, 1]). */
    scale: number;
    /** 'mnist-digit': white digits on black, fitted in 20×20 and centred by mass in 28×28. */
    style?: 'mnist-digit' | 'image';
    colorMode?: 'grayscale' | 'rgb';
  };
  /** Per-epoch training history (loss, accuracy, val_loss, ...). */
  history?: Record<string, number[]>;
  seed?: number;
  /** Dataset the model was trained on. */
  dataset?: string;
  [key: string]: unknown;
}

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

export interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: { class_name: string; config: { name?: string; layers: LayerJson[] } | LayerJson[]; keras_version?: string; backend?: string };
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  userDefinedMetadata?: { tegaki?: ModelMetadata & { formatVersion?: number } };
}

const weightName = (layer: Layer, name: string): string => `${layer.name}/${name}`;

/** model.json and the one weights file it names, for a built model. */
export function serializeModel(model: Sequential, metadata: ModelMetadata, weightsFile: string): { json: ModelJson; weights: Uint8Array } {
  if (!model.built) throw new TegakiError(`Model ${model.name} is not built, so it has no weights to save.`);
  const specs: WeightSpec[] = [];
  const chunks: Float32Array[] = [];
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      specs.push({ name: weightName(layer, w.name), shape: [...w.value.shape], dtype: 'float32' });
      chunks.push(w.value.data);
    }
  }
  const weights = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    weights.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), offset);
    offset += c.byteLength;
  }
  const json: ModelJson = {
    format: 'layers-model',
    generatedBy: GENERATED_BY,
    convertedBy: null,
    modelTopology: {
      class_name: 'Sequential',
      config: { name: model.name, layers: model.layers.map(layerToJson) },
      keras_version: GENERATED_BY,
      backend: 'tegaki',
    },
    weightsManifest: [{ paths: [weightsFile], weights: specs }],
    userDefinedMetadata: { tegaki: { formatVersion: FORMAT_VERSION, ...metadata } },
  };
  return { json, weights };
}

/** Parse and sanity-check model.json text; `file` names it in errors. */
export function parseModelJson(text: string, file: string): ModelJson {
  let json: ModelJson;
  try {
    json = JSON.parse(text) as ModelJson;
  } catch (e) {
    throw new TegakiError(`${file}: malformed JSON (${(e as Error).message}).`);
  }
  if (!json || typeof json !== 'object' || !json.modelTopology) throw new TegakiError(`${file}: no modelTopology; not a TensorFlow.js layers model.`);
  if (!Array.isArray(json.weightsManifest)) throw new TegakiError(`${file}: no weightsManifest.`);
  for (const group of json.weightsManifest) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) throw new TegakiError(`${file}: a weightsManifest group lacks paths or weights.`);
    for (const p of group.paths) {
      if (typeof p !== 'string' || p.includes('/') || p.includes('\\') || p.startsWith('.')) throw new TegakiError(`${file}: weight path '${String(p)}' must be a file name beside model.json.`);
    }
  }
  const version = json.userDefinedMetadata?.tegaki?.formatVersion;
  if (version !== undefined && version > FORMAT_VERSION) {
    throw new TegakiError(`${file}: saved with model format version ${version}; this tegaki reads up to ${FORMAT_VERSION}. Upgrade tegaki.`);
  }
  return json;
}

function buildFromTopology(json: ModelJson, file: string): Sequential {
  const topology = json.modelTopology;
  // model.json from Keras nests the model once more under model_config
  const top = (topology as unknown as { model_config?: ModelJson['modelTopology'] }).model_config ?? topology;
  if (top.class_name !== 'Sequential') throw new TegakiError(`${file}: a '${top.class_name}' model; tegaki loads Sequential models.`);
  const layerList = Array.isArray(top.config) ? top.config : top.config?.layers;
  if (!Array.isArray(layerList) || layerList.length === 0) throw new TegakiError(`${file}: the model has no layers.`);
  const model = new Sequential({ name: Array.isArray(top.config) ? 'sequential' : (top.config.name ?? 'sequential') });
  let inputShape: number[] | undefined;
  for (const [i, layerJson] of layerList.entries()) {
    const where = `${file}: layer ${i} (${String(layerJson?.config?.['name'] ?? layerJson?.class_name)})`;
    if (layerJson?.class_name === 'InputLayer') {
      const shape = (layerJson.config['batch_input_shape'] ?? layerJson.config['batch_shape']) as (number | null)[] | undefined;
      inputShape = shape?.slice(1) as number[] | undefined;
      continue;
    }
    try {
      const layer = layerFromJson(layerJson, where);
      model.add(layer);
    } catch (e) {
      if (e instanceof TegakiError && !e.message.startsWith(file)) throw new TegakiError(`${where}: ${e.message}`);
      throw e;
    }
  }
  if (!model.built) {
    if (!inputShape) throw new TegakiError(`${file}: the first layer has no batch_input_shape, so the input shape is unknown.`);
    model.build(inputShape);
  }
  return model;
}

/**
 * Build the model and fill its weights. `readFile(path)` returns a weight file's bytes, or null when
 * it is missing; `describe(path)` says where that file is, for errors.
 */
export function modelFromJson(json: ModelJson, file: string, readFile: (path: string) => Uint8Array | null, describe: (path: string) => string = (p) => p): Sequential {
  const model = buildFromTopology(json, file);
  const expected = new Map<string, Float32Array>();
  const shapes = new Map<string, readonly number[]>();
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      expected.set(weightName(layer, w.name), w.value.data);
      shapes.set(weightName(layer, w.name), w.value.shape);
    }
  }
  const seen = new Set<string>();
  for (const group of json.weightsManifest) {
    const data = weightGroup(group, file, readFile, describe);
    let offset = 0;
    for (const spec of group.weights) {
      if (spec.dtype !== undefined && spec.dtype !== 'float32') throw new TegakiError(`${file}: weight ${spec.name} has dtype ${spec.dtype}; only float32 is supported.`);
      const target = expected.get(spec.name);
      if (!target) throw new TegakiError(`${file}: weightsManifest lists '${spec.name}', which no layer has (expected: ${[...expected.keys()].join(', ')}).`);
      const want = shapes.get(spec.name)!;
      if (spec.shape.join() !== want.join()) {
        throw new TegakiError(`${file}: weight ${spec.name} has shape ${formatShape(spec.shape)} in the manifest, the layer needs ${formatShape(want)}.`);
      }
      const values = data.subarray(offset, offset + sizeOf(spec.shape));
      offset += values.length;
      for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i]!)) throw new TegakiError(`${file}: weight ${spec.name} contains ${values[i]} at index ${i}.`);
      }
      target.set(values);
      seen.add(spec.name);
    }
  }
  const missing = [...expected.keys()].filter((k) => !seen.has(k));
  if (missing.length > 0) throw new TegakiError(`${file}: weightsManifest is missing ${missing.join(', ')}.`);
  const { formatVersion: _version, ...metadata } = json.userDefinedMetadata?.tegaki ?? {};
  model.metadata = metadata;
  return model;
}

const fileName = (path: string): string => path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);

/** The float values of one manifest group, checking its files hold exactly what it lists. */
function weightGroup(group: { paths: string[]; weights: WeightSpec[] }, file: string, readFile: (path: string) => Uint8Array | null, describe: (path: string) => string): Float32Array {
  const parts = group.paths.map((p) => {
    const bytes = readFile(p);
    if (!bytes) throw new TegakiError(`${describe(p)}: weight file listed in ${fileName(file)} is missing.`);
    return bytes;
  });
  const total = parts.reduce((n, b) => n + b.length, 0);
  const needed = group.weights.reduce((n, w) => n + sizeOf(w.shape) * 4, 0);
  if (total !== needed) {
    throw new TegakiError(`${group.paths.map(describe).join(' + ')}: ${total} bytes, but the manifest in ${fileName(file)} needs ${needed} (${total < needed ? 'shorter' : 'longer'} than it should be).`);
  }
  // one aligned copy, whatever the parts' offsets
  const bytes = new Uint8Array(needed);
  let offset = 0;
  for (const b of parts) {
    bytes.set(b, offset);
    offset += b.length;
  }
  return new Float32Array(bytes.buffer);
}
