// The Keras 2 summary tables: a Sequential's in 65 columns (`Layer (type) / Output Shape /
// Param #`), a functional model's in 98 with `Connected to`, then the totals. TF.js' lineLength
// and positions (fractions of the line, or columns) change the layout.

import type { Layer } from '../layers/layer.js';
import type { SymbolicTensor } from '../layers/layer.js';
import { TegakiError } from '../errors.js';
import { formatShape } from '../tensor.js';
import type { Graph } from './graph.js';

/** Where a table's columns end, and its width. */
export interface TableLayout {
  width: number;
  positions: number[];
}

/** TF.js' printSummary rules: a line length, and column ends as fractions of it or as columns. */
export function tableLayout(functional: boolean, lineLength?: number, positions?: number[]): TableLayout {
  const width = lineLength ?? (functional ? 98 : 65);
  const ends = positions ?? (functional ? [0.33, 0.55, 0.67, 1] : [0.45, 0.85, 1]);
  if (!Number.isInteger(width) || width < 10 || width > 1000) throw new TegakiError(`summary: lineLength must be an integer from 10 to 1000, received ${String(lineLength)}.`);
  if (!Array.isArray(ends) || ends.length !== (functional ? 4 : 3) || ends.some((p) => typeof p !== 'number' || !(p > 0))) throw new TegakiError(`summary: positions must be ${functional ? 4 : 3} increasing column ends, received ${JSON.stringify(positions)}.`);
  const columns = ends[ends.length - 1]! <= 1 ? ends.map((p) => Math.floor(width * p)) : ends;
  if (columns.some((c, i) => i > 0 && c <= columns[i - 1]!)) throw new TegakiError(`summary: positions must increase, received ${JSON.stringify(positions)}.`);
  return { width, positions: columns };
}

function row(fields: readonly string[], positions: readonly number[]): string {
  let line = '';
  fields.forEach((field, i) => {
    if (i > 0) line = `${line.slice(0, -1)} `; // keep at least one space between columns
    line += field;
    line = line.slice(0, positions[i]);
    line += ' '.repeat(positions[i]! - line.length);
  });
  return line;
}

function totals(layers: readonly Layer[], width: number): string[] {
  let trainable = 0;
  let total = 0;
  for (const layer of layers) {
    total += layer.countParams();
    // a frozen weight of a trainable layer (addWeight(..., trainable = false)) is not trainable
    trainable += layer.trainableWeights.reduce((n, w) => n + w.value.size, 0);
  }
  return [`Total params: ${formatCount(total)}`, `Trainable params: ${formatCount(trainable)}`, `Non-trainable params: ${formatCount(total - trainable)}`, '_'.repeat(width)];
}

/** A functional model's table: each layer application with the tensors it receives (Keras' `dense[0][0]`). */
export function functionalSummaryLines(modelName: string, graph: Graph, layout: TableLayout = tableLayout(true)): string[] {
  const { width, positions } = layout;
  const lines = [`Model: "${modelName}"`, '_'.repeat(width), row(['Layer (type)', 'Output Shape', 'Param #', 'Connected to'], positions), '='.repeat(width)];
  const source = (t: SymbolicTensor): string => `${t.sourceLayer.name}[${t.sourceLayer.inboundNodes.indexOf(t.node)}][0]`;
  const entries = [...graph.inputs.map((t) => ({ layer: t.sourceLayer, output: t, inputs: [] as readonly SymbolicTensor[] })), ...graph.nodes.map((n) => ({ layer: n.layer, output: n.output, inputs: n.inputs }))];
  entries.forEach((e, i) => {
    const connected = e.inputs.map(source);
    lines.push(row([`${e.layer.name} (${e.layer.className})`, formatShape(e.output.shape), String(e.layer.countParams()), connected[0] ?? ''], positions));
    for (const more of connected.slice(1)) lines.push(row(['', '', '', more], positions));
    lines.push(i === entries.length - 1 ? '='.repeat(width) : '_'.repeat(width));
  });
  return [...lines, ...totals(graph.layers, width)];
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function summaryLines(modelName: string, layers: readonly Layer[], layout: TableLayout = tableLayout(false)): string[] {
  const { width, positions } = layout;
  const lines = [`Model: "${modelName}"`, '_'.repeat(width), row(['Layer (type)', 'Output Shape', 'Param #'], positions), '='.repeat(width)];
  layers.forEach((layer, i) => {
    lines.push(row([`${layer.name} (${layer.className})`, formatShape([null, ...layer.outputShape]), String(layer.countParams())], positions));
    lines.push(i === layers.length - 1 ? '='.repeat(width) : '_'.repeat(width));
  });
  if (layers.length === 0) lines.push('='.repeat(width));
  return [...lines, ...totals(layers, width)];
}
