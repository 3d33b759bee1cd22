// Reference max pooling. Padded positions never win (as in Keras 'same' pooling).

import type { PoolGeometry } from '../backend.js';

export function maxPool(y: Float32Array, argmax: Int32Array, x: Float32Array, g: PoolGeometry): void {
  const { inW, channels: C } = g;
  forEachWindow(g, (o, base, y0, y1, x0, x1, c) => {
    let best = -Infinity;
    let bestIndex = -1;
    for (let iy = y0; iy < y1; iy++) {
      for (let ix = x0; ix < x1; ix++) {
        const i = base + (iy * inW + ix) * C + c;
        if (x[i]! > best || bestIndex < 0) {
          best = x[i]!;
          bestIndex = i;
        }
      }
    }
    y[o] = best;
    argmax[o] = bestIndex;
  });
}

export function maxPoolBackward(dx: Float32Array, dy: Float32Array, argmax: Int32Array, g: PoolGeometry): void {
  dx.fill(0, 0, g.batch * g.inH * g.inW * g.channels);
  const n = g.batch * g.outH * g.outW * g.channels;
  for (let o = 0; o < n; o++) dx[argmax[o]!] += dy[o]!;
}

/**
 * Every output position of a pooling, with the window it covers inside the input (padding cut
 * off): fn(o, base, y0, y1, x0, x1, c) where o indexes the output and base + (iy·inW + ix)·C + c
 * the input.
 */
function forEachWindow(g: PoolGeometry, fn: (o: number, base: number, y0: number, y1: number, x0: number, x1: number, c: number) => void): void {
  const { batch, inH, inW, channels: C, outH, outW, poolH, poolW, strideH, strideW, padTop, padLeft } = g;
  let o = 0;
  for (let b = 0; b < batch; b++) {
    const base = b * inH * inW * C;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = Math.max(0, oy * strideH - padTop);
      const y1 = Math.min(inH, oy * strideH - padTop + poolH);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = Math.max(0, ox * strideW - padLeft);
        const x1 = Math.min(inW, ox * strideW - padLeft + poolW);
        for (let c = 0; c < C; c++) fn(o++, base, y0, y1, x0, x1, c);
      }
    }
  }
}

/** y = the mean of each window over its positions inside the input (padding is not counted, as in TF.js). */
export function avgPool(y: Float32Array, x: Float32Array, g: PoolGeometry): void {
  const { inW, channels: C } = g;
  forEachWindow(g, (o, base, y0, y1, x0, x1, c) => {
    let total = 0;
    for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) total += x[base + (iy * inW + ix) * C + c]!;
    y[o] = total / Math.max(1, (y1 - y0) * (x1 - x0));
  });
}

/** dx = each window's dy spread evenly over the positions it averaged (overwrites dx). */
export function avgPoolBackward(dx: Float32Array, dy: Float32Array, g: PoolGeometry): void {
  const { inW, channels: C } = g;
  dx.fill(0, 0, g.batch * g.inH * inW * C);
  forEachWindow(g, (o, base, y0, y1, x0, x1, c) => {
    const share = dy[o]! / Math.max(1, (y1 - y0) * (x1 - x0));
    for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) dx[base + (iy * inW + ix) * C + c]! += share;
  });
}
