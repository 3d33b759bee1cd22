// Layer factories in the TF.js style: layers.dense({ units: 64, activation: 'relu' }).

import { Activation, type ActivationArgs, Dropout, type DropoutArgs, Flatten } from './core.js';
import { Conv2D, type Conv2DArgs } from './conv.js';
import { Dense, type DenseArgs } from './dense.js';
import type { LayerArgs } from './layer.js';
import { MaxPooling2D, type MaxPooling2DArgs } from './pooling.js';

export { Activation, Conv2D, Dense, Dropout, Flatten, MaxPooling2D };
export type { ActivationArgs, Conv2DArgs, DenseArgs, DropoutArgs, LayerArgs, MaxPooling2DArgs };
export { Layer, ActivatedLayer, type Weight, type ForwardOptions } from './layer.js';

export const dense = (args: DenseArgs): Dense => new Dense(args);
export const conv2d = (args: Conv2DArgs): Conv2D => new Conv2D(args);
export const maxPooling2d = (args: MaxPooling2DArgs = {}): MaxPooling2D => new MaxPooling2D(args);
export const flatten = (args: LayerArgs = {}): Flatten => new Flatten(args);
export const dropout = (args: DropoutArgs): Dropout => new Dropout(args);
export const activation = (args: ActivationArgs): Activation => new Activation(args);
