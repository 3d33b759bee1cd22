// Average pooling over NHWC, as the reference (src/backend/ts/pool.ts): each window's mean over
// the positions inside the input (padding is not counted, as in TF.js). Forward splits output
// rows across threads; backward splits images, so every dx element has one writer.
#include <string.h>

#include "tegaki.h"

namespace tegaki {
namespace {

struct Job {
  float* out;
  const float* in;
  const PoolGeom* g;
};

// The window of output (oy, ox) cut to the input: rows [y0, y1), columns [x0, x1).
inline void window(const PoolGeom& g, long oy, long ox, long& y0, long& y1, long& x0, long& x1) {
  y0 = oy * g.strideH - g.padTop, y1 = y0 + g.poolH;
  x0 = ox * g.strideW - g.padLeft, x1 = x0 + g.poolW;
  if (y0 < 0) y0 = 0;
  if (y1 > g.inH) y1 = g.inH;
  if (x0 < 0) x0 = 0;
  if (x1 > g.inW) x1 = g.inW;
}

inline float inverse_count(long y0, long y1, long x0, long x1) {
  const long n = (y1 - y0) * (x1 - x0);
  return n > 0 ? 1.f / (float)n : 1.f;
}

void forward_rows(void* ctx, long begin, long end) {
  const Job& job = *(const Job*)ctx;
  const PoolGeom& g = *job.g;
  const long C = g.channels;
  for (long row = begin; row < end; row++) {
    const long b = row / g.outH, oy = row % g.outH;
    const float* xb = job.in + b * g.inH * g.inW * C;
    for (long ox = 0; ox < g.outW; ox++) {
      float* y = job.out + (row * g.outW + ox) * C;
      long y0, y1, x0, x1;
      window(g, oy, ox, y0, y1, x0, x1);
      for (long c = 0; c < C; c++) y[c] = 0.f;
      for (long iy = y0; iy < y1; iy++)
        for (long ix = x0; ix < x1; ix++) {
          const float* x = xb + (iy * g.inW + ix) * C;
          for (long c = 0; c < C; c++) y[c] += x[c];
        }
      const float scale = inverse_count(y0, y1, x0, x1);
      for (long c = 0; c < C; c++) y[c] *= scale;
    }
  }
}

void backward_images(void* ctx, long begin, long end) {
  const Job& job = *(const Job*)ctx;
  const PoolGeom& g = *job.g;
  const long C = g.channels, image = g.inH * g.inW * C;
  for (long b = begin; b < end; b++) {
    float* dxb = job.out + b * image;
    memset(dxb, 0, image * sizeof(float));
    for (long oy = 0; oy < g.outH; oy++)
      for (long ox = 0; ox < g.outW; ox++) {
        const float* dy = job.in + ((b * g.outH + oy) * g.outW + ox) * C;
        long y0, y1, x0, x1;
        window(g, oy, ox, y0, y1, x0, x1);
        const float scale = inverse_count(y0, y1, x0, x1);
        for (long iy = y0; iy < y1; iy++)
          for (long ix = x0; ix < x1; ix++) {
            float* dx = dxb + (iy * g.inW + ix) * C;
            for (long c = 0; c < C; c++) dx[c] += dy[c] * scale;
          }
      }
  }
}

}  // namespace

void avgpool_forward(float* y, const float* x, const PoolGeom& g) {
  Job job{y, x, &g};
  parallel_for(g.batch * g.outH, 16, forward_rows, &job);
}

void avgpool_backward(float* dx, const float* dy, const PoolGeom& g) {
  Job job{dx, dy, &g};
  parallel_for(g.batch, 1, backward_images, &job);
}

}  // namespace tegaki
