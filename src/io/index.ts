// tf.io: model artifacts, handlers and the URL routers, with no file system (usable in browsers).

export { registerLoadRouter, registerSaveRouter, getLoadHandler, getSaveHandler, getLoadHandlers, getSaveHandlers, type IORouter } from './router.js';
export { artifactsFromModelJson, parseModelJson, FORMAT_VERSION, type WeightFiles } from './model-json.js';
export { fromMemory, withSaveHandler } from './passthrough.js';
export { concatenateArrayBuffers, getModelArtifactsForJSON, getModelArtifactsForJSONSync, getModelArtifactsInfoForJSON, getWeightSpecs } from './artifacts.js';
export type { IOHandler, ModelArtifacts, ModelArtifactsInfo, ModelJSON, SaveResult, WeightData, WeightQuantization, WeightsManifestEntry, WeightsManifestGroupConfig } from './types.js';
