// The Backend interface: every kernel the engine needs, as plain functions over typed arrays.
// Layers, losses and optimizers call these and nothing else; the TypeScript backend is the
// reference (the oracle) that faster backends are tested against.

import type { Shape, TypedArray } from '../tensor.js';

/** Shapes of one conv2d call. x is [batch, inH, inW, inC] (NHWC), w is [kH, kW, inC, outC] (HWIO),
 *  y is [batch, outH, outW, outC]. padTop/padLeft are the zero rows/columns before the input.
 *  Tap (ky, kx) of output (oy, ox) reads x at (oy·strideH − padTop + ky·dilationH,
 *  ox·strideW − padLeft + kx·dilationW). */
export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  /** Rows between taps of the filter (atrous convolution). Default 1, so geometries written
   *  without dilation keep their meaning; at 1 every kernel keeps its undilated fast paths. */
  dilationH?: number;
  /** Columns between taps of the filter. Default 1. */
  dilationW?: number;
}

/** Shapes of one max-pool call: x is [batch, inH, inW, channels], y is [batch, outH, outW, channels]. */
export interface PoolGeometry {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  poolH: number;
  poolW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

// ---- activations ----

/**
 * Elementwise activations (softmax works on rows and has its own kernels). The last three are the
 * activation layers' (LeakyReLU, ThresholdedReLU, ReLU with maxValue) and take a parameter.
 */
export type ElementwiseActivation =
  | 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'elu' | 'selu' | 'relu6' | 'softplus' | 'softsign' | 'hardSigmoid'
  | 'swish' | 'gelu' | 'mish' | 'leakyRelu' | 'thresholdedRelu' | 'clippedRelu';

/** Every elementwise activation, in the native addon's numbering (append only). */
export const ELEMENTWISE_ACTIVATIONS: readonly ElementwiseActivation[] = [
  'linear', 'relu', 'sigmoid', 'tanh', 'elu', 'selu', 'relu6', 'softplus', 'softsign', 'hardSigmoid',
  'swish', 'gelu', 'mish', 'leakyRelu', 'thresholdedRelu', 'clippedRelu',
];

/**
 * Activations whose derivative cannot be written with their output alone (y does not determine x,
 * or only at great cost): their backward kernels take the input x where the others take y.
 */
const NEEDS_INPUT: ReadonlySet<ElementwiseActivation> = new Set(['swish', 'gelu', 'mish', 'leakyRelu', 'thresholdedRelu', 'clippedRelu']);

/** Whether act's backward reads the input x (true) or the output y (false). */
export function activationNeedsInput(act: ElementwiseActivation): boolean {
  return NEEDS_INPUT.has(act);
}

/** The parameter an activation uses when none is given: ELU's alpha, LeakyReLU's alpha, ThresholdedReLU's theta; clippedRelu's maxValue has none. */
export const ACTIVATION_PARAM_DEFAULTS: Partial<Record<ElementwiseActivation, number>> = { elu: 1, leakyRelu: 0.2, thresholdedRelu: 1 };

/** Shapes of one image warp: x is [batch, inH, inW, channels], y is [batch, outH, outW, channels]. */
export interface WarpGeometry {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
}

/** How a warp reads between pixels. */
export type WarpInterpolation = 'bilinear' | 'nearest';
/** How a warp reads outside the image (Keras' fill_mode; TensorFlow's ImageProjectiveTransformV3). */
export type WarpFillMode = 'constant' | 'reflect' | 'wrap' | 'nearest';

/** Shapes of a colour adjustment: x and y are [batch, pixels, channels]. */
export interface ColorGeometry {
  batch: number;
  pixels: number;
  channels: number;
}


export interface MatmulOptions {
  /** A is stored as [K, M] and used transposed. Default false. */
  transA?: boolean;
  /** B is stored as [N, K] and used transposed. Default false. */
  transB?: boolean;
  /** Add into C instead of overwriting it. Default false. */
  accumulate?: boolean;
}

/** Labels for a loss or metric: class indices [rows] (sparse) or one-hot/targets [rows, cols]. */
export interface Labels {
  data: Float32Array;
  sparse: boolean;
  /** Keras' label smoothing: targets t(1 − s) + s/k (k classes; 2 for binary cross-entropy). Default 0. */
  smoothing?: number;
  /** Per-row weights that multiply each row's loss and gradient (sampleWeight × classWeight). Default: all 1. */
  weights?: Float32Array | null;
}

/** Elementwise ops of two tensors (broadcast as in NumPy). */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'floorDiv' | 'mod' | 'pow' | 'minimum' | 'maximum' | 'squaredDifference' | 'atan2'
  | 'equal' | 'notEqual' | 'greater' | 'greaterEqual' | 'less' | 'lessEqual' | 'logicalAnd' | 'logicalOr';
/** Elementwise ops of one tensor; 'step', 'leakyRelu' and 'clip' take parameters. */
export type UnaryOp =
  | 'neg' | 'abs' | 'exp' | 'expm1' | 'log' | 'log1p' | 'sqrt' | 'rsqrt' | 'square' | 'reciprocal' | 'sign' | 'step'
  | 'floor' | 'ceil' | 'round' | 'sin' | 'cos' | 'tan' | 'sigmoid' | 'tanh' | 'relu' | 'relu6' | 'elu' | 'selu'
  | 'leakyRelu' | 'softplus' | 'clip' | 'logicalNot' | 'isNaN' | 'cast' | 'erf';
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'any' | 'all';

/**
 * The general tensor kernels behind tfjs-core's ops, on typed arrays of any dtype. The reference
 * backend implements them all; a faster backend may take them over one by one.
 */
export interface TensorKernels {
  // out = a op b, a and b broadcast to outShape
  binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void;
  // out = op(x); params: step's value at 0, leakyRelu's alpha, clip's [min, max]
  unary(op: UnaryOp, x: TypedArray, out: TypedArray, params?: readonly number[]): void;
  // x is [outer, size]: out[i] = op over row i
  reduce(op: ReduceOp, x: TypedArray, outer: number, size: number, out: TypedArray): void;
  argReduce(op: 'argMax' | 'argMin', x: TypedArray, outer: number, size: number, out: Int32Array): void;
  transpose(x: TypedArray, shape: Shape, perm: readonly number[], out: TypedArray): void;
  slice(x: TypedArray, shape: Shape, begin: readonly number[], size: readonly number[], out: TypedArray): void;
  // out (of outShape) += x at [begin, begin + size): slice's backward
  sliceAdd(x: TypedArray, outShape: Shape, begin: readonly number[], size: readonly number[], out: TypedArray): void;
  // copy x into out (of outShape) at begin
  sliceAssign(x: TypedArray, shape: Shape, out: TypedArray, outShape: Shape, begin: readonly number[]): void;
  // x is [outer, n, inner]; out is [outer, indices.length, inner]
  gather(x: TypedArray, outer: number, n: number, inner: number, indices: Int32Array, out: TypedArray): void;
  scatterAdd(dy: TypedArray, outer: number, n: number, inner: number, indices: Int32Array, out: TypedArray): void;
  pad(x: TypedArray, shape: Shape, paddings: readonly (readonly [number, number])[], value: number, out: TypedArray, outShape: Shape): void;
  tile(x: TypedArray, shape: Shape, out: TypedArray, outShape: Shape): void;
  select(condition: TypedArray, cShape: Shape, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void;
  // PReLU, x and y [batch, size], alpha [size] (broadcast over the batch): y = x > 0 ? x : alpha·x
  prelu(y: Float32Array, x: Float32Array, alpha: Float32Array, size: number): void;
  // its backward: dx (skipped when null; may alias dy) and dalpha = Σ over the batch of
  // (x > 0 ? 0 : x·dy) (overwrites dalpha)
  preluBackward(dx: Float32Array | null, dalpha: Float32Array, dy: Float32Array, x: Float32Array, alpha: Float32Array, size: number): void;
  // y = the mean of each window over the positions inside x (padding not counted)
  avgPool(y: Float32Array, x: Float32Array, g: PoolGeometry): void;
  // dx = each window's dy spread evenly over its positions (overwrites dx)
  avgPoolBackward(dx: Float32Array, dy: Float32Array, g: PoolGeometry): void;
  // y = x resized to g.outH × g.outW as TF.js' resizeNearestNeighbor / resizeBilinear do them
  // (alignCorners and halfPixelCenters false): source row oy·inH/outH, column likewise
  resize(y: Float32Array, x: Float32Array, g: ResizeGeometry): void;
  // dx = the adjoint of resize: each dy sent back to the positions it read, with its weights (overwrites dx)
  resizeBackward(dx: Float32Array, dy: Float32Array, g: ResizeGeometry): void;
}

/** Shapes of one resize: x is [batch, inH, inW, channels], y is [batch, outH, outW, channels]. */
export interface ResizeGeometry {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  bilinear: boolean;
}

export interface Backend extends TensorKernels {
  readonly name: string;

  // C[M,N] = op(A)[M,K] · op(B)[K,N]
  matmul(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, options?: MatmulOptions): void;

  // y = act(conv2d(x, w) + bias). bias may be null; act defaults to linear.
  conv2d(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, g: ConvGeometry, act?: ElementwiseActivation): void;
  // dx = gradient of conv2d with respect to x (overwrites dx)
  conv2dBackwardInput(dx: Float32Array, dy: Float32Array, w: Float32Array, g: ConvGeometry): void;
  // dw = gradient of conv2d with respect to w (overwrites dw)
  conv2dBackwardFilter(dw: Float32Array, x: Float32Array, dy: Float32Array, g: ConvGeometry): void;

  // Depthwise convolution: g.outC = g.inC · m and w is [kH, kW, inC, m]; output channel c·m + j
  // is input channel c convolved with w[:, :, c, j] (TF.js' depthwiseConv2d, NHWC).
  // y = act(depthwise(x, w) + bias); bias may be null.
  depthwiseConv2d(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, g: ConvGeometry, act?: ElementwiseActivation): void;
  // dx = gradient of depthwiseConv2d with respect to x (overwrites dx)
  depthwiseConv2dBackwardInput(dx: Float32Array, dy: Float32Array, w: Float32Array, g: ConvGeometry): void;
  // dw = gradient of depthwiseConv2d with respect to w (overwrites dw)
  depthwiseConv2dBackwardFilter(dw: Float32Array, x: Float32Array, dy: Float32Array, g: ConvGeometry): void;

  // y = max over each window; argmax records the flat input index that won (for backward).
  maxPool(y: Float32Array, argmax: Int32Array, x: Float32Array, g: PoolGeometry): void;
  // dx = 0, then dx[argmax[i]] += dy[i]
  maxPoolBackward(dx: Float32Array, dy: Float32Array, argmax: Int32Array, g: PoolGeometry): void;

  // ---- activations (param: see ACTIVATION_PARAM_DEFAULTS; saved: the forward's output y, or its
  // input x for the activations activationNeedsInput names) ----
  // y[r,c] = act(y[r,c] + bias[c]) in place; bias may be null. y is [rows, cols].
  biasActivation(y: Float32Array, bias: Float32Array | null, rows: number, cols: number, act: ElementwiseActivation, param?: number): void;
  // db[c] = sum over rows of dy[r,c] (overwrites db)
  biasGrad(db: Float32Array, dy: Float32Array, rows: number, cols: number): void;
  // The backward of biasActivation in one pass: dz = dy * act'(.) written with saved (dz may alias
  // dy), and db = sum over rows of dz (overwrites db; db may be null).
  biasActivationBackward(dz: Float32Array, db: Float32Array | null, dy: Float32Array, saved: Float32Array, rows: number, cols: number, act: ElementwiseActivation, param?: number): void;
  // y = act(x)
  activation(y: Float32Array, x: Float32Array, act: ElementwiseActivation, param?: number): void;
  // dx = dy * act'(.), written with saved. dx may alias dy.
  activationBackward(dx: Float32Array, dy: Float32Array, saved: Float32Array, act: ElementwiseActivation, param?: number): void;
  // y = softmax over each row of x [rows, cols]
  softmax(y: Float32Array, x: Float32Array, rows: number, cols: number): void;
  // dx = y * (dy - sum(dy * y)) per row. dx may alias dy.
  softmaxBackward(dx: Float32Array, dy: Float32Array, y: Float32Array, rows: number, cols: number): void;
  // y = a * b elementwise (dropout masks)
  multiply(y: Float32Array, a: Float32Array, b: Float32Array): void;
  // out[i*n + j] = bytes[indices[i]*n + j] * scale with n = sampleSize: a batch of byte images
  // (kept as bytes to save memory) as floats.
  gatherBytes(out: Float32Array, bytes: Uint8Array, indices: Int32Array, sampleSize: number, scale: number): void;

  // Losses return the sum over rows of the per-sample loss, and write d(loss sum)/d(input) * gradScale
  // into grad when grad is not null.
  /** Cross-entropy of softmax(logits), computed from the logits (stable for any logit size). */
  softmaxCrossEntropy(grad: Float32Array | null, logits: Float32Array, labels: Labels, rows: number, cols: number, gradScale: number): number;
  /** Cross-entropy of probabilities, clipped to [epsilon, 1 - epsilon] as Keras does. */
  crossEntropy(grad: Float32Array | null, probs: Float32Array, labels: Labels, rows: number, cols: number, gradScale: number): number;
  /** Mean over columns of the binary cross-entropy, per row: from logits (stable), or from probabilities clipped to [epsilon, 1 - epsilon]. */
  binaryCrossEntropy(grad: Float32Array | null, pred: Float32Array, labels: Labels, rows: number, cols: number, fromLogits: boolean, gradScale: number): number;
  /** Mean over columns of the squared error, per row. */
  meanSquaredError(grad: Float32Array | null, pred: Float32Array, targets: Labels, rows: number, cols: number, gradScale: number): number;
  /** Number of rows whose arg-max matches the label (or, for one column, whose rounded value does). */
  countCorrect(pred: Float32Array, labels: Labels, rows: number, cols: number): number;

  // Optimizer updates, in place on the parameter and its slots.
  sgdUpdate(param: Float32Array, grad: Float32Array, velocity: Float32Array | null, lr: number, momentum: number, nesterov: boolean): void;
  rmspropUpdate(param: Float32Array, grad: Float32Array, meanSquare: Float32Array, lr: number, rho: number, epsilon: number): void;
  adamUpdate(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, lr: number, beta1: number, beta2: number, epsilon: number, step: number): void;
  // Keras' Nadam with the step's scalars given: the moment and gradient scales of Dozat's
  // momentum schedule, and unbias2 = 1 − β₂ᵗ
  nadamUpdate(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, lr: number, beta1: number, beta2: number, epsilon: number, momentScale: number, gradScale: number, unbias2: number): void;
  // param −= param · rate (decoupled weight decay)
  weightDecay(param: Float32Array, rate: number): void;

  // ---- normalization (batch and layer normalization) ----
  // Batch normalization sees x as [outer, channels, inner]: each channel's statistics run over
  // outer and inner (NHWC with axis -1: outer = pixels, inner = 1). gamma and beta may be null
  // (scale 1, offset 0). Sums run in double.
  // mean[c], variance[c] = the mean and biased variance of channel c (overwrite).
  batchNormStatistics(mean: Float32Array, variance: Float32Array, x: Float32Array, outer: number, channels: number, inner: number): void;
  // y = (x − mean[c]) · gamma[c] / sqrt(variance[c] + epsilon) + beta[c]
  batchNormForward(y: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, epsilon: number, outer: number, channels: number, inner: number): void;
  // The backward of batchNormForward given dL/dy: dgamma, dbeta (overwritten; null when not
  // wanted) and dx (overwritten; null skips it). batchStatistics: mean and variance came from
  // this x (training), so dx includes their dependence on x; otherwise they are constants.
  batchNormBackward(dx: Float32Array | null, dgamma: Float32Array | null, dbeta: Float32Array | null, dy: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array | null, epsilon: number, outer: number, channels: number, inner: number, batchStatistics: boolean): void;
  // Layer normalization sees x as [rows, cols] and normalizes each row; gamma, beta are per
  // column (may be null). mean[r], variance[r] receive each row's statistics for the backward.
  layerNormForward(y: Float32Array, mean: Float32Array, variance: Float32Array, x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, epsilon: number, rows: number, cols: number): void;
  // Its backward: dgamma, dbeta (overwritten; may be null) and dx (overwritten; null skips it).
  layerNormBackward(dx: Float32Array | null, dgamma: Float32Array | null, dbeta: Float32Array | null, dy: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array | null, epsilon: number, rows: number, cols: number): void;

  // ---- image augmentation (ts/augment.ts, native/augment.cc) ----
  // y[b, oy, ox, :] = x[b] read at ((a0·ox + a1·oy + a2)/k, (b0·ox + b1·oy + b2)/k), k = c0·ox + c1·oy + 1,
  // with transforms[b·8 ..] = [a0, a1, a2, b0, b1, b2, c0, c1] (TensorFlow's ImageProjectiveTransformV3:
  // pixel centres at integer coordinates; fillValue only for fillMode 'constant').
  affineTransform(y: Float32Array, x: Float32Array, transforms: Float32Array, g: WarpGeometry, interpolation: WarpInterpolation, fillMode: WarpFillMode, fillValue: number): void;
  // dx = the transposed warp of dy: the gradient of affineTransform with respect to x (overwrites dx).
  affineTransformBackward(dx: Float32Array, dy: Float32Array, transforms: Float32Array, g: WarpGeometry, interpolation: WarpInterpolation, fillMode: WarpFillMode): void;
  // y = clip(z, low, high) with z = (x − m)·contrast[b] + m (m: the image's channel mean over pixels)
  // when contrast is given, else x; plus delta[b] when delta is given.
  adjustColor(y: Float32Array, x: Float32Array, contrast: Float32Array | null, delta: Float32Array | null, g: ColorGeometry, low: number, high: number): void;
  // dx = the gradient of adjustColor with respect to x (overwrites dx); clip passes dy where low ≤ z ≤ high.
  adjustColorBackward(dx: Float32Array, dy: Float32Array, x: Float32Array, contrast: Float32Array | null, delta: Float32Array | null, g: ColorGeometry, low: number, high: number): void;
}

/** Keras clips probabilities by this before taking logs. */
export const EPSILON = 1e-7;
