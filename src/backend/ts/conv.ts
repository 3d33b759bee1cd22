// Reference conv2d as im2col + GEMM. Weights are HWIO, so w is already the [kH*kW*inC, outC]
// matrix that multiplies one im2col row; the three passes are three GEMMs over that layout.
// Dilation only changes where a tap reads, so it lives in im2col and col2im alone.

import type { ConvGeometry, ElementwiseActivation } from '../backend.js';
import { biasActivation } from './elementwise.js';
import { matmul } from './matmul.js';
import { scratch } from './scratch.js';

// cols[(b,oy,ox), (ky,kx,c)] = x[b, oy*sH - padTop + ky*dH, ox*sW - padLeft + kx*dW, c], 0 outside
function im2col(cols: Float32Array, x: Float32Array, g: ConvGeometry): void {
  const { batch, inH, inW, inC, outH, outW, kH, kW, strideH, strideW, padTop, padLeft, dilationH = 1, dilationW = 1 } = g;
  let o = 0;
  for (let b = 0; b < batch; b++) {
    const xb = b * inH * inW * inC;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * strideH - padTop + ky * dilationH;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * strideW - padLeft + kx * dilationW;
            if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) {
              cols.fill(0, o, o + inC);
            } else {
              const src = xb + (iy * inW + ix) * inC;
              for (let c = 0; c < inC; c++) cols[o + c] = x[src + c]!;
            }
            o += inC;
          }
        }
      }
    }
  }
}

// The adjoint of im2col: dx[...] += dcols[...] at the same positions (backward of the gather above).
function col2im(dx: Float32Array, dcols: Float32Array, g: ConvGeometry): void {
  const { batch, inH, inW, inC, outH, outW, kH, kW, strideH, strideW, padTop, padLeft, dilationH = 1, dilationW = 1 } = g;
  dx.fill(0, 0, batch * inH * inW * inC);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    const xb = b * inH * inW * inC;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * strideH - padTop + ky * dilationH;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * strideW - padLeft + kx * dilationW;
            if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
              const dst = xb + (iy * inW + ix) * inC;
              for (let c = 0; c < inC; c++) dx[dst + c] += dcols[o + c]!;
            }
            o += inC;
          }
        }
      }
    }
  }
}

function dims(g: ConvGeometry): { pixels: number; patch: number } {
  return { pixels: g.batch * g.outH * g.outW, patch: g.kH * g.kW * g.inC };
}

export function conv2d(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, g: ConvGeometry, act: ElementwiseActivation = 'linear'): void {
  const { pixels, patch } = dims(g);
  const cols = scratch('conv.cols', pixels * patch);
  im2col(cols, x, g);
  // y[pixels, outC] = cols[pixels, patch] · w[patch, outC]
  matmul(y, cols, w, pixels, g.outC, patch);
  biasActivation(y, bias, pixels, g.outC, act);
}

export function conv2dBackwardInput(dx: Float32Array, dy: Float32Array, w: Float32Array, g: ConvGeometry): void {
  const { pixels, patch } = dims(g);
  const dcols = scratch('conv.cols', pixels * patch);
  // dcols[pixels, patch] = dy[pixels, outC] · w[patch, outC]ᵀ
  matmul(dcols, dy, w, pixels, patch, g.outC, { transB: true });
  col2im(dx, dcols, g);
}

export function conv2dBackwardFilter(dw: Float32Array, x: Float32Array, dy: Float32Array, g: ConvGeometry): void {
  const { pixels, patch } = dims(g);
  const cols = scratch('conv.cols', pixels * patch);
  im2col(cols, x, g);
  // dw[patch, outC] = cols[pixels, patch]ᵀ · dy[pixels, outC]
  matmul(dw, cols, dy, patch, g.outC, pixels, { transA: true });
}
