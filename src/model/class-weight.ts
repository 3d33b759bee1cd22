// classWeight (TF.js' fit option): each sample's loss weighted by its class, given per class
// index, for one output or per output (a list, or an object keyed by output name); and Keras'
// sample_weight, one weight per sample, which multiplies the class weight.

import { asSource, type SampleSource } from '../data/source.js';
import { TegakiError } from '../errors.js';
import { formatShape, Tensor } from '../tensor.js';

export type ClassWeight = Record<number, number>;
export type ClassWeightOption = ClassWeight | ClassWeight[] | Record<string, ClassWeight>;

const isWeightMap = (v: unknown): v is ClassWeight => !!v && typeof v === 'object' && !Array.isArray(v) && Object.entries(v).every(([k, w]) => /^\d+$/.test(k) && typeof w === 'number' && Number.isFinite(w));

/** One class-weight map (or null) per output, as TF.js' standardizeClassWeights reads the option. */
export function classWeightsPerOutput(option: ClassWeightOption | undefined, outputNames: readonly string[]): (ClassWeight | null)[] | null {
  if (option === undefined || option === null || (Array.isArray(option) && option.length === 0)) return null;
  const maps: unknown[] = Array.isArray(option) ? option
    : outputNames.length === 1 && !(outputNames[0]! in option) ? [option]
      : outputNames.map((name) => (option as Record<string, unknown>)[name] ?? null);
  if (maps.length !== outputNames.length) throw new TegakiError(`classWeight has ${maps.length} entries, but the model has ${outputNames.length} outputs (${outputNames.join(', ')}).`);
  return maps.map((m, i) => {
    if (m === null) return null;
    if (!isWeightMap(m)) throw new TegakiError(`classWeight${outputNames.length > 1 ? ` for output ${outputNames[i]}` : ''} must map class indices to finite numbers, e.g. { 0: 1, 1: 5 }; received ${JSON.stringify(m)?.slice(0, 80)}.`);
    return m;
  });
}

/** Each sample's weight: its class (an index, or the argmax of a one-hot row) looked up in the map. */
export function sampleWeightsOf(labels: Tensor, weights: ClassWeight): Tensor {
  const rows = labels.shape[0] ?? 0;
  const cols = labels.rank === 1 ? 1 : labels.size / Math.max(rows, 1);
  if (labels.rank > 2) throw new TegakiError(`classWeight needs labels of rank 1 or 2, received rank ${labels.rank}.`);
  const values = labels.f32;
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let cls = cols === 1 ? values[r]! : 0;
    if (cols > 1) for (let c = 1; c < cols; c++) if (values[r * cols + c]! > values[r * cols + cls]!) cls = c;
    const w = weights[cls];
    if (w === undefined) throw new TegakiError(`classWeight must contain all classes in the training data. The class ${cls} exists in the data but not in classWeight.`);
    out[r] = w;
  }
  return new Tensor([rows], out);
}

/** sampleWeight checked (a tensor [samples] or [samples, 1]) as a source of one weight per sample. */
export function sampleWeightSource(weights: unknown, samples: number, field: string): SampleSource {
  if (!(weights instanceof Tensor)) throw new TegakiError(`${field} must be a tensor with one weight per sample, received ${weights === null ? 'null' : typeof weights}.`);
  const perSample = weights.rank === 1 || (weights.rank === 2 && weights.shape[1] === 1);
  // Keras' temporal weights ([samples, steps]) are not supported
  if (!perSample) throw new TegakiError(`${field} must have shape [${samples}] or [${samples}, 1] (one weight per sample), received ${formatShape(weights.shape)}.`);
  if (weights.shape[0] !== samples) throw new TegakiError(`${field} has ${weights.shape[0]} weights for ${samples} samples.`);
  return asSource(weights, field);
}

/**
 * Each output's weight per sample of a batch: sampleWeight × that output's class weights (Keras
 * multiplies them), or null for an output with neither.
 */
export function batchWeights(ys: readonly Tensor[], classWeights: readonly (ClassWeight | null)[] | null | undefined, sampleWeight: Tensor | null | undefined): (Tensor | null)[] {
  return ys.map((y, i) => {
    const byClass = classWeights?.[i] ? sampleWeightsOf(y, classWeights[i]!) : null;
    const given = sampleWeight ? new Tensor([y.shape[0]!], sampleWeight.f32) : null;
    if (!byClass || !given) return byClass ?? given;
    return new Tensor(byClass.shape, byClass.f32.map((w, r) => w * given.f32[r]!));
  });
}
