// The reference backend: plain TypeScript loops, the oracle for every other backend.

import type { Backend } from '../backend.js';
import { conv2d, conv2dBackwardFilter, conv2dBackwardInput } from './conv.js';
import { activation, activationBackward, biasActivation, biasActivationBackward, biasGrad, gatherBytes, multiply, softmax, softmaxBackward } from './elementwise.js';
import { countCorrect, crossEntropy, meanSquaredError, softmaxCrossEntropy } from './losses.js';
import { matmul } from './matmul.js';
import { adamUpdate, rmspropUpdate, sgdUpdate } from './optimizers.js';
import { maxPool, maxPoolBackward } from './pool.js';

export const tsBackend: Backend = {
  name: 'ts',
  matmul,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardFilter,
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
  meanSquaredError,
  countCorrect,
  sgdUpdate,
  rmspropUpdate,
  adamUpdate,
};
