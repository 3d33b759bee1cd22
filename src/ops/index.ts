// tfjs-core's ops, gradients and variables: what `tf.add`, `tf.grad`, `tf.variable` are.

import './chain.js';

export { add, addN, broadcastTo, cast, div, mul, neg, reshape, sub, sum, type Input } from './arithmetic.js';
export { equal, greater, greaterEqual, isNaN, less, lessEqual, logicalAnd, logicalNot, logicalOr, notEqual, where } from './compare.js';
export { eye, fill, linspace, ones, onesLike, randomNormal, randomUniform, range, scalar, tensor, tensor1d, tensor2d, tensor3d, tensor4d, tensor5d, tensor6d, truncatedNormal, zeros, zerosLike, type TensorLike } from './creation.js';
export { dispose, keep, memory, nextFrame, ready, tidy } from './engine.js';
export { customGrad, grad, grads, valueAndGrad, valueAndGrads, variableGrads } from './gradients.js';
export { abs, ceil, clipByValue, cos, elu, erf, exp, expm1, floor, leakyRelu, log, log1p, maximum, minimum, pow, reciprocal, relu, relu6, round, rsqrt, selu, sigmoid, sign, sin, softplus, sqrt, square, squaredDifference, step, tan, tanh } from './math.js';
export { dot, matMul } from './matmul.js';
export { avgPool, conv2d, logSoftmax, maxPool, oneHot, prelu, softmax } from './nn.js';
export { conv2dTranspose, depthwiseConv2d, separableConv2d } from './conv-variants.js';
export * as image from './image.js';
export { all, any, argMax, argMin, logSumExp, max, mean, min } from './reduction.js';
export { concat, expandDims, flatten, gather, pad, slice, split, squeeze, stack, tile, transpose, unstack } from './shape.js';
export { trainableVariables, Variable, variable } from './variable.js';
export * as losses from './losses.js';
export { Reduction } from './losses.js';
