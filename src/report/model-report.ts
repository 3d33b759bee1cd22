// Everything about one trained model on one test set, written into a folder: the prediction grid,
// the confusion heat map, the mistakes gallery, the training curves and one HTML report.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ClassLabels, type SampleSource, withSampleShape } from '../data/source.js';
import { writeFileAtomic } from '../io/atomic.js';
import type { Sequential } from '../model/sequential.js';
import { formatCount } from '../model/summary.js';
import { sizeOf } from '../tensor.js';
import { type Chart, confusionHeatmap, trainingCurves } from './charts.js';
import { classificationReport, confidentMistakes, evaluateClassifier, type Evaluation } from './evaluation.js';
import { imageGrid, predictionGrid, WRONG_COLOR } from './grid.js';
import { cards, escapeHtml, img, page, table, type Section } from './html.js';

export interface ReportOptions {
  /** Images in the prediction grid. Default 30. */
  count?: number;
  /** Images per grid row. Default 10. */
  cols?: number;
  /** Grid of mistakes only. Default false. */
  onlyMistakes?: boolean;
  /** Images in the confident-mistakes gallery. Default 20. */
  mistakes?: number;
  /** Name of the test data, for the report. */
  dataName?: string;
  title?: string;
}

export interface ModelReport {
  evaluation: Evaluation;
  files: { grid: string; mistakes: string; confusion: string; curves: string | null; html: string };
  grid: Buffer;
  curves: Chart | null;
}

/** Gather some samples of a source as floats. */
function gatherImages(source: SampleSource, indices: readonly number[]): Float32Array {
  const out = new Float32Array(indices.length * sizeOf(source.sampleShape));
  source.gather(indices, out);
  return out;
}

export function writeModelReport(dir: string, model: Sequential, images: SampleSource, labels: ClassLabels, classNames: readonly string[], options: ReportOptions = {}): ModelReport {
  mkdirSync(dir, { recursive: true });
  // inputs as the model takes them; images for people in their natural shape
  const modelInputs = withSampleShape(images, model.inputShape);
  const evaluation = evaluateClassifier(model, modelInputs, labels, classNames);
  const imageShape = images.sampleShape.length === 3 ? images.sampleShape : [28, 28, 1];

  const count = options.count ?? 30;
  const candidates: number[] = [];
  for (let i = 0; i < evaluation.count && candidates.length < count; i++) {
    if (!options.onlyMistakes || evaluation.predicted[i] !== evaluation.truth[i]) candidates.push(i);
  }
  const gridImages = gatherImages(images, candidates);
  const grid = predictionGrid(
    { images: gridImages, imageShape, predicted: candidates.map((i) => evaluation.predicted[i]!), truth: candidates.map((i) => evaluation.truth[i]!), classNames, count },
    { cols: options.cols ?? 10 },
  );

  const mistakeIndices = confidentMistakes(evaluation, options.mistakes ?? 20);
  const mistakeImages = gatherImages(images, mistakeIndices);
  const size = sizeOf(imageShape);
  const gallery = imageGrid(
    mistakeIndices.map((i, k) => ({
      pixels: mistakeImages.subarray(k * size, (k + 1) * size),
      caption: `${classNames[evaluation.predicted[i]!]} (${classNames[evaluation.truth[i]!]})`,
      color: WRONG_COLOR,
      subcaption: `p=${evaluation.confidence[i]!.toFixed(3)} #${i}`,
    })),
    imageShape,
    { cols: Math.min(10, options.cols ?? 10) },
  );
  const heat = confusionHeatmap(evaluation.confusion, classNames);
  const history = model.metadata.history;
  const curves = history && Object.keys(history).length > 0 ? trainingCurves(history) : null;

  const files = {
    grid: join(dir, 'predictions.png'),
    mistakes: join(dir, 'mistakes.png'),
    confusion: join(dir, 'confusion.png'),
    curves: curves ? join(dir, 'curves.png') : null,
    html: join(dir, 'report.html'),
  };
  writeFileAtomic(files.grid, grid.png);
  writeFileAtomic(files.mistakes, gallery.png);
  writeFileAtomic(files.confusion, heat.png);
  if (curves) writeFileAtomic(files.curves!, curves.png);
  writeFileAtomic(files.html, reportHtml(model, evaluation, { grid: grid.png, mistakes: gallery.png, heat, curves, mistakeCount: mistakeIndices.length }, options));
  return { evaluation, files, grid: grid.png, curves };
}

function reportHtml(model: Sequential, e: Evaluation, pictures: { grid: Buffer; mistakes: Buffer; heat: Chart; curves: Chart | null; mistakeCount: number }, options: ReportOptions): string {
  const meta = model.metadata;
  const training = (meta['training'] ?? {}) as Record<string, unknown>;
  const epochSeconds = (training['epochSeconds'] ?? []) as number[];
  const sections: Section[] = [];
  sections.push({
    title: 'Test results',
    html: cards([
      ['test accuracy', `${(e.accuracy * 100).toFixed(2)} %`],
      ['test loss', e.loss.toFixed(4)],
      ['mistakes', `${formatCount(e.mistakes)} of ${formatCount(e.count)}`],
      ['parameters', formatCount(model.countParams())],
      ...(typeof training['seconds'] === 'number' ? [['training time', `${(training['seconds'] as number).toFixed(1)} s`] as [string, string]] : []),
    ]),
  });
  sections.push({
    title: `Predictions on the first ${options.onlyMistakes ? 'mistakes' : 'test images'}`,
    html: `<p class="legend"><span class="right">blue: right</span><span class="wrong">red: wrong — "8 (3)" means predicted 8, truly 3</span></p>${img(pictures.grid, 'prediction grid')}`,
  });
  if (pictures.curves) sections.push({ title: 'Training curves', html: pictures.curves.svg });
  sections.push({ title: 'Confusion matrix', html: `<p>Rows are the true classes, columns the predictions; colour is each row's share.</p>${pictures.heat.svg}` });
  sections.push({
    title: 'Per class',
    html: table(
      ['class', 'precision', 'recall', 'f1-score', 'support'],
      [
        ...e.perClass.map((s) => [s.name, s.precision.toFixed(3), s.recall.toFixed(3), s.f1.toFixed(3), s.support]),
        ['macro avg', e.macro.precision.toFixed(3), e.macro.recall.toFixed(3), e.macro.f1.toFixed(3), e.macro.support],
        ['weighted avg', e.weighted.precision.toFixed(3), e.weighted.recall.toFixed(3), e.weighted.f1.toFixed(3), e.weighted.support],
      ],
    ) + `<pre>${escapeHtml(classificationReport(e))}</pre>`,
  });
  sections.push({
    title: `The ${pictures.mistakeCount} most confident mistakes`,
    html: `<p>Predicted (true), with the probability the model gave its wrong answer and the test image's index.</p>${img(pictures.mistakes, 'most confident mistakes')}`,
  });
  const settings = Object.entries(training).filter(([k]) => !['seconds', 'epochSeconds'].includes(k));
  sections.push({
    title: 'Model and training',
    html:
      `<pre>${escapeHtml(model.summary(() => {}))}</pre>` +
      table(['setting', 'value'], [
        ['data', options.dataName ?? String(meta.dataset ?? 'test set')],
        ...settings.map(([k, v]) => [k, v === undefined ? 'default' : String(v)]),
      ]) +
      (epochSeconds.length ? `<h2 style="margin-top:16px">Time per epoch</h2>${table(['epoch', 'seconds'], epochSeconds.map((s, i) => [i + 1, s.toFixed(2)]))}` : ''),
  });
  return page(options.title ?? `tegaki report: ${model.name}`, `${options.dataName ?? meta.dataset ?? ''} · ${formatCount(e.count)} test images · ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`, sections);
}
