// A model → TF.js model artifacts (topology JSON, weight specs, weight bytes), and the save that
// hands them to an IOHandler or to the handler a URL names ('file://dir' in Node).

import { TegakiError } from '../errors.js';
import { FORMAT_VERSION } from '../io/model-json.js';
import { getSaveHandler } from '../io/router.js';
import type { IOHandler, ModelArtifacts, SaveResult, WeightsManifestEntry } from '../io/types.js';
import type { Layer } from '../layers/layer.js';
import type { ModelMetadata } from './metadata.js';

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

/** The first weight holding a value that is not finite, as 'layer/weight', or null (a diverged model). */
export function nonFiniteWeight(model: SavableModel): string | null {
  for (const layer of model.layers) for (const w of layer.weights) if (!w.value.f32.every(Number.isFinite)) return weightName(layer, w.name);
  return null;
}

/** The model's artifacts; metadata goes into userDefinedMetadata.tegaki. */
export function modelToArtifacts(model: SavableModel, metadata: ModelMetadata): ModelArtifacts {
  if (!model.built) throw new TegakiError(`Model ${model.name} is not built, so it has no weights to save.`);
  const weightSpecs: WeightsManifestEntry[] = [];
  const chunks: Float32Array[] = [];
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      weightSpecs.push({ name: weightName(layer, w.name), shape: [...w.value.shape], dtype: 'float32' });
      chunks.push(w.value.f32);
    }
  }
  const weightData = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    weightData.set(c, offset);
    offset += c.length;
  }
  return {
    format: 'layers-model',
    generatedBy: GENERATED_BY,
    convertedBy: null,
    modelTopology: { ...model.modelTopology(), keras_version: GENERATED_BY, backend: 'tegaki' },
    weightSpecs,
    weightData: weightData.buffer,
    userDefinedMetadata: { tegaki: { formatVersion: FORMAT_VERSION, ...metadata } },
  };
}

/** Save through a handler, or the handler registered for a URL (TF.js' model.save). */
export async function saveModelTo(model: SavableModel, metadata: ModelMetadata, handlerOrUrl: IOHandler | string): Promise<SaveResult> {
  const handler = typeof handlerOrUrl === 'string' ? getSaveHandler(handlerOrUrl) : handlerOrUrl;
  if (!handler || typeof handler.save !== 'function') throw new TegakiError('model.save expects a URL such as file://dir, or an IOHandler with a save method.');
  return handler.save(modelToArtifacts(model, metadata));
}
