// In-memory IOHandlers (TF.js' passthrough handlers): fromMemory gives loadLayersModel artifacts
// you hold, withSaveHandler gives a function of yours the artifacts model.save produces.

import { TegakiError } from '../errors.js';
import type { IOHandler, ModelArtifacts, SaveResult, WeightData, WeightsManifestEntry } from './types.js';
import { isObject } from '../json.js';


/**
 * A handler whose load() returns the artifacts given: `fromMemory({modelTopology, weightSpecs,
 * weightData, ...})`, or the older forms `fromMemory(modelTopology)` and
 * `fromMemory(modelTopology, weightSpecs, weightData, trainingConfig)`. The artifacts are checked
 * when a model is built from them.
 */
export function fromMemory(
  modelArtifacts: ModelArtifacts | Record<string, unknown>,
  weightSpecs?: WeightsManifestEntry[],
  weightData?: WeightData,
  trainingConfig?: Record<string, unknown>,
): IOHandler {
  if (!isObject(modelArtifacts)) throw new TegakiError('fromMemory expects model artifacts ({modelTopology, weightSpecs, weightData}) or a model topology object.');
  // one argument holding a topology or specs is artifacts; anything else is the older forms, told
  // apart by the argument count as TF.js does. TF.js differs: it also warns that they are deprecated.
  const isArtifacts = arguments.length === 1 && (modelArtifacts['modelTopology'] != null || modelArtifacts['weightSpecs'] != null);
  const artifacts: ModelArtifacts = isArtifacts ? (modelArtifacts as ModelArtifacts) : { modelTopology: modelArtifacts, weightSpecs, weightData, trainingConfig };
  return { load: async () => artifacts };
}

/** A handler whose save() passes the model's artifacts to saveHandler and returns what it returns. */
export function withSaveHandler(saveHandler: (artifacts: ModelArtifacts) => Promise<SaveResult>): IOHandler {
  if (typeof saveHandler !== 'function') throw new TegakiError('withSaveHandler expects a function (artifacts) => Promise<SaveResult>.');
  return { save: async (artifacts) => saveHandler(artifacts) };
}
