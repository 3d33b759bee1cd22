// The public API: what `import { … } from 'tegaki'` gives.

export { Tensor, tensor, type Shape } from './tensor.js';
export { Random } from './random.js';
export { TegakiError } from './errors.js';
export * as layers from './layers/index.js';
export * as optimizers from './optimizers/index.js';
export * as datasets from './data/index.js';
export { Sequential, sequential, type SequentialArgs, type CompileArgs } from './model/sequential.js';
export type { FitOptions, History } from './model/fit.js';
export { EarlyStopping, earlyStopping, type Callback, type Logs } from './model/callbacks.js';
export { getBackend, setBackend, listBackends, registerBackend } from './backend/select.js';
export type { Backend, ConvGeometry, PoolGeometry } from './backend/backend.js';
export { buildTutorialModel, type TutorialModelName } from './model/tutorial.js';
export { loadModel, saveModel, type ModelMetadata } from './io/model-file.js';
export { modelCheckpoint, ModelCheckpoint, backupAndRestore, BackupAndRestore, readBackup } from './io/checkpoint.js';
export type { TrainingSnapshot } from './model/fit.js';
