// conv2d forward and both backward passes as im2col + GEMM over NHWC / HWIO data.
// With HWIO weights, w already is the [kH·kW·inC, outC] matrix one im2col row multiplies, so
// the three passes are three GEMMs (see src/backend/ts/conv.ts, the reference). Forward and
// the filter gradient never write the im2col matrix: the GEMM's packing gathers its rows
// straight from x (conv_patch), which saves a pass over pixels·patch floats each.
// Dilated convolutions take the GEMM path (conv_patch and col2im know dilation; the direct
// kernel does not), so the undilated fast paths stay as they were.
#include <string.h>

#include "tegaki.h"

namespace tegaki {
namespace {

long patch_size(const ConvGeom& g) { return g.kH * g.kW * g.inC; }
long pixel_count(const ConvGeom& g) { return g.batch * g.outH * g.outW; }

// A 1×1, stride-1, unpadded conv reads x itself as its im2col matrix.
bool cols_is_x(const ConvGeom& g) {
  return g.kH == 1 && g.kW == 1 && g.strideH == 1 && g.strideW == 1 && g.padTop == 0 && g.padLeft == 0 && g.outH == g.inH && g.outW == g.inW;
}

bool dilated(const ConvGeom& g) { return g.dilationH != 1 || g.dilationW != 1; }

// A GEMM with K this small spends its time packing (see conv_direct_impl.h).
bool direct(const ConvGeom& g) {
  return g.kH <= kDirectPatch && g.kW <= kDirectPatch && g.inC <= kDirectPatch && patch_size(g) <= kDirectPatch && !cols_is_x(g) && !dilated(g);
}

struct Col2imJob {
  float* dx;
  const float* dcols;
  const ConvGeom* g;
};

// The adjoint of conv_patch: dx += dcols at the same positions. Split by image, so every
// dx element is summed by one thread in a fixed order.
void col2im_images(void* ctx, long begin, long end) {
  const Col2imJob& job = *(const Col2imJob*)ctx;
  const ConvGeom& g = *job.g;
  const long patch = patch_size(g), image = g.inH * g.inW * g.inC;
  for (long b = begin; b < end; b++) {
    float* dxb = job.dx + b * image;
    memset(dxb, 0, image * sizeof(float));
    const float* src = job.dcols + b * g.outH * g.outW * patch;
    for (long oy = 0; oy < g.outH; oy++) {
      for (long ox = 0; ox < g.outW; ox++, src += patch) {
        for (long ky = 0; ky < g.kH; ky++) {
          long iy = oy * g.strideH - g.padTop + ky * g.dilationH;
          if (iy < 0 || iy >= g.inH) continue;
          for (long kx = 0; kx < g.kW; kx++) {
            long ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
            if (ix < 0 || ix >= g.inW) continue;
            float* dst = dxb + (iy * g.inW + ix) * g.inC;
            const float* s = src + (ky * g.kW + kx) * g.inC;
            for (long c = 0; c < g.inC; c++) dst[c] += s[c];
          }
        }
      }
    }
  }
}

}  // namespace

void conv_patch(const ConvGeom& g, const float* x, long pixel, long q0, long len, float* out) {
  const long plane = g.outH * g.outW, rowC = g.kW * g.inC;
  const long b = pixel / plane, oy = pixel % plane / g.outW, ox = pixel % g.outW;
  const long iy0 = oy * g.strideH - g.padTop, ix0 = ox * g.strideW - g.padLeft;
  // A kernel row is one contiguous run of x only when its taps are adjacent (no column dilation).
  const bool rowInside = g.dilationW == 1 && ix0 >= 0 && ix0 + g.kW <= g.inW;
  const float* xb = x + b * g.inH * g.inW * g.inC;
  // Divide once, then walk (ky, kx, c): this runs for every GEMM row, and divisions dominate
  // for a small patch such as the first layer's 3×3×1.
  long ky = q0 / rowC, kx = q0 % rowC / g.inC, c = q0 % g.inC;
  while (len > 0) {
    const long iy = iy0 + ky * g.dilationH, ix = ix0 + kx * g.dilationW;
    // A run of contiguous source floats: the rest of a kernel row when it lies inside the
    // image, else the rest of one tap's channels.
    long run = rowInside ? rowC - kx * g.inC - c : g.inC - c;
    if (run > len) run = len;
    if (iy < 0 || iy >= g.inH || ix < 0 || ix >= g.inW) {
      for (long i = 0; i < run; i++) out[i] = 0.f;
    } else {
      const float* src = xb + (iy * g.inW + ix) * g.inC + c;
      for (long i = 0; i < run; i++) out[i] = src[i];
    }
    out += run;
    len -= run;
    if (rowInside) {
      ky++, kx = 0;
    } else if (++kx == g.kW) {
      ky++, kx = 0;
    }
    c = 0;
  }
}

void conv2d_forward(float* y, const float* x, const float* w, const float* bias, const ConvGeom& g, Act act) {
  const long pixels = pixel_count(g), patch = patch_size(g);
  if (direct(g)) {
    // bias and relu while the row is in registers; other activations in a pass after
    simd().conv_direct_forward(y, x, w, bias, g, act == ACT_RELU);
    if (act != ACT_RELU && act != ACT_LINEAR) bias_activation(y, nullptr, pixels, g.outC, act);
    return;
  }
  // y[pixels, outC] = cols[pixels, patch] · w[patch, outC], cols gathered while packing
  GemmArgs args{y, x, w, pixels, g.outC, patch, patch, g.outC, g.outC, false, false, false};
  if (!cols_is_x(g)) args.conv = &g;
  gemm(args);
  bias_activation(y, bias, pixels, g.outC, act);
}

void conv2d_backward_input(float* dx, const float* dy, const float* w, const ConvGeom& g) {
  const long pixels = pixel_count(g), patch = patch_size(g);
  if (cols_is_x(g)) {
    // dx[pixels, inC] = dy[pixels, outC] · w[inC, outC]ᵀ
    gemm({dx, dy, w, pixels, patch, g.outC, g.outC, g.outC, patch, false, true, false});
    return;
  }
  float* dcols = scratch(SCRATCH_COLS, 0, (size_t)(pixels * patch));
  // dcols[pixels, patch] = dy[pixels, outC] · w[patch, outC]ᵀ
  gemm({dcols, dy, w, pixels, patch, g.outC, g.outC, g.outC, patch, false, true, false});
  Col2imJob job{dx, dcols, &g};
  parallel_for(g.batch, 1, col2im_images, &job);
}

void conv2d_backward_filter(float* dw, const float* x, const float* dy, const ConvGeom& g) {
  const long pixels = pixel_count(g), patch = patch_size(g);
  if (direct(g)) {
    simd().conv_direct_backward_filter(dw, x, dy, g);
    return;
  }
  // dw[patch, outC] = cols[pixels, patch]ᵀ · dy[pixels, outC], cols gathered while packing
  GemmArgs args{dw, x, dy, patch, g.outC, pixels, patch, g.outC, g.outC, true, false, false};
  if (!cols_is_x(g)) args.conv = &g;
  gemm(args);
}

}  // namespace tegaki
