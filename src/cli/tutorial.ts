// `tegaki tutorial` (npm start): the tutorial end to end — train, evaluate and report on the NN and
// the CNN, then compare them on one page.

import { join } from 'node:path';
import { formatDuration } from '../model/progress.js';
import { formatCount } from '../model/summary.js';
import { type ComparedModel, writeComparison } from '../report/comparison.js';
import { writeModelReport } from '../report/model-report.js';
import { UsageError } from './args.js';
import { datasetFor, defaultRunDir, INTERRUPTED_STATUS, trainSettings, trainTutorialModel } from './train.js';

export const TUTORIAL_HELP = `Usage: tegaki tutorial [options]

Train and evaluate both tutorial models (NN, then CNN) on MNIST, write their reports and a
comparison page under runs/<time>/, and print where they are.
Takes the options of 'tegaki train' except --model and --resume (defaults: 5 epochs, batch 64,
rmsprop); --out DIR chooses the folder.`;

export async function tutorialCommand(argv: string[]): Promise<number> {
  if (argv.some((a) => /^--(model|resume)(=|$)/.test(a))) {
    throw new UsageError('tutorial trains both models from scratch; use tegaki train --model nn|cnn (or --resume) for one.');
  }
  const outIndex = argv.findIndex((a) => a === '--out' || a.startsWith('--out='));
  const runDir = outIndex < 0 ? defaultRunDir('tutorial') : argv[outIndex]!.includes('=') ? argv[outIndex]!.split('=')[1]! : argv[outIndex + 1] ?? '';
  const rest = outIndex < 0 ? argv : argv.filter((_, i) => i !== outIndex && (argv[outIndex]!.includes('=') || i !== outIndex + 1));
  const base = trainSettings(rest, 'tutorial');
  const data = await datasetFor(base);
  const compared: ComparedModel[] = [];
  for (const model of ['nn', 'cnn'] as const) {
    const settings = { ...base, model };
    const dir = join(runDir, model);
    console.log(`\n== ${model.toUpperCase()}: training on ${formatCount(settings.limit ?? data.train.images.length)} ${data.name} images, ${settings.epochs} epochs (seed ${settings.seed}) ==`);
    const result = await trainTutorialModel(settings, dir, data);
    if (!result.test) return INTERRUPTED_STATUS;
    console.log(`Writing the ${model.toUpperCase()} report...`);
    const report = writeModelReport(dir, result.model, data.test.images, data.test.labels, data.classNames, { dataName: data.testName, title: `tegaki: the tutorial ${model.toUpperCase()}` });
    compared.push({ name: model.toUpperCase(), folder: model, params: result.model.countParams(), trainingSeconds: result.seconds, epochs: settings.epochs, report });
  }
  console.log('\nModel  Params   Training   Test loss  Test accuracy');
  for (const m of compared) {
    const e = m.report.evaluation;
    console.log(`${m.name.padEnd(6)} ${formatCount(m.params).padEnd(8)} ${formatDuration(m.trainingSeconds).padEnd(10)} ${e.loss.toFixed(4).padEnd(10)} ${e.accuracy.toFixed(4)}`);
  }
  const page = writeComparison(runDir, compared, `${compared[0]!.epochs} epochs · ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`);
  for (const m of compared) console.log(`${m.name} report: ${join(runDir, m.folder, 'report.html')}`);
  console.log(`Comparison: ${page}`);
  return 0;
}
