// Reference loss and metric kernels. Each returns the summed per-row loss and writes
// d(sum)/d(input) · gradScale, so the caller picks the mean (gradScale = 1/rows). Rows are
// weighted by labels.weights (sample and class weights) and targets smoothed by labels.smoothing.

import { EPSILON, type Labels } from '../backend.js';

/** Target value for row r, column c: one-hot from class indices when sparse, then smoothed towards 1/classes. */
function target(labels: Labels, r: number, c: number, cols: number, classes = cols): number {
  const t = labels.sparse ? (labels.data[r] === c ? 1 : 0) : labels.data[r * cols + c]!;
  const s = labels.smoothing ?? 0;
  return s === 0 ? t : t * (1 - s) + s / classes;
}

const weightOf = (labels: Labels, r: number): number => labels.weights?.[r] ?? 1;

export function softmaxCrossEntropy(grad: Float32Array | null, logits: Float32Array, labels: Labels, rows: number, cols: number, gradScale: number): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const w = weightOf(labels, r);
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, logits[o + c]!);
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.exp(logits[o + c]! - max);
    const logSum = Math.log(sum) + max;
    let targetSum = 0;
    let rowLoss = 0;
    for (let c = 0; c < cols; c++) {
      const t = target(labels, r, c, cols);
      targetSum += t;
      rowLoss -= t * (logits[o + c]! - logSum);
    }
    total += w * rowLoss;
    if (grad) {
      // d/dx_c of -Σ t·log softmax(x) = softmax(x)_c·Σt − t_c
      for (let c = 0; c < cols; c++) {
        grad[o + c] = (Math.exp(logits[o + c]! - logSum) * targetSum - target(labels, r, c, cols)) * w * gradScale;
      }
    }
  }
  return total;
}

// Keras: p ← p / Σp, clipped to [ε, 1−ε], loss = −Σ t·log p.
export function crossEntropy(grad: Float32Array | null, probs: Float32Array, labels: Labels, rows: number, cols: number, gradScale: number): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const w = weightOf(labels, r);
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += probs[o + c]!;
    // g_c = d loss / d q_c, where q = clip(p / sum)
    let gDotQ = 0;
    let rowLoss = 0;
    for (let c = 0; c < cols; c++) {
      const t = target(labels, r, c, cols);
      const q = probs[o + c]! / sum;
      const clipped = Math.min(Math.max(q, EPSILON), 1 - EPSILON);
      rowLoss -= t * Math.log(clipped);
      const g = q === clipped ? -t / q : 0;
      if (grad) grad[o + c] = g;
      gDotQ += g * q;
    }
    total += w * rowLoss;
    if (grad) {
      // chain through q = p / Σp: dL/dp_c = (g_c − Σ_j g_j q_j) / Σp
      for (let c = 0; c < cols; c++) grad[o + c] = ((grad[o + c]! - gDotQ) / sum) * w * gradScale;
    }
  }
  return total;
}

// TF.js' binaryCrossentropy on probabilities clips p to [ε, 1−ε] (no gradient outside) and takes
// the logit of it; from logits it is max(x, 0) − x·t + log(1 + e^−|x|), whose derivative is σ(x) − t.
export function binaryCrossEntropy(grad: Float32Array | null, pred: Float32Array, labels: Labels, rows: number, cols: number, fromLogits: boolean, gradScale: number): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const w = weightOf(labels, r);
    let rowSum = 0;
    for (let c = 0; c < cols; c++) {
      const t = target(labels, r, c, cols, 2);
      const x = pred[o + c]!;
      let g: number;
      if (fromLogits) {
        rowSum += Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
        g = 1 / (1 + Math.exp(-x)) - t;
      } else {
        const p = Math.min(Math.max(x, EPSILON), 1 - EPSILON);
        rowSum -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
        g = p === x ? (p - t) / (p * (1 - p)) : 0;
      }
      if (grad) grad[o + c] = (g / cols) * w * gradScale;
    }
    total += (w * rowSum) / cols;
  }
  return total;
}

export function meanSquaredError(grad: Float32Array | null, pred: Float32Array, targets: Labels, rows: number, cols: number, gradScale: number): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const w = weightOf(targets, r);
    let rowSum = 0;
    for (let c = 0; c < cols; c++) {
      const d = pred[o + c]! - target(targets, r, c, cols);
      rowSum += d * d;
      if (grad) grad[o + c] = ((2 * d) / cols) * w * gradScale;
    }
    total += (w * rowSum) / cols;
  }
  return total;
}

function argmaxRow(v: Float32Array, o: number, cols: number): number {
  let best = 0;
  for (let c = 1; c < cols; c++) if (v[o + c]! > v[o + best]!) best = c;
  return best;
}

export function countCorrect(pred: Float32Array, labels: Labels, rows: number, cols: number): number {
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    if (cols === 1) {
      // binary accuracy: prediction rounded at 0.5
      if ((pred[r]! > 0.5 ? 1 : 0) === Math.round(labels.data[r]!)) correct++;
      continue;
    }
    const truth = labels.sparse ? labels.data[r]! : argmaxRow(labels.data, r * cols, cols);
    if (argmaxRow(pred, r * cols, cols) === truth) correct++;
  }
  return correct;
}
