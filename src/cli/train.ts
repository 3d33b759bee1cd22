// `tegaki train`: build a tutorial model, train it on MNIST with progress, evaluate on the test set.

import { loadMnist, type ImageDataset } from '../data/mnist.js';
import { take } from '../data/source.js';
import type { History } from '../model/fit.js';
import type { Logs } from '../model/callbacks.js';
import type { Sequential } from '../model/sequential.js';
import { buildTutorialModel, type TutorialModelName } from '../model/tutorial.js';
import { getOptimizer, OPTIMIZER_NAMES } from '../optimizers/index.js';
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
};

export const TRAIN_HELP = `Usage: tegaki train --model nn|cnn [options]

Train one of the tutorial's models on MNIST and evaluate it on the 10,000 test images.

Options:
  --model nn|cnn            dense network or convolutional network (default cnn)
  --epochs N                passes over the training images (default 5)
  --batch-size N            samples per step (default 64)
  --optimizer NAME          ${OPTIMIZER_NAMES.join(' | ')} (default rmsprop)
  --learning-rate F         default: the optimizer's Keras default
  --validation-split F      fraction of training images held out, from the end (default 0)
  --seed N                  seed for weights, shuffling and dropout (default: random)
  --limit N                 train on the first N training images only (default all)
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
}

export function trainSettings(argv: string[], command = 'train'): TrainSettings {
  const { values, positionals } = parse(argv, TRAIN_OPTIONS, command);
  if (positionals.length > 0) throw new UsageError(`${command}: unexpected argument '${positionals[0]}'.`);
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
  };
}

export interface TrainResult {
  model: Sequential;
  history: History;
  test: Logs;
  seconds: number;
}

/** The images as the model takes them: flat 784-vectors for the dense network. */
function inputsFor(kind: TutorialModelName, split: ImageDataset['train']) {
  return kind === 'nn' ? split.images.withShape([split.images.sampleShape.reduce((a, b) => a * b, 1)]) : split.images;
}

export async function trainTutorialModel(settings: TrainSettings, data: ImageDataset = loadMnist(), print: (line: string) => void = console.log): Promise<TrainResult> {
  const model = buildTutorialModel(settings.model, { seed: settings.seed, numClasses: data.classNames.length });
  model.summary(print);
  model.compile({ optimizer: getOptimizer(settings.optimizer, settings.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const count = settings.limit ?? data.train.images.length;
  const x = take(inputsFor(settings.model, data.train), count);
  const y = take(data.train.labels, count);
  const start = performance.now();
  const history = await model.fit(x, y, { epochs: settings.epochs, batchSize: settings.batchSize, validationSplit: settings.validationSplit, seed: settings.seed });
  const seconds = (performance.now() - start) / 1000;
  const test = model.evaluate(inputsFor(settings.model, data.test), data.test.labels, { batchSize: 1000 });
  print(`Test loss: ${test['loss']!.toFixed(4)}`);
  print(`Test accuracy: ${test['accuracy']!.toFixed(4)}`);
  return { model, history, test, seconds };
}

export async function trainCommand(argv: string[]): Promise<void> {
  const settings = trainSettings(argv);
  console.log(`Training the tutorial ${settings.model.toUpperCase()} on MNIST (seed ${settings.seed}).`);
  await trainTutorialModel(settings);
}
