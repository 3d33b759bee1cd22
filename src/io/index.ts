// tf.io: model artifacts, handlers and the URL routers, with no file system (usable in browsers).

export { registerLoadRouter, registerSaveRouter, getLoadHandler, getSaveHandler, type IORouter } from './router.js';
export { artifactsFromModelJson, parseModelJson, FORMAT_VERSION, type WeightFiles } from './model-json.js';
export type { IOHandler, ModelArtifacts, ModelArtifactsInfo, ModelJSON, SaveResult, WeightsManifestEntry, WeightsManifestGroupConfig } from './types.js';
