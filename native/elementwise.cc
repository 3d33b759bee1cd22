// Bias, activation and softmax kernels. relu/linear run in float (an add or multiply of two
// floats rounds the same as the reference's double); the other activations and softmax run in
// double like the reference, so results match it to the last bit or close to it.
#include <math.h>
#include <string.h>

#include "tegaki.h"

namespace tegaki {
namespace {

// Elementwise passes are memory-bound: below this many floats a second thread costs more
// than it saves.
const long kGrain = 32768;

const double kSeluAlpha = 1.6732632423543772, kSeluScale = 1.0507009873554805;

// The parameter of act: the one given, or its default when NaN (as ACTIVATION_PARAM_DEFAULTS).
double act_param(Act act, double param) {
  if (!isnan(param)) return param;
  switch (act) {
    case ACT_ELU:
    case ACT_THRESHOLDED_RELU:
      return 1.0;
    case ACT_LEAKY_RELU:
      return 0.2;
    default:
      return param;
  }
}

inline double sigmoid_of(double v) { return 1.0 / (1.0 + exp(-v)); }
inline double softplus_of(double v) { return v > 0 ? v + log1p(exp(-v)) : log1p(exp(v)); }

// act(v) as the reference computes it (in double); p is the activation's parameter.
inline float apply(double v, Act act, double p) {
  switch (act) {
    case ACT_RELU:
      return v > 0 ? (float)v : 0.f;
    case ACT_SIGMOID:
      return (float)sigmoid_of(v);
    case ACT_TANH:
      return (float)tanh(v);
    case ACT_ELU:
      return (float)(v >= 0 ? v : p * expm1(v));
    case ACT_SELU:
      return (float)(v >= 0 ? kSeluScale * v : kSeluScale * kSeluAlpha * expm1(v));
    case ACT_RELU6:
      return (float)(v > 0 ? (v < 6 ? v : 6) : 0);
    case ACT_SOFTPLUS:
      return (float)softplus_of(v);
    case ACT_SOFTSIGN:
      return (float)(v / (1 + fabs(v)));
    case ACT_HARD_SIGMOID: {
      const double h = 0.2 * v + 0.5;
      return (float)(h > 0 ? (h < 1 ? h : 1) : 0);
    }
    case ACT_SWISH:
      return (float)(v * sigmoid_of(v));
    case ACT_GELU:
      return (float)(0.5 * v * (1 + erf(v * M_SQRT1_2)));
    case ACT_MISH:
      return (float)(v * tanh(softplus_of(v)));
    case ACT_LEAKY_RELU:
      return (float)(v >= 0 ? v : p * v);
    case ACT_THRESHOLDED_RELU:
      return (float)(v > p ? v : 0);
    case ACT_CLIPPED_RELU:
      return (float)(v > 0 ? (v < p ? v : p) : 0);
    default:
      return (float)v;
  }
}

struct BiasJob {
  float* y;
  const float* bias;
  long cols;
  Act act;
  double param;
};

void bias_rows(void* ctx, long begin, long end) {
  const BiasJob& job = *(const BiasJob*)ctx;
  const long cols = job.cols;
  const float* bias = job.bias;
  for (long r = begin; r < end; r++) {
    float* y = job.y + r * cols;
    if (job.act == ACT_RELU) {
      if (bias) {
        for (long c = 0; c < cols; c++) {
          float v = y[c] + bias[c];
          y[c] = v > 0.f ? v : 0.f;
        }
      } else {
        for (long c = 0; c < cols; c++) y[c] = y[c] > 0.f ? y[c] : 0.f;
      }
    } else if (job.act == ACT_LINEAR) {
      for (long c = 0; c < cols; c++) y[c] += bias[c];
    } else {
      for (long c = 0; c < cols; c++) y[c] = apply((double)y[c] + (bias ? (double)bias[c] : 0.0), job.act, job.param);
    }
  }
}

// act'(.) from s (the output y, or the input x for the activations that need it), as the
// reference writes it: dy times the derivative, in double.
template <Act A>
inline float grad_of(float dy, float s, double p) {
  const double v = s;
  switch (A) {
    case ACT_RELU:
      return s > 0.f ? dy : 0.f;
    case ACT_SIGMOID:
      return (float)(dy * (v * (1.0 - v)));
    case ACT_TANH:
      return (float)(dy * (1.0 - v * v));
    case ACT_ELU:
      return (float)(dy * (v >= 0 ? 1.0 : v + p));
    case ACT_SELU:
      return (float)(dy * (v >= 0 ? kSeluScale : v + kSeluScale * kSeluAlpha));
    case ACT_RELU6:
      return v > 0 && v < 6 ? (float)(dy * 1.0) : 0.f;
    case ACT_SOFTPLUS:
      return (float)(dy * -expm1(-v));
    case ACT_SOFTSIGN: {
      const double d = 1 - fabs(v);
      return (float)(dy * (d * d));
    }
    case ACT_HARD_SIGMOID:
      return (float)(dy * (v > 0 && v < 1 ? 0.2 : 0.0));
    case ACT_SWISH: {
      const double g = sigmoid_of(v);
      return (float)(dy * (g + v * g * (1 - g)));
    }
    case ACT_GELU:
      return (float)(dy * (0.5 * (1 + erf(v * M_SQRT1_2)) + v * (0.5 * M_2_SQRTPI * M_SQRT1_2) * exp(-0.5 * v * v)));
    case ACT_MISH: {
      const double t = tanh(softplus_of(v));
      return (float)(dy * (t + v * (1 - t * t) * sigmoid_of(v)));
    }
    case ACT_LEAKY_RELU:
      return (float)(dy * (v > 0 ? 1.0 : p));
    case ACT_THRESHOLDED_RELU:
      return (float)(dy * (v > p ? 1.0 : 0.0));
    case ACT_CLIPPED_RELU:
      return (float)(dy * (v > 0 && v <= p ? 1.0 : 0.0));
    default:
      return dy;
  }
}

struct BiasBackwardJob {
  float* dz;        // null: only the bias gradient is wanted
  float* partials;  // [chunks, cols]
  const float* dy;
  const float* y;
  long rows, cols, chunkRows;
  double param;
};

// One fixed chunk of rows: dz = dy·act'(y) and partial[c] = Σ_r dz[r, c]. Chunks depend only on
// the shape, and bias_activation_backward adds the partials in chunk order, so the bias
// gradient is the same for any thread count.
template <Act A>
void bias_backward_chunk(void* ctx, int task, int) {
  const BiasBackwardJob& job = *(const BiasBackwardJob*)ctx;
  const long cols = job.cols, begin = task * job.chunkRows;
  const long end = begin + job.chunkRows < job.rows ? begin + job.chunkRows : job.rows;
  const double p = job.param;
  float* part = job.partials + task * cols;
  for (long c = 0; c < cols; c++) part[c] = 0.f;
  for (long r = begin; r < end; r++) {
    const float* dy = job.dy + r * cols;
    const float* y = job.y + r * cols;
    if (job.dz) {
      float* dz = job.dz + r * cols;
      for (long c = 0; c < cols; c++) {
        const float v = grad_of<A>(dy[c], y[c], p);
        dz[c] = v;
        part[c] += v;
      }
    } else {
      for (long c = 0; c < cols; c++) part[c] += grad_of<A>(dy[c], y[c], p);
    }
  }
}

struct UnaryJob {
  float* out;
  const float* a;
  const float* b;
  Act act;
  double param;
};

void activation_range(void* ctx, long begin, long end) {
  const UnaryJob& job = *(const UnaryJob*)ctx;
  for (long i = begin; i < end; i++) job.out[i] = apply(job.a[i], job.act, job.param);
}

// out = dy · act'(saved), a = dy, b = saved.
template <Act A>
void activation_backward_range(void* ctx, long begin, long end) {
  const UnaryJob& job = *(const UnaryJob*)ctx;
  for (long i = begin; i < end; i++) job.out[i] = grad_of<A>(job.a[i], job.b[i], job.param);
}

// The instantiation of a kernel template for a run-time activation.
template <template <Act> class K>
auto for_act(Act act) {
  switch (act) {
    case ACT_RELU: return K<ACT_RELU>::fn;
    case ACT_SIGMOID: return K<ACT_SIGMOID>::fn;
    case ACT_TANH: return K<ACT_TANH>::fn;
    case ACT_ELU: return K<ACT_ELU>::fn;
    case ACT_SELU: return K<ACT_SELU>::fn;
    case ACT_RELU6: return K<ACT_RELU6>::fn;
    case ACT_SOFTPLUS: return K<ACT_SOFTPLUS>::fn;
    case ACT_SOFTSIGN: return K<ACT_SOFTSIGN>::fn;
    case ACT_HARD_SIGMOID: return K<ACT_HARD_SIGMOID>::fn;
    case ACT_SWISH: return K<ACT_SWISH>::fn;
    case ACT_GELU: return K<ACT_GELU>::fn;
    case ACT_MISH: return K<ACT_MISH>::fn;
    case ACT_LEAKY_RELU: return K<ACT_LEAKY_RELU>::fn;
    case ACT_THRESHOLDED_RELU: return K<ACT_THRESHOLDED_RELU>::fn;
    case ACT_CLIPPED_RELU: return K<ACT_CLIPPED_RELU>::fn;
    default: return K<ACT_LINEAR>::fn;
  }
}
template <Act A>
struct BiasBackwardKernel {
  static constexpr TaskFn fn = bias_backward_chunk<A>;
};
template <Act A>
struct ActivationBackwardKernel {
  static constexpr RangeFn fn = activation_backward_range<A>;
};

struct GatherJob {
  float* out;
  const uint8_t* bytes;
  const int32_t* indices;
  long sampleSize;
  const float* table;  // table[v] = (float)(v · scale), rounded once as the reference does
};

void gather_range(void* ctx, long begin, long end) {
  const GatherJob& job = *(const GatherJob*)ctx;
  const long n = job.sampleSize;
  for (long i = begin; i < end; i++) {
    const uint8_t* src = job.bytes + (long)job.indices[i] * n;
    // Samples are picked at random from a large array: fetch the next one while this one converts.
    if (i + 1 < end) {
      const char* next = (const char*)(job.bytes + (long)job.indices[i + 1] * n);
      for (long b = 0; b < n; b += 64) __builtin_prefetch(next + b);
    }
    float* dst = job.out + i * n;
    for (long j = 0; j < n; j++) dst[j] = job.table[src[j]];
  }
}

void multiply_range(void* ctx, long begin, long end) {
  const UnaryJob& job = *(const UnaryJob*)ctx;
  for (long i = begin; i < end; i++) job.out[i] = job.a[i] * job.b[i];
}

}  // namespace

void bias_activation(float* y, const float* bias, long rows, long cols, Act act, double param) {
  if (!bias && act == ACT_LINEAR) return;
  BiasJob job{y, bias, cols, act, act_param(act, param)};
  parallel_for(rows, cols > 0 ? kGrain / cols + 1 : rows, bias_rows, &job);
}

void bias_activation_backward(float* dz, float* db, const float* dy, const float* y, long rows, long cols, Act act, double param) {
  if (!db) {
    activation_backward(dz, dy, y, rows * cols, act, param);
    return;
  }
  if (rows <= 0 || cols <= 0) {
    for (long c = 0; c < cols; c++) db[c] = 0.f;
    return;
  }
  // About 8192 values per chunk, and at least 16 rows, so the partials stay small next to dy.
  const long chunkRows = cols >= 8192 / 16 ? 16 : 8192 / cols;
  const long chunks = (rows + chunkRows - 1) / chunkRows;
  float* partials = scratch(SCRATCH_PARTIALS, 0, (size_t)(chunks * cols));
  BiasBackwardJob job{act == ACT_LINEAR && dz == dy ? nullptr : dz, partials, dy, y, rows, cols, chunkRows, act_param(act, param)};
  pool_run(for_act<BiasBackwardKernel>(act), &job, (int)chunks);
  sum_chunks(db, partials, chunks, cols);
}

void bias_grad(float* db, const float* dy, long rows, long cols) { bias_activation_backward(nullptr, db, dy, dy, rows, cols, ACT_LINEAR); }

void activation_forward(float* y, const float* x, long n, Act act, double param) {
  UnaryJob job{y, x, nullptr, act, act_param(act, param)};
  parallel_for(n, kGrain, activation_range, &job);
}

void activation_backward(float* dx, const float* dy, const float* y, long n, Act act, double param) {
  if (act == ACT_LINEAR) {
    if (dx != dy) memmove(dx, dy, n * sizeof(float));
    return;
  }
  UnaryJob job{dx, dy, y, act, act_param(act, param)};
  parallel_for(n, kGrain, for_act<ActivationBackwardKernel>(act), &job);
}

void softmax_forward(float* y, const float* x, long rows, long cols) {
  for (long r = 0; r < rows; r++) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    double max = -INFINITY;
    // Math.max semantics: one NaN makes the max NaN.
    for (long c = 0; c < cols; c++)
      if (xr[c] > max || isnan(xr[c])) max = xr[c];
    double sum = 0;
    for (long c = 0; c < cols; c++) {
      double e = exp(xr[c] - max);
      yr[c] = (float)e;
      sum += e;
    }
    for (long c = 0; c < cols; c++) yr[c] = (float)(yr[c] / sum);
  }
}

void softmax_backward(float* dx, const float* dy, const float* y, long rows, long cols) {
  for (long r = 0; r < rows; r++) {
    const long o = r * cols;
    double dot = 0;
    for (long c = 0; c < cols; c++) dot += (double)dy[o + c] * y[o + c];
    for (long c = 0; c < cols; c++) dx[o + c] = (float)(y[o + c] * (dy[o + c] - dot));
  }
}

void gather_bytes(float* out, const uint8_t* bytes, const int32_t* indices, long count, long sampleSize, double scale) {
  // A lookup per byte: converting each byte to double and back costs several times more.
  float table[256];
  for (int v = 0; v < 256; v++) table[v] = (float)(v * scale);
  GatherJob job{out, bytes, indices, sampleSize, table};
  // Split finely: the time goes to fetching random samples from memory, which threads overlap.
  parallel_for(count, sampleSize > 0 ? kGrain / 4 / sampleSize + 1 : count, gather_range, &job);
}

void multiply(float* y, const float* a, const float* b, long n) {
  UnaryJob job{y, a, b, ACT_LINEAR, 0.0};
  parallel_for(n, kGrain, multiply_range, &job);
}

}  // namespace tegaki
