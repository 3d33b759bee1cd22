// fitDataset and evaluateDataset (TF.js): training and evaluation on a tf.data Dataset whose
// elements are batches, { xs, ys } or [xs, ys]. The batches come as the dataset gives them, so
// there is no shuffling or validation split here; callbacks and logs are fit's.

import { TensorSource, type SampleSource } from '../data/source.js';
import { Dataset } from '../dataset/index.js';
import { refuseUnknownOptions, TegakiError } from '../errors.js';
import { Random } from '../random.js';
import { Tensor } from '../tensor.js';
import { asSources, type ModelData } from './batches.js';
import type { Logs } from './callbacks.js';
import { classWeightsPerOutput } from './class-weight.js';
import { addBatch, callbackList, defaultOutput, meanLogs, type EpochSums, type FitOptions, type History, type LoopModel } from './fit.js';
import { ProgressBar } from './progress.js';

export interface FitDatasetOptions {
  /** Required. */
  epochs: number;
  /** Batches that make an epoch; default: one pass over the dataset. */
  batchesPerEpoch?: number;
  initialEpoch?: number;
  /** A Dataset of batches, or [x, y] tensors, evaluated after each epoch. */
  validationData?: Dataset | [ModelData, ModelData];
  /** Batches of a validation Dataset to use; default: all. */
  validationBatches?: number;
  /** Batch size for validationData given as tensors. Default 32. */
  validationBatchSize?: number;
  callbacks?: FitOptions['callbacks'];
  verbose?: 0 | 1 | 2;
  seed?: number;
  progressOutput?: FitOptions['progressOutput'];
  classWeight?: FitOptions['classWeight'];
}

export const FIT_DATASET_OPTIONS = ['epochs', 'batchesPerEpoch', 'initialEpoch', 'validationData', 'validationBatches', 'validationBatchSize', 'callbacks', 'verbose', 'seed', 'progressOutput', 'classWeight'];

/** One element's inputs and labels, as lists (one tensor per model input and output). */
function splitElement(element: unknown, where: string): { xs: Tensor[]; ys: Tensor[] } {
  const [x, y] = Array.isArray(element) && element.length === 2 ? element
    : element && typeof element === 'object' && 'xs' in element && 'ys' in element ? [(element as { xs: unknown }).xs, (element as { ys: unknown }).ys]
      : fail(`${where}: each element must be a batch { xs, ys } or [xs, ys].`);
  const list = (v: unknown, field: string): Tensor[] => {
    const items = Array.isArray(v) ? v : [v];
    if (items.length === 0 || !items.every((t) => t instanceof Tensor)) fail(`${where}: ${field} of an element must be a tensor or a list of tensors (objects by input name are not supported).`);
    return (items as Tensor[]).map((t) => (t.dtype === 'float32' ? t : new Tensor(t.shape, Float32Array.from(t.values))));
  };
  return { xs: list(x, 'xs'), ys: list(y, 'ys') };
}

function fail(message: string): never {
  throw new TegakiError(message);
}

function checkDataset(dataset: unknown, where: string): Dataset {
  if (!(dataset instanceof Dataset)) throw new TegakiError(`${where}: expected a tf.data Dataset of batches.`);
  return dataset;
}

const sources = (tensors: Tensor[]): SampleSource[] => tensors.map((t) => new TensorSource(t));

/** Loss and metrics over (up to `batches`) batches of a dataset. */
export async function evaluateDatasetLogs(model: LoopModel, dataset: Dataset, batches: number | undefined, where: string): Promise<Logs> {
  checkDataset(dataset, where);
  const iterator = await dataset.iterator();
  const sums: Record<string, number> = {};
  let seen = 0;
  for (let b = 0; batches === undefined || b < batches; b++) {
    const r = await iterator.next();
    if (r.done) break;
    const { xs, ys } = splitElement(r.value, where);
    const n = xs[0]!.shape[0]!;
    const logs = model.evaluateSources(sources(xs), sources(ys), n);
    for (const [k, v] of Object.entries(logs)) sums[k] = (sums[k] ?? 0) + v * n;
    seen += n;
  }
  if (seen === 0) throw new TegakiError(`${where}: the dataset gave no batches.`);
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / seen]));
}

export async function fitDatasetLoop(model: LoopModel, dataset: Dataset, options: FitDatasetOptions): Promise<History> {
  refuseUnknownOptions(options, FIT_DATASET_OPTIONS, 'fitDataset');
  checkDataset(dataset, 'fitDataset');
  const { epochs, batchesPerEpoch, initialEpoch = 0, verbose = 1 } = options;
  if (!Number.isInteger(epochs) || epochs < 0) throw new TegakiError(`fitDataset: expected epochs to be a non-negative integer. Received epochs=${JSON.stringify(epochs)}.`);
  if (batchesPerEpoch !== undefined && !(Number.isInteger(batchesPerEpoch) && batchesPerEpoch > 0)) throw new TegakiError(`fitDataset: expected batchesPerEpoch to be a positive integer. Received batchesPerEpoch=${JSON.stringify(batchesPerEpoch)}.`);
  model.requireCompiled();
  const callbacks = callbackList(options.callbacks, 'fitDataset');
  if (callbacks.some((cb) => cb.restoreState || cb.setSnapshotSource)) throw new TegakiError('fitDataset: backupAndRestore works with fit, not fitDataset.');
  const classWeights = classWeightsPerOutput(options.classWeight, model.outputNames);
  const rng = new Random(options.seed ?? model.rng.nextUint32());
  const out = options.progressOutput ?? defaultOutput();
  const steps = batchesPerEpoch ?? (dataset.size !== null && dataset.size !== Infinity ? dataset.size : null);
  const accuracyKey = model.accuracyKey;
  const metricKeys = model.metricKeys;
  const history: History = { epoch: [], history: {} };
  model.stopTraining = false;
  for (const cb of callbacks) cb.setModel?.(model);
  for (const cb of callbacks) cb.setParams?.({ epochs, initialEpoch, samples: 0, steps: steps ?? 0, batchSize: 0, verbose, doValidation: options.validationData !== undefined, metrics: metricKeys });
  for (const cb of callbacks) await cb.onTrainBegin?.({});
  // with batchesPerEpoch one pass continues across epochs, as in TF.js
  let iterator = batchesPerEpoch !== undefined ? await dataset.iterator() : null;
  let exhausted = false;
  for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining && !exhausted; epoch++) {
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, {});
    if (verbose > 0) out.write(`Epoch ${epoch + 1}/${epochs}\n`);
    if (batchesPerEpoch === undefined) iterator = await dataset.iterator();
    const bar = verbose === 1 && steps !== null ? new ProgressBar(steps, out) : null;
    const sums: EpochSums = { loss: 0, correct: 0, seen: 0 };
    const running = (): [string, number][] => meanLogs(sums, accuracyKey, metricKeys);
    for (let step = 0; batchesPerEpoch === undefined || step < batchesPerEpoch; step++) {
      const next = await iterator!.next();
      if (next.done) {
        // a dataset that runs out before batchesPerEpoch ends the training, as in TF.js
        exhausted = batchesPerEpoch !== undefined;
        break;
      }
      const { xs, ys } = splitElement(next.value, 'fitDataset');
      model.checkData(sources(xs), sources(ys));
      const n = xs[0]!.shape[0]!;
      for (const cb of callbacks) await cb.onBatchBegin?.(step, { batch: step, size: n });
      const r = model.trainBatch(xs, ys, rng, classWeights);
      addBatch(sums, r, n);
      bar?.update(step + 1, running(), false);
      const batchLogs: Logs = { batch: step, size: n, ...Object.fromEntries(meanLogs({ ...r, seen: n }, accuracyKey, metricKeys)) };
      for (const cb of callbacks) await cb.onBatchEnd?.(step, batchLogs);
      if (model.stopTraining) break;
    }
    if (sums.seen === 0) break;
    const logs: Logs = Object.fromEntries(running());
    const val = options.validationData;
    if (val !== undefined) {
      const v = val instanceof Dataset ? await evaluateDatasetLogs(model, val, options.validationBatches, 'fitDataset validationData')
        : model.evaluateSources(...validationSources(val), options.validationBatchSize ?? 32);
      for (const [k, value] of Object.entries(v)) logs[`val_${k}`] = value;
    }
    const values = Object.entries(logs) as [string, number][];
    if (bar) bar.update(steps!, values, true);
    else if (verbose > 0) new ProgressBar(sums.seen, { write: (t) => out.write(t) }).update(sums.seen, values, true);
    history.epoch.push(epoch);
    for (const [k, value] of Object.entries(logs)) (history.history[k] ??= []).push(value);
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs);
  }
  for (const cb of callbacks) await cb.onTrainEnd?.({});
  return history;
}

function validationSources(val: unknown): [SampleSource[], SampleSource[]] {
  if (!Array.isArray(val) || val.length !== 2) throw new TegakiError('fitDataset: validationData must be a Dataset or [x, y].');
  return [asSources(val[0] as ModelData, 'validationData[0]'), asSources(val[1] as ModelData, 'validationData[1]')];
}
