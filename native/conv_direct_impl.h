// Direct conv2d for a small patch (kH·kW·inC <= kDirectPatch, e.g. the first layer's 3×3×1),
// compiled once per instruction set like gemm_impl.h. Through the GEMM such a layer has K = 9:
// packing dominates and the micro-kernel barely runs. Here each output pixel's patch is
// gathered once and multiplied against W, which stays in L1.
//
// Written with GCC/Clang vector extensions: 8-float vectors become one ymm register under
// -mavx2 (FMA with -ffp-contract=fast) and two SSE registers on the portable path.
#include <string.h>

#include "tegaki.h"

typedef float vf8 __attribute__((vector_size(32)));
// The same vector at any float address (vmovups), so loads and stores need no helper function
// (a helper taking or returning vf8 would also raise GCC's ABI note on the portable build).
typedef float vf8u __attribute__((vector_size(32), aligned(4), may_alias));
#define load8(p) ((vf8)(*(const vf8u*)(p)))
#define store8(p, v) (*(vf8u*)(p) = (v))

// These copies are a few floats long: they must stay loops, not become calls to memcpy.
#if defined(__clang__)
#define TEGAKI_NO_MEMCPY_IDIOM __attribute__((no_builtin("memcpy")))
#elif defined(__GNUC__)
#define TEGAKI_NO_MEMCPY_IDIOM __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define TEGAKI_NO_MEMCPY_IDIOM
#endif
TEGAKI_NO_MEMCPY_IDIOM void direct_patch(const tegaki::ConvGeom& g, const float* xb, long oy, long ox, float* pv) {
  const long iy0 = oy * g.strideH - g.padTop, ix0 = ox * g.strideW - g.padLeft;
  const long run = g.kW * g.inC, rowStride = g.inW * g.inC;
  if (iy0 >= 0 && iy0 + g.kH <= g.inH && ix0 >= 0 && ix0 + g.kW <= g.inW) {
    const float* src = xb + iy0 * rowStride + ix0 * g.inC;
    for (long ky = 0; ky < g.kH; ky++, src += rowStride, pv += run)
      for (long i = 0; i < run; i++) pv[i] = src[i];
    return;
  }
  for (long ky = 0; ky < g.kH; ky++) {
    const long iy = iy0 + ky;
    for (long kx = 0; kx < g.kW; kx++, pv += g.inC) {
      const long ix = ix0 + kx;
      if (iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW) {
        const float* src = xb + iy * rowStride + ix * g.inC;
        for (long c = 0; c < g.inC; c++) pv[c] = src[c];
      } else {
        for (long c = 0; c < g.inC; c++) pv[c] = 0.f;
      }
    }
  }
}

struct DirectJob {
  float* out;
  const float* x;
  const float* w;  // forward: the weights; filter gradient: dy
  const float* bias;
  const tegaki::ConvGeom* g;
  long chunkRows;  // output rows per chunk of the filter gradient
  bool relu;       // forward: apply relu to the output
};

// y[0, outC) = bias + pv · W, then relu if asked: 32 output channels at a time in registers
// (four vectors), then 8, then one.
inline void pixel_forward(float* y, const float* pv, const float* w, const float* bias, long patch, long outC, bool relu) {
  long c = 0;
  for (; c + 32 <= outC; c += 32) {
    vf8 a0 = {}, a1 = {}, a2 = {}, a3 = {};
    if (bias) a0 = load8(bias + c), a1 = load8(bias + c + 8), a2 = load8(bias + c + 16), a3 = load8(bias + c + 24);
    for (long q = 0; q < patch; q++) {
      const float v = pv[q];
      const float* wq = w + q * outC + c;
      a0 += v * load8(wq), a1 += v * load8(wq + 8), a2 += v * load8(wq + 16), a3 += v * load8(wq + 24);
    }
    store8(y + c, a0), store8(y + c + 8, a1), store8(y + c + 16, a2), store8(y + c + 24, a3);
  }
  for (; c + 8 <= outC; c += 8) {
    vf8 a = bias ? load8(bias + c) : vf8{};
    for (long q = 0; q < patch; q++) a += pv[q] * load8(w + q * outC + c);
    store8(y + c, a);
  }
  for (; c < outC; c++) {
    float a = bias ? bias[c] : 0.f;
    for (long q = 0; q < patch; q++) a += pv[q] * w[q * outC + c];
    y[c] = a;
  }
  if (relu)
    for (c = 0; c < outC; c++) y[c] = y[c] > 0.f ? y[c] : 0.f;
}

// The output rows [begin, end); a row is one (image, oy).
void direct_forward_rows(void* ctx, long begin, long end) {
  const DirectJob& job = *(const DirectJob*)ctx;
  const tegaki::ConvGeom& g = *job.g;
  const long patch = g.kH * g.kW * g.inC;
  alignas(64) float pv[tegaki::kDirectPatch];
  for (long row = begin; row < end; row++) {
    const float* xb = job.x + row / g.outH * g.inH * g.inW * g.inC;
    for (long ox = 0; ox < g.outW; ox++) {
      direct_patch(g, xb, row % g.outH, ox, pv);
      pixel_forward(job.out + (row * g.outW + ox) * g.outC, pv, job.w, job.bias, patch, g.outC, job.relu);
    }
  }
}

// partial[q0 .. q0+NQ, c .. c+8·NV] = Σ_p patches[p, q] · dy[p, c] over n pixels, with the
// NQ×NV vector accumulators in registers (12 of the 16 ymm for NQ = 3, NV = 4).
template <int NQ, int NV>
void filter_block(float* part, const float* patches, long patch, const float* dy, long outC, long n, long q0, long c) {
  vf8 acc[NQ][NV] = {};
  for (long p = 0; p < n; p++) {
    vf8 d[NV];
#pragma GCC unroll 4
    for (int j = 0; j < NV; j++) d[j] = load8(dy + p * outC + c + 8 * j);
#pragma GCC unroll 3
    for (int i = 0; i < NQ; i++) {
      const float v = patches[p * patch + q0 + i];
#pragma GCC unroll 4
      for (int j = 0; j < NV; j++) acc[i][j] += v * d[j];
    }
  }
#pragma GCC unroll 3
  for (int i = 0; i < NQ; i++)
#pragma GCC unroll 4
    for (int j = 0; j < NV; j++) store8(part + (q0 + i) * outC + c + 8 * j, acc[i][j]);
}

// All taps for the channel block [c, c + 8·NV), three taps at a time.
template <int NV>
void filter_channels(float* part, const float* patches, long patch, const float* dy, long outC, long n, long c) {
  long q = 0;
  for (; q + 3 <= patch; q += 3) filter_block<3, NV>(part, patches, patch, dy, outC, n, q, c);
  if (patch - q == 2) filter_block<2, NV>(part, patches, patch, dy, outC, n, q, c);
  if (patch - q == 1) filter_block<1, NV>(part, patches, patch, dy, outC, n, q, c);
}

// One fixed chunk of output rows: partial[q, c] = Σ_p patch(p)[q] · dy[p, c]. The chunk's
// patches are gathered once (into this thread's scratch), then swept per block of taps and
// channels. Chunks do not depend on the thread count, and conv_direct_backward_filter adds them
// in chunk order, so results are the same for any number of threads.
void direct_filter_chunk(void* ctx, int task, int thread) {
  const DirectJob& job = *(const DirectJob*)ctx;
  const tegaki::ConvGeom& g = *job.g;
  const long patch = g.kH * g.kW * g.inC, outC = g.outC;
  const long rows = g.batch * g.outH;
  const long begin = task * job.chunkRows;
  const long end = begin + job.chunkRows < rows ? begin + job.chunkRows : rows;
  const long n = (end - begin) * g.outW;
  float* patches = tegaki::scratch(tegaki::SCRATCH_COLS, thread, (size_t)(job.chunkRows * g.outW * patch));
  for (long row = begin, p = 0; row < end; row++) {
    const float* xb = job.x + row / g.outH * g.inH * g.inW * g.inC;
    for (long ox = 0; ox < g.outW; ox++, p++) direct_patch(g, xb, row % g.outH, ox, patches + p * patch);
  }
  float* part = job.out + task * patch * outC;
  const float* dy = job.w + begin * g.outW * outC;
  long c = 0;
  for (; c + 32 <= outC; c += 32) filter_channels<4>(part, patches, patch, dy, outC, n, c);
  for (; c + 8 <= outC; c += 8) filter_channels<1>(part, patches, patch, dy, outC, n, c);
  if (c == outC) return;
  // The channels past the last multiple of 8, one at a time.
  for (long q = 0; q < patch; q++)
    for (long cc = c; cc < outC; cc++) {
      float a = 0.f;
      for (long p = 0; p < n; p++) a += patches[p * patch + q] * dy[p * outC + cc];
      part[q * outC + cc] = a;
    }
}

void conv_direct_forward(float* y, const float* x, const float* w, const float* bias, const tegaki::ConvGeom& g, bool relu) {
  DirectJob job{y, x, w, bias, &g, 0, relu};
  tegaki::parallel_for(g.batch * g.outH, 8, direct_forward_rows, &job);
}

void conv_direct_backward_filter(float* dw, const float* x, const float* dy, const tegaki::ConvGeom& g) {
  const long patch = g.kH * g.kW * g.inC, size = patch * g.outC;
  if (g.batch * g.outH * g.outW == 0) {
    memset(dw, 0, size * sizeof(float));
    return;
  }
  // About a thousand pixels per chunk, in whole output rows.
  const long rows = g.batch * g.outH, chunk = (1024 + g.outW - 1) / g.outW;
  const long chunks = (rows + chunk - 1) / chunk;
  float* partials = tegaki::scratch(tegaki::SCRATCH_PARTIALS, 0, (size_t)(chunks * size));
  DirectJob job{partials, x, dy, nullptr, &g, chunk, false};
  tegaki::pool_run(direct_filter_chunk, &job, (int)chunks);
  tegaki::sum_chunks(dw, partials, chunks, size);
}
