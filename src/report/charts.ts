// Charts drawn through the Drawing interface, so each comes out as inline SVG and as PNG:
// training curves (loss and accuracy per epoch, training vs validation) and the confusion heat map.

import { CanvasDrawing, type Drawing, SvgDrawing } from './draw.js';

export interface Chart {
  svg: string;
  png: Buffer;
}

/** Lay a chart out once, render it twice. */
export function renderChart(width: number, height: number, draw: (d: Drawing) => void): Chart {
  const svg = new SvgDrawing(width, height);
  draw(svg);
  const canvas = new CanvasDrawing(width, height);
  draw(canvas);
  return { svg: svg.toString(), png: canvas.png() };
}

const TRAIN_COLOR = '#1f5fd1';
const VAL_COLOR = '#e8710a';
const AXIS_COLOR = '#888888';
const GRID_COLOR = '#e6e6e6';

/** A tidy axis range and 4–6 tick values covering [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  if (!(hi > lo)) [lo, hi] = [lo - 0.5, hi + 0.5];
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  if (out.at(-1)! < hi) out.push(out.at(-1)! + step);
  return out;
}

function tickLabel(v: number): string {
  return Math.abs(v) >= 100 || Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 0.1 ? 3 : 2).replace(/0+$/, '');
}

/** One panel: series of per-epoch values against epochs 1..n. */
function linePanel(d: Drawing, x0: number, y0: number, w: number, h: number, title: string, series: { name: string; values: number[]; color: string; dashed: boolean }[]): void {
  const left = x0 + 52;
  const right = x0 + w - 12;
  const top = y0 + 30;
  const bottom = y0 + h - 40;
  d.text(x0 + w / 2, y0 + 18, title, { size: 15, bold: true, align: 'center' });
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const epochs = Math.max(1, ...series.map((s) => s.values.length));
  const ys = ticks(Math.min(...all), Math.max(...all));
  const [lo, hi] = [ys[0]!, ys.at(-1)!];
  const px = (epoch: number) => (epochs === 1 ? (left + right) / 2 : left + ((epoch - 1) / (epochs - 1)) * (right - left));
  const py = (v: number) => bottom - ((v - lo) / (hi - lo)) * (bottom - top);
  for (const v of ys) {
    d.polyline([[left, py(v)], [right, py(v)]], GRID_COLOR, 1);
    d.text(left - 6, py(v) + 4, tickLabel(v), { size: 11, color: '#555', align: 'right' });
  }
  const step = Math.max(1, Math.ceil(epochs / 10));
  for (let e = 1; e <= epochs; e += step) d.text(px(e), bottom + 16, String(e), { size: 11, color: '#555', align: 'center' });
  d.text((left + right) / 2, bottom + 32, 'epoch', { size: 12, color: '#555', align: 'center' });
  d.polyline([[left, top], [left, bottom], [right, bottom]], AXIS_COLOR, 1);
  for (const s of series) {
    const pts = s.values.map((v, i) => [px(i + 1), py(v)] as [number, number]);
    d.polyline(pts, s.color, 2.5, s.dashed);
    for (const [x, y] of pts) d.circle(x, y, 3, s.color);
  }
  series.forEach((s, i) => {
    const lx = left + 10 + i * 110;
    d.polyline([[lx, top + 8], [lx + 22, top + 8]], s.color, 2.5, s.dashed);
    d.text(lx + 28, top + 12, s.name, { size: 12, color: '#333' });
  });
}

/** Loss and accuracy per epoch, training solid and validation dashed, side by side. */
export function trainingCurves(history: Record<string, number[]>): Chart {
  // TF.js logs accuracy as acc; models saved before that say accuracy
  const acc = history['acc'] ? ['acc', 'val_acc'] : ['accuracy', 'val_accuracy'];
  const panels = [
    ['Loss', 'loss', 'val_loss'],
    ['Accuracy', ...acc],
  ].filter(([, key]) => history[key!]?.length);
  const width = 380 * Math.max(panels.length, 1);
  return renderChart(width, 280, (d) => {
    panels.forEach(([title, key, valKey], i) => {
      const series = [{ name: 'training', values: history[key!]!, color: TRAIN_COLOR, dashed: false }];
      if (history[valKey!]?.length) series.push({ name: 'validation', values: history[valKey!]!, color: VAL_COLOR, dashed: true });
      linePanel(d, i * 380, 0, 380, 280, title!, series);
    });
  });
}

/** White → blue by each row's share (recall per true class); the diagonal is what is right. */
function heatColor(share: number): string {
  const t = Math.sqrt(Math.min(Math.max(share, 0), 1));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(255, 8)},${mix(255, 48)},${mix(255, 107)})`;
}

/** The confusion matrix as a heat map with counts, true classes down, predictions across. */
export function confusionHeatmap(confusion: number[][], classNames: readonly string[]): Chart {
  const k = confusion.length;
  const cell = Math.max(30, Math.min(48, Math.floor(520 / k)));
  const labelWidth = Math.min(130, 14 + 8 * Math.max(...classNames.map((n) => n.length)));
  const left = labelWidth + 26;
  const top = 56;
  const width = left + k * cell + 20;
  const namesBelow = classNames.some((n) => n.length > 3);
  const height = top + k * cell + (namesBelow ? labelWidth : 10) + 10;
  return renderChart(width, height, (d) => {
    d.text(left + (k * cell) / 2, 18, 'Predicted', { size: 13, bold: true, align: 'center' });
    d.text(14, top + (k * cell) / 2, 'True', { size: 13, bold: true, align: 'center', vertical: true });
    confusion.forEach((row, i) => {
      const total = row.reduce((a, b) => a + b, 0) || 1;
      d.text(left - 6, top + i * cell + cell / 2 + 4, classNames[i]!, { size: 12, align: 'right' });
      row.forEach((v, j) => {
        const share = v / total;
        d.rect(left + j * cell, top + i * cell, cell, cell, heatColor(share), '#ffffff');
        if (v > 0) d.text(left + j * cell + cell / 2, top + i * cell + cell / 2 + 4, String(v), { size: cell > 40 ? 12 : 10, color: share > 0.45 ? '#ffffff' : i === j ? '#08306b' : '#b22222', align: 'center' });
      });
    });
    classNames.forEach((name, j) => {
      if (!namesBelow) d.text(left + j * cell + cell / 2, top - 8, name, { size: 12, align: 'center' });
      else d.text(left + j * cell + cell / 2 + 4, top + k * cell + 8 + 0, name, { size: 12, align: 'right', vertical: true });
    });
  });
}

/** Mistakes per true class for several models, as grouped bars. */
export function mistakesByClass(models: readonly { name: string; confusion: number[][]; color: string }[], classNames: readonly string[]): Chart {
  const k = classNames.length;
  const errors = models.map((m) => m.confusion.map((row, i) => row.reduce((a, b) => a + b, 0) - row[i]!));
  const group = Math.max(44, 14 * models.length + 16);
  const left = 52;
  const top = 36;
  const plotH = 220;
  const width = left + k * group + 20;
  const height = top + plotH + 60;
  const ys = ticks(0, Math.max(1, ...errors.flat()));
  const hi = ys.at(-1)!;
  const py = (v: number) => top + plotH - (v / hi) * plotH;
  return renderChart(width, height, (d) => {
    for (const v of ys) {
      d.polyline([[left, py(v)], [width - 20, py(v)]], GRID_COLOR, 1);
      d.text(left - 6, py(v) + 4, tickLabel(v), { size: 11, color: '#555', align: 'right' });
    }
    const bar = (group - 16) / models.length;
    classNames.forEach((name, c) => {
      models.forEach((m, j) => {
        const v = errors[j]![c]!;
        const x = left + c * group + 8 + j * bar;
        d.rect(x, py(v), bar - 2, top + plotH - py(v), m.color);
        if (v > 0) d.text(x + (bar - 2) / 2, py(v) - 3, String(v), { size: 9, color: '#444', align: 'center' });
      });
      d.text(left + c * group + group / 2, top + plotH + 16, name.length > 8 ? `${name.slice(0, 7)}…` : name, { size: 12, align: 'center' });
    });
    d.polyline([[left, top], [left, top + plotH], [width - 20, top + plotH]], AXIS_COLOR, 1);
    d.text(left + (k * group) / 2, top + plotH + 36, 'true class', { size: 12, color: '#555', align: 'center' });
    models.forEach((m, j) => {
      d.rect(left + 10 + j * 120, 10, 14, 14, m.color);
      d.text(left + 30 + j * 120, 22, `${m.name} mistakes`, { size: 12 });
    });
  });
}
