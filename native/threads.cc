// A persistent thread pool (workers spin briefly, then sleep) and grow-only scratch memory.
// The calling thread is thread 0 and works too, so TEGAKI_THREADS=2 means one extra thread.
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "tegaki.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define TEGAKI_PAUSE() _mm_pause()
#else
#define TEGAKI_PAUSE() ((void)0)
#endif

namespace tegaki {
namespace {

const int kMaxThreads = 64;
// About a millisecond of spinning: kernels of one training step follow each other within
// microseconds, so workers stay awake through a step but sleep while JavaScript is idle.
const int kSpinIterations = 20000;

struct Pool {
  std::vector<std::thread> workers;
  std::atomic<uint64_t> generation{0};
  std::atomic<int> nextTask{0};
  std::atomic<int> busyWorkers{0};
  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::condition_variable wake;
  TaskFn fn = nullptr;
  void* ctx = nullptr;
  int ntasks = 0;
  int threads = 1;
};

Pool pool;

void drain(int thread) {
  for (;;) {
    int t = pool.nextTask.fetch_add(1, std::memory_order_relaxed);
    if (t >= pool.ntasks) return;
    pool.fn(pool.ctx, t, thread);
  }
}

void worker_main(int thread) {
  uint64_t seen = 0;
  for (;;) {
    uint64_t g = pool.generation.load(std::memory_order_acquire);
    for (int i = 0; g == seen && i < kSpinIterations; i++) {
      if (i < kSpinIterations / 4) TEGAKI_PAUSE();
      else std::this_thread::yield();
      g = pool.generation.load(std::memory_order_acquire);
    }
    if (g == seen) {
      std::unique_lock<std::mutex> lock(pool.mutex);
      pool.wake.wait(lock, [&] { return pool.generation.load(std::memory_order_acquire) != seen; });
      g = pool.generation.load(std::memory_order_acquire);
    }
    seen = g;
    if (pool.stopping.load(std::memory_order_acquire)) return;
    drain(thread);
    pool.busyWorkers.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void stop_workers() {
  if (pool.workers.empty()) return;
  {
    std::lock_guard<std::mutex> lock(pool.mutex);
    pool.stopping.store(true, std::memory_order_release);
    pool.generation.fetch_add(1, std::memory_order_acq_rel);
  }
  pool.wake.notify_all();
  for (auto& w : pool.workers) w.join();
  pool.workers.clear();
  pool.stopping.store(false);
}

void start_workers(int n) {
  pool.threads = n;
  pool.generation.store(0);
  for (int i = 1; i < n; i++) pool.workers.emplace_back(worker_main, i);
}

int default_threads() {
  const char* env = std::getenv("TEGAKI_THREADS");
  int n = env ? std::atoi(env) : 0;
  if (n <= 0) n = (int)std::thread::hardware_concurrency();
  if (n <= 0) n = 1;
  return n > kMaxThreads ? kMaxThreads : n;
}

bool started = false;
void ensure_started() {
  if (!started) {
    started = true;
    start_workers(default_threads());
  }
}

// Threads that never joined stay parked on the condition variable; joining them at exit keeps
// the process from tearing down the pool under a running worker.
struct AtExit {
  ~AtExit() { stop_workers(); }
} at_exit;

}  // namespace

int pool_threads() {
  ensure_started();
  return pool.threads;
}

void pool_set_threads(int n) {
  ensure_started();
  if (n <= 0) n = (int)std::thread::hardware_concurrency();
  if (n <= 0) n = 1;
  if (n > kMaxThreads) n = kMaxThreads;
  if (n == pool.threads) return;
  stop_workers();
  start_workers(n);
}

void pool_run(TaskFn fn, void* ctx, int ntasks) {
  ensure_started();
  if (ntasks <= 0) return;
  if (pool.threads == 1 || ntasks == 1) {
    for (int t = 0; t < ntasks; t++) fn(ctx, t, 0);
    return;
  }
  pool.fn = fn;
  pool.ctx = ctx;
  pool.ntasks = ntasks;
  pool.nextTask.store(0, std::memory_order_relaxed);
  pool.busyWorkers.store((int)pool.workers.size(), std::memory_order_relaxed);
  {
    // Taking the lock orders this publish against a worker that is about to sleep.
    std::lock_guard<std::mutex> lock(pool.mutex);
    pool.generation.fetch_add(1, std::memory_order_acq_rel);
  }
  pool.wake.notify_all();
  drain(0);
  // Every worker checks in once per job, so the next job never meets a straggler of this one.
  // On a busy machine a worker may be descheduled: after a short spin, give up the core.
  for (int spins = 0; pool.busyWorkers.load(std::memory_order_acquire) != 0; spins++) {
    if (spins < 2000) TEGAKI_PAUSE();
    else std::this_thread::yield();
  }
}

namespace {
struct RangeJob {
  RangeFn fn;
  void* ctx;
  long n;
  int chunks;
};
void range_task(void* p, int task, int) {
  RangeJob* job = (RangeJob*)p;
  long begin = job->n * task / job->chunks;
  long end = job->n * (task + 1) / job->chunks;
  if (begin < end) job->fn(job->ctx, begin, end);
}
}  // namespace

void parallel_for(long n, long grain, RangeFn fn, void* ctx) {
  if (n <= 0) return;
  long chunks = pool_threads();
  if (grain < 1) grain = 1;
  if (chunks > n / grain) chunks = n / grain;
  if (chunks <= 1) {
    fn(ctx, 0, n);
    return;
  }
  RangeJob job{fn, ctx, n, (int)chunks};
  pool_run(range_task, &job, (int)chunks);
}

namespace {
struct Buffer {
  float* data = nullptr;
  size_t floats = 0;
};
Buffer buffers[SCRATCH_SLOTS][kMaxThreads];
}  // namespace

float* scratch(int slot, int thread, size_t floats) {
  Buffer& b = buffers[slot][thread];
  if (b.floats < floats) {
    std::free(b.data);
    // Round up so a slowly growing request does not reallocate every time.
    size_t want = floats + floats / 4 + 16;
    size_t bytes = (want * sizeof(float) + 63) & ~(size_t)63;
    b.data = (float*)std::aligned_alloc(64, bytes);
    if (!b.data) std::abort();
    b.floats = bytes / sizeof(float);
  }
  return b.data;
}

void sum_chunks(float* out, const float* partials, long chunks, long size) {
  for (long i = 0; i < size; i++) out[i] = 0.f;
  for (long t = 0; t < chunks; t++)
    for (long i = 0; i < size; i++) out[i] += partials[t * size + i];
}

}  // namespace tegaki
