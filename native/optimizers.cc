// Optimizer updates in place, in double like the reference (which the parity tests compare
// bit for bit). Each element is independent, so threads split the range and results do not
// depend on the thread count; built with -fno-math-errno so sqrt vectorizes (same rounding).
#include <math.h>

#include "tegaki.h"

namespace tegaki {
namespace {

// Below this many parameters a second thread costs more than it saves.
const long kGrain = 16384;

struct Update {
  float* param;
  const float* grad;
  float* s1;
  float* s2;
  double lr, a, b, epsilon, c1, c2;
  bool flag;
};

void sgd_range(void* ctx, long begin, long end) {
  const Update& u = *(const Update*)ctx;
  float* param = u.param;
  const float* grad = u.grad;
  float* velocity = u.s1;
  if (!velocity) {
    for (long i = begin; i < end; i++) param[i] = (float)(param[i] - u.lr * grad[i]);
    return;
  }
  // tfjs momentum: v ← μv + g; θ ← θ − lr·v (nesterov: θ ← θ − lr·(g + μv)).
  const double momentum = u.a;
  for (long i = begin; i < end; i++) {
    double v = momentum * velocity[i] + grad[i];
    velocity[i] = (float)v;
    param[i] = (float)(param[i] - u.lr * (u.flag ? grad[i] + momentum * v : v));
  }
}

void rmsprop_range(void* ctx, long begin, long end) {
  const Update& u = *(const Update*)ctx;
  float* param = u.param;
  const float* grad = u.grad;
  float* ms = u.s1;
  const double rho = u.a, lr = u.lr, epsilon = u.epsilon;
  for (long i = begin; i < end; i++) {
    double g = grad[i];
    double m = rho * ms[i] + (1 - rho) * g * g;
    ms[i] = (float)m;
    param[i] = (float)(param[i] - (lr * g) / sqrt(m + epsilon));
  }
}

void adam_range(void* ctx, long begin, long end) {
  const Update& u = *(const Update*)ctx;
  float* param = u.param;
  const float* grad = u.grad;
  float* m = u.s1;
  float* v = u.s2;
  const double beta1 = u.a, beta2 = u.b, lr = u.lr, epsilon = u.epsilon, c1 = u.c1, c2 = u.c2;
  for (long i = begin; i < end; i++) {
    double g = grad[i];
    double mi = beta1 * m[i] + (1 - beta1) * g;
    double vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = (float)mi;
    v[i] = (float)vi;
    param[i] = (float)(param[i] - (lr * (mi / c1)) / (sqrt(vi / c2) + epsilon));
  }
}

}  // namespace

void sgd_update(float* param, const float* grad, float* velocity, long n, double lr, double momentum, bool nesterov) {
  Update u{param, grad, velocity, nullptr, lr, momentum, 0, 0, 0, 0, nesterov};
  parallel_for(n, kGrain, sgd_range, &u);
}

void rmsprop_update(float* param, const float* grad, float* ms, long n, double lr, double rho, double epsilon) {
  Update u{param, grad, ms, nullptr, lr, rho, 0, epsilon, 0, 0, false};
  parallel_for(n, kGrain, rmsprop_range, &u);
}

void adam_update(float* param, const float* grad, float* m, float* v, long n, double lr, double beta1, double beta2, double epsilon, double step) {
  Update u{param, grad, m, v, lr, beta1, beta2, epsilon, 1 - pow(beta1, step), 1 - pow(beta2, step), false};
  parallel_for(n, kGrain, adam_range, &u);
}

}  // namespace tegaki
