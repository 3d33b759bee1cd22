// A model → TF.js model artifacts (topology JSON, weight specs, weight bytes; with includeOptimizer
// also the optimizer's state and trainingConfig), and the save that hands them to an IOHandler or
// to the handler a URL names ('file://dir' in Node).

import { TegakiError } from '../errors.js';
import { FORMAT_VERSION } from '../io/model-json.js';
import { getSaveHandler } from '../io/router.js';
import type { IOHandler, ModelArtifacts, SaveResult, WeightsManifestEntry } from '../io/types.js';
import type { Layer, Weight } from '../layers/layer.js';
import type { NamedTensor } from '../optimizers/index.js';
import type { ModelMetadata } from './metadata.js';
import { trainingConfigOf, type CompiledState } from './training-config.js';

export type { CompiledState } from './training-config.js';

export const GENERATED_BY = 'tegaki 0.1.0';

/** What saving needs from a model. */
export interface SavableModel {
  readonly name: string;
  readonly layers: readonly Layer[];
  readonly built: boolean;
  /** { class_name, config } as model.json's modelTopology holds it. */
  modelTopology(): Record<string, unknown>;
}

export const weightName = (layer: Layer, name: string): string => `${layer.name}/${name}`;

/**
 * The trainable weights under the names the weight specs give them ('dense/kernel'), in the order
 * TF.js' optimizer takes them: what optimizer state is saved and restored for.
 */
export function namedTrainableWeights(model: SavableModel): Weight[] {
  return model.layers.flatMap((layer) => layer.trainableWeights.map((w) => ({ name: weightName(layer, w.name), value: w.value, grad: w.grad })));
}

/** The first weight holding a value that is not finite, as 'layer/weight', or null (a diverged model). */
export function nonFiniteWeight(model: SavableModel): string | null {
  for (const layer of model.layers) for (const w of layer.weights) if (!w.value.f32.every(Number.isFinite)) return weightName(layer, w.name);
  return null;
}

/** The weight spec of values to save; optimizer state is marked as TF.js marks it. */
const specOf = ({ name, tensor }: NamedTensor, group?: 'optimizer'): WeightsManifestEntry => ({
  name,
  shape: [...tensor.shape],
  dtype: tensor.dtype as 'float32' | 'int32',
  ...(group ? { group } : {}),
});

/** The values one after another, as bytes in memory order (little-endian, as TF.js writes them). */
function concatBytes(chunks: readonly ArrayBufferView[]): ArrayBuffer {
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    bytes.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), offset);
    offset += c.byteLength;
  }
  return bytes.buffer;
}

/**
 * The model's artifacts; metadata goes into userDefinedMetadata.tegaki. With `compiled` (save's
 * includeOptimizer), as TF.js: trainingConfig, and the optimizer's weights after the model's.
 */
export function modelToArtifacts(model: SavableModel, metadata: ModelMetadata, compiled?: CompiledState): ModelArtifacts {
  if (!model.built) throw new TegakiError(`Model ${model.name} is not built, so it has no weights to save.`);
  const weights = model.layers.flatMap((layer) => layer.weights.map((w): NamedTensor => ({ name: weightName(layer, w.name), tensor: w.value })));
  const weightSpecs = weights.map((w) => specOf(w));
  const artifacts: ModelArtifacts = {
    format: 'layers-model',
    generatedBy: GENERATED_BY,
    convertedBy: null,
    modelTopology: { ...model.modelTopology(), keras_version: GENERATED_BY, backend: 'tegaki' },
  };
  if (compiled) {
    artifacts.trainingConfig = trainingConfigOf(compiled);
    const state = compiled.optimizer!.getWeightsOf(namedTrainableWeights(model));
    weights.push(...state);
    weightSpecs.push(...state.map((w) => specOf(w, 'optimizer')));
  }
  artifacts.weightSpecs = weightSpecs;
  artifacts.weightData = concatBytes(weights.map((w) => w.tensor.values));
  artifacts.userDefinedMetadata = { tegaki: { formatVersion: FORMAT_VERSION, ...metadata } };
  return artifacts;
}

/**
 * Save through a handler, or the handler registered for a URL (TF.js' model.save); with
 * `compiled`, the optimizer's state and trainingConfig too (includeOptimizer).
 */
export async function saveModelTo(model: SavableModel, metadata: ModelMetadata, handlerOrUrl: IOHandler | string, compiled?: CompiledState): Promise<SaveResult> {
  const handler = typeof handlerOrUrl === 'string' ? getSaveHandler(handlerOrUrl) : handlerOrUrl;
  if (!handler || typeof handler.save !== 'function') throw new TegakiError('model.save expects a URL such as file://dir, or an IOHandler with a save method.');
  return handler.save(modelToArtifacts(model, metadata, compiled));
}
