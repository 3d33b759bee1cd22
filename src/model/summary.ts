// The Keras 2 summary tables: a Sequential's in 65 columns (`Layer (type) / Output Shape /
// Param #`), a functional model's in 98 with `Connected to`, then the totals.

import type { Layer } from '../layers/layer.js';
import type { SymbolicTensor } from '../layers/layer.js';
import { formatShape } from '../tensor.js';
import type { Graph } from './graph.js';

const LINE_LENGTH = 65;
const POSITIONS = [Math.floor(LINE_LENGTH * 0.45), Math.floor(LINE_LENGTH * 0.85), LINE_LENGTH];
const FUNCTIONAL_LINE_LENGTH = 98;
const FUNCTIONAL_POSITIONS = [0.33, 0.55, 0.67, 1].map((p) => Math.floor(FUNCTIONAL_LINE_LENGTH * p));

function row(fields: readonly string[], positions: readonly number[] = POSITIONS): string {
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
export function functionalSummaryLines(modelName: string, graph: Graph): string[] {
  const width = FUNCTIONAL_LINE_LENGTH;
  const lines = [`Model: "${modelName}"`, '_'.repeat(width), row(['Layer (type)', 'Output Shape', 'Param #', 'Connected to'], FUNCTIONAL_POSITIONS), '='.repeat(width)];
  const source = (t: SymbolicTensor): string => `${t.sourceLayer.name}[${t.sourceLayer.inboundNodes.indexOf(t.node)}][0]`;
  const entries = [...graph.inputs.map((t) => ({ layer: t.sourceLayer, output: t, inputs: [] as readonly SymbolicTensor[] })), ...graph.nodes.map((n) => ({ layer: n.layer, output: n.output, inputs: n.inputs }))];
  entries.forEach((e, i) => {
    const connected = e.inputs.map(source);
    lines.push(row([`${e.layer.name} (${e.layer.className})`, formatShape(e.output.shape), String(e.layer.countParams()), connected[0] ?? ''], FUNCTIONAL_POSITIONS));
    for (const more of connected.slice(1)) lines.push(row(['', '', '', more], FUNCTIONAL_POSITIONS));
    lines.push(i === entries.length - 1 ? '='.repeat(width) : '_'.repeat(width));
  });
  return [...lines, ...totals(graph.layers, width)];
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function summaryLines(modelName: string, layers: readonly Layer[]): string[] {
  const lines = [`Model: "${modelName}"`, '_'.repeat(LINE_LENGTH), row(['Layer (type)', 'Output Shape', 'Param #']), '='.repeat(LINE_LENGTH)];
  layers.forEach((layer, i) => {
    lines.push(row([`${layer.name} (${layer.className})`, formatShape([null, ...layer.outputShape]), String(layer.countParams())]));
    lines.push(i === layers.length - 1 ? '='.repeat(LINE_LENGTH) : '_'.repeat(LINE_LENGTH));
  });
  if (layers.length === 0) lines.push('='.repeat(LINE_LENGTH));
  return [...lines, ...totals(layers, LINE_LENGTH)];
}
