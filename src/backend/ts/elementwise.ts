// Reference elementwise, bias, activation and softmax kernels.

import type { ElementwiseActivation } from '../backend.js';

function apply(v: number, act: ElementwiseActivation): number {
  switch (act) {
    case 'relu':
      return v > 0 ? v : 0;
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
    case 'tanh':
      return Math.tanh(v);
    case 'linear':
      return v;
  }
}

export function biasActivation(y: Float32Array, bias: Float32Array | null, rows: number, cols: number, act: ElementwiseActivation): void {
  if (!bias && act === 'linear') return;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) y[o + c] = apply(y[o + c]! + (bias ? bias[c]! : 0), act);
  }
}

export function biasGrad(db: Float32Array, dy: Float32Array, rows: number, cols: number): void {
  db.fill(0, 0, cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) db[c] += dy[o + c]!;
  }
}

export function biasActivationBackward(dz: Float32Array, db: Float32Array | null, dy: Float32Array, y: Float32Array, rows: number, cols: number, act: ElementwiseActivation): void {
  activationBackward(dz.subarray(0, rows * cols), dy.subarray(0, rows * cols), y, act);
  if (db) biasGrad(db, dz, rows, cols);
}

export function gatherBytes(out: Float32Array, bytes: Uint8Array, indices: Int32Array, sampleSize: number, scale: number): void {
  const n = sampleSize;
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i]! * n;
    const to = i * n;
    if (from < 0 || from + n > bytes.length) throw new RangeError(`index ${indices[i]} is outside the ${Math.floor(bytes.length / n)} samples`);
    for (let j = 0; j < n; j++) out[to + j] = bytes[from + j]! * scale;
  }
}

export function activation(y: Float32Array, x: Float32Array, act: ElementwiseActivation): void {
  for (let i = 0; i < x.length; i++) y[i] = apply(x[i]!, act);
}

// Derivatives written with the forward output y, so the input need not be kept.
export function activationBackward(dx: Float32Array, dy: Float32Array, y: Float32Array, act: ElementwiseActivation): void {
  const n = dy.length;
  switch (act) {
    case 'relu':
      for (let i = 0; i < n; i++) dx[i] = y[i]! > 0 ? dy[i]! : 0;
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) dx[i] = dy[i]! * y[i]! * (1 - y[i]!);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) dx[i] = dy[i]! * (1 - y[i]! * y[i]!);
      return;
    case 'linear':
      if (dx !== dy) dx.set(dy.subarray(0, n));
      return;
  }
}

export function softmax(y: Float32Array, x: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, x[o + c]!);
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const e = Math.exp(x[o + c]! - max);
      y[o + c] = e;
      sum += e;
    }
    for (let c = 0; c < cols; c++) y[o + c] /= sum;
  }
}

export function softmaxBackward(dx: Float32Array, dy: Float32Array, y: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += dy[o + c]! * y[o + c]!;
    for (let c = 0; c < cols; c++) dx[o + c] = y[o + c]! * (dy[o + c]! - dot);
  }
}

export function multiply(y: Float32Array, a: Float32Array, b: Float32Array): void {
  for (let i = 0; i < a.length; i++) y[i] = a[i]! * b[i]!;
}
