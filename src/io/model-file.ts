// Models in the TensorFlow.js Layers format: model.json (topology, weights manifest, metadata) and
// a binary weights file. TF.js loads ours with tf.loadLayersModel, and we load theirs.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { TegakiError } from '../errors.js';
import type { Layer } from '../layers/layer.js';
import { Sequential } from '../model/sequential.js';
import { formatShape, sizeOf } from '../tensor.js';
import { writeFileAtomic } from './atomic.js';
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

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: { class_name: string; config: { name?: string; layers: LayerJson[] } | LayerJson[]; keras_version?: string; backend?: string };
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  userDefinedMetadata?: { tegaki?: ModelMetadata & { formatVersion?: number } };
}

const weightName = (layer: Layer, name: string): string => `${layer.name}/${name}`;

/** Save to dir/model.json and a weights file; a crash at any moment leaves a loadable model. */
export function saveModel(model: Sequential, dir: string, metadata: ModelMetadata = model.metadata): void {
  if (!model.built) throw new TegakiError(`Model ${model.name} is not built, so it has no weights to save.`);
  mkdirSync(dir, { recursive: true });
  const specs: WeightSpec[] = [];
  const chunks: Float32Array[] = [];
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      specs.push({ name: weightName(layer, w.name), shape: [...w.value.shape], dtype: 'float32' });
      chunks.push(w.value.data);
    }
  }
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    bytes.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), offset);
    offset += c.byteLength;
  }
  // A fresh weights file name: the old model.json keeps pointing at the old file until the new
  // model.json replaces it, so the two are never mixed.
  const weightsFile = `weights-${randomBytes(4).toString('hex')}.bin`;
  writeFileAtomic(join(dir, weightsFile), bytes);
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
  writeFileAtomic(join(dir, 'model.json'), JSON.stringify(json, null, 1));
  for (const f of readdirSync(dir)) {
    if (/^weights-[0-9a-f]+\.bin$/.test(f) && f !== weightsFile) rmSync(join(dir, f), { force: true });
  }
}

/** The model.json path for a directory or a model.json path. */
export function modelJsonPath(path: string): string {
  if (existsSync(path) && statSync(path).isDirectory()) return join(path, 'model.json');
  return path;
}

function readModelJson(file: string): ModelJson {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TegakiError(`${file}: cannot read (${code === 'ENOENT' ? 'no such file; is this a saved model?' : code ?? (e as Error).message}).`);
  }
  let json: ModelJson;
  try {
    json = JSON.parse(text) as ModelJson;
  } catch (e) {
    throw new TegakiError(`${file}: malformed JSON (${(e as Error).message}).`);
  }
  if (!json || typeof json !== 'object' || !json.modelTopology) throw new TegakiError(`${file}: no modelTopology; not a TensorFlow.js layers model.`);
  if (!Array.isArray(json.weightsManifest)) throw new TegakiError(`${file}: no weightsManifest.`);
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

/** Load a model saved by tegaki or TensorFlow.js: `dir` or `dir/model.json`. */
export function loadModel(path: string): Sequential {
  const file = modelJsonPath(path);
  const json = readModelJson(file);
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
    const data = readWeightGroup(dirname(file), group, file);
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
  model.metadata = stripVersion(json.userDefinedMetadata?.tegaki ?? {});
  return model;
}

function stripVersion(meta: ModelMetadata & { formatVersion?: number }): ModelMetadata {
  const { formatVersion: _version, ...rest } = meta;
  return rest;
}

/** The float values of one manifest group, checking the files hold exactly what it lists. */
function readWeightGroup(dir: string, group: { paths: string[]; weights: WeightSpec[] }, file: string): Float32Array {
  if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new TegakiError(`${file}: a weightsManifest group lacks paths or weights.`);
  const parts: Buffer[] = [];
  for (const p of group.paths) {
    if (basename(p) !== p || p.startsWith('.')) throw new TegakiError(`${file}: weight path '${p}' must be a file name beside model.json.`);
    const path = join(dir, p);
    try {
      parts.push(readFileSync(path));
    } catch {
      throw new TegakiError(`${path}: weight file listed in ${basename(file)} is missing.`);
    }
  }
  const bytes = Buffer.concat(parts);
  const needed = group.weights.reduce((n, w) => n + sizeOf(w.shape) * 4, 0);
  if (bytes.length !== needed) {
    const where = group.paths.map((p) => join(dir, p)).join(' + ');
    throw new TegakiError(`${where}: ${bytes.length} bytes, but the manifest in ${basename(file)} needs ${needed} (${bytes.length < needed ? 'shorter' : 'longer'} than it should be).`);
  }
  // copy so the floats are aligned whatever the Buffer's offset
  return new Float32Array(new Uint8Array(bytes).buffer, 0, needed / 4);
}
