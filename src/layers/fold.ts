// Inference folding: a BatchNormalization right after a linear Dense or Conv2D is an affine map
// per output channel, so predict can run one layer whose kernel and bias absorb it
// (W' = W·s, b' = (b − movingMean)·s + beta with s = gamma / sqrt(movingVariance + ε)).

import { Random } from '../random.js';
import { Conv2D } from './conv.js';
import { Dense } from './dense.js';
import type { FusedLayer } from './fused.js';
import { BatchNormalization } from './normalization.js';

/** Folded copies by the BatchNormalization they absorb, reused (and refilled) across predictions. */
const copies = new WeakMap<BatchNormalization, { source: Dense | Conv2D; copy: Dense | Conv2D }>();

/** Whether bn normalizes the channels of layer's output (its last axis) and the pair can fold. */
function foldable(layer: FusedLayer, bn: FusedLayer | undefined): bn is BatchNormalization {
  if (!(bn instanceof BatchNormalization) || !(layer instanceof Dense || layer instanceof Conv2D) || layer.activation !== 'linear') return false;
  const rank = layer.outputShape.length + 1;
  return bn.axis === -1 || bn.axis === rank - 1;
}

/** A layer computing layer then bn (in inference), with the current weights of both. */
function foldedLayer(layer: Dense | Conv2D, bn: BatchNormalization): Dense | Conv2D {
  let entry = copies.get(bn);
  if (entry?.source !== layer) {
    const config = { ...layer.getConfig(), useBias: true, kernelInitializer: 'zeros', biasInitializer: 'zeros' };
    const copy = layer instanceof Dense ? new Dense(config as never) : new Conv2D(config as never);
    copy.buildFor(layer.inputShape, new Random(0));
    entry = { source: layer, copy };
    copies.set(bn, entry);
  }
  const named = (l: { weights: { name: string; value: { f32: Float32Array } }[] }, name: string): Float32Array | null => l.weights.find((w) => w.name === name)?.value.f32 ?? null;
  const gamma = named(bn, 'gamma');
  const beta = named(bn, 'beta');
  const movingMean = named(bn, 'moving_mean')!;
  const movingVariance = named(bn, 'moving_variance')!;
  const channels = movingMean.length;
  const scale = Float64Array.from(movingVariance, (v, c) => (gamma ? gamma[c]! : 1) / Math.sqrt(v + bn.epsilon));
  const kernel = named(layer, 'kernel')!;
  const bias = named(layer, 'bias');
  const foldedKernel = named(entry.copy, 'kernel')!;
  const foldedBias = named(entry.copy, 'bias')!;
  // both kernels keep the output channel last: [in, units] and [kH, kW, inC, filters]
  for (let i = 0; i < kernel.length; i++) foldedKernel[i] = kernel[i]! * scale[i % channels]!;
  for (let c = 0; c < channels; c++) foldedBias[c] = ((bias ? bias[c]! : 0) - movingMean[c]!) * scale[c]! + (beta ? beta[c]! : 0);
  entry.copy.needsInputGradient = false;
  return entry.copy;
}

/**
 * The layers predict runs: each linear Dense or Conv2D followed by a BatchNormalization on its
 * channels becomes one folded layer, computed now from the current weights.
 */
export function foldForInference(layers: readonly FusedLayer[]): FusedLayer[] {
  const out: FusedLayer[] = [];
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    const next = layers[i + 1];
    if (foldable(layer, next)) {
      out.push(foldedLayer(layer as Dense | Conv2D, next));
      i++;
    } else {
      out.push(layer);
    }
  }
  return out;
}
