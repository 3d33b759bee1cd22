// Layer factories in the TF.js style: layers.dense({ units: 64, activation: 'relu' }).

import { Activation, type ActivationArgs, Dropout, type DropoutArgs, Flatten } from './core.js';
import { Conv2D, type Conv2DArgs } from './conv.js';
import { Dense, type DenseArgs } from './dense.js';
import { input, InputLayer, type InputConfig } from './input.js';
import type { LayerArgs } from './layer.js';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, type ConcatenateArgs } from './merge.js';
import { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D, type GlobalPooling2DArgs, type MaxPooling2DArgs, type Pooling2DArgs } from './pooling.js';
import { DepthwiseConv2D, SeparableConv2D, type DepthwiseConv2DArgs, type SeparableConv2DArgs } from './conv-depthwise.js';
import { Conv2DTranspose } from './conv-transpose.js';
import { Cropping2D, UpSampling2D, ZeroPadding2D, type Cropping2DArgs, type UpSampling2DArgs, type ZeroPadding2DArgs } from './spatial.js';
import { BatchNormalization, type BatchNormalizationArgs, LayerNormalization, type LayerNormalizationArgs } from './normalization.js';
import { ELU, type ELULayerArgs, LeakyReLU, type LeakyReLULayerArgs, PReLU, type PReLULayerArgs, ReLU, type ReLULayerArgs, Softmax, type SoftmaxLayerArgs, ThresholdedReLU, type ThresholdedReLULayerArgs } from './activation-layers.js';
import { GaussianDropout, type GaussianDropoutArgs, GaussianNoise, type GaussianNoiseArgs, SpatialDropout2D, type SpatialDropout2DArgs } from './noise.js';
import { Permute, type PermuteLayerArgs, RepeatVector, type RepeatVectorLayerArgs, Reshape, type ReshapeLayerArgs } from './reshape.js';

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
export { BatchNormalization, LayerNormalization };
export type { BatchNormalizationArgs, LayerNormalizationArgs };
export const batchNormalization = (args: BatchNormalizationArgs = {}): BatchNormalization => new BatchNormalization(args);
export const layerNormalization = (args: LayerNormalizationArgs = {}): LayerNormalization => new LayerNormalization(args);

export { AveragePooling2D, Conv2DTranspose, Cropping2D, DepthwiseConv2D, GlobalAveragePooling2D, GlobalMaxPooling2D, SeparableConv2D, UpSampling2D, ZeroPadding2D };
export type { Cropping2DArgs, DepthwiseConv2DArgs, GlobalPooling2DArgs, Pooling2DArgs, SeparableConv2DArgs, UpSampling2DArgs, ZeroPadding2DArgs };
export const averagePooling2d = (args: Pooling2DArgs = {}): AveragePooling2D => new AveragePooling2D(args);
/** TF.js' aliases of averagePooling2d. */
export const avgPool2d = averagePooling2d;
export const avgPooling2d = averagePooling2d;
export const globalAveragePooling2d = (args: GlobalPooling2DArgs = {}): GlobalAveragePooling2D => new GlobalAveragePooling2D(args);
export const globalMaxPooling2d = (args: GlobalPooling2DArgs = {}): GlobalMaxPooling2D => new GlobalMaxPooling2D(args);
export const depthwiseConv2d = (args: DepthwiseConv2DArgs): DepthwiseConv2D => new DepthwiseConv2D(args);
export const separableConv2d = (args: SeparableConv2DArgs): SeparableConv2D => new SeparableConv2D(args);
export const conv2dTranspose = (args: Conv2DArgs): Conv2DTranspose => new Conv2DTranspose(args);
export const zeroPadding2d = (args: ZeroPadding2DArgs = {}): ZeroPadding2D => new ZeroPadding2D(args);
export const cropping2D = (args: Cropping2DArgs): Cropping2D => new Cropping2D(args);
export const upSampling2d = (args: UpSampling2DArgs = {}): UpSampling2D => new UpSampling2D(args);

// activation layers, reshaping and noise (TF.js' factory names)
export { ELU, GaussianDropout, GaussianNoise, LeakyReLU, Permute, PReLU, ReLU, RepeatVector, Reshape, Softmax, SpatialDropout2D, ThresholdedReLU };
export type { ELULayerArgs, GaussianDropoutArgs, GaussianNoiseArgs, LeakyReLULayerArgs, PermuteLayerArgs, PReLULayerArgs, ReLULayerArgs, RepeatVectorLayerArgs, ReshapeLayerArgs, SoftmaxLayerArgs, SpatialDropout2DArgs, ThresholdedReLULayerArgs };
export const reLU = (args: ReLULayerArgs = {}): ReLU => new ReLU(args);
export const leakyReLU = (args: LeakyReLULayerArgs = {}): LeakyReLU => new LeakyReLU(args);
export const prelu = (args: PReLULayerArgs = {}): PReLU => new PReLU(args);
export const elu = (args: ELULayerArgs = {}): ELU => new ELU(args);
export const thresholdedReLU = (args: ThresholdedReLULayerArgs = {}): ThresholdedReLU => new ThresholdedReLU(args);
export const softmax = (args: SoftmaxLayerArgs = {}): Softmax => new Softmax(args);
export const reshape = (args: ReshapeLayerArgs): Reshape => new Reshape(args);
export const permute = (args: PermuteLayerArgs): Permute => new Permute(args);
export const repeatVector = (args: RepeatVectorLayerArgs): RepeatVector => new RepeatVector(args);
export const gaussianNoise = (args: GaussianNoiseArgs): GaussianNoise => new GaussianNoise(args);
export const gaussianDropout = (args: GaussianDropoutArgs): GaussianDropout => new GaussianDropout(args);
export const spatialDropout2d = (args: SpatialDropout2DArgs): SpatialDropout2D => new SpatialDropout2D(args);
export * from './preprocessing/index.js';
