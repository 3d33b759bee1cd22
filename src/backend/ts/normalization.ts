// Reference kernels of batch and layer normalization: statistics in double, two passes (mean,
// then squared deviations) as tf.moments computes them, and the closed-form backward.

/** Per-channel sums of f(o·channels·inner + c·inner + i) over outer and inner, in double. */
function channelSums(channels: number, outer: number, inner: number, f: (at: number, c: number) => number): Float64Array {
  const sums = new Float64Array(channels);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const base = (o * channels + c) * inner;
      let s = 0;
      for (let i = 0; i < inner; i++) s += f(base + i, c);
      sums[c] += s;
    }
  }
  return sums;
}

export function batchNormStatistics(mean: Float32Array, variance: Float32Array, x: Float32Array, outer: number, channels: number, inner: number): void {
  const n = outer * inner;
  const m = channelSums(channels, outer, inner, (at) => x[at]!).map((s) => s / n);
  const sq = channelSums(channels, outer, inner, (at, c) => (x[at]! - m[c]!) ** 2);
  for (let c = 0; c < channels; c++) {
    mean[c] = m[c]!;
    variance[c] = sq[c]! / n;
  }
}

const rstdOf = (variance: Float32Array, epsilon: number, c: number): number => 1 / Math.sqrt(variance[c]! + epsilon);

export function batchNormForward(y: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, epsilon: number, outer: number, channels: number, inner: number): void {
  // scale rounded to float32 as the native kernel keeps it; (x − mean) first so a large mean cancels exactly
  const scale = Float32Array.from({ length: channels }, (_, c) => rstdOf(variance, epsilon, c) * (gamma ? gamma[c]! : 1));
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const base = (o * channels + c) * inner;
      const m = mean[c]!;
      const s = scale[c]!;
      const b = beta ? beta[c]! : 0;
      for (let i = 0; i < inner; i++) y[base + i] = Math.fround(x[base + i]! - m) * s + b;
    }
  }
}

export function batchNormBackward(dx: Float32Array | null, dgamma: Float32Array | null, dbeta: Float32Array | null, dy: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array | null, epsilon: number, outer: number, channels: number, inner: number, batchStatistics: boolean): void {
  const n = outer * inner;
  // pass 1: Σ dy and Σ dy·(x − mean) per channel
  const sumDy = channelSums(channels, outer, inner, (at) => dy[at]!);
  const sumDyX = channelSums(channels, outer, inner, (at, c) => dy[at]! * Math.fround(x[at]! - mean[c]!));
  for (let c = 0; c < channels; c++) {
    if (dbeta) dbeta[c] = sumDy[c]!;
    if (dgamma) dgamma[c] = sumDyX[c]! * rstdOf(variance, epsilon, c);
  }
  if (!dx) return;
  // pass 2: dx = a·dy + b·(x − mean) + k, with b = k = 0 when mean and variance are constants
  for (let c = 0; c < channels; c++) {
    const r = rstdOf(variance, epsilon, c);
    const a = (gamma ? gamma[c]! : 1) * r;
    const b = batchStatistics ? (-a * r * r * sumDyX[c]!) / n : 0;
    const k = batchStatistics ? (-a * sumDy[c]!) / n : 0;
    for (let o = 0; o < outer; o++) {
      const base = (o * channels + c) * inner;
      for (let i = 0; i < inner; i++) dx[base + i] = a * dy[base + i]! + b * Math.fround(x[base + i]! - mean[c]!) + k;
    }
  }
}

export function layerNormForward(y: Float32Array, mean: Float32Array, variance: Float32Array, x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, epsilon: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let s = 0;
    for (let c = 0; c < cols; c++) s += x[o + c]!;
    const m = s / cols;
    let sq = 0;
    for (let c = 0; c < cols; c++) sq += (x[o + c]! - m) ** 2;
    mean[r] = m;
    variance[r] = sq / cols;
    const rstd = 1 / Math.sqrt(variance[r]! + epsilon);
    for (let c = 0; c < cols; c++) y[o + c] = (x[o + c]! - mean[r]!) * rstd * (gamma ? gamma[c]! : 1) + (beta ? beta[c]! : 0);
  }
}

export function layerNormBackward(dx: Float32Array | null, dgamma: Float32Array | null, dbeta: Float32Array | null, dy: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array | null, epsilon: number, rows: number, cols: number): void {
  const dg = new Float64Array(cols);
  const db = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const m = mean[r]!;
    const rstd = 1 / Math.sqrt(variance[r]! + epsilon);
    // g = dL/d(normalized x); dx = rstd·(g − mean(g) − x̂·mean(g·x̂))
    let sumG = 0;
    let sumGX = 0;
    for (let c = 0; c < cols; c++) {
      const xhat = (x[o + c]! - m) * rstd;
      const g = dy[o + c]! * (gamma ? gamma[c]! : 1);
      sumG += g;
      sumGX += g * xhat;
      dg[c] += dy[o + c]! * xhat;
      db[c] += dy[o + c]!;
    }
    if (!dx) continue;
    for (let c = 0; c < cols; c++) {
      const xhat = (x[o + c]! - m) * rstd;
      const g = dy[o + c]! * (gamma ? gamma[c]! : 1);
      dx[o + c] = rstd * (g - sumG / cols - (xhat * sumGX) / cols);
    }
  }
  dgamma?.set(dg);
  dbeta?.set(db);
}
