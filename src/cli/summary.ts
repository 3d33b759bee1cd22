// `tegaki summary --model DIR`: a saved model's summary and what it carries.

import { loadModel } from '../model/files.js';
import { parse, UsageError } from '../args.js';

export const SUMMARY_HELP = `Usage: tegaki summary --model DIR

Print a saved model's summary (DIR or DIR/model.json, saved by tegaki or TensorFlow.js).`;

export async function summaryCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { model: { type: 'string' } }, 'summary');
  const path = (values['model'] as string | undefined) ?? positionals[0];
  if (!path) throw new UsageError('summary: which model? Give --model DIR.');
  const model = loadModel(path);
  model.summary();
  const meta = model.metadata;
  if (meta.classNames) console.log(`Classes: ${meta.classNames.join(', ')}`);
  if (meta.dataset) console.log(`Trained on: ${meta.dataset}${meta.seed !== undefined ? ` (seed ${meta.seed})` : ''}`);
  const test = meta['test'] as Record<string, number> | undefined;
  if (test) console.log(`Test loss: ${test['loss']?.toFixed(4)}  Test accuracy: ${test['accuracy']?.toFixed(4)}`);
}
