// Reference depthwise convolution (NHWC input, [kH, kW, inC, m] filter): every input channel c
// has its own m filters, and output channel c·m + j is channel c convolved with filter j.
// Written as plain loops over taps; the three passes read the same tap positions.

import type { ConvGeometry, ElementwiseActivation } from '../backend.js';
import { biasActivation } from './elementwise.js';

/** fn(yIndex, xIndex, wIndex) for every tap that lands inside x: the one walk the three passes share. */
function forEachTap(g: ConvGeometry, fn: (yi: number, xi: number, wi: number) => void): void {
  const { batch, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, padTop, padLeft, dilationH = 1, dilationW = 1 } = g;
  const m = outC / inC;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const yBase = ((b * outH + oy) * outW + ox) * outC;
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * strideH - padTop + ky * dilationH;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * strideW - padLeft + kx * dilationW;
            if (ix < 0 || ix >= inW) continue;
            const xBase = ((b * inH + iy) * inW + ix) * inC;
            const wBase = (ky * kW + kx) * inC * m;
            for (let c = 0; c < inC; c++) {
              for (let j = 0; j < m; j++) fn(yBase + c * m + j, xBase + c, wBase + c * m + j);
            }
          }
        }
      }
    }
  }
}

export function depthwiseConv2d(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, g: ConvGeometry, act: ElementwiseActivation = 'linear'): void {
  const pixels = g.batch * g.outH * g.outW;
  y.fill(0, 0, pixels * g.outC);
  forEachTap(g, (yi, xi, wi) => (y[yi]! += x[xi]! * w[wi]!));
  biasActivation(y, bias, pixels, g.outC, act);
}

// dx[xi] += dy[yi]·w[wi] at every tap of the forward above
export function depthwiseConv2dBackwardInput(dx: Float32Array, dy: Float32Array, w: Float32Array, g: ConvGeometry): void {
  dx.fill(0, 0, g.batch * g.inH * g.inW * g.inC);
  forEachTap(g, (yi, xi, wi) => (dx[xi]! += dy[yi]! * w[wi]!));
}

// dw[wi] += x[xi]·dy[yi] at every tap of the forward above
export function depthwiseConv2dBackwardFilter(dw: Float32Array, x: Float32Array, dy: Float32Array, g: ConvGeometry): void {
  dw.fill(0, 0, g.kH * g.kW * g.outC);
  forEachTap(g, (yi, xi, wi) => (dw[wi]! += x[xi]! * dy[yi]!));
}
