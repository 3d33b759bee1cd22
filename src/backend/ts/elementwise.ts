// Reference elementwise, bias, activation and softmax kernels, in double precision.

import { ACTIVATION_PARAM_DEFAULTS, type ElementwiseActivation } from '../backend.js';

// SELU's constants (Klambauer et al. 2017), as TF.js and Keras write them.
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;
const SQRT1_2PI = 1 / Math.sqrt(2 * Math.PI);

/** erf in double precision: its Taylor series near 0, the continued fraction of erfc beyond. */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (!(a < 6)) return Number.isNaN(x) ? x : Math.sign(x);
  if (a < 2) {
    // 2/√π Σ (−1)ⁿ x²ⁿ⁺¹ / (n! (2n+1)); terms fall below 1e-17 of the sum well before n = 40
    let term = a;
    let sum = a;
    for (let n = 1; n < 40; n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * sum * (2 / Math.sqrt(Math.PI));
  }
  // erfc(a) = e^(−a²) / (√π · (a + ½/(a + 1/(a + (3/2)/(a + …))))), evaluated from the tail
  let f = a;
  for (let n = 90; n >= 1; n--) f = a + n / 2 / f;
  return Math.sign(x) * (1 - Math.exp(-a * a) / (Math.sqrt(Math.PI) * f));
}

const sigmoidOf = (v: number): number => 1 / (1 + Math.exp(-v));
const softplusOf = (v: number): number => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v)));

/** act(v) as TF.js defines it; p is the activation's parameter. */
function apply(v: number, act: ElementwiseActivation, p: number): number {
  switch (act) {
    case 'relu':
      return v > 0 ? v : 0;
    case 'sigmoid':
      return sigmoidOf(v);
    case 'tanh':
      return Math.tanh(v);
    case 'elu':
      return v >= 0 ? v : p * Math.expm1(v);
    case 'selu':
      return v >= 0 ? SELU_SCALE * v : SELU_SCALE * SELU_ALPHA * Math.expm1(v);
    case 'relu6':
      return v > 0 ? (v < 6 ? v : 6) : 0;
    case 'softplus':
      return softplusOf(v);
    case 'softsign':
      return v / (1 + Math.abs(v));
    case 'hardSigmoid': {
      // TF.js' slope 0.2 and offset 0.5 (Keras 3's hard_sigmoid uses 1/6)
      const h = 0.2 * v + 0.5;
      return h > 0 ? (h < 1 ? h : 1) : 0;
    }
    case 'swish':
      return v * sigmoidOf(v);
    case 'gelu':
      return 0.5 * v * (1 + erf(v * Math.SQRT1_2));
    case 'mish':
      return v * Math.tanh(softplusOf(v));
    case 'leakyRelu':
      return v >= 0 ? v : p * v;
    case 'thresholdedRelu':
      return v > p ? v : 0;
    case 'clippedRelu':
      return v > 0 ? (v < p ? v : p) : 0;
    case 'linear':
      return v;
  }
}

/**
 * act'(.) from s, which is the forward output y or, for the activations that need it, the input x.
 * At the kinks the derivative is TF.js' (relu'(0) = 0, elu'(0) = 1, clip inclusive at its ends).
 */
function derivative(s: number, act: ElementwiseActivation, p: number): number {
  switch (act) {
    case 'relu':
      return s > 0 ? 1 : 0;
    case 'sigmoid':
      return s * (1 - s);
    case 'tanh':
      return 1 - s * s;
    case 'elu':
      return s >= 0 ? 1 : s + p;
    case 'selu':
      return s >= 0 ? SELU_SCALE : s + SELU_SCALE * SELU_ALPHA;
    case 'relu6':
      // TF.js computes relu6 as minimum(6, relu(x)): a tie at 6 sends the gradient to the constant
      return s > 0 && s < 6 ? 1 : 0;
    case 'softplus':
      // sigmoid(x) = 1 − e^(−softplus(x))
      return -Math.expm1(-s);
    case 'softsign': {
      const d = 1 - Math.abs(s);
      return d * d;
    }
    case 'hardSigmoid':
      return s > 0 && s < 1 ? 0.2 : 0;
    case 'swish': {
      const g = sigmoidOf(s);
      return g + s * g * (1 - g);
    }
    case 'gelu':
      return 0.5 * (1 + erf(s * Math.SQRT1_2)) + s * SQRT1_2PI * Math.exp(-0.5 * s * s);
    case 'mish': {
      const t = Math.tanh(softplusOf(s));
      return t + s * (1 - t * t) * sigmoidOf(s);
    }
    case 'leakyRelu':
      return s > 0 ? 1 : p;
    case 'thresholdedRelu':
      return s > p ? 1 : 0;
    case 'clippedRelu':
      return s > 0 && s <= p ? 1 : 0;
    case 'linear':
      return 1;
  }
}

/** The parameter of act: the one given, else its default (NaN where none exists). */
export function activationParam(act: ElementwiseActivation, param: number | undefined): number {
  return param ?? ACTIVATION_PARAM_DEFAULTS[act] ?? NaN;
}

export function biasActivation(y: Float32Array, bias: Float32Array | null, rows: number, cols: number, act: ElementwiseActivation, param?: number): void {
  if (!bias && act === 'linear') return;
  const p = activationParam(act, param);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) y[o + c] = apply(y[o + c]! + (bias ? bias[c]! : 0), act, p);
  }
}

export function biasGrad(db: Float32Array, dy: Float32Array, rows: number, cols: number): void {
  db.fill(0, 0, cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) db[c] += dy[o + c]!;
  }
}

export function biasActivationBackward(dz: Float32Array, db: Float32Array | null, dy: Float32Array, saved: Float32Array, rows: number, cols: number, act: ElementwiseActivation, param?: number): void {
  activationBackward(dz.subarray(0, rows * cols), dy.subarray(0, rows * cols), saved, act, param);
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

export function activation(y: Float32Array, x: Float32Array, act: ElementwiseActivation, param?: number): void {
  const p = activationParam(act, param);
  for (let i = 0; i < x.length; i++) y[i] = apply(x[i]!, act, p);
}

// Most derivatives are written with the forward output y, so the input need not be kept;
// activationNeedsInput (backend.ts) names those written with x.
export function activationBackward(dx: Float32Array, dy: Float32Array, saved: Float32Array, act: ElementwiseActivation, param?: number): void {
  const n = dy.length;
  if (act === 'linear') {
    if (dx !== dy) dx.set(dy.subarray(0, n));
    return;
  }
  const p = activationParam(act, param);
  if (act === 'relu') {
    for (let i = 0; i < n; i++) dx[i] = saved[i]! > 0 ? dy[i]! : 0;
    return;
  }
  for (let i = 0; i < n; i++) dx[i] = dy[i]! * derivative(saved[i]!, act, p);
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
