// What models read samples from, and reused batch buffers: the samples of a source gathered into
// one tensor per batch size.

import { asSource, type SampleSource } from '../data/source.js';
import { TegakiError } from '../errors.js';
import { Tensor } from '../tensor.js';

/** A model's inputs or labels: one tensor or source, or one per model input (output). */
export type ModelData = Tensor | SampleSource | (Tensor | SampleSource)[];

/** The sources of x or y, with one length; `field` names them in errors. */
export function asSources(data: ModelData, field: string): SampleSource[] {
  const list = Array.isArray(data) ? data.map((d, i) => asSource(d, `${field}[${i}]`)) : [asSource(data, field)];
  if (list.length === 0) throw new TegakiError(`${field} is an empty list.`);
  const other = list.find((s) => s.length !== list[0]!.length);
  if (other) throw new TegakiError(`${field}: every tensor must have the same number of samples, received ${list[0]!.length} and ${other.length}.`);
  return list;
}

/** Reused input buffers, one per batch size (the last batch of an epoch is usually smaller). */
export class BatchBuffers {
  private readonly bySize = new Map<number, Tensor>();
  constructor(private readonly source: SampleSource) {}

  gather(indices: Int32Array): Tensor {
    let t = this.bySize.get(indices.length);
    if (!t) {
      t = new Tensor([indices.length, ...this.source.sampleShape]);
      this.bySize.set(indices.length, t);
    }
    this.source.gather(indices, t.f32);
    return t;
  }
}

/** Gather batches of the given sample order from every source and hand each to fn. */
export function forEachBatch(sources: readonly SampleSource[], order: Int32Array, batchSize: number, fn: (batches: Tensor[], start: number) => void): void {
  const buffers = sources.map((s) => new BatchBuffers(s));
  for (let start = 0; start < order.length; start += batchSize) {
    const indices = order.subarray(start, Math.min(start + batchSize, order.length));
    fn(buffers.map((b) => b.gather(indices)), start);
  }
}

export function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new TegakiError(`Expected batchSize to be a positive integer. Received batchSize=${JSON.stringify(batchSize)}.`);
  }
}
