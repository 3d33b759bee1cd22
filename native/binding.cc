// The N-API binding: unwraps typed arrays (zero-copy: N-API hands out the view's own memory,
// already offset by byteOffset), checks every length against the dims so no kernel can write
// past a view, and calls the kernel. Arguments are positional numbers, not objects, to keep
// the per-call cost of small kernels near a microsecond.
#ifndef NAPI_DISABLE_CPP_EXCEPTIONS
#define NAPI_DISABLE_CPP_EXCEPTIONS
#endif
#include <napi.h>

#include <initializer_list>
#include <mutex>
#include <string>

#include "tegaki.h"

using namespace tegaki;

namespace {

// A failed check has already thrown into JavaScript; the caller just returns.
struct Args {
  const Napi::CallbackInfo& info;
  napi_env env;
  bool ok = true;
  explicit Args(const Napi::CallbackInfo& i) : info(i), env(i.Env()) {}

  void fail(const std::string& message) {
    if (ok) Napi::RangeError::New(env, "tegaki native: " + message).ThrowAsJavaScriptException();
    ok = false;
  }

  template <typename T>
  T* array(size_t i, napi_typedarray_type want, size_t& length, const char* name, bool nullable) {
    length = 0;
    if (!ok) return nullptr;
    napi_value v = info[i];
    if (nullable) {
      napi_valuetype t;
      napi_typeof(env, v, &t);
      if (t == napi_null || t == napi_undefined) return nullptr;
    }
    napi_typedarray_type type;
    void* data = nullptr;
    if (napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok || type != want) {
      fail(std::string(name) + (want == napi_int32_array ? " must be an Int32Array" : want == napi_uint8_array ? " must be a Uint8Array" : " must be a Float32Array"));
      return nullptr;
    }
    return (T*)data;
  }

  float* f32(size_t i, const char* name, size_t need, bool nullable = false) {
    size_t length;
    float* p = array<float>(i, napi_float32_array, length, name, nullable);
    if (ok && (p || !nullable) && length < need) fail(std::string(name) + " has " + std::to_string(length) + " elements, needs " + std::to_string(need));
    return p;
  }
  // A Float32Array whose own length sets the element count.
  float* f32len(size_t i, const char* name, size_t& length) { return array<float>(i, napi_float32_array, length, name, false); }
  int32_t* i32(size_t i, const char* name, size_t need) {
    size_t length;
    int32_t* p = array<int32_t>(i, napi_int32_array, length, name, false);
    if (ok && length < need) fail(std::string(name) + " has " + std::to_string(length) + " elements, needs " + std::to_string(need));
    return p;
  }

  // A Uint8Array whose own length is returned.
  const uint8_t* u8len(size_t i, const char* name, size_t& length) { return array<uint8_t>(i, napi_uint8_array, length, name, false); }

  // The product of sizes, or a failure when it would pass 2^48 elements: no typed array is that
  // large, and checking the product (not each factor) is what keeps lengths from wrapping around.
  long count(std::initializer_list<long> sizes, const char* what) {
    if (!ok) return 0;
    const long limit = 1L << 48;
    long n = 1;
    for (long d : sizes) {
      if (d < 0 || (d != 0 && n > limit / d)) {
        fail(std::string(what) + " is too large");
        return 0;
      }
      n *= d;
    }
    return n;
  }

  long dim(size_t i, const char* name, long min = 0) {
    if (!ok) return 0;
    int64_t v = 0;
    if (napi_get_value_int64(env, info[i], &v) != napi_ok || v < min || v > (int64_t)1 << 40) {
      fail(std::string(name) + " must be an integer >= " + std::to_string(min));
      return 0;
    }
    return (long)v;
  }
  double num(size_t i) {
    double v = 0;
    if (ok && napi_get_value_double(env, info[i], &v) != napi_ok) fail("expected a number");
    return v;
  }
  bool flag(size_t i) {
    bool v = false;
    if (ok) napi_get_value_bool(env, info[i], &v);
    return v;
  }
  Act act(size_t i) {
    long a = dim(i, "activation");
    if (ok && a >= ACT_COUNT) fail("unknown activation code " + std::to_string(a));
    return (Act)a;
  }
};

Napi::Value Matmul(const Napi::CallbackInfo& info) {
  Args in(info);
  long m = in.dim(3, "m"), n = in.dim(4, "n"), k = in.dim(5, "k");
  bool transA = in.flag(6), transB = in.flag(7), accumulate = in.flag(8);
  long mn = in.count({m, n}, "m*n"), mk = in.count({m, k}, "m*k"), kn = in.count({k, n}, "k*n");
  float* c = in.f32(0, "c", mn);
  const float* a = in.f32(1, "a", mk);
  const float* b = in.f32(2, "b", kn);
  if (in.ok) gemm({c, a, b, m, n, k, transA ? m : k, transB ? k : n, n, transA, transB, accumulate});
  return info.Env().Undefined();
}

// Geometry arrives as 15 numbers from index `at`, in ConvGeometry field order.
bool conv_geom(Args& in, size_t at, ConvGeom& g) {
  g.batch = in.dim(at, "batch");
  g.inH = in.dim(at + 1, "inH");
  g.inW = in.dim(at + 2, "inW");
  g.inC = in.dim(at + 3, "inC", 1);
  g.outH = in.dim(at + 4, "outH");
  g.outW = in.dim(at + 5, "outW");
  g.outC = in.dim(at + 6, "outC", 1);
  g.kH = in.dim(at + 7, "kH", 1);
  g.kW = in.dim(at + 8, "kW", 1);
  g.strideH = in.dim(at + 9, "strideH", 1);
  g.strideW = in.dim(at + 10, "strideW", 1);
  g.padTop = in.dim(at + 11, "padTop");
  g.padLeft = in.dim(at + 12, "padLeft");
  g.dilationH = in.dim(at + 13, "dilationH", 1);
  g.dilationW = in.dim(at + 14, "dilationW", 1);
  // the kernels also index patches (kH*kW*inC) and padded rows as far as the dilated filter
  // reaches (kH*dilationH bounds it); all of them must fit
  in.count({g.batch, g.inH, g.inW, g.inC}, "conv geometry");
  in.count({g.batch, g.outH, g.outW, g.outC}, "conv geometry");
  in.count({g.kH, g.kW, g.inC, g.outC}, "conv geometry");
  in.count({g.batch, g.outH, g.outW, g.kH, g.kW, g.inC}, "conv geometry");
  long reachH = in.count({g.kH, g.dilationH}, "conv geometry"), reachW = in.count({g.kW, g.dilationW}, "conv geometry");
  in.count({g.inH + g.padTop + reachH, g.inW + g.padLeft + reachW, g.strideH, g.strideW}, "conv geometry");
  return in.ok;
}

long x_size(const ConvGeom& g) { return g.batch * g.inH * g.inW * g.inC; }
long y_size(const ConvGeom& g) { return g.batch * g.outH * g.outW * g.outC; }
long w_size(const ConvGeom& g) { return g.kH * g.kW * g.inC * g.outC; }

Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  Args in(info);
  ConvGeom g;
  Act act = in.act(4);
  if (!conv_geom(in, 5, g)) return info.Env().Undefined();
  float* y = in.f32(0, "y", y_size(g));
  const float* x = in.f32(1, "x", x_size(g));
  const float* w = in.f32(2, "w", w_size(g));
  const float* bias = in.f32(3, "bias", g.outC, true);
  if (in.ok) conv2d_forward(y, x, w, bias, g, act);
  return info.Env().Undefined();
}

Napi::Value Conv2dBackwardInput(const Napi::CallbackInfo& info) {
  Args in(info);
  ConvGeom g;
  if (!conv_geom(in, 3, g)) return info.Env().Undefined();
  float* dx = in.f32(0, "dx", x_size(g));
  const float* dy = in.f32(1, "dy", y_size(g));
  const float* w = in.f32(2, "w", w_size(g));
  if (in.ok) conv2d_backward_input(dx, dy, w, g);
  return info.Env().Undefined();
}

Napi::Value Conv2dBackwardFilter(const Napi::CallbackInfo& info) {
  Args in(info);
  ConvGeom g;
  if (!conv_geom(in, 3, g)) return info.Env().Undefined();
  float* dw = in.f32(0, "dw", w_size(g));
  const float* x = in.f32(1, "x", x_size(g));
  const float* dy = in.f32(2, "dy", y_size(g));
  if (in.ok) conv2d_backward_filter(dw, x, dy, g);
  return info.Env().Undefined();
}

// 12 numbers in PoolGeometry field order.
bool pool_geom(Args& in, size_t at, PoolGeom& g) {
  g.batch = in.dim(at, "batch");
  g.inH = in.dim(at + 1, "inH");
  g.inW = in.dim(at + 2, "inW");
  g.channels = in.dim(at + 3, "channels");
  g.outH = in.dim(at + 4, "outH");
  g.outW = in.dim(at + 5, "outW");
  g.poolH = in.dim(at + 6, "poolH", 1);
  g.poolW = in.dim(at + 7, "poolW", 1);
  g.strideH = in.dim(at + 8, "strideH", 1);
  g.strideW = in.dim(at + 9, "strideW", 1);
  g.padTop = in.dim(at + 10, "padTop");
  g.padLeft = in.dim(at + 11, "padLeft");
  long inputs = in.count({g.batch, g.inH, g.inW, g.channels}, "pool geometry");
  in.count({g.batch, g.outH, g.outW, g.channels}, "pool geometry");
  in.count({g.inH + g.padTop + g.poolH, g.inW + g.padLeft + g.poolW, g.strideH, g.strideW}, "pool geometry");
  if (in.ok && inputs > INT32_MAX) in.fail("input too large for Int32 argmax");
  return in.ok;
}

Napi::Value MaxPool(const Napi::CallbackInfo& info) {
  Args in(info);
  PoolGeom g;
  if (!pool_geom(in, 3, g)) return info.Env().Undefined();
  long out = g.batch * g.outH * g.outW * g.channels;  // checked by pool_geom
  float* y = in.f32(0, "y", out);
  int32_t* argmax = in.i32(1, "argmax", out);
  const float* x = in.f32(2, "x", g.batch * g.inH * g.inW * g.channels);
  if (in.ok) maxpool_forward(y, argmax, x, g);
  return info.Env().Undefined();
}

Napi::Value MaxPoolBackward(const Napi::CallbackInfo& info) {
  Args in(info);
  PoolGeom g;
  if (!pool_geom(in, 3, g)) return info.Env().Undefined();
  long out = g.batch * g.outH * g.outW * g.channels;  // checked by pool_geom
  size_t dxLength;
  float* dx = in.f32len(0, "dx", dxLength);
  if (in.ok && (long)dxLength < g.batch * g.inH * g.inW * g.channels) in.fail("dx is shorter than the pool input");
  const float* dy = in.f32(1, "dy", out);
  const int32_t* argmax = in.i32(2, "argmax", out);
  if (in.ok) maxpool_backward(dx, dy, argmax, g, (long)dxLength);
  return info.Env().Undefined();
}

// Depthwise geometry: a conv geometry whose outC is a multiple of inC (the depth multiplier).
bool depthwise_geom(Args& in, size_t at, ConvGeom& g) {
  if (conv_geom(in, at, g) && g.outC % g.inC != 0) in.fail("outC must be a multiple of inC");
  return in.ok;
}
long depthwise_w_size(const ConvGeom& g) { return g.kH * g.kW * g.outC; }

Napi::Value DepthwiseConv2d(const Napi::CallbackInfo& info) {
  Args in(info);
  ConvGeom g;
  Act act = in.act(4);
  if (!depthwise_geom(in, 5, g)) return info.Env().Undefined();
  float* y = in.f32(0, "y", y_size(g));
  const float* x = in.f32(1, "x", x_size(g));
  const float* w = in.f32(2, "w", depthwise_w_size(g));
  const float* bias = in.f32(3, "bias", g.outC, true);
  if (in.ok) depthwise_forward(y, x, w, bias, g, act);
  return info.Env().Undefined();
}

Napi::Value DepthwiseConv2dBackwardInput(const Napi::CallbackInfo& info) {
  Args in(info);
  ConvGeom g;
  if (!depthwise_geom(in, 3, g)) return info.Env().Undefined();
  float* dx = in.f32(0, "dx", x_size(g));
  const float* dy = in.f32(1, "dy", y_size(g));
  const float* w = in.f32(2, "w", depthwise_w_size(g));
  if (in.ok) depthwise_backward_input(dx, dy, w, g);
  return info.Env().Undefined();
}

Napi::Value DepthwiseConv2dBackwardFilter(const Napi::CallbackInfo& info) {
  Args in(info);
  ConvGeom g;
  if (!depthwise_geom(in, 3, g)) return info.Env().Undefined();
  float* dw = in.f32(0, "dw", depthwise_w_size(g));
  const float* x = in.f32(1, "x", x_size(g));
  const float* dy = in.f32(2, "dy", y_size(g));
  if (in.ok) depthwise_backward_filter(dw, x, dy, g);
  return info.Env().Undefined();
}

Napi::Value AvgPool(const Napi::CallbackInfo& info) {
  Args in(info);
  PoolGeom g;
  if (!pool_geom(in, 2, g)) return info.Env().Undefined();
  float* y = in.f32(0, "y", g.batch * g.outH * g.outW * g.channels);
  const float* x = in.f32(1, "x", g.batch * g.inH * g.inW * g.channels);
  if (in.ok) avgpool_forward(y, x, g);
  return info.Env().Undefined();
}

Napi::Value AvgPoolBackward(const Napi::CallbackInfo& info) {
  Args in(info);
  PoolGeom g;
  if (!pool_geom(in, 2, g)) return info.Env().Undefined();
  float* dx = in.f32(0, "dx", g.batch * g.inH * g.inW * g.channels);
  const float* dy = in.f32(1, "dy", g.batch * g.outH * g.outW * g.channels);
  if (in.ok) avgpool_backward(dx, dy, g);
  return info.Env().Undefined();
}

Napi::Value BiasActivation(const Napi::CallbackInfo& info) {
  Args in(info);
  long rows = in.dim(2, "rows"), cols = in.dim(3, "cols");
  Act act = in.act(4);
  long size = in.count({rows, cols}, "rows*cols");
  float* y = in.f32(0, "y", size);
  const float* bias = in.f32(1, "bias", cols, true);
  double param = in.num(5);
  if (in.ok) bias_activation(y, bias, rows, cols, act, param);
  return info.Env().Undefined();
}

Napi::Value BiasGrad(const Napi::CallbackInfo& info) {
  Args in(info);
  long rows = in.dim(2, "rows"), cols = in.dim(3, "cols");
  long size = in.count({rows, cols}, "rows*cols");
  float* db = in.f32(0, "db", cols);
  const float* dy = in.f32(1, "dy", size);
  if (in.ok) bias_grad(db, dy, rows, cols);
  return info.Env().Undefined();
}

Napi::Value BiasActivationBackward(const Napi::CallbackInfo& info) {
  Args in(info);
  long rows = in.dim(4, "rows"), cols = in.dim(5, "cols");
  Act act = in.act(6);
  long size = in.count({rows, cols}, "rows*cols");
  float* dz = in.f32(0, "dz", size);
  float* db = in.f32(1, "db", cols, true);
  const float* dy = in.f32(2, "dy", size);
  const float* y = in.f32(3, "y", size);
  double param = in.num(7);
  if (in.ok) bias_activation_backward(dz, db, dy, y, rows, cols, act, param);
  return info.Env().Undefined();
}

Napi::Value GatherBytes(const Napi::CallbackInfo& info) {
  Args in(info);
  size_t byteCount, count;
  long sampleSize = in.dim(3, "sampleSize");
  double scale = in.num(4);
  const uint8_t* bytes = in.u8len(1, "bytes", byteCount);
  const int32_t* indices = in.array<int32_t>(2, napi_int32_array, count, "indices", false);
  float* out = in.f32(0, "out", in.count({(long)count, sampleSize}, "indices*sampleSize"));
  if (!in.ok) return info.Env().Undefined();
  const long samples = sampleSize > 0 ? (long)byteCount / sampleSize : 0;
  for (size_t i = 0; i < count; i++) {
    if (indices[i] < 0 || indices[i] >= samples) {
      in.fail("index " + std::to_string(indices[i]) + " is outside the " + std::to_string(samples) + " samples");
      return info.Env().Undefined();
    }
  }
  gather_bytes(out, bytes, indices, (long)count, sampleSize, scale);
  return info.Env().Undefined();
}

Napi::Value Activation(const Napi::CallbackInfo& info) {
  Args in(info);
  size_t n;
  const float* x = in.f32len(1, "x", n);
  float* y = in.f32(0, "y", n);
  Act act = in.act(2);
  double param = in.num(3);
  if (in.ok) activation_forward(y, x, (long)n, act, param);
  return info.Env().Undefined();
}

Napi::Value ActivationBackward(const Napi::CallbackInfo& info) {
  Args in(info);
  size_t n;
  const float* dy = in.f32len(1, "dy", n);
  float* dx = in.f32(0, "dx", n);
  const float* y = in.f32(2, "y", n);
  Act act = in.act(3);
  double param = in.num(4);
  if (in.ok) activation_backward(dx, dy, y, (long)n, act, param);
  return info.Env().Undefined();
}

Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Args in(info);
  long rows = in.dim(2, "rows"), cols = in.dim(3, "cols");
  long size = in.count({rows, cols}, "rows*cols");
  float* y = in.f32(0, "y", size);
  const float* x = in.f32(1, "x", size);
  if (in.ok) softmax_forward(y, x, rows, cols);
  return info.Env().Undefined();
}

Napi::Value SoftmaxBackward(const Napi::CallbackInfo& info) {
  Args in(info);
  long rows = in.dim(3, "rows"), cols = in.dim(4, "cols");
  long size = in.count({rows, cols}, "rows*cols");
  float* dx = in.f32(0, "dx", size);
  const float* dy = in.f32(1, "dy", size);
  const float* y = in.f32(2, "y", size);
  if (in.ok) softmax_backward(dx, dy, y, rows, cols);
  return info.Env().Undefined();
}

Napi::Value Multiply(const Napi::CallbackInfo& info) {
  Args in(info);
  size_t n;
  const float* a = in.f32len(1, "a", n);
  float* y = in.f32(0, "y", n);
  const float* b = in.f32(2, "b", n);
  if (in.ok) multiply(y, a, b, (long)n);
  return info.Env().Undefined();
}

// (y, x, alpha, size): rows = x.length / size
Napi::Value Prelu(const Napi::CallbackInfo& info) {
  Args in(info);
  size_t n;
  long size = in.dim(3, "size");
  const float* x = in.f32len(1, "x", n);
  float* y = in.f32(0, "y", n);
  const float* alpha = in.f32(2, "alpha", size);
  if (in.ok && size > 0 && n % size != 0) in.fail("x's length is not a multiple of size");
  if (in.ok && size > 0) prelu_forward(y, x, alpha, (long)n / size, size);
  return info.Env().Undefined();
}

// (dx | null, dalpha, dy, x, alpha, size)
Napi::Value PreluBackward(const Napi::CallbackInfo& info) {
  Args in(info);
  size_t n;
  long size = in.dim(5, "size");
  const float* dy = in.f32len(2, "dy", n);
  float* dx = in.f32(0, "dx", n, true);
  float* dalpha = in.f32(1, "dalpha", size);
  const float* x = in.f32(3, "x", n);
  const float* alpha = in.f32(4, "alpha", size);
  if (in.ok && size > 0 && n % size != 0) in.fail("dy's length is not a multiple of size");
  if (in.ok && size > 0) prelu_backward(dx, dalpha, dy, x, alpha, (long)n / size, size);
  return info.Env().Undefined();
}

typedef double (*LossFn)(float*, const float*, const LossLabels&, long, long, double);

// (grad | null, input, labels, sparse, rows, cols, gradScale, weights | null, smoothing[, fromLogits]) → summed loss
Napi::Value Loss(const Napi::CallbackInfo& info, LossFn fn, bool binary = false) {
  Args in(info);
  bool sparse = in.flag(3);
  long rows = in.dim(4, "rows"), cols = in.dim(5, "cols");
  double scale = in.num(6);
  long size = in.count({rows, cols}, "rows*cols");
  float* grad = in.f32(0, "grad", size, true);
  const float* input = in.f32(1, "predictions", size);
  const float* labels = in.f32(2, "labels", sparse ? rows : size);
  const float* weights = in.f32(7, "weights", rows, true);
  double smoothing = in.num(8);
  bool fromLogits = binary && in.flag(9);
  if (!in.ok) return info.Env().Undefined();
  LossLabels l = {labels, sparse, weights, smoothing};
  double total = binary ? binary_cross_entropy(grad, input, l, rows, cols, fromLogits, scale) : fn(grad, input, l, rows, cols, scale);
  return Napi::Number::New(info.Env(), total);
}
Napi::Value SoftmaxCrossEntropy(const Napi::CallbackInfo& info) { return Loss(info, softmax_cross_entropy); }
Napi::Value CrossEntropy(const Napi::CallbackInfo& info) { return Loss(info, cross_entropy); }
Napi::Value BinaryCrossEntropy(const Napi::CallbackInfo& info) { return Loss(info, nullptr, true); }
Napi::Value MeanSquaredError(const Napi::CallbackInfo& info) { return Loss(info, mean_squared_error); }

Napi::Value CountCorrect(const Napi::CallbackInfo& info) {
  Args in(info);
  bool sparse = in.flag(2);
  long rows = in.dim(3, "rows"), cols = in.dim(4, "cols");
  long size = in.count({rows, cols}, "rows*cols");
  const float* pred = in.f32(0, "predictions", size);
  const float* labels = in.f32(1, "labels", sparse || cols == 1 ? rows : size);
  if (!in.ok) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), (double)count_correct(pred, labels, sparse, rows, cols));
}

Napi::Value SgdUpdate(const Napi::CallbackInfo& info) {
  Args in(info);
  size_t n;
  float* param = in.f32len(0, "param", n);
  const float* grad = in.f32(1, "grad", n);
  float* velocity = in.f32(2, "velocity", n, true);
  double lr = in.num(3), momentum = in.num(4);
  bool nesterov = in.flag(5);
  if (in.ok) sgd_update(param, grad, velocity, (long)n, lr, momentum, nesterov);
  return info.Env().Undefined();
}

Napi::Value RmspropUpdate(const Napi::CallbackInfo& info) {
  Args in(info);
  size_t n;
  float* param = in.f32len(0, "param", n);
  const float* grad = in.f32(1, "grad", n);
  float* ms = in.f32(2, "meanSquare", n);
  double lr = in.num(3), rho = in.num(4), eps = in.num(5);
  if (in.ok) rmsprop_update(param, grad, ms, (long)n, lr, rho, eps);
  return info.Env().Undefined();
}

Napi::Value AdamUpdate(const Napi::CallbackInfo& info) {
  Args in(info);
  size_t n;
  float* param = in.f32len(0, "param", n);
  const float* grad = in.f32(1, "grad", n);
  float* m = in.f32(2, "m", n);
  float* v = in.f32(3, "v", n);
  double lr = in.num(4), b1 = in.num(5), b2 = in.num(6), eps = in.num(7), step = in.num(8);
  if (in.ok) adam_update(param, grad, m, v, (long)n, lr, b1, b2, eps, step);
  return info.Env().Undefined();
}

Napi::Value NadamUpdate(const Napi::CallbackInfo& info) {
  Args in(info);
  size_t n;
  float* param = in.f32len(0, "param", n);
  const float* grad = in.f32(1, "grad", n);
  float* m = in.f32(2, "m", n);
  float* v = in.f32(3, "v", n);
  double lr = in.num(4), b1 = in.num(5), b2 = in.num(6), eps = in.num(7), moment_scale = in.num(8), grad_scale = in.num(9), unbias2 = in.num(10);
  if (in.ok) nadam_update(param, grad, m, v, (long)n, lr, b1, b2, eps, moment_scale, grad_scale, unbias2);
  return info.Env().Undefined();
}

Napi::Value WeightDecay(const Napi::CallbackInfo& info) {
  Args in(info);
  size_t n;
  float* param = in.f32len(0, "param", n);
  double rate = in.num(1);
  if (in.ok) weight_decay(param, (long)n, rate);
  return info.Env().Undefined();
}

// ---- image augmentation ----

// 6 numbers in WarpGeometry field order.
bool warp_geom(Args& in, size_t at, WarpGeom& g) {
  g.batch = in.dim(at, "batch");
  g.inH = in.dim(at + 1, "inH", 1);
  g.inW = in.dim(at + 2, "inW", 1);
  g.channels = in.dim(at + 3, "channels", 1);
  g.outH = in.dim(at + 4, "outH");
  g.outW = in.dim(at + 5, "outW");
  in.count({g.batch, g.inH, g.inW, g.channels}, "warp geometry");
  in.count({g.batch, g.outH, g.outW, g.channels}, "warp geometry");
  return in.ok;
}

WarpFill warp_fill(Args& in, size_t i) {
  long m = in.dim(i, "fillMode");
  if (in.ok && m > FILL_NEAREST) in.fail("unknown fill mode code " + std::to_string(m));
  return (WarpFill)m;
}

// (y, x, transforms, nearest, fillMode, fillValue, ...geometry)
Napi::Value AffineTransform(const Napi::CallbackInfo& info) {
  Args in(info);
  WarpGeom g;
  bool nearest = in.flag(3);
  WarpFill mode = warp_fill(in, 4);
  double fillValue = in.num(5);
  if (!warp_geom(in, 6, g)) return info.Env().Undefined();
  float* y = in.f32(0, "y", g.batch * g.outH * g.outW * g.channels);
  const float* x = in.f32(1, "x", g.batch * g.inH * g.inW * g.channels);
  const float* t = in.f32(2, "transforms", in.count({g.batch, 8}, "transforms"));
  if (in.ok) affine_transform(y, x, t, g, nearest, mode, (float)fillValue);
  return info.Env().Undefined();
}

// (dx, dy, transforms, nearest, fillMode, ...geometry)
Napi::Value AffineTransformBackward(const Napi::CallbackInfo& info) {
  Args in(info);
  WarpGeom g;
  bool nearest = in.flag(3);
  WarpFill mode = warp_fill(in, 4);
  if (!warp_geom(in, 5, g)) return info.Env().Undefined();
  float* dx = in.f32(0, "dx", g.batch * g.inH * g.inW * g.channels);
  const float* dy = in.f32(1, "dy", g.batch * g.outH * g.outW * g.channels);
  const float* t = in.f32(2, "transforms", in.count({g.batch, 8}, "transforms"));
  if (in.ok) affine_transform_backward(dx, dy, t, g, nearest, mode);
  return info.Env().Undefined();
}

// (out, dy | null, x, contrast | null, delta | null, batch, pixels, channels, low, high)
Napi::Value Color(const Napi::CallbackInfo& info, bool backward) {
  Args in(info);
  ColorGeom g;
  g.batch = in.dim(5, "batch");
  g.pixels = in.dim(6, "pixels", 1);
  g.channels = in.dim(7, "channels", 1);
  double low = in.num(8), high = in.num(9);
  long size = in.count({g.batch, g.pixels, g.channels}, "color geometry");
  float* out = in.f32(0, backward ? "dx" : "y", size);
  const float* dy = backward ? in.f32(1, "dy", size) : nullptr;
  const float* x = in.f32(2, "x", size);
  const float* contrast = in.f32(3, "contrast", g.batch, true);
  const float* delta = in.f32(4, "delta", g.batch, true);
  if (!in.ok) return info.Env().Undefined();
  if (backward) adjust_color_backward(out, dy, x, contrast, delta, g, (float)low, (float)high);
  else adjust_color(out, x, contrast, delta, g, (float)low, (float)high);
  return info.Env().Undefined();
}
Napi::Value AdjustColor(const Napi::CallbackInfo& info) { return Color(info, false); }
Napi::Value AdjustColorBackward(const Napi::CallbackInfo& info) { return Color(info, true); }

// ---- configuration ----

Napi::Value GetThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), pool_threads()); }

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  Args in(info);
  long n = in.dim(0, "threads");
  if (in.ok) pool_set_threads((int)n);
  return Napi::Number::New(info.Env(), pool_threads());
}

Napi::Value CpuPaths(const Napi::CallbackInfo& info) {
  Napi::Array paths = Napi::Array::New(info.Env());
  uint32_t i = 0;
  for (int p = CPU_AVX512; p >= CPU_PORTABLE; p--)
    if (cpu_path_supported((CpuPath)p)) paths.Set(i++, Napi::String::New(info.Env(), cpu_path_name((CpuPath)p)));
  return paths;
}

Napi::Value GetCpuPath(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), cpu_path_name(cpu_path())); }

// Returns false (and changes nothing) when the CPU cannot run the named path.
Napi::Value SetCpuPath(const Napi::CallbackInfo& info) {
  // no coercion: converting an object to a string would run JavaScript under the kernel lock
  if (info.Length() < 1 || !info[0].IsString()) return Napi::Boolean::New(info.Env(), false);
  std::string name = info[0].As<Napi::String>().Utf8Value();
  for (int p = CPU_PORTABLE; p <= CPU_AVX512; p++)
    if (name == cpu_path_name((CpuPath)p)) return Napi::Boolean::New(info.Env(), cpu_set_path((CpuPath)p));
  return Napi::Boolean::New(info.Env(), false);
}

// Batch normalization: x is [outer, channels, inner]; gamma, beta (and dx, dgamma, dbeta) may be null.
Napi::Value BatchNormStatistics(const Napi::CallbackInfo& info) {
  Args in(info);
  long outer = in.dim(3, "outer"), channels = in.dim(4, "channels"), inner = in.dim(5, "inner");
  long size = in.count({outer, channels, inner}, "outer*channels*inner");
  float* mean = in.f32(0, "mean", channels);
  float* variance = in.f32(1, "variance", channels);
  const float* x = in.f32(2, "x", size);
  if (in.ok) batchnorm_statistics(mean, variance, x, outer, channels, inner);
  return info.Env().Undefined();
}

Napi::Value BatchNormForward(const Napi::CallbackInfo& info) {
  Args in(info);
  double epsilon = in.num(6);
  long outer = in.dim(7, "outer"), channels = in.dim(8, "channels"), inner = in.dim(9, "inner");
  long size = in.count({outer, channels, inner}, "outer*channels*inner");
  float* y = in.f32(0, "y", size);
  const float* x = in.f32(1, "x", size);
  const float* mean = in.f32(2, "mean", channels);
  const float* variance = in.f32(3, "variance", channels);
  const float* gamma = in.f32(4, "gamma", channels, true);
  const float* beta = in.f32(5, "beta", channels, true);
  if (in.ok) batchnorm_forward(y, x, mean, variance, gamma, beta, epsilon, outer, channels, inner);
  return info.Env().Undefined();
}

Napi::Value BatchNormBackward(const Napi::CallbackInfo& info) {
  Args in(info);
  double epsilon = in.num(8);
  long outer = in.dim(9, "outer"), channels = in.dim(10, "channels"), inner = in.dim(11, "inner");
  bool batchStatistics = in.flag(12);
  long size = in.count({outer, channels, inner}, "outer*channels*inner");
  float* dx = in.f32(0, "dx", size, true);
  float* dgamma = in.f32(1, "dgamma", channels, true);
  float* dbeta = in.f32(2, "dbeta", channels, true);
  const float* dy = in.f32(3, "dy", size);
  const float* x = in.f32(4, "x", size);
  const float* mean = in.f32(5, "mean", channels);
  const float* variance = in.f32(6, "variance", channels);
  const float* gamma = in.f32(7, "gamma", channels, true);
  if (in.ok) batchnorm_backward(dx, dgamma, dbeta, dy, x, mean, variance, gamma, epsilon, outer, channels, inner, batchStatistics);
  return info.Env().Undefined();
}

// Layer normalization: x is [rows, cols]; gamma, beta (and dx, dgamma, dbeta) may be null.
Napi::Value LayerNormForward(const Napi::CallbackInfo& info) {
  Args in(info);
  double epsilon = in.num(6);
  long rows = in.dim(7, "rows"), cols = in.dim(8, "cols");
  long size = in.count({rows, cols}, "rows*cols");
  float* y = in.f32(0, "y", size);
  float* mean = in.f32(1, "mean", rows);
  float* variance = in.f32(2, "variance", rows);
  const float* x = in.f32(3, "x", size);
  const float* gamma = in.f32(4, "gamma", cols, true);
  const float* beta = in.f32(5, "beta", cols, true);
  if (in.ok) layernorm_forward(y, mean, variance, x, gamma, beta, epsilon, rows, cols);
  return info.Env().Undefined();
}

Napi::Value LayerNormBackward(const Napi::CallbackInfo& info) {
  Args in(info);
  double epsilon = in.num(8);
  long rows = in.dim(9, "rows"), cols = in.dim(10, "cols");
  long size = in.count({rows, cols}, "rows*cols");
  float* dx = in.f32(0, "dx", size, true);
  float* dgamma = in.f32(1, "dgamma", cols, true);
  float* dbeta = in.f32(2, "dbeta", cols, true);
  const float* dy = in.f32(3, "dy", size);
  const float* x = in.f32(4, "x", size);
  const float* mean = in.f32(5, "mean", rows);
  const float* variance = in.f32(6, "variance", rows);
  const float* gamma = in.f32(7, "gamma", cols, true);
  if (in.ok) layernorm_backward(dx, dgamma, dbeta, dy, x, mean, variance, gamma, epsilon, rows, cols);
  return info.Env().Undefined();
}

// The thread pool and scratch memory are shared by the whole process, and JavaScript may call in
// from several threads (the server trains on a worker thread while it predicts on the main one):
// one kernel runs at a time. Kernels last microseconds to milliseconds, so waiting is short.
std::mutex kernel_mutex;

template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value Locked(const Napi::CallbackInfo& info) {
  std::lock_guard<std::mutex> lock(kernel_mutex);
  return F(info);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  struct Entry {
    const char* name;
    Napi::Value (*fn)(const Napi::CallbackInfo&);
  };
  const Entry entries[] = {
      {"matmul", Locked<Matmul>},
      {"conv2d", Locked<Conv2d>},
      {"conv2dBackwardInput", Locked<Conv2dBackwardInput>},
      {"conv2dBackwardFilter", Locked<Conv2dBackwardFilter>},
      {"depthwiseConv2d", Locked<DepthwiseConv2d>},
      {"depthwiseConv2dBackwardInput", Locked<DepthwiseConv2dBackwardInput>},
      {"depthwiseConv2dBackwardFilter", Locked<DepthwiseConv2dBackwardFilter>},
      {"avgPool", Locked<AvgPool>},
      {"avgPoolBackward", Locked<AvgPoolBackward>},
      {"maxPool", Locked<MaxPool>},
      {"maxPoolBackward", Locked<MaxPoolBackward>},
      {"biasActivation", Locked<BiasActivation>},
      {"biasGrad", Locked<BiasGrad>},
      {"biasActivationBackward", Locked<BiasActivationBackward>},
      {"gatherBytes", Locked<GatherBytes>},
      {"activation", Locked<Activation>},
      {"activationBackward", Locked<ActivationBackward>},
      {"softmax", Locked<Softmax>},
      {"softmaxBackward", Locked<SoftmaxBackward>},
      {"multiply", Locked<Multiply>},
      {"prelu", Locked<Prelu>},
      {"preluBackward", Locked<PreluBackward>},
      {"softmaxCrossEntropy", Locked<SoftmaxCrossEntropy>},
      {"crossEntropy", Locked<CrossEntropy>},
      {"binaryCrossEntropy", Locked<BinaryCrossEntropy>},
      {"meanSquaredError", Locked<MeanSquaredError>},
      {"countCorrect", Locked<CountCorrect>},
      {"sgdUpdate", Locked<SgdUpdate>},
      {"rmspropUpdate", Locked<RmspropUpdate>},
      {"adamUpdate", Locked<AdamUpdate>},
      {"nadamUpdate", Locked<NadamUpdate>},
      {"weightDecay", Locked<WeightDecay>},
      {"affineTransform", Locked<AffineTransform>},
      {"affineTransformBackward", Locked<AffineTransformBackward>},
      {"adjustColor", Locked<AdjustColor>},
      {"adjustColorBackward", Locked<AdjustColorBackward>},
      {"getThreads", Locked<GetThreads>},
      {"setThreads", Locked<SetThreads>},
      {"cpuPaths", Locked<CpuPaths>},
      {"getCpuPath", Locked<GetCpuPath>},
      {"setCpuPath", Locked<SetCpuPath>},
      {"batchNormStatistics", Locked<BatchNormStatistics>},
      {"batchNormForward", Locked<BatchNormForward>},
      {"batchNormBackward", Locked<BatchNormBackward>},
      {"layerNormForward", Locked<LayerNormForward>},
      {"layerNormBackward", Locked<LayerNormBackward>},
  };
  for (const Entry& e : entries) exports.Set(e.name, Napi::Function::New(env, e.fn, e.name));
  return exports;
}

}  // namespace

NODE_API_MODULE(tegaki, Init)
