// GEMM for the AVX2+FMA path: a 6×16 register tile (12 ymm accumulators, 2 for B, 1 for the
// broadcast of A, as in BLIS' Haswell kernel) under the shared driver in gemm_impl.h, the
// direct small-patch conv (conv_direct_impl.h) and the optimizer updates (optimizers_impl.h).
// Built with -mavx2 -mfma (binding.gyp); cpu.cc calls it only on a CPU that has both.
#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "tegaki.h"

namespace {

const int MR = 6;
const int NR = 16;

inline void micro_kernel(long kc, const float* __restrict ap, const float* __restrict bp, float* __restrict c, long ldc, bool overwrite) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(), c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  // C's rows are far apart: start fetching them now so the stores below do not wait.
  for (int r = 0; r < MR; r++) _mm_prefetch((const char*)(c + r * ldc), _MM_HINT_T0), _mm_prefetch((const char*)(c + r * ldc + NR - 1), _MM_HINT_T0);
  for (long p = 0; p < kc; p++, ap += MR, bp += NR) {
    const __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8);
    __m256 a = _mm256_broadcast_ss(ap);
    c00 = _mm256_fmadd_ps(a, b0, c00), c01 = _mm256_fmadd_ps(a, b1, c01);
    a = _mm256_broadcast_ss(ap + 1);
    c10 = _mm256_fmadd_ps(a, b0, c10), c11 = _mm256_fmadd_ps(a, b1, c11);
    a = _mm256_broadcast_ss(ap + 2);
    c20 = _mm256_fmadd_ps(a, b0, c20), c21 = _mm256_fmadd_ps(a, b1, c21);
    a = _mm256_broadcast_ss(ap + 3);
    c30 = _mm256_fmadd_ps(a, b0, c30), c31 = _mm256_fmadd_ps(a, b1, c31);
    a = _mm256_broadcast_ss(ap + 4);
    c40 = _mm256_fmadd_ps(a, b0, c40), c41 = _mm256_fmadd_ps(a, b1, c41);
    a = _mm256_broadcast_ss(ap + 5);
    c50 = _mm256_fmadd_ps(a, b0, c50), c51 = _mm256_fmadd_ps(a, b1, c51);
  }
#define TEGAKI_STORE_ROW(r, v0, v1)                                              \
  {                                                                              \
    float* row = c + (r) * ldc;                                                  \
    if (!overwrite) v0 = _mm256_add_ps(_mm256_loadu_ps(row), v0);                \
    if (!overwrite) v1 = _mm256_add_ps(_mm256_loadu_ps(row + 8), v1);            \
    _mm256_storeu_ps(row, v0);                                                   \
    _mm256_storeu_ps(row + 8, v1);                                               \
  }
  TEGAKI_STORE_ROW(0, c00, c01)
  TEGAKI_STORE_ROW(1, c10, c11)
  TEGAKI_STORE_ROW(2, c20, c21)
  TEGAKI_STORE_ROW(3, c30, c31)
  TEGAKI_STORE_ROW(4, c40, c41)
  TEGAKI_STORE_ROW(5, c50, c51)
#undef TEGAKI_STORE_ROW
}

#include "gemm_impl.h"
#include "conv_direct_impl.h"
#include "optimizers_impl.h"

}  // namespace

const tegaki::SimdKernels tegaki::simd_avx2 = {gemm_entry, conv_direct_forward, conv_direct_backward_filter, sgd_range, rmsprop_range, adam_range, nadam_range, weight_decay_range};
