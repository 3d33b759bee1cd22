// `tegaki train`: build a tutorial model, train it with progress, test it and save it. Ctrl-C
// stops after the current batch with a backup that --resume continues.

import { join } from 'node:path';
import { TegakiError } from '../errors.js';
import { readBackup } from '../model/checkpoint.js';
import { OPTIMIZER_NAMES } from '../optimizers/index.js';
import { datasetFor } from '../run/data.js';
import { prepareOutputDir, removeIfEmpty, runFolderName, type OutputDir } from '../run/output.js';
import { trainSettings, type TrainSettings } from '../run/settings.js';
import { backupDirOf, RunControl, trainRun, type RunResult } from '../run/train.js';
import { parse, UsageError, type OptionSpec } from '../args.js';
import { describeRunDir, INTERRUPTED_STATUS, stopOnInterrupt } from './interrupt.js';

export const TRAIN_OPTIONS: OptionSpec = {
  model: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  optimizer: { type: 'string' },
  'learning-rate': { type: 'string' },
  schedule: { type: 'string' },
  augment: { type: 'string' },
  'validation-split': { type: 'string' },
  seed: { type: 'string' },
  limit: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'string' },
  data: { type: 'string' },
  'image-size': { type: 'string' },
  'color-mode': { type: 'string' },
};

export const TRAIN_HELP = `Usage: tegaki train --model nn|cnn|cnn-plus [options]
       tegaki train --resume DIR

Train one of the tutorial's models (or cnn-plus, the CNN with batch normalization, dropout and
augmentation that beats it), evaluate it on the test images and save it (TensorFlow.js format). Ctrl-C stops after the current batch and saves a backup to resume from. A run whose loss
stops being a finite number is stopped and saves nothing.

Options:
  --model nn|cnn|cnn-plus   dense network, the tutorial's CNN (default), or cnn-plus; each model
                            has its own recipe, the defaults below (cnn-plus: 15 epochs, batch
                            128, adamw at 0.001, cosine schedule, augmentation on)
  --data NAME|DIR           mnist (default), fashion-mnist, a folder of IDX files, or a folder
                            with one subfolder of images per class
  --image-size N|HxW        size folder images are resized to (default 28)
  --color-mode MODE         grayscale (default) or rgb, for folder images
  --epochs N                passes over the training images (default 5)
  --batch-size N            samples per step (default 64)
  --optimizer NAME          ${OPTIMIZER_NAMES.join(', ')}
                            (default rmsprop)
  --learning-rate F         default: the optimizer's Keras default
  --schedule NAME           constant (default), cosine (decays to 0 by the last step) or step
                            (×0.1 at half of the steps and again at three quarters)
  --augment on|off          random rotations (±11°), zooms (±10 %) and shifts (±10 %) of the
                            training images (default off); the saved model has no such layers
  --validation-split F      fraction of training images held out, from the end (default 0;
                            for a folder dataset, the held-out split it is tested on: 0.2)
  --seed N                  seed for weights, shuffling and dropout (default: random)
  --limit N                 train on the first N training images only (default all)
  --out DIR                 where to save the model (default runs/<time>-<model>)
  --resume DIR              continue a stopped run saved in DIR, with its settings
  --backend ts|native       kernels to run (default: native when available)
  --verbose                 show stack traces for errors`;

const camelCase = (option: string): string => option.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Settings from command-line options (a bad value is a SettingsError, shown as its --option). */
export function settingsFromOptions(values: Record<string, unknown>, skip: readonly string[] = ['out', 'resume']): TrainSettings {
  const input: Record<string, unknown> = {};
  for (const [option, value] of Object.entries(values)) if (!skip.includes(option)) input[camelCase(option)] = value;
  return trainSettings(input);
}

/** A new run folder under runs/: runs/20261128-021500-cnn. */
export const defaultRunDir = (label: string): string => join('runs', runFolderName(label));

/** The settings a backup was made with, checked as if typed again. */
function resumeSettings(dir: string): TrainSettings {
  const backup = readBackup(backupDirOf(dir));
  if (!backup) throw new TegakiError(`${dir}: no backup to resume from (it holds no backup/latest.json; a finished run removes its backup).`);
  const settings = (backup.extra as { settings?: unknown } | null)?.settings;
  if (typeof settings !== 'object' || settings === null) throw new TegakiError(`${backupDirOf(dir)}: the backup holds no training settings; it cannot be resumed.`);
  let checked: TrainSettings;
  try {
    checked = trainSettings(settings as Record<string, unknown>);
  } catch (e) {
    throw new TegakiError(`${backupDirOf(dir)}: the saved setting ${(e as Error).message}`);
  }
  const where = backup.epoch >= checked.epochs ? `after its last epoch (${checked.epochs}) to test and save it` : `at epoch ${backup.epoch + 1}/${checked.epochs}, batch ${backup.step}`;
  console.log(`Resuming ${dir} ${where} (${checked.model.toUpperCase()}, seed ${checked.seed}).`);
  return checked;
}

/** Exit status and message of a finished run. */
export function reportRun(result: RunResult, dir: string, settings: TrainSettings): number {
  switch (result.status) {
    case 'done':
      console.log(`Saved the model to ${dir}`);
      return 0;
    case 'interrupted':
      if (!result.backup) {
        console.log(`Interrupted; no backup could be saved in ${backupDirOf(dir)}.`);
      } else {
        console.log(`Interrupted at epoch ${result.backup.epoch + 1}/${settings.epochs}, batch ${result.backup.step}. Backup saved in ${backupDirOf(dir)}.`);
        console.log(`Resume with: tegaki train --resume ${dir}`);
      }
      return INTERRUPTED_STATUS;
    case 'not-started':
      console.log('Stopped before training started; nothing was saved.');
      return INTERRUPTED_STATUS;
    case 'diverged': {
      const { epoch, batch, loss, weight } = result.at;
      const what = weight ? `weight ${weight} stopped being a finite number` : `the loss became ${loss}`;
      throw new TegakiError(`training diverged at epoch ${epoch + 1}, batch ${batch + 1}: ${what}. Nothing was saved; try a lower --learning-rate${settings.learningRate !== undefined ? ` than ${settings.learningRate}` : ''}.`);
    }
  }
}

/** Run fn with Ctrl-C handled; errors say what of the run is still on disk. */
export async function withRunGuard<T>(control: RunControl, runDir: () => string, out: OutputDir | null, fn: () => Promise<T>): Promise<T> {
  const release = stopOnInterrupt(control, runDir);
  try {
    return await fn();
  } catch (e) {
    if (out) removeIfEmpty(out);
    if (e instanceof TegakiError && control.phase !== 'preparing') throw new TegakiError(`${e.message} ${describeRunDir(runDir())}`);
    throw e;
  } finally {
    release();
  }
}

export async function trainCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, TRAIN_OPTIONS, 'train');
  if (positionals.length > 0) throw new UsageError(`train: unexpected argument '${positionals[0]}'.`);
  let settings: TrainSettings;
  let out: OutputDir;
  const resume = values['resume'];
  if (resume !== undefined) {
    const others = Object.keys(values).filter((k) => k !== 'resume');
    if (others.length > 0) throw new UsageError(`--resume continues with the run's own settings; drop --${others[0]}.`);
    if (String(resume).trim() === '') throw new UsageError("--resume expects a run folder, received ''.");
    settings = resumeSettings(String(resume));
    out = prepareOutputDir(String(resume));
  } else {
    settings = settingsFromOptions(values);
    // an empty or unusable --out stops here, before any work
    out = prepareOutputDir(values['out'] !== undefined ? String(values['out']) : defaultRunDir(settings.model));
  }
  const control = new RunControl();
  const result = await withRunGuard(control, () => out.path, out, async () => {
    const data = await datasetFor(settings, (w) => console.error(`tegaki: warning: ${w}`));
    if (resume === undefined) console.log(`Training ${settings.model === 'cnn-plus' ? 'cnn-plus' : `the tutorial ${settings.model.toUpperCase()}`} on ${data.name} (seed ${settings.seed}).`);
    return trainRun(settings, out, data, control, { resume: resume !== undefined });
  });
  return reportRun(result, out.path, settings);
}
