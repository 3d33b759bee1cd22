// The models a training run offers (the tutorial's two and cnn-plus) with the recipe each is
// trained by when the user does not say otherwise: epochs, batch, optimizer, schedule, augmentation.

import { buildCnnPlus } from './cnn-plus.js';
import type { Sequential } from './sequential.js';
import { buildTutorialModel, type TutorialModelOptions } from './tutorial.js';

export type ModelName = 'nn' | 'cnn' | 'cnn-plus';
export const SCHEDULE_NAMES = ['constant', 'cosine', 'step'] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

/** How a model is trained unless told otherwise (the tutorial's: 5 epochs of batch 64, rmsprop). */
export interface Recipe {
  /** Passes over the training images. */
  epochs: number;
  batchSize: number;
  /** One of OPTIMIZER_NAMES. */
  optimizer: string;
  /** undefined: the optimizer's Keras default. */
  learningRate: number | undefined;
  /** 'constant', 'cosine' (to 0 at the last step) or 'step' (×0.1 at half and at three quarters of the steps). */
  schedule: ScheduleName;
  /** Random rotations, zooms and shifts of the training images. */
  augment: boolean;
}

const TUTORIAL: Recipe = { epochs: 5, batchSize: 64, optimizer: 'rmsprop', learningRate: undefined, schedule: 'constant', augment: false };

export const MODEL_RECIPES: Record<ModelName, Recipe> = {
  nn: TUTORIAL,
  cnn: TUTORIAL,
  // about a quarter of an hour on two cores; bench/torch_plus.py trains the same with PyTorch
  'cnn-plus': { epochs: 15, batchSize: 128, optimizer: 'adamw', learningRate: 0.001, schedule: 'cosine', augment: true },
};

/** One of the models by name, untrained. */
export function buildModel(name: ModelName, options: TutorialModelOptions = {}): Sequential {
  return name === 'cnn-plus' ? buildCnnPlus(options) : buildTutorialModel(name, options);
}
