// Reference optimizer updates, in place. Formulas follow TensorFlow.js (which the parity tests
// compare against); where Keras 3 differs it is noted.

export function sgdUpdate(param: Float32Array, grad: Float32Array, velocity: Float32Array | null, lr: number, momentum: number, nesterov: boolean): void {
  const n = param.length;
  if (!velocity) {
    for (let i = 0; i < n; i++) param[i] -= lr * grad[i]!;
    return;
  }
  // tfjs momentum: v ← μv + g; θ ← θ − lr·v (nesterov: θ ← θ − lr·(g + μv)).
  // Keras keeps v' = −lr·v instead; with a constant learning rate the steps are identical.
  for (let i = 0; i < n; i++) {
    const v = momentum * velocity[i]! + grad[i]!;
    velocity[i] = v;
    param[i] -= lr * (nesterov ? grad[i]! + momentum * v : v);
  }
}

export function rmspropUpdate(param: Float32Array, grad: Float32Array, meanSquare: Float32Array, lr: number, rho: number, epsilon: number): void {
  const n = param.length;
  for (let i = 0; i < n; i++) {
    const g = grad[i]!;
    const ms = rho * meanSquare[i]! + (1 - rho) * g * g;
    meanSquare[i] = ms;
    param[i] -= (lr * g) / Math.sqrt(ms + epsilon);
  }
}

export function adamUpdate(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, lr: number, beta1: number, beta2: number, epsilon: number, step: number): void {
  const n = param.length;
  const c1 = 1 - Math.pow(beta1, step);
  const c2 = 1 - Math.pow(beta2, step);
  // Keras 3 divides by (√v + ε) with the bias correction folded into the step size, i.e. its ε
  // is not bias-corrected; the difference is O(ε).
  for (let i = 0; i < n; i++) {
    const g = grad[i]!;
    const mi = beta1 * m[i]! + (1 - beta1) * g;
    const vi = beta2 * v[i]! + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] -= (lr * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon);
  }
}

export function nadamUpdate(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, lr: number, beta1: number, beta2: number, epsilon: number, momentScale: number, gradScale: number, unbias2: number): void {
  const n = param.length;
  // Keras' Nadam.update_step: m̂ = momentScale·m + gradScale·g, v̂ = v / (1 − β₂ᵗ)
  for (let i = 0; i < n; i++) {
    const g = grad[i]!;
    const mi = m[i]! + (g - m[i]!) * (1 - beta1);
    const vi = v[i]! + (g * g - v[i]!) * (1 - beta2);
    m[i] = mi;
    v[i] = vi;
    param[i] -= ((momentScale * mi + gradScale * g) * lr) / (Math.sqrt(vi / unbias2) + epsilon);
  }
}

export function weightDecay(param: Float32Array, rate: number): void {
  const n = param.length;
  for (let i = 0; i < n; i++) param[i] -= param[i]! * rate;
}
