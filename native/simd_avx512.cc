// GEMM for the AVX-512 path: an 8×32 register tile (16 zmm accumulators, 2 for B, 1 for the
// broadcast of A) under the shared driver in gemm_impl.h, the
// direct small-patch conv (conv_direct_impl.h) and the optimizer updates (optimizers_impl.h). Built with -mavx512f -mfma
// (binding.gyp); cpu.cc calls it only on a CPU (and OS) with AVX-512F.
#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "tegaki.h"

namespace {

const int MR = 8;
const int NR = 32;

inline void micro_kernel(long kc, const float* __restrict ap, const float* __restrict bp, float* __restrict c, long ldc, bool overwrite) {
  __m512 acc[MR][2];
  // Fully unrolled below, so the array lives in 16 registers.
#pragma GCC unroll 8
  for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  for (long p = 0; p < kc; p++, ap += MR, bp += NR) {
    const __m512 b0 = _mm512_loadu_ps(bp), b1 = _mm512_loadu_ps(bp + 16);
#pragma GCC unroll 8
    for (int r = 0; r < MR; r++) {
      const __m512 a = _mm512_set1_ps(ap[r]);
      acc[r][0] = _mm512_fmadd_ps(a, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(a, b1, acc[r][1]);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < MR; r++) {
    float* row = c + r * ldc;
    __m512 v0 = acc[r][0], v1 = acc[r][1];
    if (!overwrite) {
      v0 = _mm512_add_ps(_mm512_loadu_ps(row), v0);
      v1 = _mm512_add_ps(_mm512_loadu_ps(row + 16), v1);
    }
    _mm512_storeu_ps(row, v0);
    _mm512_storeu_ps(row + 16, v1);
  }
}

#include "gemm_impl.h"
#include "conv_direct_impl.h"
#include "optimizers_impl.h"

}  // namespace

const tegaki::SimdKernels tegaki::simd_avx512 = {gemm_entry, conv_direct_forward, conv_direct_backward_filter, sgd_range, rmsprop_range, adam_range, nadam_range, weight_decay_range};
