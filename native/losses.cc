// Loss and metric kernels, in double like the reference (they touch rows × classes values,
// a few hundred per batch, so precision costs nothing here). Each returns the summed per-row
// loss and writes d(sum)/d(input) · gradScale when grad is not null; rows are weighted by
// labels.weights (null: all 1) and targets smoothed by labels.smoothing as Keras does.
#include <math.h>

#include "tegaki.h"

namespace tegaki {
namespace {

const double kEpsilon = 1e-7;  // Keras' clip for probabilities (backend.ts EPSILON)

// One-hot from class indices when sparse, then smoothed towards 1/classes.
inline double target(const LossLabels& l, long r, long c, long cols, long classes) {
  double t = l.sparse ? (l.data[r] == (float)c ? 1.0 : 0.0) : l.data[r * cols + c];
  return l.smoothing == 0 ? t : t * (1 - l.smoothing) + l.smoothing / (double)classes;
}
inline double target(const LossLabels& l, long r, long c, long cols) { return target(l, r, c, cols, cols); }

inline double weight_of(const LossLabels& l, long r) { return l.weights ? (double)l.weights[r] : 1.0; }

long argmax_row(const float* v, long cols) {
  long best = 0;
  for (long c = 1; c < cols; c++)
    if (v[c] > v[best]) best = c;
  return best;
}

}  // namespace

double softmax_cross_entropy(float* grad, const float* logits, const LossLabels& labels, long rows, long cols, double gradScale) {
  double total = 0;
  for (long r = 0; r < rows; r++) {
    const float* x = logits + r * cols;
    double max = -INFINITY;
    for (long c = 0; c < cols; c++)
      if (x[c] > max || isnan(x[c])) max = x[c];
    double sum = 0;
    for (long c = 0; c < cols; c++) sum += exp(x[c] - max);
    double logSum = log(sum) + max;
    double w = weight_of(labels, r);
    double targetSum = 0, rowLoss = 0;
    for (long c = 0; c < cols; c++) {
      double t = target(labels, r, c, cols);
      targetSum += t;
      rowLoss -= t * (x[c] - logSum);
    }
    total += w * rowLoss;
    if (grad) {
      // d/dx_c of −Σ t·log softmax(x) = softmax(x)_c·Σt − t_c
      for (long c = 0; c < cols; c++) grad[r * cols + c] = (float)((exp(x[c] - logSum) * targetSum - target(labels, r, c, cols)) * w * gradScale);
    }
  }
  return total;
}

// Keras: p ← p / Σp, clipped to [ε, 1−ε], loss = −Σ t·log p.
double cross_entropy(float* grad, const float* probs, const LossLabels& labels, long rows, long cols, double gradScale) {
  double total = 0;
  for (long r = 0; r < rows; r++) {
    const float* p = probs + r * cols;
    double sum = 0;
    for (long c = 0; c < cols; c++) sum += p[c];
    double w = weight_of(labels, r);
    double gDotQ = 0, rowLoss = 0;
    for (long c = 0; c < cols; c++) {
      double t = target(labels, r, c, cols);
      double q = p[c] / sum;
      // Math.min/Math.max semantics: NaN stays NaN.
      double clipped = q < kEpsilon ? kEpsilon : q > 1 - kEpsilon ? 1 - kEpsilon : q;
      rowLoss -= t * log(clipped);
      // As in the reference, g is kept in the float grad array but summed unrounded.
      double g = q == clipped ? -t / q : 0.0;
      if (grad) grad[r * cols + c] = (float)g;
      gDotQ += g * q;
    }
    total += w * rowLoss;
    if (grad) {
      // chain through q = p / Σp: dL/dp_c = (g_c − Σ_j g_j q_j) / Σp
      for (long c = 0; c < cols; c++) grad[r * cols + c] = (float)(((grad[r * cols + c] - gDotQ) / sum) * w * gradScale);
    }
  }
  return total;
}

// TF.js' binaryCrossentropy on probabilities clips p to [ε, 1−ε] (no gradient outside) and takes
// the logit of it; from logits it is max(x, 0) − x·t + log(1 + e^−|x|), whose derivative is σ(x) − t.
double binary_cross_entropy(float* grad, const float* pred, const LossLabels& labels, long rows, long cols, bool fromLogits, double gradScale) {
  double total = 0;
  for (long r = 0; r < rows; r++) {
    double w = weight_of(labels, r);
    double rowSum = 0;
    for (long c = 0; c < cols; c++) {
      double t = target(labels, r, c, cols, 2);
      double x = pred[r * cols + c];
      double g;
      if (fromLogits) {
        rowSum += (x > 0 ? x : 0) - x * t + log1p(exp(-fabs(x)));
        g = 1 / (1 + exp(-x)) - t;
      } else {
        double p = x < kEpsilon ? kEpsilon : x > 1 - kEpsilon ? 1 - kEpsilon : x;
        rowSum -= t * log(p) + (1 - t) * log(1 - p);
        g = p == x ? (p - t) / (p * (1 - p)) : 0.0;
      }
      if (grad) grad[r * cols + c] = (float)((g / cols) * w * gradScale);
    }
    total += w * rowSum / cols;
  }
  return total;
}

double mean_squared_error(float* grad, const float* pred, const LossLabels& labels, long rows, long cols, double gradScale) {
  double total = 0;
  for (long r = 0; r < rows; r++) {
    double w = weight_of(labels, r);
    double rowSum = 0;
    for (long c = 0; c < cols; c++) {
      double d = pred[r * cols + c] - target(labels, r, c, cols);
      rowSum += d * d;
      if (grad) grad[r * cols + c] = (float)(((2 * d) / cols) * w * gradScale);
    }
    total += w * rowSum / cols;
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
