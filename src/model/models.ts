// tf.models: a model from its topology JSON (TF.js' models.modelFromJSON).

import { TegakiError } from '../errors.js';
import type { LayersModel } from './layers-model.js';
import { modelFromArtifacts } from './load.js';

/**
 * A model (new weights) from the topology model.toJSON() gives, as a string or an object, or from
 * { modelTopology, ... } as a model.json holds it.
 */
export async function modelFromJSON(modelAndWeightsConfig: string | Record<string, unknown>): Promise<LayersModel> {
  const json = typeof modelAndWeightsConfig === 'string' ? parse(modelAndWeightsConfig) : modelAndWeightsConfig;
  if (!json || typeof json !== 'object') throw new TegakiError('modelFromJSON expects a model topology (model.toJSON()).');
  if ('weightsManifest' in json) throw new TegakiError('modelFromJSON: weightsManifest is not supported (its weights would need fetching); load the model with tf.loadLayersModel.');
  const topology = 'modelTopology' in json ? json['modelTopology'] : json;
  return modelFromArtifacts({ modelTopology: topology as Record<string, unknown> }, 'modelFromJSON', { weights: 'initialize' });
}

function parse(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new TegakiError('modelFromJSON: the string is not JSON.');
  }
}
