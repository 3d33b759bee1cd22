// Stands in for the on-disk model files in the browser bundle: the page loads models over HTTP
// (engine.ts) and never saves them.

export function saveModel(): never {
  throw new Error('Saving a model to disk is not available in the browser.');
}
