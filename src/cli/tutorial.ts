// `tegaki tutorial` (npm start): the tutorial end to end — train, evaluate and report on the NN and
// the CNN, then compare them on one page.

import { join } from 'node:path';
import { datasetFor } from '../run/data.js';
import { RunControl } from '../run/train.js';
import { tutorialRun } from '../run/tutorial.js';
import { parse, UsageError } from '../args.js';
import { INTERRUPTED_STATUS } from './interrupt.js';
import { prepareOutputDir } from '../run/output.js';
import { defaultRunDir, reportRun, settingsFromOptions, TRAIN_OPTIONS, withRunGuard } from './train.js';

export const TUTORIAL_HELP = `Usage: tegaki tutorial [options]

Train and evaluate both tutorial models (NN, then CNN) on MNIST, write their reports and a
comparison page under runs/<time>/, and print where they are.
Takes the options of 'tegaki train' except --model and --resume (defaults: 5 epochs, batch 64,
rmsprop); --out DIR chooses the folder.`;

export async function tutorialCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, TRAIN_OPTIONS, 'tutorial');
  if (positionals.length > 0) throw new UsageError(`tutorial: unexpected argument '${positionals[0]}'.`);
  if (values['model'] !== undefined || values['resume'] !== undefined) {
    throw new UsageError('tutorial trains both models from scratch; use tegaki train --model nn|cnn (or --resume) for one.');
  }
  const base = settingsFromOptions(values);
  const runDir = prepareOutputDir(values['out'] !== undefined ? String(values['out']) : defaultRunDir('tutorial'));
  const control = new RunControl();
  let current = runDir.path;
  const result = await withRunGuard(control, () => current, runDir, async () => {
    const data = await datasetFor(base, (w) => console.error(`tegaki: warning: ${w}`));
    return tutorialRun(base, runDir, data, control, { onModel: (model: string) => void (current = join(runDir.path, model)) });
  });
  if (result.status === 'done') {
    for (const m of result.models) console.log(`${m.name} report: ${join(runDir.path, m.folder, 'report.html')}`);
    console.log(`Comparison: ${result.page}`);
    return 0;
  }
  const saved = result.finished.map((m) => `The ${m.toUpperCase()} and its report are in ${join(runDir.path, m)}.`).join(' ');
  if (result.status === 'stopped') {
    console.log(`Stopped before the ${result.finished.length === 1 ? 'CNN' : 'comparison'}. ${saved}`);
    return INTERRUPTED_STATUS;
  }
  if (saved) console.log(saved);
  return reportRun(result.result, join(runDir.path, result.model), { ...base, model: result.model });
}
