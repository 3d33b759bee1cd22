// Metrics by name or as functions, logged under TF.js' keys: 'accuracy' and 'acc' log as 'acc'
// (val_acc), the other names under the name given. 'accuracy' is categorical, sparse or binary
// according to the labels, as Keras picks it from the loss. precision, recall and auc are
// Keras' stateful metrics: true/false positives summed over the epoch, the value taken at its end.

import { TegakiError } from './errors.js';
import { named } from './losses.js';
import { Tensor } from './tensor.js';

/** A metric function as compile takes it: (yTrue, yPred) => a tensor whose mean is the value. */
export type MetricFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** The stateful metrics: what their counts hold and how the value comes from them. */
export type ConfusionCurve = 'precision' | 'recall' | 'auc';

/** What epoch counts hold: a stateful metric's confusion counts, or a weighted mean's [Σ w·v, Σ w]. */
export type CountsKind = ConfusionCurve | 'mean';

/** Counts of a stateful metric, summed over batches (plain data, so a training snapshot can hold them). */
export interface ConfusionCounts {
  curve: CountsKind;
  values: number[];
}

/** A compiled metric: what it computes and the key it is logged under. */
export type Metric = (
  /** key: 'acc' for 'accuracy'/'acc'. */
  | { kind: 'accuracy'; key: string }
  /** key: the name given, or the function's name, as TF.js logs it. */
  | { kind: 'function'; key: string; fn: MetricFunction }
  /** Keras' Precision, Recall and AUC over an epoch. */
  | { kind: 'confusion'; key: string; curve: ConfusionCurve; thresholds: number[] }
) & {
  /** One of Keras' weighted_metrics: sample weights weigh it (a weighted mean over the epoch). */
  weighted?: boolean;
};

/** Rows × columns of a [batch, ...] tensor, the last axis as columns. */
function rowsCols(t: Tensor): [number, number] {
  const rows = t.shape[0] ?? 1;
  return [rows, t.size / Math.max(rows, 1)];
}

/** TF.js' binaryAccuracy: the mean over the last axis of (p > 0.5) == t. */
export function binaryAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const [rows, cols] = rowsCols(yPred);
  const t = yTrue.f32;
  const p = yPred.f32;
  const out = new Float32Array(rows);
  for (let i = 0; i < rows * cols; i++) if ((p[i]! > 0.5 ? 1 : 0) === t[i]) out[Math.floor(i / cols)]! += 1 / cols;
  return new Tensor([rows], out);
}

function argmaxAt(v: Float32Array, o: number, cols: number): number {
  let best = 0;
  for (let c = 1; c < cols; c++) if (v[o + c]! > v[o + best]!) best = c;
  return best;
}

/**
 * Keras' top_k_categorical_accuracy: 1 where the true class (the arg-max of the one-hot row, or
 * the index when sparse) is among the k largest predictions; ties at the boundary count as in.
 */
function topK(yTrue: Tensor, yPred: Tensor, k: number, sparse: boolean): Tensor {
  const [rows, cols] = rowsCols(yPred);
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const truth = sparse ? yTrue.f32[r]! : argmaxAt(yTrue.f32, r * cols, cols);
    const target = yPred.f32[r * cols + truth]!;
    let above = 0;
    for (let c = 0; c < cols; c++) if (yPred.f32[r * cols + c]! > target) above++;
    out[r] = above < k ? 1 : 0;
  }
  return new Tensor([rows], out);
}

/** TF.js' categoricalAccuracy: arg-max of the labels equals arg-max of the predictions. */
export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const [rows, cols] = rowsCols(yPred);
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = argmaxAt(yPred.f32, r * cols, cols) === argmaxAt(yTrue.f32, r * cols, cols) ? 1 : 0;
  return new Tensor([rows], out);
}

/** TF.js' sparseCategoricalAccuracy: the class index equals the arg-max of the predictions. */
export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const [rows, cols] = rowsCols(yPred);
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = argmaxAt(yPred.f32, r * cols, cols) === yTrue.f32[r] ? 1 : 0;
  return new Tensor([rows], out);
}

/**
 * Keras' topKCategoricalAccuracy (default k = 5).
 * TF.js differs: its tf.metrics.topKCategoricalAccuracy throws "not implemented".
 */
export const topKCategoricalAccuracy = (yTrue: Tensor, yPred: Tensor, k = 5): Tensor => topK(yTrue, yPred, k, false);

/** Keras' TopKCategoricalAccuracy(k) as a metric function for compile. */
export function TopKCategoricalAccuracy(options: { /** How many of the largest predictions count. Default 5. */ k?: number } = {}): MetricFunction {
  const k = options.k ?? 5;
  if (!Number.isInteger(k) || k < 1) throw new TegakiError(`TopKCategoricalAccuracy: expected k to be a positive integer. Received k=${JSON.stringify(options.k)}.`);
  const fn = (yTrue: Tensor, yPred: Tensor): Tensor => topK(yTrue, yPred, k, false);
  Object.defineProperty(fn, 'name', { value: 'topKCategoricalAccuracy' });
  return fn;
}

/** TF.js' precision of one batch: predictions and labels equal to 1 and 0 (not thresholded). */
function batchRatio(yTrue: Tensor, yPred: Tensor, other: 'fp' | 'fn'): Tensor {
  let tp = 0;
  let wrong = 0;
  for (let i = 0; i < yTrue.size; i++) {
    const t = yTrue.f32[i]!;
    const p = yPred.f32[i]!;
    if (t === 1 && p === 1) tp++;
    else if (other === 'fp' ? t === 0 && p === 1 : t === 1 && p === 0) wrong++;
  }
  return new Tensor([], [tp + wrong > 0 ? tp / (tp + wrong) : 0]);
}

// TF.js differs: as functions (tf.metrics.precision / recall) these are TF.js' per-batch values
// from predictions exactly 0 or 1; by name in compile they are Keras' Precision and Recall,
// thresholded at 0.5 and counted over the whole epoch.
export const precision = (yTrue: Tensor, yPred: Tensor): Tensor => batchRatio(yTrue, yPred, 'fp');
export const recall = (yTrue: Tensor, yPred: Tensor): Tensor => batchRatio(yTrue, yPred, 'fn');

/** Keras' AUC thresholds: num − 2 evenly inside (0, 1), and −ε and 1 + ε at the ends. */
export function aucThresholds(num: number): number[] {
  const inner = Array.from({ length: num - 2 }, (_, i) => (i + 1) / (num - 1));
  return [-1e-7, ...inner, 1 + 1e-7];
}

/**
 * True/false positives and negatives of a batch at each threshold (a prediction above it is a
 * positive; a label other than 0 is one), each element weighted by its row's weight:
 * [tp…, fp…, tn…, fn…] with one entry per threshold.
 */
export function confusionCounts(thresholds: readonly number[], yTrue: Tensor, yPred: Tensor, weights: Float32Array | null): number[] {
  const n = thresholds.length;
  const counts = new Array<number>(4 * n).fill(0);
  const [, cols] = rowsCols(yPred);
  for (let i = 0; i < yPred.size; i++) {
    const w = weights ? weights[Math.floor(i / cols)]! : 1;
    const positive = yTrue.f32[i] !== 0;
    const p = yPred.f32[i]!;
    for (let j = 0; j < n; j++) {
      const predicted = p > thresholds[j]!;
      counts[(positive ? (predicted ? 0 : 3) : predicted ? 1 : 2) * n + j]! += w;
    }
  }
  return counts;
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

/** The value of a stateful metric from its counts (Keras' result()). */
export function confusionResult({ curve, values }: ConfusionCounts): number {
  if (curve === 'mean') return ratio(values[0]!, values[1]!);
  const n = values.length / 4;
  const at = (kind: number, j: number): number => values[kind * n + j]!;
  if (curve === 'precision') return ratio(at(0, 0), at(0, 0) + at(1, 0));
  if (curve === 'recall') return ratio(at(0, 0), at(0, 0) + at(3, 0));
  // ROC, trapezoids between consecutive thresholds (Keras' summation_method='interpolation')
  let auc = 0;
  for (let j = 0; j + 1 < n; j++) {
    const tpr = (k: number): number => ratio(at(0, k), at(0, k) + at(3, k));
    const fpr = (k: number): number => ratio(at(1, k), at(1, k) + at(2, k));
    auc += (fpr(j) - fpr(j + 1)) * ((tpr(j) + tpr(j + 1)) / 2);
  }
  return auc;
}

/** Keras' AUC(num_thresholds) as a compiled metric (ROC curve, interpolated). */
export function AUC(options: { /** Thresholds to count at. Default 200. */ numThresholds?: number } = {}): Metric {
  const num = options.numThresholds ?? 200;
  if (!Number.isInteger(num) || num < 2) throw new TegakiError(`AUC: expected numThresholds to be an integer > 1. Received numThresholds=${JSON.stringify(options.numThresholds)}.`);
  return { kind: 'confusion', key: 'auc', curve: 'auc', thresholds: aucThresholds(num) };
}

const FUNCTIONS: Record<string, MetricFunction> = {
  binaryAccuracy, binary_accuracy: binaryAccuracy,
  categoricalAccuracy, categorical_accuracy: categoricalAccuracy,
  sparseCategoricalAccuracy, sparse_categorical_accuracy: sparseCategoricalAccuracy,
  topKCategoricalAccuracy: (t, p) => topKCategoricalAccuracy(t, p), top_k_categorical_accuracy: (t, p) => topKCategoricalAccuracy(t, p),
  binaryCrossentropy: named('binaryCrossentropy'), binary_crossentropy: named('binaryCrossentropy'),
  categoricalCrossentropy: named('categoricalCrossentropy'), categorical_crossentropy: named('categoricalCrossentropy'),
  sparseCategoricalCrossentropy: named('sparseCategoricalCrossentropy'), sparse_categorical_crossentropy: named('sparseCategoricalCrossentropy'),
  mse: named('meanSquaredError'), MSE: named('meanSquaredError'), meanSquaredError: named('meanSquaredError'), mean_squared_error: named('meanSquaredError'),
  mae: named('meanAbsoluteError'), MAE: named('meanAbsoluteError'), meanAbsoluteError: named('meanAbsoluteError'), mean_absolute_error: named('meanAbsoluteError'),
  mape: named('meanAbsolutePercentageError'), MAPE: named('meanAbsolutePercentageError'), meanAbsolutePercentageError: named('meanAbsolutePercentageError'),
  cosine: named('cosineProximity'), cosineProximity: named('cosineProximity'),
};

const CONFUSION: Record<string, ConfusionCurve> = { precision: 'precision', recall: 'recall', auc: 'auc', AUC: 'auc' };

/** Σ w·v and Σ w over a batch's per-sample values v (each row's mean, for values with more axes). */
export function weightedMeanCounts(values: Tensor, weights: Float32Array | null): ConfusionCounts {
  const [rows, cols] = rowsCols(values);
  const sums = [0, 0];
  for (let r = 0; r < rows; r++) {
    let v = 0;
    for (let c = 0; c < cols; c++) v += values.f32[r * cols + c]!;
    const w = weights ? weights[r]! : 1;
    sums[0]! += (w * v) / cols;
    sums[1]! += w;
  }
  return { curve: 'mean', values: sums };
}

const isMetric = (v: unknown): v is Metric => !!v && typeof v === 'object' && ['accuracy', 'function', 'confusion'].includes((v as Metric).kind);

export function getMetric(name: string | MetricFunction | Metric): Metric {
  if (typeof name === 'function') return { kind: 'function', key: name.name || 'metric', fn: name };
  if (isMetric(name)) return name;
  if (name === 'accuracy' || name === 'acc') return { kind: 'accuracy', key: 'acc' };
  const fn = FUNCTIONS[name] as MetricFunction | undefined;
  if (fn) return { kind: 'function', key: name, fn };
  const curve = CONFUSION[name];
  if (curve) return { kind: 'confusion', key: name, curve, thresholds: curve === 'auc' ? aucThresholds(200) : [0.5] };
  const known = ['accuracy', 'acc', ...Object.keys(FUNCTIONS), ...Object.keys(CONFUSION)];
  throw new TegakiError(`Unknown metric '${String(name)}'. Expected one of: ${known.join(', ')}, or a function (yTrue, yPred) => Tensor.`);
}
