// The blocked GEMM, written once and compiled once per instruction set (simd_portable.cc,
// simd_avx2.cc, simd_avx512.cc include it inside an anonymous namespace with their own flags,
// so no inline function built for AVX can be picked by the linker for the portable path).
//
// Structure as in BLIS: C is cut into one block per thread; within it, op(B) is packed in
// KC×NR panels (one stays in L1), op(A) in MC×KC blocks of MR-row panels (in L2), and a
// register-blocked MR×NR micro-kernel runs over them. Transposes are absorbed by the packing,
// so one micro-kernel serves all four cases. Each C element is reduced over K in the same
// order whatever the thread count, which keeps results identical for 1 and N threads.
//
// Needs, defined by the including file: MR, NR and
//   micro_kernel(kc, ap, bp, c, ldc, overwrite): C[MR, NR] (row stride ldc) = or +=
//   ap (kc steps of MR values) · bp (kc steps of NR values), accumulators held in registers.
#include <string.h>

#include "tegaki.h"

const long KC = 320;      // at most: one B panel, KC·NR floats, stays in L1 next to an A panel
const long MC = MR * 24;  // one A block: MC·KC floats, L2-resident
const long NC = NR * 64;

// ap[panel][p][r] = op(A)[i0 + panel·MR + r, p0 + p], zero past row m.
void pack_a(float* __restrict out, const tegaki::GemmArgs& g, long i0, long mc, long p0, long kc) {
  alignas(64) float row[KC > MC ? KC : MC];
  if (g.conv && g.transA) {
    // A[q, pixel] = cols[pixel, q]: gather pixel p's patch values [i0, i0 + mc) once per p.
    for (long p = 0; p < kc; p++) {
      tegaki::conv_patch(*g.conv, g.a, p0 + p, i0, mc, row);
      for (long ip = 0; ip < mc; ip += MR) {
        float* dst = out + ip * kc + p * MR;
        long rows = mc - ip < MR ? mc - ip : MR;
        for (long r = 0; r < rows; r++) dst[r] = row[ip + r];
        for (long r = rows; r < MR; r++) dst[r] = 0.f;
      }
    }
    return;
  }
  for (long ip = 0; ip < mc; ip += MR) {
    long rows = mc - ip < MR ? mc - ip : MR;
    float* panel = out + ip * kc;
    if (g.transA) {
      // A is [k, m]: the MR values of one p are contiguous.
      for (long p = 0; p < kc; p++) {
        const float* src = g.a + (p0 + p) * g.lda + i0 + ip;
        for (long r = 0; r < rows; r++) panel[p * MR + r] = src[r];
        for (long r = rows; r < MR; r++) panel[p * MR + r] = 0.f;
      }
    } else {
      for (long r = 0; r < rows; r++) {
        const float* src = g.a + (i0 + ip + r) * g.lda + p0;
        if (g.conv) {
          tegaki::conv_patch(*g.conv, g.a, i0 + ip + r, p0, kc, row);
          src = row;
        }
        for (long p = 0; p < kc; p++) panel[p * MR + r] = src[p];
      }
      for (long r = rows; r < MR; r++)
        for (long p = 0; p < kc; p++) panel[p * MR + r] = 0.f;
    }
  }
}

// bp[panel][p][s] = op(B)[p0 + p, j0 + panel·NR + s], zero past column n.
void pack_b(float* __restrict out, const tegaki::GemmArgs& g, long j0, long nc, long p0, long kc) {
  for (long jp = 0; jp < nc; jp += NR) {
    long cols = nc - jp < NR ? nc - jp : NR;
    float* panel = out + jp * kc;
    if (!g.transB) {
      for (long p = 0; p < kc; p++) {
        const float* src = g.b + (p0 + p) * g.ldb + j0 + jp;
        if (cols == NR) {
          memcpy(panel + p * NR, src, NR * sizeof(float));
        } else {
          for (long s = 0; s < cols; s++) panel[p * NR + s] = src[s];
          for (long s = cols; s < NR; s++) panel[p * NR + s] = 0.f;
        }
      }
    } else {
      // B is [n, k]: walk each source row once.
      for (long s = 0; s < cols; s++) {
        const float* src = g.b + (j0 + jp + s) * g.ldb + p0;
        for (long p = 0; p < kc; p++) panel[p * NR + s] = src[p];
      }
      for (long s = cols; s < NR; s++)
        for (long p = 0; p < kc; p++) panel[p * NR + s] = 0.f;
    }
  }
}

// K cut into equal blocks of at most KC: a conv's K of 288 (3×3×32) is one block, not 256 + 32
// (a short block runs the micro-kernel at a fraction of its speed and re-reads C).
long k_block(long k) {
  const long blocks = (k + KC - 1) / KC;
  const long kc = (k + blocks - 1) / blocks;
  return (kc + 3) / 4 * 4 < KC ? (kc + 3) / 4 * 4 : KC;
}

// One thread's block of C: rows [i0, i1), columns [j0, j1), all of K.
void gemm_block(const tegaki::GemmArgs& g, long i0, long i1, long j0, long j1, int thread) {
  float* bpack = tegaki::scratch(tegaki::SCRATCH_PACK_B, thread, (size_t)(NC * KC));
  float* apack = tegaki::scratch(tegaki::SCRATCH_PACK_A, thread, (size_t)(MC * KC));
  alignas(64) float tile[MR * NR];
  const long kBlock = k_block(g.k);
  for (long jc = j0; jc < j1; jc += NC) {
    long nc = j1 - jc < NC ? j1 - jc : NC;
    for (long pc = 0; pc < g.k; pc += kBlock) {
      long kc = g.k - pc < kBlock ? g.k - pc : kBlock;
      bool overwrite = pc == 0 && !g.accumulate;
      pack_b(bpack, g, jc, nc, pc, kc);
      for (long ic = i0; ic < i1; ic += MC) {
        long mc = i1 - ic < MC ? i1 - ic : MC;
        pack_a(apack, g, ic, mc, pc, kc);
        for (long jr = 0; jr < nc; jr += NR) {
          long nr = nc - jr < NR ? nc - jr : NR;
          for (long ir = 0; ir < mc; ir += MR) {
            long mr = mc - ir < MR ? mc - ir : MR;
            float* c = g.c + (ic + ir) * g.ldc + jc + jr;
            if (mr == MR && nr == NR) {
              micro_kernel(kc, apack + ir * kc, bpack + jr * kc, c, g.ldc, overwrite);
              continue;
            }
            // Edge tile: compute the whole padded tile, store only the part inside C.
            micro_kernel(kc, apack + ir * kc, bpack + jr * kc, tile, NR, true);
            for (long r = 0; r < mr; r++)
              for (long s = 0; s < nr; s++) c[r * g.ldc + s] = overwrite ? tile[r * NR + s] : c[r * g.ldc + s] + tile[r * NR + s];
          }
        }
      }
    }
  }
}

struct Split {
  const tegaki::GemmArgs* g;
  long rowsPer, colsPer;  // block size of a task, in multiples of MR / NR
  long tasksM;
};

void gemm_task(void* ctx, int task, int thread) {
  const Split& s = *(const Split*)ctx;
  long i0 = (task % s.tasksM) * s.rowsPer, j0 = (task / s.tasksM) * s.colsPer;
  long i1 = i0 + s.rowsPer < s.g->m ? i0 + s.rowsPer : s.g->m;
  long j1 = j0 + s.colsPer < s.g->n ? j0 + s.colsPer : s.g->n;
  if (i0 < i1 && j0 < j1) gemm_block(*s.g, i0, i1, j0, j1, thread);
}

void gemm_entry(const tegaki::GemmArgs& g) {
  if (g.m <= 0 || g.n <= 0) return;
  if (g.k <= 0) {
    if (!g.accumulate)
      for (long i = 0; i < g.m; i++) memset(g.c + i * g.ldc, 0, (size_t)g.n * sizeof(float));
    return;
  }
  long tilesM = (g.m + MR - 1) / MR, tilesN = (g.n + NR - 1) / NR;
  long threads = tegaki::pool_threads();
  // Small products are not worth a dispatch (~2 µs); split the longer side otherwise.
  if ((double)g.m * g.n * g.k < 200000.0) threads = 1;
  Split s{&g, tilesM * MR, tilesN * NR, 1};
  long tasks = 1;
  if (threads > 1) {
    if (tilesM >= tilesN || tilesM >= threads * 4) {
      long per = (tilesM + threads - 1) / threads;
      s.rowsPer = per * MR;
      s.tasksM = tasks = (tilesM + per - 1) / per;
    } else {
      long per = (tilesN + threads - 1) / threads;
      s.colsPer = per * NR;
      tasks = (tilesN + per - 1) / per;
    }
  }
  tegaki::pool_run(gemm_task, &s, (int)tasks);
}
