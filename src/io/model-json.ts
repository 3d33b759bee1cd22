// model.json (the TensorFlow.js Layers format) ↔ model artifacts, with no file system: the browser
// app and the disk handler share it. Everything in the file is checked before anything is
// allocated from it: a manifest must describe exactly the bytes of its weight files.

import { TegakiError } from '../errors.js';
import type { ModelArtifacts, ModelJSON, WeightsManifestGroupConfig } from './types.js';
import { checkWeightSpec, refuseUnknownFields, weightByteLength } from './weights.js';
import { isObject } from '../json.js';

/** Bumped when tegaki's reading of model.json changes incompatibly. */
export const FORMAT_VERSION = 1;

const fileName = (path: string): string => path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);

function checkGroup(group: unknown, g: number, file: string, names: Set<string>): WeightsManifestGroupConfig {
  const where = `${file}: weightsManifest[${g}]`;
  if (!isObject(group) || !Array.isArray(group['paths']) || !Array.isArray(group['weights'])) throw new TegakiError(`${where} must have paths and weights lists.`);
  refuseUnknownFields(group, ['paths', 'weights'], where);
  for (const p of group['paths']) {
    if (typeof p !== 'string' || p === '' || p.includes('/') || p.includes('\\') || p.startsWith('.')) throw new TegakiError(`${where}: weight path ${JSON.stringify(p)} must be a file name beside model.json.`);
  }
  const weights = group['weights'].map((w: unknown, i: number) => checkWeightSpec(w, file, `weightsManifest[${g}].weights[${i}]`, names));
  return { paths: group['paths'] as string[], weights };
}

/** Parse and check model.json text; `file` names it in errors. */
export function parseModelJson(text: string, file: string): ModelJSON {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new TegakiError(`${file}: malformed JSON (${(e as Error).message}).`);
  }
  if (!isObject(json) || !isObject(json['modelTopology'])) throw new TegakiError(`${file}: no modelTopology; not a TensorFlow.js layers model.`);
  if (!Array.isArray(json['weightsManifest'])) throw new TegakiError(`${file}: no weightsManifest.`);
  const names = new Set<string>();
  const weightsManifest = json['weightsManifest'].map((group, g) => checkGroup(group, g, file, names));
  const meta = json['userDefinedMetadata'];
  if (meta !== undefined && !isObject(meta)) throw new TegakiError(`${file}: userDefinedMetadata must be an object.`);
  const tegaki = meta?.['tegaki'];
  if (tegaki !== undefined && !isObject(tegaki)) throw new TegakiError(`${file}: userDefinedMetadata.tegaki must be an object.`);
  const version = tegaki?.['formatVersion'];
  if (version !== undefined && (typeof version !== 'number' || version > FORMAT_VERSION)) {
    throw new TegakiError(`${file}: saved with model format version ${JSON.stringify(version)}; this tegaki reads up to ${FORMAT_VERSION}. Upgrade tegaki.`);
  }
  return { ...(json as unknown as ModelJSON), weightsManifest };
}

/** Bytes a manifest group's weights take. */
const groupBytes = (group: WeightsManifestGroupConfig): number => group.weights.reduce((n, w) => n + weightByteLength(w), 0);

/** Where the weight files come from: their sizes (checked first) and their bytes. */
export interface WeightFiles {
  /** Size in bytes, or null when the file is missing. */
  size(path: string): number | null;
  read(path: string): Uint8Array;
  /** Says where a file is, for errors. Default: its name. */
  describe?(path: string): string;
}

/** The artifacts of a parsed model.json, reading exactly the bytes its manifest describes. */
export function artifactsFromModelJson(json: ModelJSON, file: string, files: WeightFiles): ModelArtifacts {
  const describe = files.describe ?? ((p: string) => p);
  const total = json.weightsManifest.reduce((n, g) => n + groupBytes(g), 0);
  // sizes first: nothing is read or allocated for a manifest that does not match its files
  for (const group of json.weightsManifest) {
    const sizes = group.paths.map((p) => {
      const size = files.size(p);
      if (size === null) throw new TegakiError(`${describe(p)}: weight file listed in ${fileName(file)} is missing.`);
      return size;
    });
    const have = sizes.reduce((a, b) => a + b, 0);
    const need = groupBytes(group);
    if (have !== need) {
      throw new TegakiError(`${group.paths.map(describe).join(' + ')}: ${have} bytes, but the manifest in ${fileName(file)} needs ${need} (${have < need ? 'shorter' : 'longer'} than it should be).`);
    }
  }
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const group of json.weightsManifest) {
    for (const p of group.paths) {
      const bytes = files.read(p);
      if (offset + bytes.length > total) throw new TegakiError(`${describe(p)}: changed while it was being read.`);
      weightData.set(bytes, offset);
      offset += bytes.length;
    }
  }
  if (offset !== total) throw new TegakiError(`${fileName(file)}: weight files changed while they were being read.`);
  return {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: weightData.buffer,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    trainingConfig: json.trainingConfig,
    userDefinedMetadata: json.userDefinedMetadata,
  };
}

/** model.json for artifacts whose weights go into one file named weightsFile. */
export function modelJsonFor(artifacts: ModelArtifacts, weightsFile: string): ModelJSON {
  if (!artifacts.modelTopology) throw new TegakiError('The model artifacts have no topology to save.');
  const json: ModelJSON = {
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs ?? [] }],
  };
  if (artifacts.format !== undefined) json.format = artifacts.format;
  if (artifacts.generatedBy !== undefined) json.generatedBy = artifacts.generatedBy;
  if (artifacts.convertedBy !== undefined) json.convertedBy = artifacts.convertedBy;
  if (artifacts.trainingConfig !== undefined) json.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata !== undefined) json.userDefinedMetadata = artifacts.userDefinedMetadata;
  return json;
}
