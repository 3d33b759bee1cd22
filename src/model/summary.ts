// The Keras 2 summary table: 65 columns, `Layer (type) / Output Shape / Param #`, then totals.

import type { Layer } from '../layers/layer.js';
import { formatShape } from '../tensor.js';

const LINE_LENGTH = 65;
const POSITIONS = [Math.floor(LINE_LENGTH * 0.45), Math.floor(LINE_LENGTH * 0.85), LINE_LENGTH];

function row(fields: readonly string[]): string {
  let line = '';
  fields.forEach((field, i) => {
    if (i > 0) line = `${line.slice(0, -1)} `; // keep at least one space between columns
    line += field;
    line = line.slice(0, POSITIONS[i]);
    line += ' '.repeat(POSITIONS[i]! - line.length);
  });
  return line;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function summaryLines(modelName: string, layers: readonly Layer[]): string[] {
  const lines = [`Model: "${modelName}"`, '_'.repeat(LINE_LENGTH), row(['Layer (type)', 'Output Shape', 'Param #']), '='.repeat(LINE_LENGTH)];
  let trainable = 0;
  let total = 0;
  layers.forEach((layer, i) => {
    const params = layer.countParams();
    total += params;
    if (layer.trainable) trainable += params;
    lines.push(row([`${layer.name} (${layer.className})`, formatShape([null, ...layer.outputShape]), String(params)]));
    lines.push(i === layers.length - 1 ? '='.repeat(LINE_LENGTH) : '_'.repeat(LINE_LENGTH));
  });
  if (layers.length === 0) lines.push('='.repeat(LINE_LENGTH));
  lines.push(`Total params: ${formatCount(total)}`, `Trainable params: ${formatCount(trainable)}`, `Non-trainable params: ${formatCount(total - trainable)}`, '_'.repeat(LINE_LENGTH));
  return lines;
}
