// Layer factories in the TF.js style: layers.dense({ units: 64, activation: 'relu' }).

import { Activation, type ActivationArgs, Dropout, type DropoutArgs, Flatten } from './core.js';
import { Conv2D, type Conv2DArgs } from './conv.js';
import { Dense, type DenseArgs } from './dense.js';
import { input, InputLayer, type InputConfig } from './input.js';
import type { LayerArgs } from './layer.js';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, type ConcatenateArgs } from './merge.js';
import { MaxPooling2D, type MaxPooling2DArgs } from './pooling.js';

export { Activation, Add, Average, Concatenate, Conv2D, Dense, Dropout, Flatten, InputLayer, Maximum, MaxPooling2D, Minimum, Multiply };
export type { ActivationArgs, ConcatenateArgs, Conv2DArgs, DenseArgs, DropoutArgs, InputConfig, LayerArgs, MaxPooling2DArgs };
export { Layer, LayerWeight, type CallArgs, type Weight } from './layer.js';
export { ActivatedLayer, FusedLayer, type ForwardOptions } from './fused.js';
export { SymbolicTensor } from './layer.js';

export const dense = (args: DenseArgs): Dense => new Dense(args);
export const conv2d = (args: Conv2DArgs): Conv2D => new Conv2D(args);
export const maxPooling2d = (args: MaxPooling2DArgs = {}): MaxPooling2D => new MaxPooling2D(args);
export const flatten = (args: LayerArgs = {}): Flatten => new Flatten(args);
export const dropout = (args: DropoutArgs): Dropout => new Dropout(args);
export const activation = (args: ActivationArgs): Activation => new Activation(args);
export { input };
export const inputLayer = (args: LayerArgs & { sparse?: boolean }): InputLayer => new InputLayer(args);
export const add = (args: LayerArgs = {}): Add => new Add(args);
export const multiply = (args: LayerArgs = {}): Multiply => new Multiply(args);
export const average = (args: LayerArgs = {}): Average => new Average(args);
export const maximum = (args: LayerArgs = {}): Maximum => new Maximum(args);
export const minimum = (args: LayerArgs = {}): Minimum => new Minimum(args);
export const concatenate = (args: ConcatenateArgs = {}): Concatenate => new Concatenate(args);
export * from './preprocessing/index.js';
