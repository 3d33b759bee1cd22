// Depthwise convolution over NHWC with a [kH, kW, inC, m] filter: output channel c·m + j is input
// channel c convolved with filter (c, j). Plain loops like the reference (src/backend/ts/depthwise.ts):
// each tap touches inC·m contiguous outputs, so there is no GEMM to hand the work to. Every pass is
// split so that each output element is summed by one thread in a fixed order.
#include <string.h>

#include "tegaki.h"

namespace tegaki {
namespace {

struct Job {
  float* out;
  const float* a;  // x (forward, filter gradient) or dy (input gradient)
  const float* b;  // w (forward, input gradient) or dy (filter gradient)
  const float* bias;
  const ConvGeom* g;
};

// The input row and column of tap (ky, kx) for output (oy, ox); false when it falls in the padding.
inline bool tap(const ConvGeom& g, long oy, long ox, long ky, long kx, long& iy, long& ix) {
  iy = oy * g.strideH - g.padTop + ky * g.dilationH;
  ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
  return iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW;
}

// y[b, oy, :, :] for rows [begin, end) of (b, oy), starting from the bias
void forward_rows(void* ctx, long begin, long end) {
  const Job& job = *(const Job*)ctx;
  const ConvGeom& g = *job.g;
  const long m = g.outC / g.inC;
  for (long row = begin; row < end; row++) {
    const long b = row / g.outH, oy = row % g.outH;
    for (long ox = 0; ox < g.outW; ox++) {
      float* y = job.out + (row * g.outW + ox) * g.outC;
      for (long o = 0; o < g.outC; o++) y[o] = job.bias ? job.bias[o] : 0.f;
      for (long ky = 0; ky < g.kH; ky++) {
        for (long kx = 0; kx < g.kW; kx++) {
          long iy, ix;
          if (!tap(g, oy, ox, ky, kx, iy, ix)) continue;
          const float* x = job.a + ((b * g.inH + iy) * g.inW + ix) * g.inC;
          const float* w = job.b + (ky * g.kW + kx) * g.outC;
          for (long c = 0; c < g.inC; c++) {
            const float v = x[c];
            for (long j = 0; j < m; j++) y[c * m + j] += v * w[c * m + j];
          }
        }
      }
    }
  }
}

// dx of images [begin, end): each image's outputs scatter into its own part of dx
void backward_input_images(void* ctx, long begin, long end) {
  const Job& job = *(const Job*)ctx;
  const ConvGeom& g = *job.g;
  const long m = g.outC / g.inC, image = g.inH * g.inW * g.inC;
  for (long b = begin; b < end; b++) {
    memset(job.out + b * image, 0, image * sizeof(float));
    for (long oy = 0; oy < g.outH; oy++) {
      for (long ox = 0; ox < g.outW; ox++) {
        const float* dy = job.a + ((b * g.outH + oy) * g.outW + ox) * g.outC;
        for (long ky = 0; ky < g.kH; ky++) {
          for (long kx = 0; kx < g.kW; kx++) {
            long iy, ix;
            if (!tap(g, oy, ox, ky, kx, iy, ix)) continue;
            float* dx = job.out + ((b * g.inH + iy) * g.inW + ix) * g.inC;
            const float* w = job.b + (ky * g.kW + kx) * g.outC;
            for (long c = 0; c < g.inC; c++) {
              float s = 0.f;
              for (long j = 0; j < m; j++) s += dy[c * m + j] * w[c * m + j];
              dx[c] += s;
            }
          }
        }
      }
    }
  }
}

struct FilterJob {
  float* dw;
  const float* x;
  const float* dy;
  const ConvGeom* g;
};

// dw[ky, kx, :, :] for taps [begin, end) of (ky, kx), summed over every output pixel
void backward_filter_taps(void* ctx, long begin, long end) {
  const FilterJob& job = *(const FilterJob*)ctx;
  const ConvGeom& g = *job.g;
  const long m = g.outC / g.inC;
  for (long t = begin; t < end; t++) {
    const long ky = t / g.kW, kx = t % g.kW;
    float* dw = job.dw + t * g.outC;
    memset(dw, 0, g.outC * sizeof(float));
    for (long b = 0; b < g.batch; b++) {
      for (long oy = 0; oy < g.outH; oy++) {
        for (long ox = 0; ox < g.outW; ox++) {
          long iy, ix;
          if (!tap(g, oy, ox, ky, kx, iy, ix)) continue;
          const float* x = job.x + ((b * g.inH + iy) * g.inW + ix) * g.inC;
          const float* dy = job.dy + ((b * g.outH + oy) * g.outW + ox) * g.outC;
          for (long c = 0; c < g.inC; c++) {
            const float v = x[c];
            for (long j = 0; j < m; j++) dw[c * m + j] += v * dy[c * m + j];
          }
        }
      }
    }
  }
}

}  // namespace

void depthwise_forward(float* y, const float* x, const float* w, const float* bias, const ConvGeom& g, Act act) {
  Job job{y, x, w, bias, &g};
  parallel_for(g.batch * g.outH, 4, forward_rows, &job);
  if (act != ACT_LINEAR) bias_activation(y, nullptr, g.batch * g.outH * g.outW, g.outC, act);
}

void depthwise_backward_input(float* dx, const float* dy, const float* w, const ConvGeom& g) {
  Job job{dx, dy, w, nullptr, &g};
  parallel_for(g.batch, 1, backward_input_images, &job);
}

void depthwise_backward_filter(float* dw, const float* x, const float* dy, const ConvGeom& g) {
  FilterJob job{dw, x, dy, &g};
  parallel_for(g.kH * g.kW, 1, backward_filter_taps, &job);
}

}  // namespace tegaki
