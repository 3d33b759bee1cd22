// Max pooling over NHWC. Padded positions never win; argmax keeps the flat input index of the
// winner (the first one on ties, scanning the window row by row), −1 for an empty window.
#include <math.h>
#include <string.h>

#include <atomic>
#include "tegaki.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tegaki {
namespace {

struct ForwardJob {
  float* y;
  int32_t* argmax;
  const float* x;
  const PoolGeom* g;
};

// Max and argmax over one window for channels [0, cn) of a block: N = 16 for a full block
// (specialized below with vector selects), else 1 with cn channels.
template <int N>
inline void window_block(const float* __restrict x, long first, long base, long y0, long y1, long x0, long x1, long inW, long C,
                         float* __restrict yo, int32_t* __restrict ao, long cn) {
  const long n = N > 1 ? N : cn;
  float best[16];
  int32_t arg[16];
  for (long c = 0; c < n; c++) {
    best[c] = x[first + c];
    arg[c] = (int32_t)(first + c);
  }
  for (long iy = y0; iy < y1; iy++) {
    for (long ix = (iy == y0 ? x0 + 1 : x0); ix < x1; ix++) {
      const long i = base + (iy * inW + ix) * C;
      const float* v = x + i;
      for (long c = 0; c < n; c++) {
        const bool win = v[c] > best[c];
        best[c] = win ? v[c] : best[c];
        arg[c] = win ? (int32_t)(i + c) : arg[c];
      }
    }
  }
  for (long c = 0; c < n; c++) {
    yo[c] = best[c];
    ao[c] = arg[c];
  }
}

#if defined(__SSE2__)
// The 16-channel block with SSE2 (the x86-64 baseline): compare, then select value and index
// by mask, four channels per register. Strictly greater wins, so ties keep the first index.
template <>
inline void window_block<16>(const float* __restrict x, long first, long base, long y0, long y1, long x0, long x1, long inW, long C,
                             float* __restrict yo, int32_t* __restrict ao, long) {
  __m128 best[4];
  __m128i arg[4];
  const __m128i lanes = _mm_set_epi32(3, 2, 1, 0);
  for (int q = 0; q < 4; q++) {
    best[q] = _mm_loadu_ps(x + first + 4 * q);
    arg[q] = _mm_add_epi32(_mm_set1_epi32((int)(first + 4 * q)), lanes);
  }
  for (long iy = y0; iy < y1; iy++) {
    for (long ix = (iy == y0 ? x0 + 1 : x0); ix < x1; ix++) {
      const long i = base + (iy * inW + ix) * C;
      for (int q = 0; q < 4; q++) {
        const __m128 v = _mm_loadu_ps(x + i + 4 * q);
        const __m128 win = _mm_cmpgt_ps(v, best[q]);
        const __m128i winI = _mm_castps_si128(win);
        const __m128i idx = _mm_add_epi32(_mm_set1_epi32((int)(i + 4 * q)), lanes);
        best[q] = _mm_or_ps(_mm_and_ps(win, v), _mm_andnot_ps(win, best[q]));
        arg[q] = _mm_or_si128(_mm_and_si128(winI, idx), _mm_andnot_si128(winI, arg[q]));
      }
    }
  }
  for (int q = 0; q < 4; q++) {
    _mm_storeu_ps(yo + 4 * q, best[q]);
    _mm_storeu_si128((__m128i*)(ao + 4 * q), arg[q]);
  }
}
#endif

// One output row (b, oy) per item; channels innermost so the compares run over contiguous data.
void forward_rows(void* ctx, long begin, long end) {
  const ForwardJob& job = *(const ForwardJob*)ctx;
  const PoolGeom& g = *job.g;
  const long C = g.channels;
  for (long row = begin; row < end; row++) {
    long b = row / g.outH, oy = row % g.outH;
    long xb = b * g.inH * g.inW * C;
    long y0 = oy * g.strideH - g.padTop, y1 = y0 + g.poolH;
    if (y0 < 0) y0 = 0;
    if (y1 > g.inH) y1 = g.inH;
    float* yo = job.y + row * g.outW * C;
    int32_t* ao = job.argmax + row * g.outW * C;
    for (long ox = 0; ox < g.outW; ox++, yo += C, ao += C) {
      long x0 = ox * g.strideW - g.padLeft, x1 = x0 + g.poolW;
      if (x0 < 0) x0 = 0;
      if (x1 > g.inW) x1 = g.inW;
      if (y0 >= y1 || x0 >= x1) {
        for (long c = 0; c < C; c++) {
          yo[c] = -INFINITY;
          ao[c] = -1;
        }
        continue;
      }
      // Channels in blocks of 16 held in registers, so the compares become branch-free
      // selects (activations look random to a branch predictor).
      for (long c0 = 0; c0 < C; c0 += 16) {
        const long first = xb + (y0 * g.inW + x0) * C + c0;
        if (C - c0 >= 16) window_block<16>(job.x, first, xb + c0, y0, y1, x0, x1, g.inW, C, yo + c0, ao + c0, 16);
        else window_block<1>(job.x, first, xb + c0, y0, y1, x0, x1, g.inW, C, yo + c0, ao + c0, C - c0);
      }
    }
  }
}

struct BackwardJob {
  float* dx;
  const float* dy;
  const int32_t* argmax;
  const PoolGeom* g;
  long dxLength;
  std::atomic<bool> stray;
};

// Per image: zero its part of dx and scatter the dy entries whose argmax lies inside it.
void backward_images(void* ctx, long begin, long end) {
  BackwardJob& job = *(BackwardJob*)ctx;
  const PoolGeom& g = *job.g;
  const long image = g.inH * g.inW * g.channels, outImage = g.outH * g.outW * g.channels;
  for (long b = begin; b < end; b++) {
    long lo = b * image, hi = lo + image;
    memset(job.dx + lo, 0, image * sizeof(float));
    for (long o = b * outImage; o < (b + 1) * outImage; o++) {
      long i = job.argmax[o];
      if (i >= lo && i < hi) job.dx[i] += job.dy[o];
      else if (i >= 0) job.stray.store(true, std::memory_order_relaxed);
    }
  }
}

}  // namespace

void maxpool_forward(float* y, int32_t* argmax, const float* x, const PoolGeom& g) {
  ForwardJob job{y, argmax, x, &g};
  parallel_for(g.batch * g.outH, 16, forward_rows, &job);
}

void maxpool_backward(float* dx, const float* dy, const int32_t* argmax, const PoolGeom& g, long dxLength) {
  BackwardJob job{dx, dy, argmax, &g, dxLength, {false}};
  parallel_for(g.batch, 1, backward_images, &job);
  if (!job.stray.load()) return;
  // argmax from maxpool_forward always points into its own image; any other (valid) index is
  // applied here, as the reference would.
  const long image = g.inH * g.inW * g.channels, outImage = g.outH * g.outW * g.channels;
  const long n = g.batch * outImage;
  for (long o = 0; o < n; o++) {
    long i = argmax[o], b = o / outImage;
    if (i >= 0 && i < dxLength && (i < b * image || i >= (b + 1) * image)) dx[i] += dy[o];
  }
}

}  // namespace tegaki
