// Loss and metric kernels, in double like the reference (they touch rows × classes values,
// a few hundred per batch, so precision costs nothing here). Each returns the summed per-row
// loss and writes d(sum)/d(input) · gradScale when grad is not null.
#include <math.h>

#include "tegaki.h"

namespace tegaki {
namespace {

const double kEpsilon = 1e-7;  // Keras' clip for probabilities (backend.ts EPSILON)

// One-hot from class indices when sparse.
inline double target(const float* labels, bool sparse, long r, long c, long cols) {
  return sparse ? (labels[r] == (float)c ? 1.0 : 0.0) : labels[r * cols + c];
}

long argmax_row(const float* v, long cols) {
  long best = 0;
  for (long c = 1; c < cols; c++)
    if (v[c] > v[best]) best = c;
  return best;
}

}  // namespace

double softmax_cross_entropy(float* grad, const float* logits, const float* labels, bool sparse, long rows, long cols, double gradScale) {
  double total = 0;
  for (long r = 0; r < rows; r++) {
    const float* x = logits + r * cols;
    double max = -INFINITY;
    for (long c = 0; c < cols; c++)
      if (x[c] > max || isnan(x[c])) max = x[c];
    double sum = 0;
    for (long c = 0; c < cols; c++) sum += exp(x[c] - max);
    double logSum = log(sum) + max;
    double targetSum = 0;
    for (long c = 0; c < cols; c++) {
      double t = target(labels, sparse, r, c, cols);
      targetSum += t;
      total -= t * (x[c] - logSum);
    }
    if (grad) {
      // d/dx_c of −Σ t·log softmax(x) = softmax(x)_c·Σt − t_c
      for (long c = 0; c < cols; c++) grad[r * cols + c] = (float)((exp(x[c] - logSum) * targetSum - target(labels, sparse, r, c, cols)) * gradScale);
    }
  }
  return total;
}

// Keras: p ← p / Σp, clipped to [ε, 1−ε], loss = −Σ t·log p.
double cross_entropy(float* grad, const float* probs, const float* labels, bool sparse, long rows, long cols, double gradScale) {
  double total = 0;
  for (long r = 0; r < rows; r++) {
    const float* p = probs + r * cols;
    double sum = 0;
    for (long c = 0; c < cols; c++) sum += p[c];
    double gDotQ = 0;
    for (long c = 0; c < cols; c++) {
      double t = target(labels, sparse, r, c, cols);
      double q = p[c] / sum;
      // Math.min/Math.max semantics: NaN stays NaN.
      double clipped = q < kEpsilon ? kEpsilon : q > 1 - kEpsilon ? 1 - kEpsilon : q;
      total -= t * log(clipped);
      // As in the reference, g is kept in the float grad array but summed unrounded.
      double g = q == clipped ? -t / q : 0.0;
      if (grad) grad[r * cols + c] = (float)g;
      gDotQ += g * q;
    }
    if (grad) {
      // chain through q = p / Σp: dL/dp_c = (g_c − Σ_j g_j q_j) / Σp
      for (long c = 0; c < cols; c++) grad[r * cols + c] = (float)(((grad[r * cols + c] - gDotQ) / sum) * gradScale);
    }
  }
  return total;
}

double mean_squared_error(float* grad, const float* pred, const float* labels, bool sparse, long rows, long cols, double gradScale) {
  double total = 0;
  for (long r = 0; r < rows; r++) {
    double rowSum = 0;
    for (long c = 0; c < cols; c++) {
      double d = pred[r * cols + c] - target(labels, sparse, r, c, cols);
      rowSum += d * d;
      if (grad) grad[r * cols + c] = (float)(((2 * d) / cols) * gradScale);
    }
    total += rowSum / cols;
  }
  return total;
}

long count_correct(const float* pred, const float* labels, bool sparse, long rows, long cols) {
  long correct = 0;
  for (long r = 0; r < rows; r++) {
    if (cols == 1) {
      // binary accuracy: prediction rounded at 0.5 (Math.round: halves go up)
      if ((pred[r] > 0.5f ? 1.0 : 0.0) == floor((double)labels[r] + 0.5)) correct++;
      continue;
    }
    double truth = sparse ? (double)labels[r] : (double)argmax_row(labels + r * cols, cols);
    if ((double)argmax_row(pred + r * cols, cols) == truth) correct++;
  }
  return correct;
}

}  // namespace tegaki
