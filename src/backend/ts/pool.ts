// Reference max pooling. Padded positions never win (as in Keras 'same' pooling).

import type { PoolGeometry } from '../backend.js';

export function maxPool(y: Float32Array, argmax: Int32Array, x: Float32Array, g: PoolGeometry): void {
  const { batch, inH, inW, channels: C, outH, outW, poolH, poolW, strideH, strideW, padTop, padLeft } = g;
  let o = 0;
  for (let b = 0; b < batch; b++) {
    const xb = b * inH * inW * C;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = Math.max(0, oy * strideH - padTop);
      const y1 = Math.min(inH, oy * strideH - padTop + poolH);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = Math.max(0, ox * strideW - padLeft);
        const x1 = Math.min(inW, ox * strideW - padLeft + poolW);
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let bestIndex = -1;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const i = xb + (iy * inW + ix) * C + c;
              const v = x[i]!;
              if (v > best || bestIndex < 0) {
                best = v;
                bestIndex = i;
              }
            }
          }
          y[o] = best;
          argmax[o] = bestIndex;
          o++;
        }
      }
    }
  }
}

export function maxPoolBackward(dx: Float32Array, dy: Float32Array, argmax: Int32Array, g: PoolGeometry): void {
  dx.fill(0, 0, g.batch * g.inH * g.inW * g.channels);
  const n = g.batch * g.outH * g.outW * g.channels;
  for (let o = 0; o < n; o++) dx[argmax[o]!] += dy[o]!;
}
