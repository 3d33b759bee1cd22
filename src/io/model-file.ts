// Models on disk in the TensorFlow.js Layers format: dir/model.json and a weights file. TF.js loads
// ours with tf.loadLayersModel, and we load theirs. Writes are atomic: a crash at any moment leaves
// the old model or the new one.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { TegakiError } from '../errors.js';
import type { Sequential } from '../model/sequential.js';
import { writeFileAtomic } from './atomic.js';
import { modelFromJson, parseModelJson, serializeModel, type ModelMetadata } from './model-json.js';

export { FORMAT_VERSION, type ModelMetadata } from './model-json.js';

/** Save to dir/model.json and a weights file; a crash at any moment leaves a loadable model. */
export function saveModel(model: Sequential, dir: string, metadata: ModelMetadata = model.metadata): void {
  // A fresh weights file name: the old model.json keeps pointing at the old file until the new
  // model.json replaces it, so the two are never mixed.
  const weightsFile = `weights-${randomBytes(4).toString('hex')}.bin`;
  const { json, weights } = serializeModel(model, metadata, weightsFile);
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, weightsFile), weights);
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

/** Load a model saved by tegaki or TensorFlow.js: `dir` or `dir/model.json`. */
export function loadModel(path: string): Sequential {
  const file = modelJsonPath(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TegakiError(`${file}: cannot read (${code === 'ENOENT' ? 'no such file; is this a saved model?' : code ?? (e as Error).message}).`);
  }
  const dir = dirname(file);
  const readWeights = (p: string): Uint8Array | null => {
    try {
      return readFileSync(join(dir, p));
    } catch {
      return null;
    }
  };
  return modelFromJson(parseModelJson(text, file), file, readWeights, (p) => join(dir, p));
}
