// cnn-plus: the tutorial's CNN as the next chapters of a Keras book would write it — small 3×3
// conv blocks with batch normalization, dropout, and random rotations, zooms and shifts of the
// training images. Read it and change it: it is only layers.

import type { Layer } from '../layers/layer.js';
import * as layers from '../layers/index.js';
import { Sequential } from './sequential.js';
import type { TutorialModelOptions } from './tutorial.js';

/**
 * The augmentation cnn-plus trains with, active only while training: up to ±0.03 of a turn
 * (±10.8°), ±10 % zoom, ±10 % shift, in that order; the space uncovered is black (0), as MNIST's
 * background.
 */
export function cnnPlusAugmentation(inputShape?: number[]): Layer[] {
  const fill = { fillMode: 'constant', fillValue: 0, interpolation: 'bilinear' } as const;
  return [
    layers.randomRotation({ factor: 0.03, ...fill, ...(inputShape ? { inputShape } : {}) }),
    layers.randomZoom({ heightFactor: 0.1, ...fill }),
    layers.randomTranslation({ heightFactor: 0.1, widthFactor: 0.1, ...fill }),
  ];
}

/** Conv 3×3 (no bias: the batch norm's beta is the bias) → BatchNormalization → ReLU. */
function convBlock(filters: number, inputShape?: number[]): Layer[] {
  return [
    layers.conv2d({ filters, kernelSize: 3, useBias: false, ...(inputShape ? { inputShape } : {}) }),
    layers.batchNormalization({}),
    layers.activation({ activation: 'relu' }),
  ];
}

export interface CnnPlusOptions extends TutorialModelOptions {
  /** Put cnnPlusAugmentation() in front of the model. Default false (the training run adds it and saves the model without it). */
  augment?: boolean;
}

/**
 * 28×28×1 → (conv 32, conv 32, pool) → (conv 64, conv 64, pool) → dropout → dense 128 + BN + ReLU →
 * dropout → dense softmax: 198,442 parameters (640 of them batch-norm moving statistics).
 */
export function buildCnnPlus(options: CnnPlusOptions = {}): Sequential {
  const inputShape = [...(options.inputShape ?? [28, 28, 1])];
  const model = new Sequential({ seed: options.seed });
  const stack: Layer[] = [
    ...(options.augment ? cnnPlusAugmentation(inputShape) : []),
    ...convBlock(32, options.augment ? undefined : inputShape),
    ...convBlock(32),
    layers.maxPooling2d({ poolSize: 2 }),
    ...convBlock(64),
    ...convBlock(64),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dropout({ rate: 0.25 }),
    layers.dense({ units: 128, useBias: false }),
    layers.batchNormalization({}),
    layers.activation({ activation: 'relu' }),
    layers.dropout({ rate: 0.25 }),
    layers.dense({ units: options.numClasses ?? 10, activation: 'softmax' }),
  ];
  for (const layer of stack) model.add(layer);
  return model;
}
