// The public API that runs anywhere (browsers included): what `import … from 'tegaki'` gives in a
// browser bundle. Node.js gets node.ts, which adds the native backend, files and datasets.

export { Tensor, type Shape, type DataType, type TypedArray, type Rank } from './tensor.js';
export type { Scalar, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Tensor5D, Tensor6D } from './tensor.js';
export * from './ops/index.js';
export * as util from './util.js';
export { train } from './optimizers/index.js';
export { Random } from './random.js';
export { initializers, Initializer } from './initializers.js';
export { TegakiError } from './errors.js';
export * as layers from './layers/index.js';
export * as optimizers from './optimizers/index.js';
export * as io from './io/index.js';
export * as data from './dataset/index.js';
export { Sequential, sequential, type SequentialArgs, type CompileArgs } from './model/sequential.js';
export { LayersModel, model, type ModelArgs } from './model/layers-model.js';
export { input } from './layers/input.js';
export { SymbolicTensor } from './layers/layer.js';
export * as serialization from './layers/registry.js';
export * as models from './model/models.js';
export type { FitOptions, History, TrainingSnapshot } from './model/fit.js';
export { CustomCallback, EarlyStopping, earlyStopping, TerminateOnNaN, terminateOnNaN, type Callback, type FitParams, type Logs } from './model/callbacks.js';
export * as callbacks from './model/callback-factories.js';
export { LambdaCallback, lambdaCallback, type LambdaCallbackArgs, type TerminateOnNaNArgs } from './model/callbacks.js';
export { LearningRateScheduler, learningRateScheduler, ReduceLROnPlateau, reduceLROnPlateau, type ReduceLROnPlateauArgs } from './model/lr-callbacks.js';
export { listBackends, registerBackend } from './backend/select.js';
export { backend, getBackend, setBackend } from './backend/tfjs-api.js';
export { enableProdMode, version } from './version.js';
export type { Backend, ConvGeometry, PoolGeometry } from './backend/backend.js';
export { buildTutorialModel, type TutorialModelName } from './model/tutorial.js';
export type { ModelMetadata } from './model/metadata.js';
export { loadLayersModel, modelFromArtifacts } from './model/load.js';
export { modelToArtifacts } from './model/save.js';
export * as lossFunctions from './losses/index.js';
export * as metrics from './metrics/index.js';
export { regularizers, Regularizer } from './regularizers.js';
export { constraints, Constraint } from './constraints.js';
