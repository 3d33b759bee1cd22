// The training loop behind Sequential.fit: batches, callbacks, validation, progress.

import { range, SubsetSource, type SampleSource } from '../data/source.js';
import { TegakiError } from '../errors.js';
import { confusionResult, type ConfusionCounts } from '../metrics.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { Random } from '../random.js';
import { Tensor } from '../tensor.js';
import { asSources, BatchBuffers, checkBatchSize, type ModelData } from './batches.js';
import { classWeightsPerOutput, sampleWeightSource, type ClassWeight, type ClassWeightOption } from './class-weight.js';
import type { Callback, FitParams, Logs, TrainableModel } from './callbacks.js';
import { ProgressBar, type ProgressOutput } from './progress.js';

/** The loss summed over a batch's samples, how many of them were classified right, and other logged values summed over its samples. */
export interface BatchResult {
  loss: number;
  correct: number;
  /** Per-output losses and metric functions (key → sum over the batch). */
  extra?: Record<string, number>;
  /** Stateful metrics' counts (key → counts, summed over batches). */
  counts?: Record<string, ConfusionCounts>;
}

/** Running sums of an epoch, and the logs they give (loss, accuracy, then the rest as the model names them). */
export interface EpochSums {
  loss: number;
  correct: number;
  seen: number;
  extra?: Record<string, number>;
  counts?: Record<string, ConfusionCounts>;
}

export function addBatch(sums: EpochSums, r: BatchResult, samples: number): void {
  sums.loss += r.loss;
  sums.correct += r.correct;
  sums.seen += samples;
  for (const [k, v] of Object.entries(r.extra ?? {})) (sums.extra ??= {})[k] = (sums.extra[k] ?? 0) + v;
  for (const [k, c] of Object.entries(r.counts ?? {})) {
    const into = ((sums.counts ??= {})[k] ??= { curve: c.curve, values: new Array<number>(c.values.length).fill(0) });
    c.values.forEach((v, i) => (into.values[i]! += v));
  }
}

/** The means of the sums in the model's log order (metricKeys): loss, then the others. */
export function meanLogs(sums: EpochSums, accuracyKey: string | null, order: readonly string[]): [string, number][] {
  const values: [string, number][] = [['loss', sums.loss / sums.seen]];
  if (accuracyKey) values.push([accuracyKey, sums.correct / sums.seen]);
  for (const [k, v] of Object.entries(sums.extra ?? {})) values.push([k, v / sums.seen]);
  for (const [k, c] of Object.entries(sums.counts ?? {})) values.push([k, confusionResult(c)]);
  const rank = (key: string): number => (order.includes(key) ? order.indexOf(key) : order.length);
  return values.sort((a, b) => rank(a[0]) - rank(b[0]));
}

/** What the loop needs from a model (LayersModel and Sequential implement it). */
export interface LoopModel extends TrainableModel {
  readonly rng: Random;
  readonly optimizer: Optimizer | null;
  readonly accuracyKey: string | null;
  /** Every key the logs hold ('loss', the accuracy key, per-output losses, metric functions). */
  readonly metricKeys: string[];
  requireCompiled(): void;
  /** Check the inputs and labels (one source per model input and output), building the model from them when needed. */
  checkData(xs: readonly SampleSource[], ys: readonly SampleSource[]): void;
  /** Output names, for options given per output (classWeight). */
  readonly outputNames: string[];
  /**
   * One optimizer step on a batch (one tensor per input and output); classWeights weigh each
   * sample's loss by its class, sampleWeight ([rows]) by the weight given; both multiply.
   */
  trainBatch(xs: Tensor[], ys: Tensor[], rng: Random, classWeights?: (ClassWeight | null)[] | null, sampleWeight?: Tensor | null): BatchResult;
  evaluateSources(xs: readonly SampleSource[], ys: readonly SampleSource[], batchSize: number, sampleWeight?: SampleSource | null): Logs;
}

export interface FitOptions {
  /** Default 1. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Shuffle the training samples before each epoch. Default true. */
  shuffle?: boolean;
  /** Fraction of the samples, taken from the end before shuffling, held out for validation. Default 0. */
  validationSplit?: number;
  /** Held-out [x, y] (or Keras' [x, y, sampleWeight]) evaluated after each epoch; overrides validationSplit. */
  validationData?: [ModelData, ModelData] | [ModelData, ModelData, Tensor];
  /** Default none. An array, or one object with hooks (TF.js' CustomCallbackArgs). */
  callbacks?: Callback[] | Callback;
  /** 0 silent, 1 progress bar, 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
  /** Seed for shuffling and dropout. Default: drawn from the model's seed. */
  seed?: number;
  /** Weights of each class's samples in the loss, e.g. { 0: 1, 1: 5 } (per output: a list or an object by output name). */
  classWeight?: ClassWeightOption;
  /**
   * Keras' sample_weight: one weight per sample ([samples] or [samples, 1]) multiplying its loss
   * (and its class weight); the loss is Σ w·loss / samples of the batch. Default: all 1.
   * TF.js differs: it refuses sampleWeight ("not supported yet").
   */
  sampleWeight?: Tensor;
  /** Epoch to start from (when resuming). Default 0. */
  initialEpoch?: number;
  /** Where the progress goes. Default: standard output. */
  progressOutput?: ProgressOutput;
  /**
   * When fit lets the event loop run (signals, timers, servers; callbacks' onYield): 'auto' every
   * 50 ms, 'batch', 'epoch', 'never', or every this many milliseconds. Default 'auto'.
   */
  yieldEvery?: 'auto' | 'batch' | 'epoch' | 'never' | number;
}

/** The options fit takes; any other is refused by name. */
export const FIT_OPTIONS: readonly string[] = ['epochs', 'batchSize', 'shuffle', 'validationSplit', 'validationData', 'callbacks', 'verbose', 'seed', 'initialEpoch', 'progressOutput', 'yieldEvery', 'classWeight', 'sampleWeight'];

export interface History {
  /** What fit told its callbacks (TF.js' history.params). */
  params?: FitParams;
  epoch: number[];
  /** Per-epoch values: loss, acc, val_loss, val_acc (TF.js' keys). */
  history: Record<string, number[]>;
}

// 'auto' yields to the event loop this often, so signals, timers and servers stay responsive.
const AUTO_YIELD_MS = 50;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** After a batch (or, with epochEnd, an epoch): whether yieldEvery says to yield, given the time since the last yield. */
function yieldDue(yieldEvery: FitOptions['yieldEvery'], sinceLastMs: number, epochEnd: boolean): boolean {
  if (yieldEvery === 'never') return false;
  if (yieldEvery === 'epoch') return epochEnd;
  if (yieldEvery === 'batch') return !epochEnd;
  return !epochEnd && sinceLastMs > (typeof yieldEvery === 'number' ? yieldEvery : AUTO_YIELD_MS);
}

/** fit's callbacks option as a list, each checked to be an object of hooks. */
export function callbackList(option: FitOptions['callbacks'], where: string): RestoringCallback[] {
  const callbacks: RestoringCallback[] = option === undefined ? [] : Array.isArray(option) ? option : [option];
  for (const [i, cb] of callbacks.entries()) {
    if (!cb || typeof cb !== 'object') throw new TegakiError(`${where}: callbacks[${i}] must be an object with hooks such as onEpochEnd.`);
  }
  return callbacks;
}

export function defaultOutput(): ProgressOutput {
  const stdout = (globalThis as { process?: { stdout?: ProgressOutput } }).process?.stdout;
  return stdout ?? { write: (text: string) => console.log(text.replace(/\n$/, '')) };
}

type Sources = readonly SampleSource[];

type Split = { trainX: Sources; trainY: Sources; trainW: SampleSource | null; val: [Sources, Sources, SampleSource | null] | null };

function splitData(model: LoopModel, x: Sources, y: Sources, w: SampleSource | null, options: FitOptions): Split {
  if (options.validationData) {
    const data = options.validationData;
    if (!Array.isArray(data) || (data.length !== 2 && data.length !== 3)) throw new TegakiError('fit: validationData must be [x, y] or [x, y, sampleWeight].');
    const valX = asSources(data[0], 'validationData[0]');
    const valY = asSources(data[1], 'validationData[1]');
    model.checkData(valX, valY);
    const valW = data.length === 3 ? sampleWeightSource(data[2], valX[0]!.length, 'validationData[2]') : null;
    return { trainX: x, trainY: y, trainW: w, val: [valX, valY, valW] };
  }
  const split = options.validationSplit ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1)) {
    throw new TegakiError(`Expected validationSplit in [0, 1). Received validationSplit=${JSON.stringify(split)}.`);
  }
  if (split === 0) return { trainX: x, trainY: y, trainW: w, val: null };
  const length = x[0]!.length;
  const at = Math.floor(length * (1 - split));
  if (at === 0 || at === length) throw new TegakiError(`validationSplit=${split} leaves no ${at === 0 ? 'training' : 'validation'} samples out of ${length}.`);
  const subset = (sources: Sources, indices: Int32Array): SampleSource[] => sources.map((source) => new SubsetSource(source, indices));
  const head = range(0, at);
  const tail = range(at, length);
  const weights = (indices: Int32Array): SampleSource | null => (w ? subset([w], indices)[0]! : null);
  return { trainX: subset(x, head), trainY: subset(y, head), trainW: weights(head), val: [subset(x, tail), subset(y, tail), weights(tail)] };
}

/**
 * Where a fit stands, in a form that can be saved: enough to continue it later and end with the
 * same weights as a run that was never stopped (given the same weights and optimizer state).
 */
export interface TrainingSnapshot {
  /** Epoch in progress (0-based). */
  epoch: number;
  /** Batches of that epoch already trained. */
  step: number;
  /** The shuffle generator's state at the start of the epoch, before its shuffle. */
  shuffleState: number[];
  dropoutState: number[];
  /** Running sums of the epoch so far, for the progress bar and logs. */
  sums: EpochSums;
  history: History;
}

/** Callbacks that save where a fit stands and can put a later fit back there (see backupAndRestore). */
export interface RestoringCallback extends Callback {
  /** Given before training: a snapshot of where the loop stands, taken whenever called. */
  setSnapshotSource?(snapshot: () => TrainingSnapshot): void;
  /** Called before training; returns where to continue from, having restored weights and optimizer. */
  restoreState?(): Promise<TrainingSnapshot | null> | TrainingSnapshot | null;
}

export async function fitLoop(model: LoopModel, x: Sources, y: Sources, options: FitOptions): Promise<History> {
  const { epochs = 1, batchSize = 32, shuffle = true, verbose = 1, yieldEvery = 'auto' } = options;
  if (!['auto', 'batch', 'epoch', 'never'].includes(String(yieldEvery)) && !(typeof yieldEvery === 'number' && yieldEvery >= 0)) {
    throw new TegakiError(`Expected yieldEvery to be 'auto', 'batch', 'epoch', 'never' or a number of milliseconds. Received yieldEvery=${JSON.stringify(yieldEvery)}.`);
  }
  const callbacks = callbackList(options.callbacks, 'fit');
  if (!Number.isInteger(epochs) || epochs < 0) throw new TegakiError(`Expected epochs to be a non-negative integer. Received epochs=${JSON.stringify(epochs)}.`);
  checkBatchSize(batchSize);
  model.requireCompiled();
  model.checkData(x, y);
  const classWeights = classWeightsPerOutput(options.classWeight, model.outputNames);
  const sampleWeight = options.sampleWeight === undefined ? null : sampleWeightSource(options.sampleWeight, x[0]!.length, 'sampleWeight');
  const { trainX, trainY, trainW, val } = splitData(model, x, y, sampleWeight, options);
  const samples = trainX[0]!.length;
  if (samples === 0) throw new TegakiError('Cannot fit on an empty dataset.');

  const rng = new Random(options.seed ?? model.rng.nextUint32());
  const shuffleRng = rng.fork();
  const dropoutRng = rng.fork();
  const out = options.progressOutput ?? defaultOutput();
  const xBuffers = trainX.map((source) => new BatchBuffers(source));
  const yBuffers = trainY.map((source) => new BatchBuffers(source));
  const wBuffers = trainW ? new BatchBuffers(trainW) : null;
  const steps = Math.ceil(samples / batchSize);
  const accuracyKey = model.accuracyKey;
  const metricKeys = model.metricKeys;

  model.stopTraining = false;
  const initialEpoch = options.initialEpoch ?? 0;
  for (const cb of callbacks) cb.setModel?.(model);
  const params: FitParams = { epochs, initialEpoch, samples, steps, batchSize, verbose, doValidation: val !== null, metrics: metricKeys };
  for (const cb of callbacks) cb.setParams?.(params);
  let resumed: TrainingSnapshot | null = null;
  for (const cb of callbacks) resumed = (await cb.restoreState?.()) ?? resumed;
  if (resumed && (resumed.epoch > epochs || resumed.step > steps || (resumed.step > 0 && resumed.epoch >= epochs))) {
    throw new TegakiError(`The backup stands at epoch ${resumed.epoch + 1}, batch ${resumed.step}: outside this fit (${epochs} epochs of ${steps} batches).`);
  }
  const history: History = resumed ? structuredClone(resumed.history) : { epoch: [], history: {} };
  const state: TrainingSnapshot = resumed ?? {
    epoch: initialEpoch, step: 0, shuffleState: shuffleRng.getState(), dropoutState: dropoutRng.getState(), sums: { loss: 0, correct: 0, seen: 0 }, history,
  };
  if (resumed) dropoutRng.setState(resumed.dropoutState);
  const snapshot = (): TrainingSnapshot => ({ ...state, sums: structuredClone(state.sums), dropoutState: dropoutRng.getState(), history: structuredClone(history) });
  for (const cb of callbacks) cb.setSnapshotSource?.(snapshot);
  for (const cb of callbacks) await cb.onTrainBegin?.({});
  let lastYield = performance.now();
  let interrupted = false;

  for (let epoch = state.epoch; epoch < epochs && !model.stopTraining; epoch++) {
    const continuing = resumed !== null && epoch === resumed.epoch;
    if (continuing) shuffleRng.setState(resumed!.shuffleState);
    state.epoch = epoch;
    state.shuffleState = shuffleRng.getState();
    if (!continuing) {
      state.step = 0;
      state.sums = { loss: 0, correct: 0, seen: 0 };
    }
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, {});
    if (verbose > 0) out.write(`Epoch ${epoch + 1}/${epochs}\n`);
    const order = range(0, samples);
    if (shuffle) shuffleRng.shuffle(order);
    const bar = verbose === 1 ? new ProgressBar(steps, out) : null;
    const sums = state.sums;
    const running = (): [string, number][] => meanLogs(sums, accuracyKey, metricKeys);
    for (let step = state.step; step < steps; step++) {
      const indices = order.subarray(step * batchSize, Math.min((step + 1) * batchSize, order.length));
      for (const cb of callbacks) await cb.onBatchBegin?.(step, { batch: step, size: indices.length });
      const gather = (buffers: BatchBuffers[]): Tensor[] => buffers.map((b) => b.gather(indices));
      const w = wBuffers ? wBuffers.gather(indices) : null;
      const r = model.trainBatch(gather(xBuffers), gather(yBuffers), dropoutRng, classWeights, w);
      addBatch(sums, r, indices.length);
      state.step = step + 1;
      bar?.update(step + 1, running(), false);
      const batchLogs: Logs = { batch: step, size: indices.length, ...Object.fromEntries(meanLogs({ ...r, seen: indices.length }, accuracyKey, metricKeys)) };
      for (const cb of callbacks) await cb.onBatchEnd?.(step, batchLogs);
      if (yieldDue(yieldEvery, performance.now() - lastYield, false)) {
        await yieldToEventLoop();
        lastYield = performance.now();
        for (const cb of callbacks) await cb.onYield?.(epoch, step, batchLogs);
      }
      if (model.stopTraining && state.step < steps) {
        interrupted = true;
        break;
      }
    }
    if (interrupted) {
      if (bar) out.write('\n');
      break;
    }
    // a stop requested during the epoch's last batch (not by an epoch-end callback) still
    // leaves epochs to do: that is an interruption too
    const stopRequested = model.stopTraining;
    const logs: Logs = Object.fromEntries(running());
    if (val) {
      const v = model.evaluateSources(val[0], val[1], batchSize, val[2]);
      for (const [k, value] of Object.entries(v)) logs[`val_${k}`] = value;
    }
    const values = Object.entries(logs) as [string, number][];
    if (bar) bar.update(steps, values, true);
    // verbose 2: one plain line per epoch even on a terminal (the wrapper hides isTTY)
    else if (verbose === 2) new ProgressBar(steps, { write: (t) => out.write(t) }).update(steps, values, true);
    history.epoch.push(epoch);
    for (const [k, value] of Object.entries(logs)) (history.history[k] ??= []).push(value);
    // the epoch is complete: a snapshot taken now continues with the next one
    state.epoch = epoch + 1;
    state.step = 0;
    state.sums = { loss: 0, correct: 0, seen: 0 };
    state.shuffleState = shuffleRng.getState();
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs);
    if (yieldDue(yieldEvery, performance.now() - lastYield, true)) {
      await yieldToEventLoop();
      lastYield = performance.now();
      for (const cb of callbacks) await cb.onYield?.(epoch, steps - 1, logs);
    }
    if (stopRequested && epoch + 1 < epochs) interrupted = true;
  }
  for (const cb of callbacks) await cb.onTrainEnd?.(interrupted ? { interrupted: 1 } : {});
  return { params, ...history };
}
