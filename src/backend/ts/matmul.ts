// Reference GEMM: C[M,N] = op(A)·op(B). Both operands are packed into 4-wide panels so one
// micro-kernel serves every transpose case, and a 4×4 block of C stays in locals across K.

import type { MatmulOptions } from '../backend.js';

const MR = 4; // rows of C per micro-tile
const NR = 4; // columns of C per micro-tile
const KC = 256; // depth of one packed block: A and B panels stay in L1/L2

let packedA = new Float32Array(MR * KC);
let packedB = new Float32Array(NR * KC * 64);

export function matmul(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, options: MatmulOptions = {}): void {
  const { transA = false, transB = false, accumulate = false } = options;
  if (!accumulate) c.fill(0, 0, m * n);
  if (m === 0 || n === 0 || k === 0) return;
  const nPanels = Math.ceil(n / NR);
  if (packedB.length < nPanels * NR * KC) packedB = new Float32Array(nPanels * NR * KC);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    packB(b, n, k, p0, kc, transB, nPanels);
    for (let i0 = 0; i0 < m; i0 += MR) {
      const mr = Math.min(MR, m - i0);
      packA(a, m, k, i0, mr, p0, kc, transA);
      for (let panel = 0; panel < nPanels; panel++) {
        const j0 = panel * NR;
        microKernel(c, n, i0, j0, mr, Math.min(NR, n - j0), kc, packedB, panel * NR * kc);
      }
    }
  }
}

// packedA[p*MR + r] = op(A)[i0 + r, p0 + p], zero beyond the last row.
function packA(a: Float32Array, m: number, k: number, i0: number, mr: number, p0: number, kc: number, transA: boolean): void {
  const out = packedA;
  for (let p = 0; p < kc; p++) {
    for (let r = 0; r < MR; r++) {
      out[p * MR + r] = r < mr ? (transA ? a[(p0 + p) * m + i0 + r]! : a[(i0 + r) * k + p0 + p]!) : 0;
    }
  }
}

// packedB[panel*NR*kc + p*NR + s] = op(B)[p0 + p, panel*NR + s], zero beyond the last column.
function packB(b: Float32Array, n: number, k: number, p0: number, kc: number, transB: boolean, nPanels: number): void {
  const out = packedB;
  for (let panel = 0; panel < nPanels; panel++) {
    const base = panel * NR * kc;
    const j0 = panel * NR;
    for (let p = 0; p < kc; p++) {
      for (let s = 0; s < NR; s++) {
        const j = j0 + s;
        out[base + p * NR + s] = j < n ? (transB ? b[j * k + p0 + p]! : b[(p0 + p) * n + j]!) : 0;
      }
    }
  }
}

// C[i0.., j0..] += packedA(4×kc) · packedB panel(kc×4); only mr×nr of the tile is stored.
function microKernel(c: Float32Array, n: number, i0: number, j0: number, mr: number, nr: number, kc: number, bp: Float32Array, bOff: number): void {
  const ap = packedA;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0, ai = 0, bi = bOff; p < kc; p++, ai += 4, bi += 4) {
    const a0 = ap[ai]!, a1 = ap[ai + 1]!, a2 = ap[ai + 2]!, a3 = ap[ai + 3]!;
    const b0 = bp[bi]!, b1 = bp[bi + 1]!, b2 = bp[bi + 2]!, b3 = bp[bi + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  if (mr === 4 && nr === 4) {
    let o = i0 * n + j0;
    c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03; o += n;
    c[o] += c10; c[o + 1] += c11; c[o + 2] += c12; c[o + 3] += c13; o += n;
    c[o] += c20; c[o + 1] += c21; c[o + 2] += c22; c[o + 3] += c23; o += n;
    c[o] += c30; c[o + 1] += c31; c[o + 2] += c32; c[o + 3] += c33;
    return;
  }
  const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < mr; r++) {
    for (let s = 0; s < nr; s++) c[(i0 + r) * n + j0 + s] += tile[r * 4 + s]!;
  }
}
