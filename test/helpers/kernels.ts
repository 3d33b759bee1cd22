// Native kernels against the TypeScript reference: the same call on both, the native output inside
// guard cells that catch writes outside it (ggml's test-backend-ops), compared with checkClose.

import assert from 'node:assert/strict';
import type { Backend } from '../../src/backend/backend.js';
import { tsBackend } from '../../src/backend/ts/index.js';
import { checkClose } from './check.js';

const GUARD = 17;
const SENTINEL = 1234.5;

/**
 * Runs one kernel on the reference and on native, both starting from init (kernels that overwrite
 * must not read it), and returns the relative max difference (at most 1e-5, else it throws).
 */
export function compareKernels(native: Backend, label: string, n: number, run: (be: Backend, out: Float32Array) => void, init: Float32Array): number {
  const expected = init.slice();
  run(tsBackend, expected);
  const full = new Float32Array(n + 2 * GUARD).fill(SENTINEL);
  const out = full.subarray(GUARD, GUARD + n);
  out.set(init);
  run(native, out);
  for (let i = 0; i < GUARD; i++) assert.ok(full[i] === SENTINEL && full[GUARD + n + i] === SENTINEL, `${label}: write outside the output`);
  return checkClose(out, expected, 1e-5, label);
}
