// `tegaki train`: build a tutorial model, train it on MNIST with progress, evaluate it on the test
// set and save it. Ctrl-C stops after the current batch with a backup that --resume continues.

import { join } from 'node:path';
import { loadDataset, type NamedDataset } from '../data/datasets.js';
import type { ImageSplit } from '../data/mnist.js';
import { take, withSampleShape, type SampleSource } from '../data/source.js';
import { TegakiError } from '../errors.js';
import { backupAndRestore, readBackup } from '../io/checkpoint.js';
import type { Logs } from '../model/callbacks.js';
import type { History } from '../model/fit.js';
import type { ModelMetadata } from '../io/model-json.js';
import type { Sequential } from '../model/sequential.js';
import { buildTutorialModel, type TutorialModelName } from '../model/tutorial.js';
import { getOptimizer, OPTIMIZER_NAMES } from '../optimizers/index.js';
import { sizeOf } from '../tensor.js';
import { choiceOption, floatOption, intOption, parse, UsageError, type OptionSpec } from './args.js';

export const TRAIN_OPTIONS: OptionSpec = {
  model: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  optimizer: { type: 'string' },
  'learning-rate': { type: 'string' },
  'validation-split': { type: 'string' },
  seed: { type: 'string' },
  limit: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'string' },
  data: { type: 'string' },
  'image-size': { type: 'string' },
  'color-mode': { type: 'string' },
};

export const TRAIN_HELP = `Usage: tegaki train --model nn|cnn [options]
       tegaki train --resume DIR

Train one of the tutorial's models, evaluate it on the test images and save it (TensorFlow.js
format). Ctrl-C stops after the current batch and saves a backup to resume from.

Options:
  --model nn|cnn            dense network or convolutional network (default cnn)
  --data NAME|DIR           mnist (default), fashion-mnist, a folder of IDX files, or a folder
                            with one subfolder of images per class
  --image-size N|HxW        size folder images are resized to (default 28)
  --color-mode MODE         grayscale (default) or rgb, for folder images
  --epochs N                passes over the training images (default 5)
  --batch-size N            samples per step (default 64)
  --optimizer NAME          ${OPTIMIZER_NAMES.join(' | ')} (default rmsprop)
  --learning-rate F         default: the optimizer's Keras default
  --validation-split F      fraction of training images held out, from the end (default 0;
                            for a folder dataset, the held-out split it is tested on: 0.2)
  --seed N                  seed for weights, shuffling and dropout (default: random)
  --limit N                 train on the first N training images only (default all)
  --out DIR                 where to save the model (default runs/<time>-<model>)
  --resume DIR              continue a stopped run saved in DIR, with its settings
  --backend ts|native       kernels to run (default: native when available)
  --verbose                 show stack traces for errors`;

export interface TrainSettings {
  model: TutorialModelName;
  epochs: number;
  batchSize: number;
  optimizer: string;
  learningRate: number | undefined;
  validationSplit: number;
  seed: number;
  limit: number | undefined;
  data: string;
  imageSize: [number, number];
  colorMode: 'grayscale' | 'rgb';
}

function parseSettings(values: Record<string, unknown>): TrainSettings {
  const optimizer = String(values['optimizer'] ?? 'rmsprop').toLowerCase();
  choiceOption({ optimizer }, 'optimizer', OPTIMIZER_NAMES, 'rmsprop');
  return {
    model: choiceOption(values, 'model', ['nn', 'cnn'] as const, 'cnn'),
    epochs: intOption(values, 'epochs', 5),
    batchSize: intOption(values, 'batch-size', 64),
    optimizer,
    learningRate: floatOption(values, 'learning-rate', undefined, (v) => v > 0, 'a positive number'),
    validationSplit: floatOption(values, 'validation-split', 0, (v) => v >= 0 && v < 1, 'a fraction in [0, 1)')!,
    seed: intOption(values, 'seed', (Math.random() * 2 ** 31) >>> 0, 0),
    limit: values['limit'] === undefined ? undefined : intOption(values, 'limit', 0),
    data: (values['data'] as string | undefined) ?? 'mnist',
    imageSize: imageSizeOption(values['image-size']),
    colorMode: choiceOption(values, 'color-mode', ['grayscale', 'rgb'] as const, 'grayscale'),
  };
}

function imageSizeOption(raw: unknown): [number, number] {
  if (raw === undefined) return [28, 28];
  const m = /^(\d+)(?:x(\d+))?$/.exec(String(raw));
  const [h, w] = m ? [Number(m[1]), Number(m[2] ?? m[1])] : [0, 0];
  if (!(h >= 8 && w >= 8 && h <= 512 && w <= 512)) throw new UsageError(`--image-size expects N or HxW between 8 and 512, received '${String(raw)}'.`);
  return [h, w];
}

/** What loading a dataset needs from the settings. */
export type DataSettings = Pick<TrainSettings, 'data' | 'imageSize' | 'colorMode' | 'validationSplit' | 'seed'>;

/** The dataset the settings name; a folder dataset's split is --validation-split (0.2 if 0). */
export async function datasetFor(settings: DataSettings): Promise<NamedDataset> {
  const data = await loadDataset(settings.data, { imageSize: settings.imageSize, colorMode: settings.colorMode, validationSplit: settings.validationSplit || 0.2, seed: settings.seed });
  for (const w of data.warnings) console.error(`tegaki: warning: ${w}`);
  return data;
}

export function trainSettings(argv: string[], command = 'train'): TrainSettings {
  const { values, positionals } = parse(argv, TRAIN_OPTIONS, command);
  if (positionals.length > 0) throw new UsageError(`${command}: unexpected argument '${positionals[0]}'.`);
  return parseSettings(values);
}

export interface TrainResult {
  model: Sequential;
  history: History;
  /** Test loss and accuracy; null when training was interrupted. */
  test: Logs | null;
  seconds: number;
}

/** The images as the model takes them: flat 784-vectors for the dense network. */
export function inputsFor(kind: TutorialModelName, split: ImageSplit): SampleSource {
  return kind === 'nn' ? withSampleShape(split.images, [sizeOf(split.images.sampleShape)]) : split.images;
}

/**
 * Ctrl-C while training: the first stops the model after its current batch, a second one exits
 * at once. Returns a function that removes the handler and says whether it fired.
 */
function stopOnInterrupt(model: Sequential): () => boolean {
  let fired = false;
  const handler = (): void => {
    if (fired) process.exit(130);
    fired = true;
    model.stopTraining = true;
    process.stderr.write('\nStopping after this batch and saving a backup (Ctrl-C again to quit at once)...\n');
  };
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGINT', handler);
    return fired;
  };
}

/** Train, evaluate and save one tutorial model into dir; resumes from dir's backup if it has one. */
/** A compiled tutorial model for the data, and the (possibly limited) training samples. */
export function prepareTutorialRun(settings: TrainSettings, data: NamedDataset): { model: Sequential; x: SampleSource; y: SampleSource } {
  const inputShape = data.train.images.sampleShape as [number, number, number];
  const model = buildTutorialModel(settings.model, { seed: settings.seed, numClasses: data.classNames.length, inputShape });
  model.compile({ optimizer: getOptimizer(settings.optimizer, settings.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const count = Math.min(settings.limit ?? data.train.images.length, data.train.images.length);
  return { model, x: take(inputsFor(settings.model, data.train), count), y: take(data.train.labels, count) };
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

export async function trainTutorialModel(settings: TrainSettings, dir: string, data: NamedDataset, print: (line: string) => void = console.log): Promise<TrainResult> {
  const { model, x, y } = prepareTutorialRun(settings, data);
  model.summary(print);
  const backupDir = join(dir, 'backup');
  const stop = stopOnInterrupt(model);
  const start = performance.now();
  const epochSeconds: number[] = [];
  let epochStart = start;
  const timer = { onEpochBegin: () => void (epochStart = performance.now()), onEpochEnd: () => void epochSeconds.push((performance.now() - epochStart) / 1000) };
  let history: History;
  let interrupted = false;
  try {
    history = await model.fit(x, y, {
      epochs: settings.epochs, batchSize: settings.batchSize, seed: settings.seed,
      // a folder dataset is tested on its held-out split, which also serves as validation data
      ...(data.heldOut ? { validationData: [inputsFor(settings.model, data.test), data.test.labels] as [SampleSource, SampleSource] } : { validationSplit: settings.validationSplit }),
      callbacks: [timer, backupAndRestore({ backupDir, extra: { settings } })],
    });
  } finally {
    if ((interrupted = stop())) {
      const at = readBackup(backupDir);
      print(`Interrupted at epoch ${(at?.epoch ?? 0) + 1}/${settings.epochs}, batch ${at?.step ?? 0}. Backup saved in ${backupDir}.`);
      print(`Resume with: tegaki train --resume ${dir}`);
    }
  }
  const seconds = (performance.now() - start) / 1000;
  if (interrupted) return { model, history, test: null, seconds };
  const test = model.evaluate(inputsFor(settings.model, data.test), data.test.labels, { batchSize: 1000 });
  print(`Test loss: ${test['loss']!.toFixed(4)}`);
  print(`Test accuracy: ${test['accuracy']!.toFixed(4)}`);
  model.metadata = tutorialMetadata(model, data, settings, history, test, { seconds, epochSeconds });
  await model.save(dir);
  print(`Saved the model to ${dir}`);
  return { model, history, test, seconds };
}

/** A new run folder name: runs/20261128-021500-cnn. */
export function defaultRunDir(label: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return join('runs', `${stamp}-${label}`);
}

/** Exit status of a run stopped by Ctrl-C, as shells report SIGINT. */
export const INTERRUPTED_STATUS = 130;

export async function trainCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, TRAIN_OPTIONS, 'train');
  if (positionals.length > 0) throw new UsageError(`train: unexpected argument '${positionals[0]}'.`);
  let settings: TrainSettings;
  let dir: string;
  if (values['resume'] !== undefined) {
    dir = String(values['resume']);
    const others = Object.keys(values).filter((k) => k !== 'resume');
    if (others.length > 0) throw new UsageError(`--resume continues with the run's own settings; drop --${others[0]}.`);
    const backup = readBackup(join(dir, 'backup'));
    if (!backup) throw new TegakiError(`${dir}: no backup to resume from (it holds no backup/latest.json; a finished run removes its backup).`);
    settings = (backup.extra as { settings: TrainSettings }).settings;
    console.log(`Resuming ${dir} at epoch ${backup.epoch + 1}/${settings.epochs}, batch ${backup.step} (${settings.model.toUpperCase()}, seed ${settings.seed}).`);
  } else {
    settings = parseSettings(values);
    dir = values['out'] !== undefined ? String(values['out']) : defaultRunDir(settings.model);
  }
  const data = await datasetFor(settings);
  if (values['resume'] === undefined) console.log(`Training the tutorial ${settings.model.toUpperCase()} on ${data.name} (seed ${settings.seed}).`);
  const result = await trainTutorialModel(settings, dir, data);
  return result.test ? 0 : INTERRUPTED_STATUS;
}
