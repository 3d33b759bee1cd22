// `tegaki evaluate --model DIR`: test metrics, confusion matrix, per-class scores, and the visual
// report (prediction grid, heat map, mistakes, curves) written beside the model.

import { join } from 'node:path';
import { loadModel } from '../model/files.js';
import { classificationReport, confusionTable } from '../report/evaluation.js';
import { writeModelReport } from '../report/model-report.js';
import { parse, UsageError } from '../args.js';
import { intSetting } from '../run/settings.js';
import { datasetFor, dataSettingsOf } from '../run/data.js';
import { prepareOutputDir } from '../run/output.js';

export const EVALUATE_HELP = `Usage: tegaki evaluate --model DIR [options]

Evaluate a saved model on its test images: loss, accuracy, confusion matrix, per-class
precision/recall/F1, and a report with the prediction grid (blue right, red wrong).

Options:
  --model DIR         the saved model (DIR or DIR/model.json)
  --data NAME|DIR     test data: mnist, fashion-mnist, an IDX folder or a class-folder dataset
                      (default: what the model was trained on, else mnist)
  --count N           images in the prediction grid (default 30)
  --cols N            images per grid row (default 10)
  --only-mistakes     show only wrong predictions in the grid
  --out DIR           where to write the report (default: the model's folder)`;

export async function evaluateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    model: { type: 'string' }, data: { type: 'string' }, count: { type: 'string' }, cols: { type: 'string' }, 'only-mistakes': { type: 'boolean' }, out: { type: 'string' },
  }, 'evaluate');
  const modelPath = (values['model'] as string | undefined) ?? positionals[0];
  if (!modelPath) throw new UsageError('evaluate: which model? Give --model DIR.');
  const model = loadModel(modelPath);
  const settings = dataSettingsOf(model.metadata, model.inputShape);
  const data = await datasetFor({ ...settings, data: (values['data'] as string | undefined) ?? settings.data }, (w) => console.error(`tegaki: warning: ${w}`));
  const outDir = prepareOutputDir((values['out'] as string | undefined) ?? (modelPath.endsWith('.json') ? join(modelPath, '..') : modelPath)).path;
  const report = writeModelReport(outDir, model, data.test.images, data.test.labels, data.classNames, {
    count: intSetting(values, 'count', 30),
    cols: intSetting(values, 'cols', 10),
    onlyMistakes: values['only-mistakes'] === true,
    dataName: data.testName,
  });
  const e = report.evaluation;
  console.log(`Test loss: ${e.loss.toFixed(4)}`);
  console.log(`Test accuracy: ${e.accuracy.toFixed(4)}\n`);
  console.log(`Confusion matrix (rows: true class, columns: predicted):\n${confusionTable(e.confusion, e.classNames)}\n`);
  console.log(`${classificationReport(e)}\n`);
  console.log(`Prediction grid: ${report.files.grid}`);
  console.log(`Report: ${report.files.html}`);
  return 0;
}
