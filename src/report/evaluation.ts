// Evaluating a classifier the way a person reads it: accuracy and loss, the confusion matrix,
// per-class precision / recall / F1 (scikit-learn's classification_report), confident mistakes.

import type { ClassLabels, SampleSource } from '../data/source.js';
import { EPSILON } from '../losses.js';
import { TegakiError } from '../errors.js';
import type { Sequential } from '../model/sequential.js';

export interface ClassScores {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Evaluation {
  count: number;
  loss: number;
  accuracy: number;
  /** Number of wrong predictions. */
  mistakes: number;
  classNames: string[];
  predicted: Int32Array;
  truth: Int32Array;
  /** Probability of the predicted class per sample. */
  confidence: Float32Array;
  /** confusion[true][predicted] = count. */
  confusion: number[][];
  perClass: ClassScores[];
  macro: Omit<ClassScores, 'name'>;
  weighted: Omit<ClassScores, 'name'>;
}

/** Confusion matrix, [true class][predicted class]. */
export function confusionMatrix(predicted: ArrayLike<number>, truth: ArrayLike<number>, numClasses: number): number[][] {
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < predicted.length; i++) m[truth[i]!]![predicted[i]!]!++;
  return m;
}

/** Per-class precision, recall, F1 and support, with macro and support-weighted averages. */
export function classScores(confusion: number[][], classNames: readonly string[]): Pick<Evaluation, 'perClass' | 'macro' | 'weighted'> {
  const k = confusion.length;
  const perClass = confusion.map((row, c): ClassScores => {
    const tp = row[c]!;
    const support = row.reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((a, r) => a + r[c]!, 0);
    // scikit-learn's convention: 0 when undefined
    const precision = predictedCount === 0 ? 0 : tp / predictedCount;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { name: classNames[c] ?? String(c), precision, recall, f1, support };
  });
  const total = perClass.reduce((a, s) => a + s.support, 0);
  const average = (weight: (s: ClassScores) => number, norm: number) => ({
    precision: perClass.reduce((a, s) => a + s.precision * weight(s), 0) / norm,
    recall: perClass.reduce((a, s) => a + s.recall * weight(s), 0) / norm,
    f1: perClass.reduce((a, s) => a + s.f1 * weight(s), 0) / norm,
    support: total,
  });
  return { perClass, macro: average(() => 1, k), weighted: average((s) => s.support, total || 1) };
}

/** Run the model over every sample and score it against class labels. */
export function evaluateClassifier(model: Sequential, x: SampleSource, labels: ClassLabels, classNames: readonly string[], batchSize = 500): Evaluation & { probabilities: Float32Array } {
  if (x.length !== labels.length) throw new TegakiError(`${x.length} images but ${labels.length} labels.`);
  if (x.length === 0) throw new TegakiError('No samples to evaluate.');
  const k = model.outputShape[0]!;
  if (model.outputShape.length !== 1 || k !== classNames.length) {
    throw new TegakiError(`The model has ${model.outputShape.join('×')} outputs but the data has ${classNames.length} classes.`);
  }
  const probabilities = model.predict(x, { batchSize }).f32;
  const truth = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) truth[i] = labels.classes[i]!;
  const predicted = new Int32Array(x.length);
  const confidence = new Float32Array(x.length);
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < x.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probabilities[i * k + c]! > probabilities[i * k + best]!) best = c;
    predicted[i] = best;
    confidence[i] = probabilities[i * k + best]!;
    if (best === truth[i]) correct++;
    lossSum -= Math.log(Math.min(Math.max(probabilities[i * k + truth[i]!]!, EPSILON), 1 - EPSILON));
  }
  const confusion = confusionMatrix(predicted, truth, k);
  return {
    count: x.length, loss: lossSum / x.length, accuracy: correct / x.length, mistakes: x.length - correct, classNames: [...classNames],
    predicted, truth, confidence, probabilities, confusion, ...classScores(confusion, classNames),
  };
}

/** Indices of wrong predictions, most confident first. */
export function confidentMistakes(e: Pick<Evaluation, 'predicted' | 'truth' | 'confidence'>, count: number): number[] {
  const wrong: number[] = [];
  for (let i = 0; i < e.predicted.length; i++) if (e.predicted[i] !== e.truth[i]) wrong.push(i);
  return wrong.sort((a, b) => e.confidence[b]! - e.confidence[a]!).slice(0, count);
}

/** scikit-learn's classification_report text. */
export function classificationReport(e: Pick<Evaluation, 'perClass' | 'macro' | 'weighted' | 'accuracy' | 'count'>, digits = 2): string {
  const width = Math.max(12, ...e.perClass.map((s) => s.name.length));
  const col = (v: string) => v.padStart(9);
  const f = (v: number) => col(v.toFixed(digits));
  const lines = [`${''.padStart(width)}  ${['precision', 'recall', 'f1-score', 'support'].map(col).join(' ')}`, ''];
  for (const s of e.perClass) lines.push(`${s.name.padStart(width)}  ${f(s.precision)} ${f(s.recall)} ${f(s.f1)} ${col(String(s.support))}`);
  lines.push('');
  lines.push(`${'accuracy'.padStart(width)}  ${col('')} ${col('')} ${f(e.accuracy)} ${col(String(e.count))}`);
  lines.push(`${'macro avg'.padStart(width)}  ${f(e.macro.precision)} ${f(e.macro.recall)} ${f(e.macro.f1)} ${col(String(e.macro.support))}`);
  lines.push(`${'weighted avg'.padStart(width)}  ${f(e.weighted.precision)} ${f(e.weighted.recall)} ${f(e.weighted.f1)} ${col(String(e.weighted.support))}`);
  return lines.join('\n');
}

/** The confusion matrix as a text table: rows are true classes, columns predicted ones. */
export function confusionTable(confusion: number[][], classNames: readonly string[]): string {
  const width = Math.max(5, ...classNames.map((n) => n.length), ...confusion.flat().map((v) => String(v).length)) + 1;
  const nameWidth = Math.max(10, ...classNames.map((n) => n.length));
  const header = `${'true \\ pred'.padEnd(nameWidth + 1)}${classNames.map((n) => n.padStart(width)).join('')}`;
  const rows = confusion.map((row, i) => `${classNames[i]!.padEnd(nameWidth + 1)}${row.map((v) => String(v).padStart(width)).join('')}`);
  return [header, ...rows].join('\n');
}
