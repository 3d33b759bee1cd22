// Model artifacts on disk, in the TensorFlow.js layout: dir/model.json and a weights file beside it.
// TF.js loads ours with tf.loadLayersModel and we load theirs. Saving is atomic and cleans up
// after itself: a crash or a full disk at any moment leaves the old model or the new one, never a
// mix and never stray files; weights that are not finite are never written.

import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { TegakiError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';
import { describeFsError, pathKind, readRegularFile, regularFileSize } from './files.js';
import { getModelArtifactsInfoForJSON } from './artifacts.js';
import { artifactsFromModelJson, modelJsonFor, parseModelJson } from './model-json.js';
import { registerLoadRouter, registerSaveRouter } from './router.js';
import type { IOHandler, ModelArtifacts, SaveResult } from './types.js';
import { decodeWeights, firstNonFiniteWeight, joinShards, weightShards } from './weights.js';

/** model.json is topology and metadata: anything near this size is not one. */
const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;

/** The model.json path for a folder or a model.json path. */
export function modelJsonPath(path: string): string {
  return pathKind(path) === 'folder' ? join(path, 'model.json') : path;
}

export interface ReadOptions {
  /** How to name the model's folder in errors (e.g. relative to a server's runs folder). Default: the path. */
  displayDir?: string;
}

/** How errors name a file of the model's folder: under displayDir when one is given. */
function shownPath(file: string, options: ReadOptions): string {
  return options.displayDir === undefined ? file : join(options.displayDir, basename(file));
}

/** How errors name the model.json of `path` (a folder or a model.json path). */
export const shownModelJson = (path: string, options: ReadOptions = {}): string => shownPath(modelJsonPath(path), options);

/** Read dir/model.json (or a model.json path) and exactly the weight bytes its manifest lists. */
export function readArtifacts(path: string, options: ReadOptions = {}): ModelArtifacts {
  const file = modelJsonPath(path);
  const dir = dirname(file);
  const shown = (p: string): string => shownPath(p, options);
  let text: string;
  try {
    text = readRegularFile(file, MAX_MODEL_JSON_BYTES, 'model.json').toString('utf8');
  } catch (e) {
    const missing = pathKind(file) === null;
    throw new TegakiError(missing ? `${shown(file)}: no such file; is this a saved model?` : (e as Error).message.replace(file, shown(file)));
  }
  const json = parseModelJson(text, shown(file));
  return artifactsFromModelJson(json, shown(file), {
    size: (p) => regularFileSize(join(dir, p), 'weights file'),
    read: (p) => readRegularFile(join(dir, p), Number.MAX_SAFE_INTEGER, 'weights file'),
    describe: (p) => shown(join(dir, p)),
  });
}

/**
 * Write artifacts into dir: a fresh weights file first, then model.json pointing at it (the old
 * model.json keeps pointing at the old weights until it is replaced), then the old weights go.
 * Only what tegaki can load again is written.
 */
export function writeArtifacts(dir: string, artifacts: ModelArtifacts): SaveResult {
  const bad = firstNonFiniteWeight(decodeWeights(artifacts.weightSpecs, artifacts.weightData, `${dir}: model not saved`));
  if (bad) throw new TegakiError(`${dir}: model not saved: weight ${bad} is not a finite number (did training diverge?).`);
  const weightsFile = `weights-${randomBytes(4).toString('hex')}.bin`;
  const json = modelJsonFor(artifacts, weightsFile);
  let created: string | undefined;
  try {
    created = mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new TegakiError(`${dir}: cannot create the model folder (${describeFsError(e)}).`);
  }
  const weightsPath = join(dir, weightsFile);
  try {
    writeFileAtomic(weightsPath, joinShards(weightShards(artifacts.weightData, 'weightData')));
    writeFileAtomic(join(dir, 'model.json'), JSON.stringify(json, null, 1));
  } catch (e) {
    // leave what was there before, and nothing of this attempt
    rmSync(weightsPath, { force: true });
    if (created) rmSync(created, { recursive: true, force: true });
    throw new TegakiError(`${dir}: cannot save the model (${describeFsError(e)}).`);
  }
  // older weights, and temporary files a killed save left behind
  for (const f of readdirSync(dir)) {
    if ((/^weights-[0-9a-f]+\.bin$/.test(f) && f !== weightsFile) || /^\.(weights-[0-9a-f]+\.bin|model\.json)\.\d+\.\d+\.tmp$/.test(f)) rmSync(join(dir, f), { force: true });
  }
  return { modelArtifactsInfo: getModelArtifactsInfoForJSON(artifacts) };
}

/** The folder a file:// URL or plain path names, or null for other URL schemes. */
function fileRoute(url: string): string | null {
  if (url.startsWith('file://')) return url.slice('file://'.length);
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? null : url;
}

/** An IOHandler for a folder (save) or a folder or model.json path (load): TF.js' file:// handler. */
export function fileSystem(path: string): IOHandler {
  if (typeof path !== 'string' || path === '') throw new TegakiError('fileSystem needs a path.');
  return {
    save: async (artifacts) => writeArtifacts(path.endsWith('model.json') ? dirname(path) : path, artifacts),
    load: async () => readArtifacts(path),
  };
}

let registered = false;

/** Route 'file://…' URLs and plain paths to the file system (done once by the Node entry). */
export function registerFileRouters(): void {
  if (registered) return;
  registered = true;
  const router = (url: string): IOHandler | null => {
    const path = fileRoute(url);
    return path === null ? null : fileSystem(path);
  };
  registerSaveRouter(router);
  registerLoadRouter(router);
}
