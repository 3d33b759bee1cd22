// Losses by name (TF.js' names and Keras' snake_case) or as functions (yTrue, yPred) => Tensor, and
// Keras' configurable forms (fromLogits, labelSmoothing, delta, axis) as factories whose result
// compile takes. Each has its per-sample form in ops (losses/functions.ts: what the tape trains);
// the cross-entropies and the squared error also have fused kernels Sequential uses, where softmax
// + cross-entropy is computed from the logits, which is exact where log(softmax) would underflow.

import { EPSILON, type Labels } from './backend/backend.js';
import { getBackend } from './backend/select.js';
import { TegakiError } from './errors.js';
import * as f from './losses/functions.js';
import type { Tensor } from './tensor.js';
export { EPSILON };
export { categoricalCrossentropy, sparseCategoricalCrossentropy, meanSquaredError } from './losses/functions.js';

export type LossName =
  | 'meanSquaredError' | 'meanAbsoluteError' | 'meanAbsolutePercentageError' | 'meanSquaredLogarithmicError'
  | 'squaredHinge' | 'hinge' | 'categoricalHinge' | 'logcosh' | 'huber'
  | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'binaryCrossentropy'
  | 'kullbackLeiblerDivergence' | 'poisson' | 'cosineProximity';

/** A loss as a compiled model uses it: per sample, [batch, ...] → [batch] (or any shape; fit averages it). */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** The fused kernel that computes a loss in Sequential's fast path. */
export type LossKernel = 'categorical' | 'binary' | 'meanSquaredError';

export interface Loss {
  readonly name: string;
  /** Labels are class indices rather than one-hot rows. */
  readonly sparse: boolean;
  /** A categorical cross-entropy (softmax outputs may hand it their logits). */
  readonly crossEntropy: boolean;
  /** The per-sample loss in ops. */
  readonly fn: LossFunction;
  /** Given as a function of the user's: only the tape path can train it. */
  readonly custom: boolean;
  /** The fused kernel computing it, or null when only the tape path can train it. */
  readonly kernel: LossKernel | null;
  /** Predictions are logits (Keras' from_logits). */
  readonly fromLogits: boolean;
  /** Keras' label_smoothing. */
  readonly labelSmoothing: number;
  /** Options other than the defaults, which a training config (loss names only) cannot record. */
  readonly configured: boolean;
}

type Spec = Pick<Loss, 'name' | 'fn' | 'kernel'> & Partial<Loss>;

function loss(spec: Spec): Loss {
  return { sparse: false, crossEntropy: false, custom: false, fromLogits: false, labelSmoothing: 0, configured: false, ...spec };
}

const LOSSES: Record<LossName, Loss> = {
  meanSquaredError: loss({ name: 'meanSquaredError', fn: f.meanSquaredError, kernel: 'meanSquaredError' }),
  meanAbsoluteError: loss({ name: 'meanAbsoluteError', fn: f.meanAbsoluteError, kernel: null }),
  meanAbsolutePercentageError: loss({ name: 'meanAbsolutePercentageError', fn: f.meanAbsolutePercentageError, kernel: null }),
  meanSquaredLogarithmicError: loss({ name: 'meanSquaredLogarithmicError', fn: f.meanSquaredLogarithmicError, kernel: null }),
  squaredHinge: loss({ name: 'squaredHinge', fn: f.squaredHinge, kernel: null }),
  hinge: loss({ name: 'hinge', fn: f.hinge, kernel: null }),
  categoricalHinge: loss({ name: 'categoricalHinge', fn: f.categoricalHinge, kernel: null }),
  logcosh: loss({ name: 'logcosh', fn: f.logcosh, kernel: null }),
  huber: loss({ name: 'huber', fn: (t, p) => f.huber(t, p), kernel: null }),
  categoricalCrossentropy: loss({ name: 'categoricalCrossentropy', crossEntropy: true, fn: (t, p) => f.categoricalCrossentropy(t, p), kernel: 'categorical' }),
  sparseCategoricalCrossentropy: loss({ name: 'sparseCategoricalCrossentropy', sparse: true, crossEntropy: true, fn: (t, p) => f.sparseCategoricalCrossentropy(t, p), kernel: 'categorical' }),
  binaryCrossentropy: loss({ name: 'binaryCrossentropy', fn: (t, p) => f.binaryCrossentropy(t, p), kernel: 'binary' }),
  kullbackLeiblerDivergence: loss({ name: 'kullbackLeiblerDivergence', fn: f.kullbackLeiblerDivergence, kernel: null }),
  poisson: loss({ name: 'poisson', fn: f.poisson, kernel: null }),
  cosineProximity: loss({ name: 'cosineProximity', fn: (t, p) => f.cosineProximity(t, p), kernel: null }),
};

/** TF.js' short names and Keras' snake_case (Keras 3's names where TF.js has none). */
const ALIASES: Record<string, LossName> = {
  mse: 'meanSquaredError', MSE: 'meanSquaredError', mean_squared_error: 'meanSquaredError',
  mae: 'meanAbsoluteError', MAE: 'meanAbsoluteError', mean_absolute_error: 'meanAbsoluteError',
  mape: 'meanAbsolutePercentageError', MAPE: 'meanAbsolutePercentageError', mean_absolute_percentage_error: 'meanAbsolutePercentageError',
  msle: 'meanSquaredLogarithmicError', MSLE: 'meanSquaredLogarithmicError', mean_squared_logarithmic_error: 'meanSquaredLogarithmicError',
  squared_hinge: 'squaredHinge', categorical_hinge: 'categoricalHinge',
  logCosh: 'logcosh', log_cosh: 'logcosh',
  huberLoss: 'huber', huber_loss: 'huber',
  categorical_crossentropy: 'categoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
  kld: 'kullbackLeiblerDivergence', KLD: 'kullbackLeiblerDivergence', kl_divergence: 'kullbackLeiblerDivergence', kullback_leibler_divergence: 'kullbackLeiblerDivergence',
  cosine_proximity: 'cosineProximity', cosineSimilarity: 'cosineProximity', cosine_similarity: 'cosineProximity',
};

// The compiled form of a function made by a factory below (or one of the named functions), so
// compile knows its kernel and options rather than treating it as a user's function.
const SPEC = Symbol('tegaki.loss');
type Tagged = LossFunction & { [SPEC]?: Loss };

function tagged(l: Loss): LossFunction {
  const fn: Tagged = (yTrue, yPred) => l.fn(yTrue, yPred);
  Object.defineProperty(fn, 'name', { value: l.name });
  fn[SPEC] = l;
  return fn;
}

export function getLoss(name: string | LossFunction): Loss {
  if (typeof name === 'function') {
    const known = (name as Tagged)[SPEC];
    if (known) return known;
    return { ...loss({ name: name.name || 'loss', fn: name, kernel: null }), custom: true };
  }
  const found = LOSSES[(ALIASES[name] ?? name) as LossName];
  if (!found) throw new TegakiError(`Unknown loss '${String(name)}'. Expected one of: ${Object.keys(LOSSES).join(', ')} (or their snake_case), or a function (yTrue, yPred) => Tensor.`);
  return found;
}

function checkNumber(value: number | undefined, fallback: number, option: string, where: string, ok: (v: number) => boolean, expected: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !ok(value)) throw new TegakiError(`${where}: expected ${option} ${expected}. Received ${option}=${JSON.stringify(value)}.`);
  return value;
}

function checkOptions(options: object, allowed: string[], where: string): void {
  if (!options || typeof options !== 'object') throw new TegakiError(`${where} expects an options object, e.g. { ${allowed[0]}: ... }.`);
  const unknown = Object.keys(options).find((k) => !allowed.includes(k));
  if (unknown !== undefined) throw new TegakiError(`${where}: unknown option '${unknown}' (known: ${allowed.join(', ')}).`);
}

const smoothing = (v: number | undefined, where: string): number => checkNumber(v, 0, 'labelSmoothing', where, (s) => s >= 0 && s <= 1, 'in [0, 1]');
const logits = (v: boolean | undefined, where: string): boolean => {
  if (v !== undefined && typeof v !== 'boolean') throw new TegakiError(`${where}: expected fromLogits to be a boolean. Received fromLogits=${JSON.stringify(v)}.`);
  return v ?? false;
};

export interface CrossentropyOptions {
  /** Predictions are logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** Targets become t(1 − s) + s/k (k classes, 2 for binary). Default 0. */
  labelSmoothing?: number;
}

/** Keras' BinaryCrossentropy(from_logits, label_smoothing): a loss function for compile. */
export function BinaryCrossentropy(options: CrossentropyOptions = {}): LossFunction {
  const where = 'BinaryCrossentropy';
  checkOptions(options, ['fromLogits', 'labelSmoothing'], where);
  const fromLogits = logits(options.fromLogits, where);
  const labelSmoothing = smoothing(options.labelSmoothing, where);
  return tagged({ ...LOSSES.binaryCrossentropy, fromLogits, labelSmoothing, configured: fromLogits || labelSmoothing > 0, fn: (t, p) => f.binaryCrossentropy(t, p, fromLogits, labelSmoothing) });
}

/** Keras' CategoricalCrossentropy(from_logits, label_smoothing): a loss function for compile. */
export function CategoricalCrossentropy(options: CrossentropyOptions = {}): LossFunction {
  const where = 'CategoricalCrossentropy';
  checkOptions(options, ['fromLogits', 'labelSmoothing'], where);
  const fromLogits = logits(options.fromLogits, where);
  const labelSmoothing = smoothing(options.labelSmoothing, where);
  return tagged({ ...LOSSES.categoricalCrossentropy, fromLogits, labelSmoothing, configured: fromLogits || labelSmoothing > 0, fn: (t, p) => f.categoricalCrossentropy(t, p, fromLogits, labelSmoothing) });
}

/** Keras' SparseCategoricalCrossentropy(from_logits): a loss function for compile. */
export function SparseCategoricalCrossentropy(options: { fromLogits?: boolean } = {}): LossFunction {
  const where = 'SparseCategoricalCrossentropy';
  checkOptions(options, ['fromLogits'], where);
  const fromLogits = logits(options.fromLogits, where);
  return tagged({ ...LOSSES.sparseCategoricalCrossentropy, fromLogits, configured: fromLogits, fn: (t, p) => f.sparseCategoricalCrossentropy(t, p, fromLogits) });
}

/** Keras' Huber(delta): a loss function for compile. */
export function Huber(options: { /** Where the loss turns from quadratic to linear. Default 1. */ delta?: number } = {}): LossFunction {
  checkOptions(options, ['delta'], 'Huber');
  const delta = checkNumber(options.delta, 1, 'delta', 'Huber', (d) => d > 0 && Number.isFinite(d), 'to be a positive number');
  return tagged({ ...LOSSES.huber, configured: delta !== 1, fn: (t, p) => f.huber(t, p, delta) });
}

/** Keras' CosineSimilarity(axis): a loss function for compile. */
export function CosineSimilarity(options: { /** The axis along which the similarity is taken. Default -1. */ axis?: number } = {}): LossFunction {
  checkOptions(options, ['axis'], 'CosineSimilarity');
  const axis = checkNumber(options.axis, -1, 'axis', 'CosineSimilarity', Number.isInteger, 'to be an integer');
  return tagged({ ...LOSSES.cosineProximity, configured: axis !== -1, fn: (t, p) => f.cosineProximity(t, p, axis) });
}

/** The named losses as functions compile recognizes (so they keep their fused kernels). */
export const named = (name: LossName): LossFunction => tagged(LOSSES[name]);

/**
 * Sum over the batch of the per-sample loss (each row times labels.weights). pred is [rows, cols]:
 * probabilities, or logits when predLogits. When grad is given it receives dL/dpred · gradScale.
 */
export function lossSum(loss: Loss, pred: Float32Array, predLogits: boolean, labels: Labels, rows: number, cols: number, grad: Float32Array | null, gradScale: number): number {
  const backend = getBackend();
  const l: Labels = { ...labels, smoothing: loss.labelSmoothing };
  switch (loss.kernel) {
    case 'categorical':
      return predLogits ? backend.softmaxCrossEntropy(grad, pred, l, rows, cols, gradScale) : backend.crossEntropy(grad, pred, l, rows, cols, gradScale);
    case 'binary':
      return backend.binaryCrossEntropy(grad, pred, l, rows, cols, predLogits, gradScale);
    case 'meanSquaredError':
      return backend.meanSquaredError(grad, pred, l, rows, cols, gradScale);
    default:
      throw new TegakiError(`The loss ${loss.name} has no fused kernel.`);
  }
}
