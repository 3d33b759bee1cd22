// Optimizer updates over a range of parameters, compiled once per instruction set like
// gemm_impl.h (simd_*.cc include it). In float, as TensorFlow.js computes them: the square root
// and division then run 8 lanes wide under AVX2, where double would run 4 and needs no less
// time per lane; the results stay within float rounding of the double reference.
// Needs <math.h> (sqrtf), included by the including file outside its anonymous namespace.

void sgd_range(void* ctx, long begin, long end) {
  const tegaki::OptimizerUpdate& u = *(const tegaki::OptimizerUpdate*)ctx;
  float* __restrict param = u.param;
  const float* __restrict grad = u.grad;
  float* __restrict velocity = u.slot1;
  const float lr = (float)u.lr;
  if (!velocity) {
    for (long i = begin; i < end; i++) param[i] -= lr * grad[i];
    return;
  }
  // tfjs momentum: v ← μv + g; θ ← θ − lr·v (nesterov: θ ← θ − lr·(g + μv)).
  const float momentum = (float)u.a;
  if (u.nesterov) {
    for (long i = begin; i < end; i++) {
      const float v = momentum * velocity[i] + grad[i];
      velocity[i] = v;
      param[i] -= lr * (grad[i] + momentum * v);
    }
  } else {
    for (long i = begin; i < end; i++) {
      const float v = momentum * velocity[i] + grad[i];
      velocity[i] = v;
      param[i] -= lr * v;
    }
  }
}

void rmsprop_range(void* ctx, long begin, long end) {
  const tegaki::OptimizerUpdate& u = *(const tegaki::OptimizerUpdate*)ctx;
  float* __restrict param = u.param;
  const float* __restrict grad = u.grad;
  float* __restrict ms = u.slot1;
  const float rho = (float)u.a, keep = (float)(1 - u.a), lr = (float)u.lr, epsilon = (float)u.epsilon;
  for (long i = begin; i < end; i++) {
    const float g = grad[i];
    const float m = rho * ms[i] + keep * g * g;
    ms[i] = m;
    param[i] -= lr * g / sqrtf(m + epsilon);
  }
}

void adam_range(void* ctx, long begin, long end) {
  const tegaki::OptimizerUpdate& u = *(const tegaki::OptimizerUpdate*)ctx;
  float* __restrict param = u.param;
  const float* __restrict grad = u.grad;
  float* __restrict m = u.slot1;
  float* __restrict v = u.slot2;
  const float beta1 = (float)u.a, beta2 = (float)u.b, keep1 = (float)(1 - u.a), keep2 = (float)(1 - u.b);
  // the bias corrections as factors: lr/c1 on the step, 1/c2 under the root
  const float step = (float)(u.lr / u.c1), unbias2 = (float)(1 / u.c2), epsilon = (float)u.epsilon;
  for (long i = begin; i < end; i++) {
    const float g = grad[i];
    const float mi = beta1 * m[i] + keep1 * g;
    const float vi = beta2 * v[i] + keep2 * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] -= step * mi / (sqrtf(vi * unbias2) + epsilon);
  }
}

// Keras' Nadam; the step's scalars come from the caller: c1 scales the moment, c2 the gradient
// (Dozat's momentum schedule), c3 = 1 − β₂ᵗ corrects the second moment.
void nadam_range(void* ctx, long begin, long end) {
  const tegaki::OptimizerUpdate& u = *(const tegaki::OptimizerUpdate*)ctx;
  float* __restrict param = u.param;
  const float* __restrict grad = u.grad;
  float* __restrict m = u.slot1;
  float* __restrict v = u.slot2;
  const float keep1 = (float)(1 - u.a), keep2 = (float)(1 - u.b);
  const float moment_scale = (float)u.c1, grad_scale = (float)u.c2, unbias2 = (float)(1 / u.c3);
  const float lr = (float)u.lr, epsilon = (float)u.epsilon;
  for (long i = begin; i < end; i++) {
    const float g = grad[i];
    const float mi = m[i] + (g - m[i]) * keep1;
    const float vi = v[i] + (g * g - v[i]) * keep2;
    m[i] = mi;
    v[i] = vi;
    param[i] -= (moment_scale * mi + grad_scale * g) * lr / (sqrtf(vi * unbias2) + epsilon);
  }
}

// Decoupled weight decay (Keras' _apply_weight_decay): θ ← θ − θ·rate, rate in lr.
void weight_decay_range(void* ctx, long begin, long end) {
  const tegaki::OptimizerUpdate& u = *(const tegaki::OptimizerUpdate*)ctx;
  float* __restrict param = u.param;
  const float rate = (float)u.lr;
  for (long i = begin; i < end; i++) param[i] -= param[i] * rate;
}
