// The image preprocessing and augmentation layers, and their TF.js-style factories.

import { RandomFlip, RandomRotation, RandomTranslation, RandomZoom, type RandomFlipArgs, type RandomRotationArgs, type RandomTranslationArgs, type RandomZoomArgs } from './affine.js';
import { RandomBrightness, RandomContrast, type RandomBrightnessArgs, type RandomContrastArgs } from './color.js';
import { CenterCrop, RandomCrop, Rescaling, Resizing, type CenterCropArgs, type RandomCropArgs, type RescalingArgs, type ResizingArgs } from './resizing.js';

export { CenterCrop, RandomBrightness, RandomContrast, RandomCrop, RandomFlip, RandomRotation, RandomTranslation, RandomZoom, Rescaling, Resizing };
export type { CenterCropArgs, RandomBrightnessArgs, RandomContrastArgs, RandomCropArgs, RandomFlipArgs, RandomRotationArgs, RandomTranslationArgs, RandomZoomArgs, RescalingArgs, ResizingArgs };

/** Every preprocessing layer class, for the model.json class table. */
export const PREPROCESSING_CLASSES = [Rescaling, Resizing, CenterCrop, RandomCrop, RandomTranslation, RandomRotation, RandomZoom, RandomFlip, RandomContrast, RandomBrightness];

export const rescaling = (args: RescalingArgs): Rescaling => new Rescaling(args);
export const resizing = (args: ResizingArgs): Resizing => new Resizing(args);
export const centerCrop = (args: CenterCropArgs): CenterCrop => new CenterCrop(args);
export const randomCrop = (args: RandomCropArgs): RandomCrop => new RandomCrop(args);
export const randomTranslation = (args: RandomTranslationArgs): RandomTranslation => new RandomTranslation(args);
export const randomRotation = (args: RandomRotationArgs): RandomRotation => new RandomRotation(args);
export const randomZoom = (args: RandomZoomArgs): RandomZoom => new RandomZoom(args);
export const randomFlip = (args: RandomFlipArgs = {}): RandomFlip => new RandomFlip(args);
export const randomContrast = (args: RandomContrastArgs): RandomContrast => new RandomContrast(args);
export const randomBrightness = (args: RandomBrightnessArgs): RandomBrightness => new RandomBrightness(args);
