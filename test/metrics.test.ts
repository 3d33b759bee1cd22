// Metrics: TF.js' metric functions against @tensorflow/tfjs on fixed inputs; Keras' stateful
// precision, recall and AUC against hand-computed values, accumulated over an epoch (not the mean
// of per-batch values); the keys fit and evaluate log them under.

import assert from 'node:assert/strict';
import test from 'node:test';
import * as tg from '../src/node.js';
import { aucThresholds, confusionCounts, confusionResult } from '../src/metrics.js';
import { checkClose } from './helpers/check.js';
import { tfjs as loadTfjs } from './helpers/tfjs.js';

const tf = await loadTfjs();

const Y_CAT = [[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0]];
const P_CAT = [[0.2, 0.5, 0.3], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.6, 0.3, 0.1]];
const Y_BIN = [[1, 0], [0, 0], [1, 1], [0, 1]];
const P_BIN = [[0.7, 0.6], [0.2, 0.4], [0.51, 0.3], [0.5, 0.9]];

test('binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy and the error metrics equal tf.metrics', () => {
  const pairs: [string, number[][], number[][], number[][]?][] = [
    ['binaryAccuracy', Y_BIN, P_BIN],
    ['categoricalAccuracy', Y_CAT, P_CAT],
    ['sparseCategoricalAccuracy', [[1], [0], [2], [1]], P_CAT],
    ['meanAbsoluteError', Y_BIN, P_BIN],
    ['meanSquaredError', Y_BIN, P_BIN],
    ['meanAbsolutePercentageError', [[1, 2], [3, 4], [5, 6], [7, 8]], P_BIN],
    ['binaryCrossentropy', Y_BIN, P_BIN],
    ['categoricalCrossentropy', Y_CAT, P_CAT],
    ['cosineProximity', Y_CAT, P_CAT],
  ];
  for (const [name, y, p] of pairs) {
    const theirs = (tf.metrics as unknown as Record<string, (a: unknown, b: unknown) => { dataSync(): Float32Array }>)[name]!(tf.tensor2d(y), tf.tensor2d(p)).dataSync();
    const ours = (tg.metrics as unknown as Record<string, (a: tg.Tensor, b: tg.Tensor) => tg.Tensor>)[name]!(tg.tensor2d(y), tg.tensor2d(p)).dataSync();
    checkClose(ours, theirs, 1e-6, `tf.metrics.${name}`);
  }
});

test('tf.metrics.precision and recall are TF.js\' per-batch values on 0/1 predictions', () => {
  const y = [[1], [0], [1], [1], [0]];
  const p = [[1], [1], [0], [1], [0]];
  for (const name of ['precision', 'recall'] as const) {
    const theirs = tf.metrics[name](tf.tensor2d(y), tf.tensor2d(p)).dataSync()[0]!;
    assert.equal(tg.metrics[name](tg.tensor2d(y), tg.tensor2d(p)).dataSync()[0], theirs, name);
  }
});

test('topKCategoricalAccuracy: the true class among the k largest, ties at the boundary in (Keras)', () => {
  const y = tg.tensor2d([[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]]);
  const p = tg.tensor2d([[0.1, 0.5, 0.3, 0.1], [0.1, 0.4, 0.3, 0.2], [0.2, 0.3, 0.3, 0.2]]);
  assert.deepEqual([...tg.metrics.topKCategoricalAccuracy(y, p, 2).dataSync()], [1, 0, 1]);
  assert.deepEqual([...tg.metrics.TopKCategoricalAccuracy({ k: 1 })(y, p).dataSync()], [0, 0, 1]);
  assert.deepEqual([...tg.metrics.topKCategoricalAccuracy(y, p).dataSync()], [1, 1, 1], 'k = 5 by default');
  assert.throws(() => tg.metrics.TopKCategoricalAccuracy({ k: 0 }), /k=0/);
});

test('AUC with Keras\' 200 thresholds: the ROC area by trapezoids, computed by hand', () => {
  const thresholds = aucThresholds(200);
  assert.equal(thresholds.length, 200);
  assert.equal(thresholds[0], -1e-7);
  assert.equal(thresholds[199], 1 + 1e-7);
  assert.equal(thresholds[1], 1 / 199);
  const auc = (y: number[], p: number[], w: number[] | null = null): number =>
    confusionResult({ curve: 'auc', values: confusionCounts(thresholds, tg.tensor2d(y.map((v) => [v])), tg.tensor2d(p.map((v) => [v])), w && Float32Array.from(w)) });
  // every pair of predictions is split by a threshold, so the curve has the exact ROC's corners:
  // positives 0.35 and 0.8 against negatives 0.1 and 0.4 win 3 of 4 pairs
  assert.ok(Math.abs(auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) - 0.75) < 1e-12);
  // a tie (both predictions in one threshold bin) is the diagonal between the corners: 1/2
  assert.ok(Math.abs(auc([0, 1], [0.5, 0.5]) - 0.5) < 1e-12);
  // 0.303 and 0.304 share a bin (between 60/199 ≈ 0.3015 and 61/199 ≈ 0.3065): that pair counts
  // half (positives 0.304, 0.9; negatives 0.303, 0.2) → (3 + 1/2) / 4
  assert.ok(Math.abs(auc([1, 0, 1, 0], [0.304, 0.303, 0.9, 0.2]) - 0.875) < 1e-12);
  // sample weights count a sample that many times: weight 2 on the losing positive
  assert.ok(Math.abs(auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], [1, 1, 2, 1]) - auc([0, 0, 1, 1, 1], [0.1, 0.4, 0.35, 0.35, 0.8])) < 1e-12);
});

/** A model whose output is its input (one linear unit, weight 1, bias 0), so its predictions are given. */
function identity(metrics: NonNullable<tg.CompileArgs['metrics']>): tg.Sequential {
  const model = tg.sequential({ layers: [tg.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'ones', biasInitializer: 'zeros' })] });
  model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics });
  return model;
}

test('precision, recall and auc by name are Keras\' epoch values (counts over all batches), under their names', async () => {
  const y = [1, 0, 1, 1, 0, 0, 1, 0];
  const p = [0.9, 0.8, 0.3, 0.6, 0.1, 0.7, 0.55, 0.2];
  const model = identity(['precision', 'recall', 'auc']);
  const [, precision, recall, auc] = (model.evaluate(tg.tensor2d(p.map((v) => [v])), tg.tensor2d(y.map((v) => [v])), { batchSize: 2 }) as tg.Tensor[]).map((t) => t.dataSync()[0]!);
  // at 0.5: predicted positive 0.9, 0.8, 0.6, 0.7, 0.55 → tp 3 (0.9, 0.6, 0.55), fp 2, fn 1 (0.3)
  assert.ok(Math.abs(precision! - 3 / 5) < 1e-7, `precision ${precision}`);
  assert.ok(Math.abs(recall! - 3 / 4) < 1e-7, `recall ${recall}`);
  // positives 0.9, 0.3, 0.6, 0.55 vs negatives 0.8, 0.1, 0.7, 0.2: pairs won 4 + 2 + 2 + 2 = 10 of 16
  assert.ok(Math.abs(auc! - 10 / 16) < 1e-6, `auc ${auc}`);
  // the mean of the four batches' precisions would be (1/2 + 1 + 0 + 1) / 4 — a different number
  assert.ok(Math.abs(precision! - 0.625) > 0.01);
  const history = await model.fit(tg.tensor2d(p.map((v) => [v])), tg.tensor2d(y.map((v) => [v])), { batchSize: 3, shuffle: false, epochs: 1, verbose: 0, validationData: [tg.tensor2d(p.map((v) => [v])), tg.tensor2d(y.map((v) => [v]))] });
  assert.deepEqual(Object.keys(history.history).sort(), ['auc', 'loss', 'precision', 'recall', 'val_auc', 'val_loss', 'val_precision', 'val_recall']);
  // the step used the batches' predictions before each update, the validation those after
  assert.ok(Math.abs(history.history['precision']![0]! - 3 / 5) < 1e-7);
});

test('mae, mse and binaryAccuracy log under the names given; AUC({ numThresholds }) counts at that many', async () => {
  const model = identity(['mae', 'mse', 'binaryAccuracy', tg.metrics.AUC({ numThresholds: 3 })]);
  const x = tg.tensor2d([[0.2], [0.9], [0.4]]);
  const y = tg.tensor2d([[0], [1], [1]]);
  const values = (model.evaluate(x, y) as tg.Tensor[]).map((t) => t.dataSync()[0]!);
  checkClose(values.slice(1, 4), [(0.2 + 0.1 + 0.6) / 3, (0.04 + 0.01 + 0.36) / 3, 2 / 3], 1e-6, 'mae, mse, binaryAccuracy');
  // thresholds −ε, 0.5, 1 + ε: ROC points (1, 1), (0, 1/2), (0, 0) → 3/4
  assert.ok(Math.abs(values[4]! - 0.75) < 1e-7, `auc with 3 thresholds ${values[4]}`);
  const h = await model.fit(x, y, { epochs: 1, verbose: 0 });
  assert.deepEqual(Object.keys(h.history), ['loss', 'mae', 'mse', 'binaryAccuracy', 'auc']);
  assert.throws(() => identity(['f1']), /Unknown metric 'f1'/);
});
