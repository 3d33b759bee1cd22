// Normalization kernels. Batch normalization sees x as [outer, channels, inner]: its sums
// (statistics, the backward's Σdy and Σdy·(x − mean)) run in double over blocks of whole channels,
// one task per block, so every sum is the same for any thread count; its elementwise passes run
// over rows. Layer normalization runs over rows, its weight gradients summed in fixed row chunks.
#include <math.h>

#include <vector>

#include "tegaki.h"

namespace tegaki {
namespace {

// Channels per reduction task: 16 floats, one cache line of a row when inner is 1.
const long kBlock = 16;
// Below this many values a pass stays on the calling thread (a dispatch costs ~µs).
const long kGrain = 32768;

struct BnJob {
  const float* x;
  const float* dy;
  const float* mean;
  long outer, channels, inner;
  // reductions write here: sums[0][c] and sums[1][c]
  double* sum0;
  double* sum1;
  // elementwise passes read per-channel coefficients and write out
  float* out;
  const float* a;
  const float* b;
  const float* k;
};

// Σ over outer and inner of f(at, c) for the channels [c0, c1), into acc[c − c0].
template <typename F>
inline void block_sums(const BnJob& job, long c0, long c1, double* acc, F f) {
  for (long c = c0; c < c1; c++) acc[c - c0] = 0.0;
  for (long o = 0; o < job.outer; o++) {
    for (long c = c0; c < c1; c++) {
      const long base = (o * job.channels + c) * job.inner;
      double s = 0.0;
      for (long i = 0; i < job.inner; i++) s += f(base + i, c);
      acc[c - c0] += s;
    }
  }
}

// Mean, then Σ(x − mean)² (two passes, as tf.moments): sum0 = mean, sum1 = Σ squares.
void statistics_block(void* ctx, int task, int) {
  const BnJob& job = *(const BnJob*)ctx;
  const long c0 = task * kBlock, c1 = c0 + kBlock < job.channels ? c0 + kBlock : job.channels;
  const double n = (double)(job.outer * job.inner);
  double acc[kBlock];
  block_sums(job, c0, c1, acc, [&](long at, long) { return (double)job.x[at]; });
  for (long c = c0; c < c1; c++) job.sum0[c] = acc[c - c0] / n;
  block_sums(job, c0, c1, acc, [&](long at, long c) {
    const double d = job.x[at] - job.sum0[c];
    return d * d;
  });
  for (long c = c0; c < c1; c++) job.sum1[c] = acc[c - c0];
}

// sum0 = Σ dy, sum1 = Σ dy·(x − mean), with x − mean rounded to float as in the reference.
void gradient_block(void* ctx, int task, int) {
  const BnJob& job = *(const BnJob*)ctx;
  const long c0 = task * kBlock, c1 = c0 + kBlock < job.channels ? c0 + kBlock : job.channels;
  double acc[kBlock];
  block_sums(job, c0, c1, acc, [&](long at, long) { return (double)job.dy[at]; });
  for (long c = c0; c < c1; c++) job.sum0[c] = acc[c - c0];
  block_sums(job, c0, c1, acc, [&](long at, long c) { return (double)job.dy[at] * (double)(job.x[at] - job.mean[c]); });
  for (long c = c0; c < c1; c++) job.sum1[c] = acc[c - c0];
}

void run_blocks(TaskFn fn, BnJob& job) {
  const int blocks = (int)((job.channels + kBlock - 1) / kBlock);
  if (job.outer * job.channels * job.inner < kGrain) {
    for (int t = 0; t < blocks; t++) fn(&job, t, 0);
  } else {
    pool_run(fn, &job, blocks);
  }
}

// out = (x − mean)·a + b per channel (forward), over rows [begin, end) of outer.
void affine_rows(void* ctx, long begin, long end) {
  const BnJob& job = *(const BnJob*)ctx;
  const long C = job.channels;
  if (job.inner == 1) {
    // channels last (NHWC, dense): one contiguous row per o, vectorized across channels
    const float *m = job.mean, *a = job.a, *b = job.b;
    for (long o = begin; o < end; o++) {
      const float* x = job.x + o * C;
      float* y = job.out + o * C;
      for (long c = 0; c < C; c++) y[c] = (x[c] - m[c]) * a[c] + b[c];
    }
    return;
  }
  for (long o = begin; o < end; o++) {
    for (long c = 0; c < C; c++) {
      const long base = (o * C + c) * job.inner;
      const float m = job.mean[c], a = job.a[c], b = job.b[c];
      for (long i = 0; i < job.inner; i++) job.out[base + i] = (job.x[base + i] - m) * a + b;
    }
  }
}

// out = a·dy + b·(x − mean) + k per channel (dx), over rows [begin, end) of outer.
void gradient_rows(void* ctx, long begin, long end) {
  const BnJob& job = *(const BnJob*)ctx;
  const long C = job.channels;
  if (job.inner == 1) {
    const float *m = job.mean, *a = job.a, *b = job.b, *k = job.k;
    for (long o = begin; o < end; o++) {
      const float* x = job.x + o * C;
      const float* dy = job.dy + o * C;
      float* dx = job.out + o * C;
      for (long c = 0; c < C; c++) dx[c] = a[c] * dy[c] + (b[c] * (x[c] - m[c]) + k[c]);
    }
    return;
  }
  for (long o = begin; o < end; o++) {
    for (long c = 0; c < C; c++) {
      const long base = (o * C + c) * job.inner;
      const float m = job.mean[c], a = job.a[c], b = job.b[c], k = job.k[c];
      for (long i = 0; i < job.inner; i++) job.out[base + i] = a * job.dy[base + i] + (b * (job.x[base + i] - m) + k);
    }
  }
}

long row_grain(const BnJob& job) {
  const long row = job.channels * job.inner;
  return row > 0 ? kGrain / row + 1 : job.outer;
}

}  // namespace

void batchnorm_statistics(float* mean, float* variance, const float* x, long outer, long channels, long inner) {
  std::vector<double> m(channels), sq(channels);
  BnJob job{};
  job.x = x;
  job.outer = outer, job.channels = channels, job.inner = inner;
  job.sum0 = m.data(), job.sum1 = sq.data();
  run_blocks(statistics_block, job);
  const double n = (double)(outer * inner);
  for (long c = 0; c < channels; c++) {
    mean[c] = (float)m[c];
    variance[c] = (float)(sq[c] / n);
  }
}

void batchnorm_forward(float* y, const float* x, const float* mean, const float* variance, const float* gamma, const float* beta, double epsilon, long outer, long channels, long inner) {
  std::vector<float> a(channels), b(channels);
  for (long c = 0; c < channels; c++) {
    a[c] = (float)((gamma ? gamma[c] : 1.0) / sqrt((double)variance[c] + epsilon));
    b[c] = beta ? beta[c] : 0.f;
  }
  BnJob job{};
  job.x = x, job.mean = mean, job.out = y, job.a = a.data(), job.b = b.data();
  job.outer = outer, job.channels = channels, job.inner = inner;
  parallel_for(outer, row_grain(job), affine_rows, &job);
}

void batchnorm_backward(float* dx, float* dgamma, float* dbeta, const float* dy, const float* x, const float* mean, const float* variance, const float* gamma, double epsilon, long outer, long channels, long inner, bool batchStatistics) {
  std::vector<double> sumDy(channels), sumDyX(channels);
  BnJob job{};
  job.x = x, job.dy = dy, job.mean = mean;
  job.outer = outer, job.channels = channels, job.inner = inner;
  job.sum0 = sumDy.data(), job.sum1 = sumDyX.data();
  run_blocks(gradient_block, job);
  const double n = (double)(outer * inner);
  std::vector<float> a(channels), b(channels), k(channels);
  for (long c = 0; c < channels; c++) {
    const double r = 1.0 / sqrt((double)variance[c] + epsilon);
    if (dbeta) dbeta[c] = (float)sumDy[c];
    if (dgamma) dgamma[c] = (float)(sumDyX[c] * r);
    const double ac = (gamma ? gamma[c] : 1.0) * r;
    a[c] = (float)ac;
    // mean and variance depend on x only when they are this batch's statistics
    b[c] = batchStatistics ? (float)(-ac * r * r * sumDyX[c] / n) : 0.f;
    k[c] = batchStatistics ? (float)(-ac * sumDy[c] / n) : 0.f;
  }
  if (!dx) return;
  job.out = dx, job.a = a.data(), job.b = b.data(), job.k = k.data();
  parallel_for(outer, row_grain(job), gradient_rows, &job);
}

}  // namespace tegaki

// ---- layer normalization: x is [rows, cols], each row normalized over its cols ----
namespace tegaki {
namespace {

struct LnJob {
  float* y;  // forward output, or dx (null: weight gradients only)
  float* mean;
  float* variance;
  const float* x;
  const float* dy;
  const float* gamma;
  const float* beta;
  float* partials;  // backward: [chunks, 2, cols] of Σ dy·x̂ and Σ dy
  double epsilon;
  long rows, cols, chunkRows;
};

void ln_forward_rows(void* ctx, long begin, long end) {
  const LnJob& job = *(const LnJob*)ctx;
  const long cols = job.cols;
  for (long r = begin; r < end; r++) {
    const float* x = job.x + r * cols;
    float* y = job.y + r * cols;
    double s = 0.0;
    for (long c = 0; c < cols; c++) s += x[c];
    const double m = s / cols;
    double sq = 0.0;
    for (long c = 0; c < cols; c++) sq += (x[c] - m) * (x[c] - m);
    job.mean[r] = (float)m;
    job.variance[r] = (float)(sq / cols);
    const float mf = job.mean[r];
    const float rstd = (float)(1.0 / sqrt((double)job.variance[r] + job.epsilon));
    for (long c = 0; c < cols; c++) {
      float v = (x[c] - mf) * rstd;
      if (job.gamma) v *= job.gamma[c];
      y[c] = job.beta ? v + job.beta[c] : v;
    }
  }
}

// One fixed chunk of rows: its dx rows and its partial weight gradients (summed in chunk order).
void ln_backward_chunk(void* ctx, int task, int) {
  const LnJob& job = *(const LnJob*)ctx;
  const long cols = job.cols, begin = task * job.chunkRows;
  const long end = begin + job.chunkRows < job.rows ? begin + job.chunkRows : job.rows;
  float* dg = job.partials + task * 2 * cols;
  float* db = dg + cols;
  for (long c = 0; c < 2 * cols; c++) dg[c] = 0.f;
  for (long r = begin; r < end; r++) {
    const float* x = job.x + r * cols;
    const float* dy = job.dy + r * cols;
    const float m = job.mean[r];
    const float rstd = (float)(1.0 / sqrt((double)job.variance[r] + job.epsilon));
    // g = dL/d(normalized x); dx = rstd·(g − mean(g) − x̂·mean(g·x̂))
    double sumG = 0.0, sumGX = 0.0;
    for (long c = 0; c < cols; c++) {
      const float xhat = (x[c] - m) * rstd;
      const float g = job.gamma ? dy[c] * job.gamma[c] : dy[c];
      sumG += g;
      sumGX += (double)g * xhat;
      dg[c] += dy[c] * xhat;
      db[c] += dy[c];
    }
    if (!job.y) continue;
    float* dx = job.y + r * cols;
    const float meanG = (float)(sumG / cols), meanGX = (float)(sumGX / cols);
    for (long c = 0; c < cols; c++) {
      const float xhat = (x[c] - m) * rstd;
      const float g = job.gamma ? dy[c] * job.gamma[c] : dy[c];
      dx[c] = rstd * (g - meanG - xhat * meanGX);
    }
  }
}

}  // namespace

void layernorm_forward(float* y, float* mean, float* variance, const float* x, const float* gamma, const float* beta, double epsilon, long rows, long cols) {
  LnJob job{y, mean, variance, x, nullptr, gamma, beta, nullptr, epsilon, rows, cols, 0};
  parallel_for(rows, cols > 0 ? kGrain / cols + 1 : rows, ln_forward_rows, &job);
}

void layernorm_backward(float* dx, float* dgamma, float* dbeta, const float* dy, const float* x, const float* mean, const float* variance, const float* gamma, double epsilon, long rows, long cols) {
  if (rows <= 0 || cols <= 0) {
    for (long c = 0; c < cols; c++) {
      if (dgamma) dgamma[c] = 0.f;
      if (dbeta) dbeta[c] = 0.f;
    }
    return;
  }
  // about 8192 values per chunk and at least 16 rows, so the partials stay small next to dy
  const long chunkRows = cols >= 8192 / 16 ? 16 : 8192 / cols;
  const long chunks = (rows + chunkRows - 1) / chunkRows;
  float* partials = scratch(SCRATCH_PARTIALS, 0, (size_t)(chunks * 2 * cols));
  LnJob job{dx, (float*)mean, (float*)variance, x, dy, gamma, nullptr, partials, epsilon, rows, cols, chunkRows};
  if (rows * cols < kGrain) {
    for (long t = 0; t < chunks; t++) ln_backward_chunk(&job, (int)t, 0);
  } else {
    pool_run(ln_backward_chunk, &job, (int)chunks);
  }
  for (long c = 0; c < cols; c++) {
    float g = 0.f, b = 0.f;
    for (long t = 0; t < chunks; t++) {
      g += partials[t * 2 * cols + c];
      b += partials[t * 2 * cols + cols + c];
    }
    if (dgamma) dgamma[c] = g;
    if (dbeta) dbeta[c] = b;
  }
}

}  // namespace tegaki
