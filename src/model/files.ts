// Models on disk, synchronously: loadModel(dir) and saveModel(model, dir) for the command line,
// checkpoints and servers (model.save('file://dir') and loadLayersModel are the async TF.js forms).

import { readArtifacts, shownModelJson, writeArtifacts, type ReadOptions } from '../io/file-system.js';
import { modelFromArtifacts } from './load.js';
import type { ModelMetadata } from './metadata.js';
import { modelToArtifacts, type SavableModel } from './save.js';
import { TegakiError } from '../errors.js';
import { Sequential } from './sequential.js';

/**
 * Load a Sequential model saved by tegaki or TensorFlow.js: `dir` or `dir/model.json` (the
 * command line, reports and the web app take Sequential models; loadLayersModel takes any).
 */
export function loadModel(path: string, options: ReadOptions = {}): Sequential {
  const where = shownModelJson(path, options);
  const model = modelFromArtifacts(readArtifacts(path, options), where);
  if (!(model instanceof Sequential)) throw new TegakiError(`${where}: a functional model; this command takes Sequential models (load it with tf.loadLayersModel in a program).`);
  return model;
}

/** Save to dir/model.json and a weights file; a crash at any moment leaves a loadable model. */
export function saveModel(model: SavableModel & { metadata?: ModelMetadata }, dir: string, metadata: ModelMetadata = model.metadata ?? {}): void {
  writeArtifacts(dir, modelToArtifacts(model, metadata));
}
