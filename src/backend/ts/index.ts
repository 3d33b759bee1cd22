// The reference backend: plain TypeScript loops, the oracle for every other backend.

import type { Backend } from '../backend.js';
import { adjustColor, adjustColorBackward, affineTransform, affineTransformBackward } from './augment.js';
import { conv2d, conv2dBackwardFilter, conv2dBackwardInput } from './conv.js';
import { depthwiseConv2d, depthwiseConv2dBackwardFilter, depthwiseConv2dBackwardInput } from './depthwise.js';
import { activation, activationBackward, biasActivation, biasActivationBackward, biasGrad, gatherBytes, multiply, softmax, softmaxBackward } from './elementwise.js';
import { binaryCrossEntropy, countCorrect, crossEntropy, meanSquaredError, softmaxCrossEntropy } from './losses.js';
import { matmul } from './matmul.js';
import { adamUpdate, nadamUpdate, rmspropUpdate, sgdUpdate, weightDecay } from './optimizers.js';
import { batchNormBackward, batchNormForward, batchNormStatistics, layerNormBackward, layerNormForward } from './normalization.js';
import { prelu, preluBackward } from './prelu.js';
import { avgPool, avgPoolBackward, maxPool, maxPoolBackward } from './pool.js';
import { resize, resizeBackward } from './resize.js';
import { argReduce, binary, gather, pad, reduce, scatterAdd, select, slice, sliceAdd, sliceAssign, tile, transpose, unary } from './tensor.js';

/** The general tensor kernels, which every backend shares unless it has its own. */
export const tensorKernels = { binary, unary, reduce, argReduce, transpose, slice, sliceAdd, sliceAssign, gather, scatterAdd, pad, tile, select, avgPool, avgPoolBackward, resize, resizeBackward, prelu, preluBackward };

export const tsBackend: Backend = {
  name: 'ts',
  ...tensorKernels,
  matmul,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardFilter,
  depthwiseConv2d,
  depthwiseConv2dBackwardInput,
  depthwiseConv2dBackwardFilter,
  maxPool,
  maxPoolBackward,
  biasActivation,
  biasGrad,
  biasActivationBackward,
  activation,
  activationBackward,
  softmax,
  softmaxBackward,
  multiply,
  gatherBytes,
  softmaxCrossEntropy,
  crossEntropy,
  binaryCrossEntropy,
  meanSquaredError,
  countCorrect,
  sgdUpdate,
  rmspropUpdate,
  adamUpdate,
  nadamUpdate,
  weightDecay,
  batchNormStatistics,
  batchNormForward,
  batchNormBackward,
  layerNormForward,
  layerNormBackward,
  affineTransform,
  affineTransformBackward,
  adjustColor,
  adjustColorBackward,
};
