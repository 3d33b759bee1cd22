// The tutorial end to end (npm start): train, test and report on the NN, then the CNN, then compare
// them on one page. A stop between or during the two leaves everything finished so far in place.

import { join } from 'node:path';
import type { NamedDataset } from '../data/datasets.js';
import { formatDuration } from '../model/progress.js';
import { formatCount } from '../model/summary.js';
import type { TutorialModelName } from '../model/tutorial.js';
import { type ComparedModel, writeComparison } from '../report/comparison.js';
import { writeModelReport } from '../report/model-report.js';
import { prepareOutputDir, type OutputDir } from './output.js';
import type { TrainSettings } from './settings.js';
import { trainRun, type RunControl, type RunOptions, type RunResult } from './train.js';

export type TutorialResult =
  | { status: 'done'; page: string; models: ComparedModel[] }
  /** The run of `model` ended without a saved model (interrupted, diverged); `finished` are saved. */
  | { status: 'incomplete'; model: TutorialModelName; result: Exclude<RunResult, { status: 'done' }>; finished: TutorialModelName[] }
  /** Stopped between the two models: the first is saved with its report. */
  | { status: 'stopped'; finished: TutorialModelName[] };

export interface TutorialOptions extends RunOptions {
  /** Told when a model's run starts, e.g. to say where its backup is on Ctrl-C. */
  onModel?: (model: TutorialModelName) => void;
}

export async function tutorialRun(base: TrainSettings, runDir: OutputDir, data: NamedDataset, control: RunControl, options: TutorialOptions = {}): Promise<TutorialResult> {
  const print = options.print ?? console.log;
  const compared: ComparedModel[] = [];
  const finished: TutorialModelName[] = [];
  for (const model of ['nn', 'cnn'] as const) {
    if (control.stopRequested && finished.length > 0) return { status: 'stopped', finished };
    const settings = { ...base, model };
    const dir = prepareOutputDir(join(runDir.path, model));
    options.onModel?.(model);
    print(`\n== ${model.toUpperCase()}: training on ${formatCount(settings.limit ?? data.train.images.length)} ${data.name} images, ${settings.epochs} epochs (seed ${settings.seed}) ==`);
    const result = await trainRun(settings, dir, data, control, options);
    if (result.status !== 'done') return { status: 'incomplete', model, result, finished };
    print(`Writing the ${model.toUpperCase()} report...`);
    const report = writeModelReport(dir.path, result.model, data.test.images, data.test.labels, data.classNames, { dataName: data.testName, title: `tegaki: the tutorial ${model.toUpperCase()}` });
    compared.push({ name: model.toUpperCase(), folder: model, params: result.model.countParams(), trainingSeconds: result.seconds, epochs: settings.epochs, report });
    finished.push(model);
  }
  print('\nModel  Params   Training   Test loss  Test accuracy');
  for (const m of compared) {
    const e = m.report.evaluation;
    print(`${m.name.padEnd(6)} ${formatCount(m.params).padEnd(8)} ${formatDuration(m.trainingSeconds).padEnd(10)} ${e.loss.toFixed(4).padEnd(10)} ${e.accuracy.toFixed(4)}`);
  }
  const page = writeComparison(runDir.path, compared, `${compared[0]!.epochs} epochs · ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`);
  return { status: 'done', page, models: compared };
}
