// Models on disk, synchronously: loadModel(dir) and saveModel(model, dir) for the command line,
// checkpoints and servers (model.save('file://dir') and loadLayersModel are the async TF.js forms).

import { readArtifacts, shownModelJson, writeArtifacts, type ReadOptions } from '../io/file-system.js';
import { modelFromArtifacts } from './load.js';
import type { ModelMetadata } from './metadata.js';
import { modelToArtifacts, type SavableModel } from './save.js';
import type { Sequential } from './sequential.js';

/** Load a model saved by tegaki or TensorFlow.js: `dir` or `dir/model.json`. */
export function loadModel(path: string, options: ReadOptions = {}): Sequential {
  return modelFromArtifacts(readArtifacts(path, options), shownModelJson(path, options));
}

/** Save to dir/model.json and a weights file; a crash at any moment leaves a loadable model. */
export function saveModel(model: SavableModel & { metadata?: ModelMetadata }, dir: string, metadata: ModelMetadata = model.metadata ?? {}): void {
  writeArtifacts(dir, modelToArtifacts(model, metadata));
}
