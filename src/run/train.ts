// One training run of a tutorial model, as the command line and the server both do it: build and
// compile it, back it up before the first batch and after every epoch, stop on request or when the
// loss stops being finite, evaluate on the test set, save, and only then drop the backup. At every
// moment the run's folder holds a loadable model or a resumable backup (once training started).

import { join } from 'node:path';
import type { NamedDataset } from '../data/datasets.js';
import { TegakiError } from '../errors.js';
import { range, SubsetSource, take, type SampleSource } from '../data/source.js';
import { terminateOnNaN, type Callback, type Logs } from '../model/callbacks.js';
import { backupAndRestore, readBackup, removeBackup } from '../model/checkpoint.js';
import type { History } from '../model/fit.js';
import { saveModel } from '../model/files.js';
import type { ModelMetadata } from '../model/metadata.js';
import type { ProgressOutput } from '../model/progress.js';
import { nonFiniteWeight } from '../model/save.js';
import type { Sequential } from '../model/sequential.js';
import { cnnPlusAugmentation } from '../model/cnn-plus.js';
import { buildModel } from '../model/recipes.js';
import { Sequential as SequentialModel } from '../model/sequential.js';
import { getOptimizer } from '../optimizers/index.js';
import { cosineDecay, piecewiseConstantDecay } from '../optimizers/schedules.js';
import type { LearningRate } from '../optimizers/optimizer.js';
import { inputsFor } from './data.js';
import { removeIfEmpty, type OutputDir } from './output.js';
import type { TrainSettings } from './settings.js';

export type RunPhase = 'preparing' | 'training' | 'finishing' | 'done';

/** Stops a run from outside (Ctrl-C, a stop request) and tells where it stands. */
export class RunControl {
  phase: RunPhase = 'preparing';
  stopRequested = false;
  private model: { stopTraining: boolean } | null = null;

  /** Ask the run to stop: training stops after its current batch; a finishing run finishes. */
  stop(): void {
    this.stopRequested = true;
    if (this.model && this.phase === 'training') this.model.stopTraining = true;
  }

  attach(model: { stopTraining: boolean }): void {
    this.model = model;
    this.phase = 'training';
    if (this.stopRequested) model.stopTraining = true;
  }
}

export interface RunOptions {
  /** Where the summary, the test metrics and notes go. Default console.log. */
  print?: (line: string) => void;
  /** fit's progress: 0 none, 1 bar, 2 a line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
  progressOutput?: ProgressOutput;
  /** More callbacks for fit (the server's progress events). */
  callbacks?: Callback[];
  /** A stop pauses the run with a resumable backup ('backup', Ctrl-C), or ends training and saves the model as it is ('finish'). Default 'backup'. */
  onStop?: 'backup' | 'finish';
  /** Evaluate on at most this many test images. Default all. */
  testLimit?: number;
  /** Continue from the backup in the run folder. Default false: a backup there is refused, not overwritten. */
  resume?: boolean;
}

export type RunResult =
  | { status: 'done'; model: Sequential; history: History; test: Logs; seconds: number; stopped: boolean }
  /** Paused by a stop; `backup` is where the saved backup stands (null if none could be written). */
  | { status: 'interrupted'; backup: { epoch: number; step: number } | null }
  /** The loss (or, after the last batch, a weight) became NaN or infinite; nothing was saved. */
  | { status: 'diverged'; at: { epoch: number; batch: number; loss: number; weight?: string } }
  /** Stopped before training began; nothing was saved. */
  | { status: 'not-started' };

/** The learning rate of a run: the optimizer's (or the given) rate, decayed over all its steps as the schedule says. */
function learningRateOf(settings: TrainSettings, steps: number): LearningRate | undefined {
  if (settings.schedule === 'constant') return settings.learningRate;
  const rate = settings.learningRate ?? getOptimizer(settings.optimizer).learningRate;
  if (settings.schedule === 'cosine') return cosineDecay({ initialLearningRate: rate, decaySteps: steps });
  const boundaries = [Math.floor(steps / 2), Math.floor((steps * 3) / 4)];
  return piecewiseConstantDecay({ boundaries, values: [rate, rate / 10, rate / 100] });
}

/**
 * A compiled model for the data, and the (possibly limited) training samples. With augmentation
 * the trained model has the augmentation layers in front; `saved` is the same model without them
 * (the same layer objects), which is what the run saves, so that TF.js loads it.
 */
export function prepareTutorialRun(settings: TrainSettings, data: NamedDataset): { model: Sequential; saved: Sequential; x: SampleSource; y: SampleSource } {
  const inputShape = data.train.images.sampleShape as [number, number, number];
  const count = Math.min(settings.limit ?? data.train.images.length, data.train.images.length);
  const steps = settings.epochs * Math.ceil((count * (1 - (data.heldOut ? 0 : settings.validationSplit))) / settings.batchSize);
  const saved = buildModel(settings.model, { seed: settings.seed, numClasses: data.classNames.length, inputShape: settings.model === 'nn' ? undefined : inputShape });
  let model = saved;
  if (settings.augment) {
    if (settings.model === 'nn') throw new TegakiError('augment works on images: use it with --model cnn or cnn-plus, not nn.');
    model = new SequentialModel({ name: saved.name, seed: settings.seed });
    for (const layer of [...cnnPlusAugmentation(inputShape), ...saved.layers]) model.add(layer);
  }
  model.compile({ optimizer: getOptimizer(settings.optimizer, learningRateOf(settings, steps)), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return { model, saved, x: take(inputsFor(settings.model, data.train), count), y: take(data.train.labels, count) };
}

/** What a trained tutorial model carries: classes, input preprocessing, history, settings, test. */
export function tutorialMetadata(model: Sequential, data: NamedDataset, settings: TrainSettings, history: History, test: Logs, training: Record<string, unknown> = {}): ModelMetadata {
  return {
    classNames: data.classNames,
    input: { shape: model.inputShape, scale: 1 / 255, style: data.style, colorMode: data.train.images.sampleShape[2] === 3 ? 'rgb' : 'grayscale' },
    dataset: data.name,
    seed: settings.seed,
    history: history.history,
    training: { ...settings, ...training },
    test,
  };
}

/** Test loss and accuracy in slices, yielding between them so a signal is heard while it runs. */
async function evaluateInSlices(model: Sequential, x: SampleSource, y: SampleSource, count: number): Promise<Logs> {
  const SLICE = 1000;
  let loss = 0;
  let correct = 0;
  for (let start = 0; start < count; start += SLICE) {
    const indices = range(start, Math.min(count, start + SLICE));
    const logs = model.evaluateSource(new SubsetSource(x, indices), new SubsetSource(y, indices), SLICE);
    loss += logs['loss']! * indices.length;
    correct += Math.round(logs[model.accuracyKey!]! * indices.length);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { loss: loss / count, accuracy: correct / count };
}

/** The backup folder of a run folder. */
export const backupDirOf = (runDir: string): string => join(runDir, 'backup');

/**
 * Train one tutorial model into `out` (resuming from its backup when there is one), test and
 * save it. Errors (a full disk) are thrown as TegakiError after cleaning up what they started;
 * the last good backup then stays.
 */
export async function trainRun(settings: TrainSettings, out: OutputDir, data: NamedDataset, control: RunControl, options: RunOptions = {}): Promise<RunResult> {
  const print = options.print ?? console.log;
  if (control.stopRequested) {
    removeIfEmpty(out);
    return { status: 'not-started' };
  }
  const backupDir = backupDirOf(out.path);
  if (!options.resume && readBackup(backupDir)) {
    throw new TegakiError(`${out.path} holds the backup of an unfinished run; resume it with tegaki train --resume ${out.path}, or choose another output folder.`);
  }
  const { model, saved, x, y } = prepareTutorialRun(settings, data);
  model.summary(print);
  const backup = backupAndRestore({ backupDir, extra: { settings }, keepOnCompletion: true, saveOnTrainBegin: true });
  const divergence = terminateOnNaN({ verbose: false });
  const epochSeconds: number[] = [];
  let epochStart = 0;
  let steps = 0;
  let epoch = 0;
  const timer: Callback = {
    setParams: (params) => void (steps = params.steps),
    onEpochBegin: (e) => {
      epoch = e;
      epochStart = performance.now();
    },
    // after the last batch, a stop no longer interrupts anything: the run is finishing
    onBatchEnd: (batch) => {
      if (epoch === settings.epochs - 1 && batch === steps - 1) control.phase = 'finishing';
    },
    onEpochEnd: () => void epochSeconds.push((performance.now() - epochStart) / 1000),
  };
  const start = performance.now();
  control.attach(model);
  const history = await model.fit(x, y, {
    epochs: settings.epochs, batchSize: settings.batchSize, seed: settings.seed, verbose: options.verbose ?? 1, progressOutput: options.progressOutput,
    // a folder dataset is tested on its held-out split, which also serves as validation data
    ...(data.heldOut ? { validationData: [inputsFor(settings.model, data.test), data.test.labels] as [SampleSource, SampleSource] } : { validationSplit: settings.validationSplit }),
    callbacks: [timer, divergence, backup, ...(options.callbacks ?? [])],
  });
  const seconds = (performance.now() - start) / 1000;
  // the last update can turn weights into NaN while its batch's loss was still finite
  const bad = nonFiniteWeight(model);
  if (!divergence.stoppedAt && bad) divergence.stoppedAt = { epoch: Math.max(0, history.epoch.length - 1), batch: steps - 1, loss: NaN, weight: bad };
  if (divergence.stoppedAt) {
    // resuming would diverge again at the same batch: nothing here is worth keeping
    removeBackup(backupDir);
    removeIfEmpty(out);
    control.phase = 'done';
    return { status: 'diverged', at: divergence.stoppedAt };
  }
  const stopped = history.epoch.length < settings.epochs;
  if (stopped && (options.onStop ?? 'backup') === 'backup') {
    control.phase = 'done';
    const at = readBackup(backupDir);
    return { status: 'interrupted', backup: at && { epoch: at.epoch, step: at.step } };
  }
  control.phase = 'finishing';
  // the same layers without the augmentation in front: what is tested and saved
  if (saved !== model) saved.compile({ optimizer: model.optimizer!, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const testCount = Math.min(options.testLimit ?? data.test.images.length, data.test.images.length);
  const test = await evaluateInSlices(saved, inputsFor(settings.model, data.test), data.test.labels, testCount);
  print(`Test loss: ${test['loss']!.toFixed(4)}`);
  print(`Test accuracy: ${test['accuracy']!.toFixed(4)}`);
  const testLogs = testCount < data.test.images.length ? { ...test, count: testCount } : test;
  saved.metadata = tutorialMetadata(saved, data, settings, history, testLogs, { seconds, epochSeconds, ...(stopped ? { stopped } : {}) });
  saveModel(saved, out.path);
  // only now is the backup no longer needed
  removeBackup(backupDir);
  control.phase = 'done';
  return { status: 'done', model: saved, history, test, seconds, stopped };
}
