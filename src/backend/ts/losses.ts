// Reference loss and metric kernels. Each returns the summed per-row loss and writes
// d(sum)/d(input) · gradScale, so the caller picks the mean (gradScale = 1/rows).

import { EPSILON, type Labels } from '../backend.js';

/** Target value for row r, column c: one-hot from class indices when sparse. */
function target(labels: Labels, r: number, c: number, cols: number): number {
  return labels.sparse ? (labels.data[r] === c ? 1 : 0) : labels.data[r * cols + c]!;
}

export function softmaxCrossEntropy(grad: Float32Array | null, logits: Float32Array, labels: Labels, rows: number, cols: number, gradScale: number): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, logits[o + c]!);
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.exp(logits[o + c]! - max);
    const logSum = Math.log(sum) + max;
    let targetSum = 0;
    for (let c = 0; c < cols; c++) {
      const t = target(labels, r, c, cols);
      targetSum += t;
      total -= t * (logits[o + c]! - logSum);
    }
    if (grad) {
      // d/dx_c of -Σ t·log softmax(x) = softmax(x)_c·Σt − t_c
      for (let c = 0; c < cols; c++) {
        grad[o + c] = (Math.exp(logits[o + c]! - logSum) * targetSum - target(labels, r, c, cols)) * gradScale;
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
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += probs[o + c]!;
    // g_c = d loss / d q_c, where q = clip(p / sum)
    let gDotQ = 0;
    for (let c = 0; c < cols; c++) {
      const t = target(labels, r, c, cols);
      const q = probs[o + c]! / sum;
      const clipped = Math.min(Math.max(q, EPSILON), 1 - EPSILON);
      total -= t * Math.log(clipped);
      const g = q === clipped ? -t / q : 0;
      if (grad) grad[o + c] = g;
      gDotQ += g * q;
    }
    if (grad) {
      // chain through q = p / Σp: dL/dp_c = (g_c − Σ_j g_j q_j) / Σp
      for (let c = 0; c < cols; c++) grad[o + c] = ((grad[o + c]! - gDotQ) / sum) * gradScale;
    }
  }
  return total;
}

export function meanSquaredError(grad: Float32Array | null, pred: Float32Array, targets: Labels, rows: number, cols: number, gradScale: number): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let rowSum = 0;
    for (let c = 0; c < cols; c++) {
      const d = pred[o + c]! - target(targets, r, c, cols);
      rowSum += d * d;
      if (grad) grad[o + c] = ((2 * d) / cols) * gradScale;
    }
    total += rowSum / cols;
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
