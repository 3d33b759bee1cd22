// The tutorial's two models, exactly: a dense network on 784 pixels and a small CNN on 28×28×1.

import { TegakiError } from '../errors.js';
import * as layers from '../layers/index.js';
import { Sequential } from './sequential.js';

export type TutorialModelName = 'nn' | 'cnn';

export interface TutorialModelOptions {
  /** Image height, width and channels. Default [28, 28, 1]. */
  inputShape?: [number, number, number];
  /** Default 10. */
  numClasses?: number;
  seed?: number;
}

/** NN: 784 → Dense 64 relu → Dense 10 softmax. CNN: (Conv 3×3 relu, MaxPool 2)×2 → Conv 3×3 → Dense 64 → Dense 10. */
export function buildTutorialModel(kind: TutorialModelName, options: TutorialModelOptions = {}): Sequential {
  const [h, w, c] = options.inputShape ?? [28, 28, 1];
  const numClasses = options.numClasses ?? 10;
  const model = new Sequential({ seed: options.seed });
  if (kind === 'nn') {
    model.add(layers.dense({ units: 64, activation: 'relu', inputShape: [h * w * c] }));
    model.add(layers.dense({ units: numClasses, activation: 'softmax' }));
    return model;
  }
  if (kind !== 'cnn') throw new TegakiError(`Unknown model '${String(kind)}'. Expected nn or cnn.`);
  model.add(layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [h, w, c] }));
  model.add(layers.maxPooling2d({ poolSize: 2 }));
  model.add(layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
  model.add(layers.maxPooling2d({ poolSize: 2 }));
  model.add(layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
  model.add(layers.flatten());
  model.add(layers.dense({ units: 64, activation: 'relu' }));
  model.add(layers.dense({ units: numClasses, activation: 'softmax' }));
  return model;
}
