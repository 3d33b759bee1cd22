// Run-time CPU dispatch: pick the widest kernels (GEMM, direct conv) this CPU and OS can run,
// once at load time.
// TEGAKI_CPU=avx512|avx2|portable forces a path (refused when the CPU lacks it); cpu_set_path
// lets tests walk every supported path in one process.
#include <cstdlib>
#include <cstring>

#include "tegaki.h"

namespace tegaki {
namespace {

bool supports(CpuPath p) {
  switch (p) {
    case CPU_PORTABLE:
      return true;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    // __builtin_cpu_supports also checks that the OS saves the wider registers (XCR0).
    case CPU_AVX2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case CPU_AVX512:
      return __builtin_cpu_supports("avx512f");
#else
    default:
      return false;
#endif
  }
  return false;
}

const SimdKernels* kernels_for(CpuPath p) {
#if defined(__x86_64__)
  if (p == CPU_AVX512) return &simd_avx512;
  if (p == CPU_AVX2) return &simd_avx2;
#endif
  return &simd_portable;
}

CpuPath best() {
  if (supports(CPU_AVX512)) return CPU_AVX512;
  if (supports(CPU_AVX2)) return CPU_AVX2;
  return CPU_PORTABLE;
}

CpuPath initial() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
#endif
  CpuPath p = best();
  const char* env = std::getenv("TEGAKI_CPU");
  if (env && *env) {
    for (int i = CPU_PORTABLE; i <= CPU_AVX512; i++) {
      if (std::strcmp(env, cpu_path_name((CpuPath)i)) == 0 && supports((CpuPath)i)) p = (CpuPath)i;
    }
  }
  return p;
}

CpuPath current = initial();
const SimdKernels* current_kernels = kernels_for(current);

}  // namespace

const char* cpu_path_name(CpuPath p) {
  switch (p) {
    case CPU_AVX512:
      return "avx512";
    case CPU_AVX2:
      return "avx2";
    default:
      return "portable";
  }
}

bool cpu_path_supported(CpuPath p) { return supports(p); }
CpuPath cpu_path() { return current; }

bool cpu_set_path(CpuPath p) {
  if (!supports(p)) return false;
  current = p;
  current_kernels = kernels_for(p);
  return true;
}

const SimdKernels& simd() { return *current_kernels; }

}  // namespace tegaki
