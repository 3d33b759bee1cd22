// TF.js' io_utils for model artifacts, for IOHandlers written outside tegaki: the sizes a save
// reports, the weight specs of a manifest, artifacts from a model.json and its weights, and
// weight buffers joined into one.

import { TegakiError } from '../errors.js';
import type { ModelArtifacts, ModelArtifactsInfo, ModelJSON, WeightData, WeightsManifestEntry, WeightsManifestGroupConfig } from './types.js';
import { joinShards, weightShards } from './weights.js';

const utf8Bytes = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value)).length;

/** Sizes of the artifacts, as TF.js reports them after a save (absent parts count 0 bytes). */
export function getModelArtifactsInfoForJSON(artifacts: ModelArtifacts): ModelArtifactsInfo {
  if ((artifacts.modelTopology as unknown) instanceof ArrayBuffer) throw new TegakiError('Expected JSON model topology, received ArrayBuffer.');
  const weightBytes = weightShards(artifacts.weightData, 'weightData').reduce((n, s) => n + s.length, 0);
  return {
    dateSaved: new Date(),
    modelTopologyType: 'JSON',
    modelTopologyBytes: artifacts.modelTopology == null ? 0 : utf8Bytes(artifacts.modelTopology),
    weightSpecsBytes: artifacts.weightSpecs == null ? 0 : utf8Bytes(artifacts.weightSpecs),
    weightDataBytes: weightBytes,
  };
}

/** The weight entries of every group of a weights manifest, in order. */
export function getWeightSpecs(weightsManifest: WeightsManifestGroupConfig[]): WeightsManifestEntry[] {
  return weightsManifest.flatMap((group) => group.weights);
}

/**
 * Artifacts from a parsed model.json and its weights, read by the caller. Checked later, when a
 * model is built from them; graph-model fields (signature, modelInitializer) are not carried.
 */
export function getModelArtifactsForJSONSync(modelJSON: ModelJSON, weightSpecs?: WeightsManifestEntry[], weightData?: WeightData): ModelArtifacts {
  if (typeof modelJSON !== 'object' || modelJSON === null) throw new TegakiError('getModelArtifactsForJSON expects a parsed model.json object.');
  const artifacts: ModelArtifacts = {
    modelTopology: modelJSON.modelTopology,
    format: modelJSON.format,
    generatedBy: modelJSON.generatedBy,
    convertedBy: modelJSON.convertedBy,
  };
  if (modelJSON.trainingConfig != null) artifacts.trainingConfig = modelJSON.trainingConfig;
  if (modelJSON.weightsManifest != null) {
    if (!weightSpecs) throw new TegakiError('modelJSON has weightsManifest but weightSpecs is null.');
    if (!weightData) throw new TegakiError('modelJSON has weightsManifest but weightData is null.');
    artifacts.weightSpecs = weightSpecs;
    artifacts.weightData = weightData;
  }
  if (modelJSON.userDefinedMetadata != null) artifacts.userDefinedMetadata = modelJSON.userDefinedMetadata;
  return artifacts;
}

/** As getModelArtifactsForJSONSync, with the weights from `loadWeights(weightsManifest)`. */
export async function getModelArtifactsForJSON(
  modelJSON: ModelJSON,
  loadWeights: (weightsManifest: WeightsManifestGroupConfig[]) => Promise<[WeightsManifestEntry[], WeightData]>,
): Promise<ModelArtifacts> {
  if (modelJSON?.weightsManifest == null) return getModelArtifactsForJSONSync(modelJSON);
  const [weightSpecs, weightData] = await loadWeights(modelJSON.weightsManifest);
  return getModelArtifactsForJSONSync(modelJSON, weightSpecs, weightData);
}

/** Buffers joined into a new one, in order (TF.js' deprecated but common concatenateArrayBuffers). */
export function concatenateArrayBuffers(buffers: ArrayBuffer[] | ArrayBuffer): ArrayBuffer {
  const shards = weightShards(buffers, 'concatenateArrayBuffers: buffers');
  // a fresh buffer even for one, as TF.js returns: the caller may change it
  return (shards.length === 1 ? shards[0]!.slice() : joinShards(shards)).buffer as ArrayBuffer;
}
