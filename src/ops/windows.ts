// Sliding windows (convolution and pooling): output size and leading padding of one spatial
// dimension as TensorFlow computes them, shared by the ops and the layers.

import { TegakiError } from '../errors.js';

export type Padding = 'valid' | 'same';

export function paddingOption(value: unknown, layerName: string): Padding {
  if (value === undefined) return 'valid';
  if (value === 'valid' || value === 'same') return value;
  throw new TegakiError(`Expected padding of layer ${layerName} to be 'valid' or 'same'. Received padding=${JSON.stringify(value)}.`);
}

/** Output length and leading padding of one spatial dimension, as TensorFlow computes them. */
export function windowGeometry(inSize: number, window: number, stride: number, padding: Padding): { out: number; padBefore: number } {
  if (padding === 'same') {
    const out = Math.ceil(inSize / stride);
    const total = Math.max((out - 1) * stride + window - inSize, 0);
    return { out, padBefore: Math.floor(total / 2) };
  }
  return { out: Math.max(Math.floor((inSize - window) / stride) + 1, 0), padBefore: 0 };
}

/** How far a window reaches when dilation − 1 positions separate its taps: (window − 1)·dilation + 1.
 *  Padding and output size follow from this reach, as in TensorFlow's atrous convolution. */
export function dilatedWindow(window: number, dilation: number): number {
  return (window - 1) * dilation + 1;
}
