// Image augmentation kernels: the per-image projective warp (TensorFlow's ImageProjectiveTransformV3
// sampling: fill modes, bilinear/nearest), its transpose, and contrast/brightness. Threads take
// whole images, so every output (and every dx image) is written by one thread in a fixed order.
// src/backend/ts/augment.ts is the reference they are tested against.
#include <math.h>
#include <string.h>

#include <vector>

#include "tegaki.h"

namespace tegaki {
namespace {

// TensorFlow's MapCoordinate: fold a position into [0, len − 1] as the fill mode extends the image.
// Positions are doubles, computed in the reference's order: a nearest tap sits on a half-pixel
// boundary often enough (flips, resizes) that float rounding would pick another pixel.
template <WarpFill mode>
inline double map_coordinate(double c, long len) {
  if (mode == FILL_CONSTANT) return c;
  if (mode == FILL_REFLECT) {
    if (c < 0) {
      if (len <= 1) {
        c = 0;
      } else {
        const double sz2 = 2.0 * len;
        if (c < -sz2) c = sz2 * (double)(long)(-c / sz2) + c;
        c = c < -len ? c + sz2 : -c - 1;
      }
    } else if (c > len - 1) {
      if (len <= 1) {
        c = 0;
      } else {
        const double sz2 = 2.0 * len;
        c -= sz2 * (double)(long)(c / sz2);
        if (c >= len) c = sz2 - c - 1;
      }
    }
  } else if (mode == FILL_WRAP) {
    if (c < 0) {
      if (len <= 1) c = 0;
      else c += len * (double)((long)(-c / (len - 1)) + 1);
    } else if (c > len - 1) {
      if (len <= 1) c = 0;
      else c -= len * (double)(long)(c / (len - 1));
    }
  }
  return c < 0 ? 0 : c > len - 1 ? (double)(len - 1) : c;
}

// The input pixels output (ox, oy) reads, with weights; what falls outside weighs on fillValue.
struct Taps {
  long idx[4];
  float w[4];
  int n;
  float fill;
};

// floor and round without libm calls (the x86-64 baseline has no rounding instruction, and these
// run four times per output pixel); exact for the |v| < 2^52 positions an image can have.
inline long floor_long(double v) {
  long i = (long)v;
  return v < (double)i ? i - 1 : i;
}
// Halves away from zero, as TensorFlow's round; v − floor(v) is exact, so ties are seen as ties.
inline long round_away(double v) {
  if (v < 0) return -round_away(-v);
  const long i = floor_long(v);
  return v - (double)i >= 0.5 ? i + 1 : i;
}

// A fused multiply-add may round a position differently from the reference only where the
// products are inexact, and there a position is never exactly on a half-pixel tie.
template <WarpFill mode, bool nearest>
inline void taps(const float* t, long ox, long oy, const WarpGeom& g, Taps& out) {
  out.n = 0;
  out.fill = 0;
  const bool affine = t[6] == 0 && t[7] == 0;
  const double k = affine ? 1.0 : (double)t[6] * ox + (double)t[7] * oy + 1;
  if (k == 0) {
    out.fill = 1;
    return;
  }
  double x = (double)t[0] * ox + (double)t[1] * oy + (double)t[2];
  double y = (double)t[3] * ox + (double)t[4] * oy + (double)t[5];
  // dividing by 1 changes nothing: affine warps (all of Keras') skip the division
  if (!affine) {
    x /= k;
    y /= k;
  }
  x = map_coordinate<mode>(x, g.inW);
  y = map_coordinate<mode>(y, g.inH);
  if (nearest) {
    const long ix = round_away(x), iy = round_away(y);
    if (iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW) {
      out.idx[0] = iy * g.inW + ix;
      out.w[0] = 1;
      out.n = 1;
    } else {
      out.fill = 1;
    }
    return;
  }
  const long ix = floor_long(x), iy = floor_long(y);
  const double fx = x - (double)ix, fy = y - (double)iy;
  const double w[4] = {(1 - fy) * (1 - fx), (1 - fy) * fx, fy * (1 - fx), fy * fx};
  if (ix >= 0 && ix + 1 < g.inW && iy >= 0 && iy + 1 < g.inH) {
    // inside: the four neighbours, no checks
    const long i0 = iy * g.inW + ix;
    out.idx[0] = i0;
    out.idx[1] = i0 + 1;
    out.idx[2] = i0 + g.inW;
    out.idx[3] = i0 + g.inW + 1;
    for (int i = 0; i < 4; i++) out.w[i] = (float)w[i];
    out.n = 4;
    return;
  }
  const long ys[4] = {iy, iy, iy + 1, iy + 1}, xs[4] = {ix, ix + 1, ix, ix + 1};
  for (int i = 0; i < 4; i++) {
    if (ys[i] >= 0 && ys[i] < g.inH && xs[i] >= 0 && xs[i] < g.inW) {
      out.idx[out.n] = ys[i] * g.inW + xs[i];
      out.w[out.n++] = (float)w[i];
    } else {
      out.fill += (float)w[i];
    }
  }
}

struct WarpJob {
  float* out;       // y (forward) or dx (backward)
  const float* in;  // x (forward) or dy (backward)
  const float* transforms;
  const WarpGeom* g;
  float fillValue;
};

template <WarpFill mode, bool nearest>
void warp_images(void* ctx, long begin, long end) {
  const WarpJob& job = *(const WarpJob*)ctx;
  const WarpGeom& g = *job.g;
  const long C = g.channels;
  Taps tp;
  for (long b = begin; b < end; b++) {
    const float* xb = job.in + b * g.inH * g.inW * C;
    const float* t = job.transforms + b * 8;
    float* yo = job.out + b * g.outH * g.outW * C;
    for (long oy = 0; oy < g.outH; oy++) {
      for (long ox = 0; ox < g.outW; ox++, yo += C) {
        taps<mode, nearest>(t, ox, oy, g, tp);
        const float base = tp.fill * job.fillValue;
        for (long c = 0; c < C; c++) yo[c] = base;
        for (int i = 0; i < tp.n; i++) {
          const float* src = xb + tp.idx[i] * C;
          const float w = tp.w[i];
          for (long c = 0; c < C; c++) yo[c] += w * src[c];
        }
      }
    }
  }
}

// The transpose: each dy pixel goes back to the taps forward read it from.
template <WarpFill mode, bool nearest>
void warp_images_backward(void* ctx, long begin, long end) {
  const WarpJob& job = *(const WarpJob*)ctx;
  const WarpGeom& g = *job.g;
  const long C = g.channels;
  Taps tp;
  for (long b = begin; b < end; b++) {
    float* dxb = job.out + b * g.inH * g.inW * C;
    memset(dxb, 0, g.inH * g.inW * C * sizeof(float));
    const float* t = job.transforms + b * 8;
    const float* dyo = job.in + b * g.outH * g.outW * C;
    for (long oy = 0; oy < g.outH; oy++) {
      for (long ox = 0; ox < g.outW; ox++, dyo += C) {
        taps<mode, nearest>(t, ox, oy, g, tp);
        for (int i = 0; i < tp.n; i++) {
          float* dst = dxb + tp.idx[i] * C;
          const float w = tp.w[i];
          for (long c = 0; c < C; c++) dst[c] += w * dyo[c];
        }
      }
    }
  }
}

// The kernel for a fill mode and interpolation, chosen once per call.
template <template <WarpFill, bool> class Pick>
RangeFn pick(WarpFill mode, bool nearest) {
  switch (mode) {
    case FILL_REFLECT:
      return nearest ? Pick<FILL_REFLECT, true>::fn : Pick<FILL_REFLECT, false>::fn;
    case FILL_WRAP:
      return nearest ? Pick<FILL_WRAP, true>::fn : Pick<FILL_WRAP, false>::fn;
    case FILL_NEAREST:
      return nearest ? Pick<FILL_NEAREST, true>::fn : Pick<FILL_NEAREST, false>::fn;
    default:
      return nearest ? Pick<FILL_CONSTANT, true>::fn : Pick<FILL_CONSTANT, false>::fn;
  }
}
template <WarpFill mode, bool nearest>
struct Forward {
  static constexpr RangeFn fn = warp_images<mode, nearest>;
};
template <WarpFill mode, bool nearest>
struct Backward {
  static constexpr RangeFn fn = warp_images_backward<mode, nearest>;
};

// Images per thread task: small images are cheap, so several go together.
long warp_grain(const WarpGeom& g) {
  const long pixels = g.outH * g.outW * g.channels;
  return pixels >= 4096 ? 1 : 4096 / (pixels + 1) + 1;
}

struct ColorJob {
  float* out;
  const float* dy;  // backward only
  const float* x;
  const float* contrast;
  const float* delta;
  const ColorGeom* g;
  float low, high;
};

// Channel means of one image, in double: a sum over a whole image in float would drift.
void channel_means(const float* x, const ColorGeom& g, double* mean) {
  for (long c = 0; c < g.channels; c++) mean[c] = 0;
  for (long p = 0; p < g.pixels; p++)
    for (long c = 0; c < g.channels; c++) mean[c] += x[p * g.channels + c];
  for (long c = 0; c < g.channels; c++) mean[c] /= (double)g.pixels;
}

void color_images(void* ctx, long begin, long end) {
  const ColorJob& job = *(const ColorJob*)ctx;
  const ColorGeom& g = *job.g;
  const long n = g.pixels * g.channels;
  std::vector<double> means(g.channels);
  double* mean = means.data();
  for (long b = begin; b < end; b++) {
    const float* x = job.x + b * n;
    float* y = job.out + b * n;
    const float s = job.contrast ? job.contrast[b] : 1.0f;
    const float d = job.delta ? job.delta[b] : 0.0f;
    if (job.contrast) channel_means(x, g, mean);
    for (long p = 0; p < g.pixels; p++) {
      for (long c = 0; c < g.channels; c++) {
        const long i = p * g.channels + c;
        float z = job.contrast ? (float)((x[i] - mean[c]) * s + mean[c]) : x[i];
        z += d;
        y[i] = z < job.low ? job.low : z > job.high ? job.high : z;
      }
    }
  }
}

void color_images_backward(void* ctx, long begin, long end) {
  const ColorJob& job = *(const ColorJob*)ctx;
  const ColorGeom& g = *job.g;
  const long n = g.pixels * g.channels;
  std::vector<double> means(g.channels);
  double* mean = means.data();
  for (long b = begin; b < end; b++) {
    const float* x = job.x + b * n;
    const float* dy = job.dy + b * n;
    float* dx = job.out + b * n;
    const float s = job.contrast ? job.contrast[b] : 1.0f;
    const float d = job.delta ? job.delta[b] : 0.0f;
    if (job.contrast) channel_means(x, g, mean);
    for (long p = 0; p < g.pixels; p++) {
      for (long c = 0; c < g.channels; c++) {
        const long i = p * g.channels + c;
        float z = job.contrast ? (float)((x[i] - mean[c]) * s + mean[c]) : x[i];
        z += d;
        dx[i] = z >= job.low && z <= job.high ? dy[i] : 0.0f;
      }
    }
    if (!job.contrast) continue;
    // through the contrast: dx = s·dz + (1 − s)·mean(dz)
    channel_means(dx, g, mean);
    for (long p = 0; p < g.pixels; p++)
      for (long c = 0; c < g.channels; c++) dx[p * g.channels + c] = (float)(s * dx[p * g.channels + c] + (1 - s) * mean[c]);
  }
}

long color_grain(const ColorGeom& g) {
  const long n = g.pixels * g.channels;
  return n >= 4096 ? 1 : 4096 / (n + 1) + 1;
}

}  // namespace

void affine_transform(float* y, const float* x, const float* transforms, const WarpGeom& g, bool nearest, WarpFill mode, float fillValue) {
  WarpJob job{y, x, transforms, &g, fillValue};
  parallel_for(g.batch, warp_grain(g), pick<Forward>(mode, nearest), &job);
}

void affine_transform_backward(float* dx, const float* dy, const float* transforms, const WarpGeom& g, bool nearest, WarpFill mode) {
  WarpJob job{dx, dy, transforms, &g, 0};
  parallel_for(g.batch, warp_grain(g), pick<Backward>(mode, nearest), &job);
}

void adjust_color(float* y, const float* x, const float* contrast, const float* delta, const ColorGeom& g, float low, float high) {
  ColorJob job{y, nullptr, x, contrast, delta, &g, low, high};
  parallel_for(g.batch, color_grain(g), color_images, &job);
}

void adjust_color_backward(float* dx, const float* dy, const float* x, const float* contrast, const float* delta, const ColorGeom& g, float low, float high) {
  ColorJob job{dx, dy, x, contrast, delta, &g, low, high};
  parallel_for(g.batch, color_grain(g), color_images_backward, &job);
}

}  // namespace tegaki
