// The NN vs CNN page of the main job: parameters, training time, test metrics side by side, and
// which digits each model gets wrong.

import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { formatCount } from '../model/summary.js';
import { mistakesByClass } from './charts.js';
import { escapeHtml, img, page, table } from './html.js';
import type { ModelReport } from './model-report.js';

export interface ComparedModel {
  name: string;
  /** Folder of the model's own report, relative to the comparison page. */
  folder: string;
  params: number;
  trainingSeconds: number;
  epochs: number;
  report: ModelReport;
}

const COLORS = ['#9aa5b8', '#1f5fd1', '#e8710a', '#2ca02c'];

export function writeComparison(dir: string, models: readonly ComparedModel[], subtitle: string): string {
  const classNames = models[0]!.report.evaluation.classNames;
  const bars = mistakesByClass(models.map((m, i) => ({ name: m.name, confusion: m.report.evaluation.confusion, color: COLORS[i % COLORS.length]! })), classNames);
  const rows = models.map((m) => {
    const e = m.report.evaluation;
    return [m.name, formatCount(m.params), `${m.trainingSeconds.toFixed(1)} s`, `${(m.trainingSeconds / Math.max(m.epochs, 1)).toFixed(1)} s`, e.accuracy.toFixed(4), e.loss.toFixed(4), formatCount(e.mistakes)];
  });
  const worst = models.map((m) => {
    const e = m.report.evaluation;
    const ranked = e.perClass.map((s) => s).sort((a, b) => a.recall - b.recall).slice(0, 3);
    return `<li><b>${escapeHtml(m.name)}</b> misses most: ${ranked.map((s) => `${escapeHtml(s.name)} (recall ${(s.recall * 100).toFixed(1)} %)`).join(', ')}</li>`;
  });
  const grids = models.map((m) => `<div><h2>${escapeHtml(m.name)}</h2>${img(m.report.grid, `${m.name} prediction grid`)}<p><a href="${escapeHtml(m.folder)}/report.html">full ${escapeHtml(m.name)} report</a></p></div>`);
  const html = page('tegaki: NN vs CNN on MNIST', subtitle, [
    { title: 'Side by side', html: table(['model', 'parameters', 'training', 'per epoch', 'test accuracy', 'test loss', 'mistakes'], rows) },
    { title: 'The digits each gets wrong', html: `${bars.svg}<ul>${worst.join('')}</ul>` },
    { title: 'Predictions (blue right, red wrong: "8 (3)" = predicted 8, truly 3)', html: grids.join('') },
  ]);
  const path = join(dir, 'index.html');
  writeFileAtomic(path, html);
  writeFileAtomic(join(dir, 'mistakes-by-class.png'), bars.png);
  return path;
}
