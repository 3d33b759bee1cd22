// The native CPU backend: loads the C++ addon (build/Release/tegaki.node) and wraps it as a
// Backend. Loading never throws: when the addon is missing or broken, loadNative() says why
// and the caller falls back to the TypeScript backend.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ELEMENTWISE_ACTIVATIONS, type Backend, type ConvGeometry, type ElementwiseActivation, type Labels, type MatmulOptions, type PoolGeometry, type WarpFillMode, type WarpGeometry } from '../backend.js';
import { tensorKernels } from '../ts/index.js';

/** The functions the addon exports (native/binding.cc); geometry travels as positional numbers. */
interface Addon {
  matmul(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: boolean, transB: boolean, accumulate: boolean): void;
  conv2d(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, act: number, ...g: number[]): void;
  conv2dBackwardInput(dx: Float32Array, dy: Float32Array, w: Float32Array, ...g: number[]): void;
  conv2dBackwardFilter(dw: Float32Array, x: Float32Array, dy: Float32Array, ...g: number[]): void;
  depthwiseConv2d(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, act: number, ...g: number[]): void;
  depthwiseConv2dBackwardInput(dx: Float32Array, dy: Float32Array, w: Float32Array, ...g: number[]): void;
  depthwiseConv2dBackwardFilter(dw: Float32Array, x: Float32Array, dy: Float32Array, ...g: number[]): void;
  avgPool(y: Float32Array, x: Float32Array, ...g: number[]): void;
  avgPoolBackward(dx: Float32Array, dy: Float32Array, ...g: number[]): void;
  maxPool(y: Float32Array, argmax: Int32Array, x: Float32Array, ...g: number[]): void;
  maxPoolBackward(dx: Float32Array, dy: Float32Array, argmax: Int32Array, ...g: number[]): void;
  biasActivation(y: Float32Array, bias: Float32Array | null, rows: number, cols: number, act: number, param: number): void;
  biasGrad(db: Float32Array, dy: Float32Array, rows: number, cols: number): void;
  biasActivationBackward(dz: Float32Array, db: Float32Array | null, dy: Float32Array, saved: Float32Array, rows: number, cols: number, act: number, param: number): void;
  gatherBytes(out: Float32Array, bytes: Uint8Array, indices: Int32Array, sampleSize: number, scale: number): void;
  activation(y: Float32Array, x: Float32Array, act: number, param: number): void;
  activationBackward(dx: Float32Array, dy: Float32Array, saved: Float32Array, act: number, param: number): void;
  prelu(y: Float32Array, x: Float32Array, alpha: Float32Array, size: number): void;
  preluBackward(dx: Float32Array | null, dalpha: Float32Array, dy: Float32Array, x: Float32Array, alpha: Float32Array, size: number): void;
  softmax(y: Float32Array, x: Float32Array, rows: number, cols: number): void;
  softmaxBackward(dx: Float32Array, dy: Float32Array, y: Float32Array, rows: number, cols: number): void;
  multiply(y: Float32Array, a: Float32Array, b: Float32Array): void;
  softmaxCrossEntropy(grad: Float32Array | null, x: Float32Array, labels: Float32Array, sparse: boolean, rows: number, cols: number, gradScale: number, weights: Float32Array | null, smoothing: number): number;
  crossEntropy(grad: Float32Array | null, x: Float32Array, labels: Float32Array, sparse: boolean, rows: number, cols: number, gradScale: number, weights: Float32Array | null, smoothing: number): number;
  binaryCrossEntropy(grad: Float32Array | null, x: Float32Array, labels: Float32Array, sparse: boolean, rows: number, cols: number, gradScale: number, weights: Float32Array | null, smoothing: number, fromLogits: boolean): number;
  meanSquaredError(grad: Float32Array | null, x: Float32Array, labels: Float32Array, sparse: boolean, rows: number, cols: number, gradScale: number, weights: Float32Array | null, smoothing: number): number;
  countCorrect(pred: Float32Array, labels: Float32Array, sparse: boolean, rows: number, cols: number): number;
  sgdUpdate(param: Float32Array, grad: Float32Array, velocity: Float32Array | null, lr: number, momentum: number, nesterov: boolean): void;
  rmspropUpdate(param: Float32Array, grad: Float32Array, meanSquare: Float32Array, lr: number, rho: number, epsilon: number): void;
  adamUpdate(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, lr: number, beta1: number, beta2: number, epsilon: number, step: number): void;
  nadamUpdate(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, lr: number, beta1: number, beta2: number, epsilon: number, momentScale: number, gradScale: number, unbias2: number): void;
  weightDecay(param: Float32Array, rate: number): void;
  batchNormStatistics(mean: Float32Array, variance: Float32Array, x: Float32Array, outer: number, channels: number, inner: number): void;
  batchNormForward(y: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, epsilon: number, outer: number, channels: number, inner: number): void;
  batchNormBackward(dx: Float32Array | null, dgamma: Float32Array | null, dbeta: Float32Array | null, dy: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array | null, epsilon: number, outer: number, channels: number, inner: number, batchStatistics: boolean): void;
  layerNormForward(y: Float32Array, mean: Float32Array, variance: Float32Array, x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, epsilon: number, rows: number, cols: number): void;
  layerNormBackward(dx: Float32Array | null, dgamma: Float32Array | null, dbeta: Float32Array | null, dy: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array | null, epsilon: number, rows: number, cols: number): void;
  affineTransform(y: Float32Array, x: Float32Array, transforms: Float32Array, nearest: boolean, fillMode: number, fillValue: number, ...g: number[]): void;
  affineTransformBackward(dx: Float32Array, dy: Float32Array, transforms: Float32Array, nearest: boolean, fillMode: number, ...g: number[]): void;
  adjustColor(y: Float32Array, dy: null, x: Float32Array, contrast: Float32Array | null, delta: Float32Array | null, batch: number, pixels: number, channels: number, low: number, high: number): void;
  adjustColorBackward(dx: Float32Array, dy: Float32Array, x: Float32Array, contrast: Float32Array | null, delta: Float32Array | null, batch: number, pixels: number, channels: number, low: number, high: number): void;
  getThreads(): number;
  setThreads(n: number): number;
  cpuPaths(): string[];
  getCpuPath(): string;
  setCpuPath(name: string): boolean;
}

/** Instruction-set paths of the native GEMM, widest first. */
export type CpuPath = 'avx512' | 'avx2' | 'portable';

/** The native backend plus its knobs (threads, instruction-set path). */
export interface NativeBackend extends Backend {
  /** Threads the kernels run on (the calling thread included). */
  getThreads(): number;
  /** Set the thread count; 0 means one per core. Returns the count in use. Default: TEGAKI_THREADS, else all cores. */
  setThreads(n: number): number;
  /** The paths this CPU can run, widest first. */
  cpuPaths(): CpuPath[];
  /** The path in use. Default: TEGAKI_CPU when this CPU supports it, else the widest. */
  getCpuPath(): CpuPath;
  /** Switch path; false (and no change) when this CPU cannot run it. */
  setCpuPath(path: CpuPath): boolean;
}

/** The addon's activation codes: the index in ELEMENTWISE_ACTIVATIONS (native/tegaki.h's Act). */
const ACT = Object.fromEntries(ELEMENTWISE_ACTIVATIONS.map((a, i) => [a, i])) as Record<ElementwiseActivation, number>;

/** The addon's 15 geometry numbers (native/binding.cc conv_geom). Dilated convolutions run in
 *  the addon too, on its GEMM path (its direct kernel for small patches is undilated only). */
function convArgs(g: ConvGeometry): number[] {
  return [g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kH, g.kW, g.strideH, g.strideW, g.padTop, g.padLeft, g.dilationH ?? 1, g.dilationW ?? 1];
}

/** The addon's 12 pool geometry numbers (native/binding.cc pool_geom). */
function poolArgs(g: PoolGeometry): number[] {
  return [g.batch, g.inH, g.inW, g.channels, g.outH, g.outW, g.poolH, g.poolW, g.strideH, g.strideW, g.padTop, g.padLeft];
}
const FILL: Record<WarpFillMode, number> = { constant: 0, reflect: 1, wrap: 2, nearest: 3 };
const warpArgs = (g: WarpGeometry): number[] => [g.batch, g.inH, g.inW, g.channels, g.outH, g.outW];

function wrap(addon: Addon): NativeBackend {
  return {
    name: 'native',
    // the general tensor ops run on the reference kernels until native ones exist
    ...tensorKernels,
    matmul(c, a, b, m, n, k, options?: MatmulOptions) {
      addon.matmul(c, a, b, m, n, k, options?.transA ?? false, options?.transB ?? false, options?.accumulate ?? false);
    },
    conv2d(y, x, w, bias, g: ConvGeometry, act: ElementwiseActivation = 'linear') {
      addon.conv2d(y, x, w, bias, ACT[act], ...convArgs(g));
    },
    conv2dBackwardInput(dx, dy, w, g) {
      addon.conv2dBackwardInput(dx, dy, w, ...convArgs(g));
    },
    conv2dBackwardFilter(dw, x, dy, g) {
      addon.conv2dBackwardFilter(dw, x, dy, ...convArgs(g));
    },
    depthwiseConv2d(y, x, w, bias, g: ConvGeometry, act: ElementwiseActivation = 'linear') {
      addon.depthwiseConv2d(y, x, w, bias, ACT[act], ...convArgs(g));
    },
    depthwiseConv2dBackwardInput(dx, dy, w, g) {
      addon.depthwiseConv2dBackwardInput(dx, dy, w, ...convArgs(g));
    },
    depthwiseConv2dBackwardFilter(dw, x, dy, g) {
      addon.depthwiseConv2dBackwardFilter(dw, x, dy, ...convArgs(g));
    },
    maxPool(y, argmax, x, g: PoolGeometry) {
      addon.maxPool(y, argmax, x, ...poolArgs(g));
    },
    maxPoolBackward(dx, dy, argmax, g) {
      addon.maxPoolBackward(dx, dy, argmax, ...poolArgs(g));
    },
    avgPool: (y, x, g) => addon.avgPool(y, x, ...poolArgs(g)),
    avgPoolBackward: (dx, dy, g) => addon.avgPoolBackward(dx, dy, ...poolArgs(g)),
    biasActivation: (y, bias, rows, cols, act, param) => addon.biasActivation(y, bias, rows, cols, ACT[act], param ?? NaN),
    biasGrad: (db, dy, rows, cols) => addon.biasGrad(db, dy, rows, cols),
    biasActivationBackward: (dz, db, dy, saved, rows, cols, act, param) => addon.biasActivationBackward(dz, db, dy, saved, rows, cols, ACT[act], param ?? NaN),
    gatherBytes: (out, bytes, indices, sampleSize, scale) => addon.gatherBytes(out, bytes, indices, sampleSize, scale),
    activation: (y, x, act, param) => addon.activation(y, x, ACT[act], param ?? NaN),
    activationBackward: (dx, dy, saved, act, param) => addon.activationBackward(dx, dy, saved, ACT[act], param ?? NaN),
    prelu: (y, x, alpha, size) => addon.prelu(y, x, alpha, size),
    preluBackward: (dx, dalpha, dy, x, alpha, size) => addon.preluBackward(dx, dalpha, dy, x, alpha, size),
    softmax: (y, x, rows, cols) => addon.softmax(y, x, rows, cols),
    softmaxBackward: (dx, dy, y, rows, cols) => addon.softmaxBackward(dx, dy, y, rows, cols),
    multiply: (y, a, b) => addon.multiply(y, a, b),
    softmaxCrossEntropy: (grad, logits, labels: Labels, rows, cols, gradScale) => addon.softmaxCrossEntropy(grad, logits, labels.data, labels.sparse, rows, cols, gradScale, labels.weights ?? null, labels.smoothing ?? 0),
    crossEntropy: (grad, probs, labels, rows, cols, gradScale) => addon.crossEntropy(grad, probs, labels.data, labels.sparse, rows, cols, gradScale, labels.weights ?? null, labels.smoothing ?? 0),
    binaryCrossEntropy: (grad, pred, labels, rows, cols, fromLogits, gradScale) => addon.binaryCrossEntropy(grad, pred, labels.data, labels.sparse, rows, cols, gradScale, labels.weights ?? null, labels.smoothing ?? 0, fromLogits),
    meanSquaredError: (grad, pred, labels, rows, cols, gradScale) => addon.meanSquaredError(grad, pred, labels.data, labels.sparse, rows, cols, gradScale, labels.weights ?? null, labels.smoothing ?? 0),
    countCorrect: (pred, labels, rows, cols) => addon.countCorrect(pred, labels.data, labels.sparse, rows, cols),
    sgdUpdate: (param, grad, velocity, lr, momentum, nesterov) => addon.sgdUpdate(param, grad, velocity, lr, momentum, nesterov),
    rmspropUpdate: (param, grad, meanSquare, lr, rho, epsilon) => addon.rmspropUpdate(param, grad, meanSquare, lr, rho, epsilon),
    adamUpdate: (param, grad, m, v, lr, beta1, beta2, epsilon, step) => addon.adamUpdate(param, grad, m, v, lr, beta1, beta2, epsilon, step),
    nadamUpdate: (param, grad, m, v, lr, beta1, beta2, epsilon, momentScale, gradScale, unbias2) => addon.nadamUpdate(param, grad, m, v, lr, beta1, beta2, epsilon, momentScale, gradScale, unbias2),
    weightDecay: (param, rate) => addon.weightDecay(param, rate),
    batchNormStatistics: (mean, variance, x, outer, channels, inner) => addon.batchNormStatistics(mean, variance, x, outer, channels, inner),
    batchNormForward: (y, x, mean, variance, gamma, beta, epsilon, outer, channels, inner) => addon.batchNormForward(y, x, mean, variance, gamma, beta, epsilon, outer, channels, inner),
    batchNormBackward: (dx, dgamma, dbeta, dy, x, mean, variance, gamma, epsilon, outer, channels, inner, batchStatistics) =>
      addon.batchNormBackward(dx, dgamma, dbeta, dy, x, mean, variance, gamma, epsilon, outer, channels, inner, batchStatistics),
    layerNormForward: (y, mean, variance, x, gamma, beta, epsilon, rows, cols) => addon.layerNormForward(y, mean, variance, x, gamma, beta, epsilon, rows, cols),
    layerNormBackward: (dx, dgamma, dbeta, dy, x, mean, variance, gamma, epsilon, rows, cols) => addon.layerNormBackward(dx, dgamma, dbeta, dy, x, mean, variance, gamma, epsilon, rows, cols),
    affineTransform: (y, x, transforms, g, interpolation, fillMode, fillValue) => addon.affineTransform(y, x, transforms, interpolation === 'nearest', FILL[fillMode], fillValue, ...warpArgs(g)),
    affineTransformBackward: (dx, dy, transforms, g, interpolation, fillMode) => addon.affineTransformBackward(dx, dy, transforms, interpolation === 'nearest', FILL[fillMode], ...warpArgs(g)),
    adjustColor: (y, x, contrast, delta, g, low, high) => addon.adjustColor(y, null, x, contrast, delta, g.batch, g.pixels, g.channels, low, high),
    adjustColorBackward: (dx, dy, x, contrast, delta, g, low, high) => addon.adjustColorBackward(dx, dy, x, contrast, delta, g.batch, g.pixels, g.channels, low, high),
    getThreads: () => addon.getThreads(),
    setThreads: (n) => addon.setThreads(n),
    cpuPaths: () => addon.cpuPaths() as CpuPath[],
    getCpuPath: () => addon.getCpuPath() as CpuPath,
    setCpuPath: (path) => addon.setCpuPath(path),
  };
}

/** Where the addon is looked for: TEGAKI_NATIVE_PATH, else build/Release/tegaki.node in the package. */
export function defaultAddonPath(): string {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const override = env?.['TEGAKI_NATIVE_PATH'];
  if (override) return override;
  // This file is dist/src/backend/native/index.js; the package root is four levels up.
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'build', 'Release', 'tegaki.node');
}

export interface NativeLoad {
  backend: NativeBackend | null;
  /** Why backend is null (empty when it loaded). */
  reason: string;
}

const loaded = new Map<string, NativeLoad>();

/** Load the addon from path (default: defaultAddonPath()); never throws. Results are cached per path. */
export function loadNative(path: string = defaultAddonPath()): NativeLoad {
  let result = loaded.get(path);
  if (result) return result;
  try {
    const addon = createRequire(import.meta.url)(path) as Addon;
    result = { backend: wrap(addon), reason: '' };
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    result = { backend: null, reason: message.includes('Cannot find module') ? `no addon at ${path}` : message };
  }
  loaded.set(path, result);
  return result;
}
