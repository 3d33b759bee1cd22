// Optimizer updates in place: threads split the parameters (each element is independent, so
// results do not depend on the thread count) and run the selected instruction set's loops
// (optimizers_impl.h).
#include <math.h>

#include "tegaki.h"

namespace tegaki {
namespace {

// Below this many parameters a second thread costs more than it saves.
const long kGrain = 16384;

}  // namespace

void sgd_update(float* param, const float* grad, float* velocity, long n, double lr, double momentum, bool nesterov) {
  OptimizerUpdate u{param, grad, velocity, nullptr, lr, momentum, 0, 0, 0, 0, nesterov, 0};
  parallel_for(n, kGrain, simd().sgd, &u);
}

void rmsprop_update(float* param, const float* grad, float* ms, long n, double lr, double rho, double epsilon) {
  OptimizerUpdate u{param, grad, ms, nullptr, lr, rho, 0, epsilon, 0, 0, false, 0};
  parallel_for(n, kGrain, simd().rmsprop, &u);
}

void adam_update(float* param, const float* grad, float* m, float* v, long n, double lr, double beta1, double beta2, double epsilon, double step) {
  OptimizerUpdate u{param, grad, m, v, lr, beta1, beta2, epsilon, 1 - pow(beta1, step), 1 - pow(beta2, step), false, 0};
  parallel_for(n, kGrain, simd().adam, &u);
}

void nadam_update(float* param, const float* grad, float* m, float* v, long n, double lr, double beta1, double beta2, double epsilon, double moment_scale, double grad_scale, double unbias2) {
  OptimizerUpdate u{param, grad, m, v, lr, beta1, beta2, epsilon, moment_scale, grad_scale, false, unbias2};
  parallel_for(n, kGrain, simd().nadam, &u);
}

void weight_decay(float* param, long n, double rate) {
  OptimizerUpdate u{param, nullptr, nullptr, nullptr, rate, 0, 0, 0, 0, 0, false, 0};
  parallel_for(n, kGrain, simd().weight_decay, &u);
}

}  // namespace tegaki
