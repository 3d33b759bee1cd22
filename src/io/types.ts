// The TensorFlow.js model-artifact types: what a model turns into when saved (topology JSON, weight
// specs, weight bytes) and the handler interface that stores or loads it anywhere.

/** One weight in a weights manifest: `name`, its shape, its dtype. */
export interface WeightsManifestEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
  /** Written by the TF.js converter; read by tegaki where noted in io/model-json.ts. */
  quantization?: { dtype: string; scale?: number; min?: number };
}

/** A group of weights stored in the files `paths`, concatenated. */
export interface WeightsManifestGroupConfig {
  paths: string[];
  weights: WeightsManifestEntry[];
}

/** model.json as TF.js writes it. */
export interface ModelJSON {
  modelTopology: Record<string, unknown>;
  weightsManifest: WeightsManifestGroupConfig[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: Record<string, unknown>;
  userDefinedMetadata?: Record<string, unknown>;
}

/** A model in memory, ready to be stored by an IOHandler or built into a model. */
export interface ModelArtifacts {
  modelTopology?: Record<string, unknown>;
  weightSpecs?: WeightsManifestEntry[];
  /** The weights of weightSpecs, one after another. */
  weightData?: ArrayBuffer;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: Record<string, unknown>;
  userDefinedMetadata?: Record<string, unknown>;
}

export interface ModelArtifactsInfo {
  dateSaved: Date;
  modelTopologyType: 'JSON';
  modelTopologyBytes: number;
  weightSpecsBytes: number;
  weightDataBytes: number;
}

export interface SaveResult {
  modelArtifactsInfo: ModelArtifactsInfo;
}

/** Stores or loads model artifacts (TF.js' tf.io.IOHandler). */
export interface IOHandler {
  save?(artifacts: ModelArtifacts): Promise<SaveResult>;
  load?(): Promise<ModelArtifacts>;
}

/** Sizes of the artifacts, as TF.js reports them after a save. */
export function artifactsInfo(artifacts: ModelArtifacts): ModelArtifactsInfo {
  const utf8Bytes = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value ?? null)).length;
  return {
    dateSaved: new Date(),
    modelTopologyType: 'JSON',
    modelTopologyBytes: utf8Bytes(artifacts.modelTopology),
    weightSpecsBytes: utf8Bytes(artifacts.weightSpecs),
    weightDataBytes: artifacts.weightData?.byteLength ?? 0,
  };
}
