// Optimizer updates in place, in double like the reference (which the parity tests compare
// bit for bit): parameters are small next to the activations, so this costs little.
#include <math.h>

#include "tegaki.h"

namespace tegaki {

void sgd_update(float* param, const float* grad, float* velocity, long n, double lr, double momentum, bool nesterov) {
  if (!velocity) {
    for (long i = 0; i < n; i++) param[i] = (float)(param[i] - lr * grad[i]);
    return;
  }
  // tfjs momentum: v ← μv + g; θ ← θ − lr·v (nesterov: θ ← θ − lr·(g + μv)).
  for (long i = 0; i < n; i++) {
    double v = momentum * velocity[i] + grad[i];
    velocity[i] = (float)v;
    param[i] = (float)(param[i] - lr * (nesterov ? grad[i] + momentum * v : v));
  }
}

void rmsprop_update(float* param, const float* grad, float* ms, long n, double lr, double rho, double epsilon) {
  for (long i = 0; i < n; i++) {
    double g = grad[i];
    double m = rho * ms[i] + (1 - rho) * g * g;
    ms[i] = (float)m;
    param[i] = (float)(param[i] - (lr * g) / sqrt(m + epsilon));
  }
}

void adam_update(float* param, const float* grad, float* m, float* v, long n, double lr, double beta1, double beta2, double epsilon, double step) {
  const double c1 = 1 - pow(beta1, step);
  const double c2 = 1 - pow(beta2, step);
  for (long i = 0; i < n; i++) {
    double g = grad[i];
    double mi = beta1 * m[i] + (1 - beta1) * g;
    double vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = (float)mi;
    v[i] = (float)vi;
    param[i] = (float)(param[i] - (lr * (mi / c1)) / (sqrt(vi / c2) + epsilon));
  }
}

}  // namespace tegaki
