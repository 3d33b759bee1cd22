// Shared declarations of the native backend: the thread pool, scratch memory, the per-ISA
// GEMM entry points and the kernels the binding calls. Every kernel takes raw float pointers
// and explicit dims, like the TypeScript reference it is tested against.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <math.h>

namespace tegaki {

// Elementwise activations, in the binding's numbering (ELEMENTWISE_ACTIVATIONS in backend.ts).
// ELU, LEAKY_RELU, THRESHOLDED_RELU and CLIPPED_RELU take a parameter (NaN: the default).
enum Act {
  ACT_LINEAR, ACT_RELU, ACT_SIGMOID, ACT_TANH, ACT_ELU, ACT_SELU, ACT_RELU6, ACT_SOFTPLUS, ACT_SOFTSIGN,
  ACT_HARD_SIGMOID, ACT_SWISH, ACT_GELU, ACT_MISH, ACT_LEAKY_RELU, ACT_THRESHOLDED_RELU, ACT_CLIPPED_RELU,
  ACT_COUNT
};

// ---- thread pool (threads.cc) ----
// fn(ctx, task, thread) runs once for every task in [0, ntasks); thread is in [0, threads()).
// Which thread runs which task is not fixed, so a task must not depend on it except to pick
// its own scratch slot.
typedef void (*TaskFn)(void* ctx, int task, int thread);
void pool_run(TaskFn fn, void* ctx, int ntasks);
int pool_threads();
void pool_set_threads(int n);  // n <= 0: one per online core

// Split [0, n) into pool_threads() contiguous chunks and call fn(ctx, begin, end) on each.
// Below `grain` items per chunk the work stays on the calling thread (a dispatch costs ~µs).
typedef void (*RangeFn)(void* ctx, long begin, long end);
void parallel_for(long n, long grain, RangeFn fn, void* ctx);

// ---- scratch (threads.cc) ----
// Grow-only, 64-byte aligned, contents not preserved. slot identifies the purpose; thread is
// the pool thread that owns it (0 on the calling thread), so threads never share a buffer.
enum ScratchSlot { SCRATCH_PACK_A, SCRATCH_PACK_B, SCRATCH_COLS, SCRATCH_PARTIALS, SCRATCH_SLOTS };
float* scratch(int slot, int thread, size_t floats);

// out[0, size) = Σ_t partials[t, 0, size) over t in [0, chunks), in chunk order: the reduction
// that keeps a sum split over fixed chunks independent of the thread count.
void sum_chunks(float* out, const float* partials, long chunks, long size);

struct ConvGeom;

// ---- GEMM (gemm_*.cc, one per instruction set; cpu.cc picks one) ----
// C[m,n] (row stride ldc) = or += op(A)[m,k] · op(B)[k,n].
// A is [m,k] (lda) or, when transA, [k,m] (lda); B is [k,n] (ldb) or, when transB, [n,k] (ldb).
// With conv set, A is the im2col matrix of the image batch a (never materialized: the packing
// gathers it from a with conv_patch), [pixels, patch] or, when transA, read as its transpose.
struct GemmArgs {
  float* c;
  const float* a;
  const float* b;
  long m, n, k;
  long lda, ldb, ldc;
  bool transA, transB, accumulate;
  const ConvGeom* conv = nullptr;
};
typedef void (*GemmFn)(const GemmArgs& g);

// ---- the kernels built once per instruction set (simd_*.cc; cpu.cc picks one table) ----
// A patch this small goes through the direct conv instead of the GEMM (see conv_direct_impl.h).
const long kDirectPatch = 32;
typedef void (*ConvForwardFn)(float* y, const float* x, const float* w, const float* bias, const ConvGeom& g, bool relu);
typedef void (*ConvFilterFn)(float* dw, const float* x, const float* dy, const ConvGeom& g);
// One optimizer update: param, its gradient and slots (null when unused), and the settings;
// a, b are momentum / rho / beta1, beta2; c1, c2 Adam's bias corrections (Nadam's moment and
// gradient scales, with c3 its second-moment correction); weight decay's rate is lr.
struct OptimizerUpdate {
  float* param;
  const float* grad;
  float* slot1;
  float* slot2;
  double lr, a, b, epsilon, c1, c2;
  bool nesterov;
  double c3;
};
struct SimdKernels {
  GemmFn gemm;
  ConvForwardFn conv_direct_forward;
  ConvFilterFn conv_direct_backward_filter;
  // over a range of parameters, ctx an OptimizerUpdate (optimizers_impl.h)
  RangeFn sgd, rmsprop, adam, nadam, weight_decay;
};
extern const SimdKernels simd_portable, simd_avx2, simd_avx512;

// ---- CPU dispatch (cpu.cc) ----
enum CpuPath { CPU_PORTABLE = 0, CPU_AVX2 = 1, CPU_AVX512 = 2 };
bool cpu_path_supported(CpuPath p);
CpuPath cpu_path();
bool cpu_set_path(CpuPath p);  // false when this machine cannot run it
const char* cpu_path_name(CpuPath p);
const SimdKernels& simd();  // the selected path's kernels
inline void gemm(const GemmArgs& g) { simd().gemm(g); }

// ---- conv (conv.cc) ----
// Tap (ky, kx) of output (oy, ox) reads x at (oy·strideH − padTop + ky·dilationH,
// ox·strideW − padLeft + kx·dilationW); dilation 1 is the ordinary convolution.
struct ConvGeom {
  long batch, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, padTop, padLeft, dilationH, dilationW;
};
// out[0, len) = im2col row `pixel`, columns [q0, q0 + len): the patch values it multiplies.
void conv_patch(const ConvGeom& g, const float* x, long pixel, long q0, long len, float* out);
void conv2d_forward(float* y, const float* x, const float* w, const float* bias, const ConvGeom& g, Act act);
void conv2d_backward_input(float* dx, const float* dy, const float* w, const ConvGeom& g);
void conv2d_backward_filter(float* dw, const float* x, const float* dy, const ConvGeom& g);

// ---- depthwise conv (depthwise.cc) ----
// g.outC = g.inC · m; w is [kH, kW, inC, m]; output channel c·m + j reads input channel c.
void depthwise_forward(float* y, const float* x, const float* w, const float* bias, const ConvGeom& g, Act act);
void depthwise_backward_input(float* dx, const float* dy, const float* w, const ConvGeom& g);
void depthwise_backward_filter(float* dw, const float* x, const float* dy, const ConvGeom& g);

// ---- max pool (maxpool.cc) ----
struct PoolGeom {
  long batch, inH, inW, channels, outH, outW, poolH, poolW, strideH, strideW, padTop, padLeft;
};
void maxpool_forward(float* y, int32_t* argmax, const float* x, const PoolGeom& g);
void maxpool_backward(float* dx, const float* dy, const int32_t* argmax, const PoolGeom& g, long dxLength);

// ---- average pool (avgpool.cc): the mean over each window's positions inside x ----
void avgpool_forward(float* y, const float* x, const PoolGeom& g);
void avgpool_backward(float* dx, const float* dy, const PoolGeom& g);

// ---- elementwise (elementwise.cc) ----
void bias_activation(float* y, const float* bias, long rows, long cols, Act act, double param = NAN);
void bias_grad(float* db, const float* dy, long rows, long cols);
// dz = dy·act'(saved) with saved = y, or x for the activations that need it (activationNeedsInput
// in backend.ts); dz may alias dy, db = Σ_rows dz; db may be null.
void bias_activation_backward(float* dz, float* db, const float* dy, const float* y, long rows, long cols, Act act, double param = NAN);
// out[i·n + j] = bytes[indices[i]·n + j] · scale, for count samples of n = sampleSize bytes.
void gather_bytes(float* out, const uint8_t* bytes, const int32_t* indices, long count, long sampleSize, double scale);
void activation_forward(float* y, const float* x, long n, Act act, double param = NAN);
void activation_backward(float* dx, const float* dy, const float* y, long n, Act act, double param = NAN);
void softmax_forward(float* y, const float* x, long rows, long cols);
void softmax_backward(float* dx, const float* dy, const float* y, long rows, long cols);
void multiply(float* y, const float* a, const float* b, long n);

// ---- PReLU (prelu.cc) ----
// y = x > 0 ? x : alpha·x with x, y [rows, size] and alpha [size]
void prelu_forward(float* y, const float* x, const float* alpha, long rows, long size);
// dx (null: skipped; may alias dy) and dalpha = Σ_rows (x > 0 ? 0 : x·dy), overwritten
void prelu_backward(float* dx, float* dalpha, const float* dy, const float* x, const float* alpha, long rows, long size);
// ---- image augmentation (augment.cc) ----
// x is [batch, inH, inW, channels], y [batch, outH, outW, channels]; transforms [batch, 8] map an
// output pixel to where it reads (ImageProjectiveTransformV3).
struct WarpGeom {
  long batch, inH, inW, channels, outH, outW;
};
enum WarpFill { FILL_CONSTANT = 0, FILL_REFLECT = 1, FILL_WRAP = 2, FILL_NEAREST = 3 };
void affine_transform(float* y, const float* x, const float* transforms, const WarpGeom& g, bool nearest, WarpFill mode, float fillValue);
void affine_transform_backward(float* dx, const float* dy, const float* transforms, const WarpGeom& g, bool nearest, WarpFill mode);
// x, y are [batch, pixels, channels]; contrast and delta [batch] or null.
struct ColorGeom {
  long batch, pixels, channels;
};
void adjust_color(float* y, const float* x, const float* contrast, const float* delta, const ColorGeom& g, float low, float high);
void adjust_color_backward(float* dx, const float* dy, const float* x, const float* contrast, const float* delta, const ColorGeom& g, float low, float high);

// ---- losses (losses.cc) ----
// labels: class indices [rows] when sparse, else targets [rows, cols].
// Labels of a loss: class indices [rows] when sparse, else targets [rows, cols]; per-row weights
// (null: all 1) and Keras' label smoothing.
struct LossLabels {
  const float* data;
  bool sparse;
  const float* weights;
  double smoothing;
};
double softmax_cross_entropy(float* grad, const float* logits, const LossLabels& labels, long rows, long cols, double gradScale);
double cross_entropy(float* grad, const float* probs, const LossLabels& labels, long rows, long cols, double gradScale);
double binary_cross_entropy(float* grad, const float* pred, const LossLabels& labels, long rows, long cols, bool fromLogits, double gradScale);
double mean_squared_error(float* grad, const float* pred, const LossLabels& labels, long rows, long cols, double gradScale);
long count_correct(const float* pred, const float* labels, bool sparse, long rows, long cols);

// ---- optimizers (optimizers.cc) ----
void sgd_update(float* param, const float* grad, float* velocity, long n, double lr, double momentum, bool nesterov);
void rmsprop_update(float* param, const float* grad, float* ms, long n, double lr, double rho, double epsilon);
void adam_update(float* param, const float* grad, float* m, float* v, long n, double lr, double beta1, double beta2, double epsilon, double step);
void nadam_update(float* param, const float* grad, float* m, float* v, long n, double lr, double beta1, double beta2, double epsilon, double moment_scale, double grad_scale, double unbias2);
void weight_decay(float* param, long n, double rate);

// ---- batch and layer normalization (normalization.cc) ----
// x is [outer, channels, inner]; statistics per channel over outer and inner; gamma, beta may be null.
void batchnorm_statistics(float* mean, float* variance, const float* x, long outer, long channels, long inner);
void batchnorm_forward(float* y, const float* x, const float* mean, const float* variance, const float* gamma, const float* beta, double epsilon, long outer, long channels, long inner);
// dx may be null (only dgamma, dbeta); dgamma, dbeta may be null.
void batchnorm_backward(float* dx, float* dgamma, float* dbeta, const float* dy, const float* x, const float* mean, const float* variance, const float* gamma, double epsilon, long outer, long channels, long inner, bool batchStatistics);
// Layer normalization: x is [rows, cols], each row normalized over its cols; mean, variance per row.
void layernorm_forward(float* y, float* mean, float* variance, const float* x, const float* gamma, const float* beta, double epsilon, long rows, long cols);
void layernorm_backward(float* dx, float* dgamma, float* dbeta, const float* dy, const float* x, const float* mean, const float* variance, const float* gamma, double epsilon, long rows, long cols);

}  // namespace tegaki
