// Reused batch buffers: samples of a source gathered into one tensor per batch size, labels in the
// form the loss kernels take.

import type { Labels } from '../backend/backend.js';
import type { SampleSource } from '../data/source.js';
import { TegakiError } from '../errors.js';
import { Tensor } from '../tensor.js';

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

/** Reused label buffers in the form the loss kernels take. */
export class LabelBuffers {
  private readonly batches: BatchBuffers;
  constructor(source: SampleSource, private readonly sparse: boolean) {
    this.batches = new BatchBuffers(source);
  }

  gather(indices: Int32Array): Labels {
    return { data: this.batches.gather(indices).f32, sparse: this.sparse };
  }
}

export function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new TegakiError(`Expected batchSize to be a positive integer. Received batchSize=${JSON.stringify(batchSize)}.`);
  }
}
