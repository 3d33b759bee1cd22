// PReLU kernels (the reference: src/backend/ts/prelu.ts). x, y, dy are [batch, size]; alpha is
// [size]. Forward splits the batch across threads; backward sums dalpha over fixed chunks of rows
// added in chunk order, so the gradient is the same for any thread count.
#include "tegaki.h"

namespace tegaki {
namespace {

// Below this many floats a second thread costs more than it saves.
const long kGrain = 32768;

struct PreluJob {
  float* y;  // forward output, or dx in backward (may be null there)
  float* partials;  // backward: [chunks, size]
  const float* x;
  const float* alpha;
  const float* dy;
  long rows, size, chunkRows;
};

void prelu_rows(void* ctx, long begin, long end) {
  const PreluJob& job = *(const PreluJob*)ctx;
  for (long r = begin; r < end; r++) {
    const float* x = job.x + r * job.size;
    float* y = job.y + r * job.size;
    for (long j = 0; j < job.size; j++) y[j] = x[j] > 0.f ? x[j] : job.alpha[j] * x[j];
  }
}

// dx = x > 0 ? dy : alpha·dy, partial[j] = Σ over the chunk's rows of (x > 0 ? 0 : x·dy)
void prelu_backward_chunk(void* ctx, int task, int) {
  const PreluJob& job = *(const PreluJob*)ctx;
  const long size = job.size, begin = task * job.chunkRows;
  const long end = begin + job.chunkRows < job.rows ? begin + job.chunkRows : job.rows;
  float* part = job.partials + task * size;
  for (long j = 0; j < size; j++) part[j] = 0.f;
  for (long r = begin; r < end; r++) {
    const float* x = job.x + r * size;
    const float* dy = job.dy + r * size;
    float* dx = job.y ? job.y + r * size : nullptr;
    for (long j = 0; j < size; j++) {
      const float v = x[j], g = dy[j];
      if (v > 0.f) {
        if (dx) dx[j] = g;
      } else {
        if (dx) dx[j] = job.alpha[j] * g;
        part[j] += v * g;
      }
    }
  }
}

}  // namespace

void prelu_forward(float* y, const float* x, const float* alpha, long rows, long size) {
  PreluJob job{y, nullptr, x, alpha, nullptr, rows, size, 0};
  parallel_for(rows, size > 0 ? kGrain / size + 1 : rows, prelu_rows, &job);
}

void prelu_backward(float* dx, float* dalpha, const float* dy, const float* x, const float* alpha, long rows, long size) {
  if (rows <= 0 || size <= 0) {
    for (long j = 0; j < size; j++) dalpha[j] = 0.f;
    return;
  }
  // about 8192 values per chunk and at least 16 rows, as the bias gradient does
  const long chunkRows = size >= 8192 / 16 ? 16 : 8192 / size;
  const long chunks = (rows + chunkRows - 1) / chunkRows;
  float* partials = scratch(SCRATCH_PARTIALS, 0, (size_t)(chunks * size));
  PreluJob job{dx, partials, x, alpha, dy, rows, size, chunkRows};
  pool_run(prelu_backward_chunk, &job, (int)chunks);
  sum_chunks(dalpha, partials, chunks, size);
}

}  // namespace tegaki
