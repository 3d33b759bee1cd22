// The TensorFlow.js model-artifact types: what a model turns into when saved (topology JSON, weight
// specs, weight bytes) and the handler interface that stores or loads it anywhere.

/** How the TF.js converter stored a float32 weight in fewer bytes (io/weights.ts decodes it). */
export interface WeightQuantization {
  /** uint8 and uint16 hold q with value = q·scale + min; float16 holds the value in half precision. */
  dtype: 'uint8' | 'uint16' | 'float16';
  scale?: number;
  min?: number;
  /** The dtype before quantization; the converter writes 'float32'. */
  original_dtype?: string;
}

/** One weight in a weights manifest: `name`, its shape, its dtype. */
export interface WeightsManifestEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
  /** 'optimizer' marks optimizer state (TF.js' includeOptimizer): the step count ('iter', int32), then the slots. */
  group?: 'model' | 'optimizer';
  quantization?: WeightQuantization;
}

/** A group of weights stored in the files `paths`, concatenated. */
export interface WeightsManifestGroupConfig {
  paths: string[];
  weights: WeightsManifestEntry[];
}

/** The weights of weightSpecs one after another: one buffer, or shards to read in order. */
export type WeightData = ArrayBuffer | ArrayBuffer[];

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
  weightData?: WeightData;
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
