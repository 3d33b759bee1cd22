// Reference kernels of PReLU (TF.js' prelu): x and y are [batch, size], alpha is [size] with the
// layer's shared axes already expanded, so one alpha serves the same position of every sample.

export function prelu(y: Float32Array, x: Float32Array, alpha: Float32Array, size: number): void {
  for (let o = 0; o < x.length; o += size) {
    for (let j = 0; j < size; j++) {
      const v = x[o + j]!;
      y[o + j] = v > 0 ? v : alpha[j]! * v;
    }
  }
}

// The gradient at x = 0 goes to alpha's side (times 0) as in TF.js: dx = alpha·dy there.
export function preluBackward(dx: Float32Array | null, dalpha: Float32Array, dy: Float32Array, x: Float32Array, alpha: Float32Array, size: number): void {
  dalpha.fill(0, 0, size);
  for (let o = 0; o < x.length; o += size) {
    for (let j = 0; j < size; j++) {
      const v = x[o + j]!;
      const g = dy[o + j]!;
      if (v > 0) {
        if (dx) dx[o + j] = g;
      } else {
        if (dx) dx[o + j] = alpha[j]! * g;
        dalpha[j] += v * g;
      }
    }
  }
}
