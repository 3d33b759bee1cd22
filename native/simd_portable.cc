// GEMM for the portable path: the shared driver (gemm_impl.h) with a 4×8 tile in plain C that
// the compiler vectorizes, the direct small-patch conv (conv_direct_impl.h) and the optimizer updates
// (optimizers_impl.h), all for the target's baseline (SSE2 on x86-64, NEON on arm64).
#include <math.h>
#include <string.h>

#include "tegaki.h"

namespace {

const int MR = 4;
const int NR = 8;

inline void micro_kernel(long kc, const float* __restrict ap, const float* __restrict bp, float* __restrict c, long ldc, bool overwrite) {
  float acc[MR][NR] = {};
  for (long p = 0; p < kc; p++, ap += MR, bp += NR) {
#pragma GCC unroll 4
    for (int r = 0; r < MR; r++) {
      const float a = ap[r];
#pragma GCC unroll 8
      for (int s = 0; s < NR; s++) acc[r][s] += a * bp[s];
    }
  }
  for (int r = 0; r < MR; r++)
    for (int s = 0; s < NR; s++) c[r * ldc + s] = overwrite ? acc[r][s] : c[r * ldc + s] + acc[r][s];
}

#include "gemm_impl.h"
#include "conv_direct_impl.h"
#include "optimizers_impl.h"

}  // namespace

const tegaki::SimdKernels tegaki::simd_portable = {gemm_entry, conv_direct_forward, conv_direct_backward_filter, sgd_range, rmsprop_range, adam_range, nadam_range, weight_decay_range};
