// The network in the browser: a saved model fetched from the server and run with tegaki's
// TypeScript backend (the same engine as in Node; only the file reading differs).

import { io, modelFromArtifacts, Sequential, setBackend, Tensor } from '../../src/index.js';
import { formatShape } from '../../src/tensor.js';
import { modelUrl } from './api.js';

void setBackend('ts');

/** One layer's output for one input. */
export interface LayerActivation {
  name: string;
  className: string;
  /** As in summary(), e.g. "(None, 26, 26, 32)". */
  shape: string;
  dims: number[];
  values: Float32Array;
}

export async function fetchModel(id: string): Promise<Sequential> {
  const response = await fetch(modelUrl(id, 'model.json'));
  if (!response.ok) throw new Error(`Cannot load model ${id}: ${response.status}`);
  const json = io.parseModelJson(await response.text(), 'model.json');
  const files = new Map<string, Uint8Array>();
  for (const path of json.weightsManifest.flatMap((g) => g.paths)) {
    const weights = await fetch(modelUrl(id, path));
    if (weights.ok) files.set(path, new Uint8Array(await weights.arrayBuffer()));
  }
  const artifacts = io.artifactsFromModelJson(json, 'model.json', { size: (p) => files.get(p)?.length ?? null, read: (p) => files.get(p)! });
  const model = modelFromArtifacts(artifacts, `model ${id}`);
  if (!(model instanceof Sequential)) throw new Error(`Model ${id} is a functional model; the app shows Sequential models.`);
  return model;
}

/** Class probabilities for one 28×28 image (values in [0, 1]). */
export function predict(model: Sequential, pixels: Float32Array): Float32Array {
  return model.predict(new Tensor([1, ...model.inputShape], pixels)).f32.slice();
}

/** Every layer's output for one image, run layer by layer. */
export function activations(model: Sequential, pixels: Float32Array): LayerActivation[] {
  let h = new Tensor([1, ...model.inputShape], pixels);
  return model.layers.map((layer) => {
    h = layer.call(h, { training: false }) as Tensor;
    return { name: layer.name, className: layer.className, shape: formatShape([null, ...layer.outputShape]), dims: [...layer.outputShape], values: h.f32.slice() };
  });
}

export function classNamesOf(model: Sequential): string[] {
  return model.metadata.classNames ?? Array.from({ length: model.outputShape[0]! }, (_, i) => String(i));
}
