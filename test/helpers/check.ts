// Numeric checks shared by the correctness tests: closeness with the max difference in the failure
// message (llm.c's check_tensor), seeded test data, and a central-difference gradient checker.

import { Random } from '../../src/node.js';

/** Largest |a[i] − b[i]| and where it is. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): { diff: number; index: number } {
  let diff = 0;
  let index = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    // NaN counts as an infinite difference
    if (!(d <= diff)) {
      diff = Number.isNaN(d) ? Infinity : d;
      index = i;
    }
  }
  return { diff, index };
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/**
 * Throws unless every |a[i] − b[i]| ≤ tol · max|b| (b is the trusted side). The tolerance is relative
 * to the largest reference value rather than to each element, so elements that are sums with
 * cancellation do not fail on float32 noise while a wrong factor or index still does.
 * Returns the max difference relative to that scale, for reporting.
 */
export function checkClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, label: string): number {
  if (a.length !== b.length) throw new Error(`${label}: lengths differ, ${a.length} vs ${b.length}`);
  const scale = Math.max(maxAbs(b), 1e-12);
  const { diff, index } = maxAbsDiff(a, b);
  const relative = diff / scale;
  if (!(relative <= tol)) {
    throw new Error(`${label}: max abs difference ${diff.toExponential(3)} at [${index}] (got ${a[index]}, expected ${b[index]}), ` +
      `${relative.toExponential(3)} of max |expected| ${scale.toExponential(3)}, tolerance ${tol}`);
  }
  return relative;
}

/** n values uniform in [low, high) from a seeded stream. */
export function uniformArray(n: number, seed: number, low = -1, high = 1): Float32Array {
  const rng = new Random(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(low, high);
  return out;
}

/** n distinct values spaced by `gap`, shuffled, centred on 0: max-pool windows without near-ties. */
export function distinctArray(n: number, seed: number, gap: number): Float32Array {
  const out = Float32Array.from({ length: n }, (_, i) => (i - (n - 1) / 2) * gap);
  return new Random(seed).shuffle(out);
}

/** Σ a[i]·r[i] in double precision: a scalar loss whose gradient with respect to a is r. */
export function dot(a: ArrayLike<number>, r: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * r[i]!;
  return s;
}

export interface GradientCheckOptions {
  /** Step of the central difference. Default 1e-3. */
  eps?: number;
  /** Tolerance for checkClose. Default 1e-2. */
  tol?: number;
  /** Check at most this many entries (evenly spread) of a large array. Default 200. */
  maxChecks?: number;
}

/**
 * Compares an analytic gradient with central differences of loss() while param[i] moves by ±eps.
 * param is changed in place during the check and restored. Returns the relative max difference.
 */
export function checkGradient(label: string, loss: () => number, param: Float32Array, analytic: ArrayLike<number>, options: GradientCheckOptions = {}): number {
  const { eps = 1e-3, tol = 1e-2, maxChecks = 200 } = options;
  if (analytic.length !== param.length) throw new Error(`${label}: gradient has ${analytic.length} values for ${param.length} parameters`);
  const stride = Math.max(1, Math.ceil(param.length / maxChecks));
  const got: number[] = [];
  const want: number[] = [];
  for (let i = 0; i < param.length; i += stride) {
    const v = param[i]!;
    // the actual float32 steps, so rounding of v ± eps does not bias the quotient
    param[i] = v + eps;
    const up = param[i]! - v;
    const lossUp = loss();
    param[i] = v - eps;
    const down = v - param[i]!;
    const lossDown = loss();
    param[i] = v;
    got.push(analytic[i]!);
    want.push((lossUp - lossDown) / (up + down));
  }
  return checkClose(got, want, tol, label);
}
