// Models on disk, synchronously: loadModel(dir) and saveModel(model, dir) for the command line,
// checkpoints and servers (model.save('file://dir') and loadLayersModel are the async TF.js forms).

import { readArtifacts, shownModelJson, writeArtifacts, type ReadOptions } from '../io/file-system.js';
import { modelFromArtifacts, topologyClassName } from './load.js';
import type { ModelMetadata } from './metadata.js';
import { modelToArtifacts, type SavableModel } from './save.js';
import { TegakiError } from '../errors.js';
import type { Sequential } from './sequential.js';

/**
 * Load a Sequential model saved by tegaki or TensorFlow.js: `dir` or `dir/model.json` (the
 * command line, reports and the web app take Sequential models; loadLayersModel takes any).
 */
export function loadModel(path: string, options: ReadOptions = {}): Sequential {
  const where = shownModelJson(path, options);
  const artifacts = readArtifacts(path, options);
  // refused before anything is built
  const kind = topologyClassName(artifacts);
  if (kind === 'Model' || kind === 'Functional') throw new TegakiError(`${where}: a functional model; the command line and app take Sequential models (load it with tf.loadLayersModel in a program).`);
  return modelFromArtifacts(artifacts, where) as Sequential;
}

/** Save to dir/model.json and a weights file; a crash at any moment leaves a loadable model. */
export function saveModel(model: SavableModel & { metadata?: ModelMetadata }, dir: string, metadata: ModelMetadata = model.metadata ?? {}): void {
  writeArtifacts(dir, modelToArtifacts(model, metadata));
}
