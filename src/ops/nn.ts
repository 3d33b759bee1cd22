// The neural-network ops of tfjs-core: softmax and logSoftmax along the last axis, conv2d (dilated
// too), maxPool and avgPool (NHWC, 'valid'/'same'/explicit padding), and oneHot. Convolution and
// pooling run on the backend's kernels, their gradients on the backward kernels (so they have no
// gradient of their own: a second-order gradient through them is refused, never wrong).

import type { ConvGeometry, PoolGeometry } from '../backend/backend.js';
import { TegakiError } from '../errors.js';
import { Tensor, typedArrayFor, type DataType } from '../tensor.js';
import { mul, reshape, sub, sum, type Input } from './arithmetic.js';
import { castRaw, compute, convert, kernels } from './convert.js';
import { record } from './engine.js';
import { logSumExp } from './reduction.js';
import { greater, where } from './compare.js';
import { dilatedWindow, windowGeometry } from './windows.js';

/** TF.js' softmax over the last axis (TF.js supports no other). */
export function softmax(logits: Input, dim = -1): Tensor {
  const t = convert(logits, 'logits', 'softmax');
  if (dim !== -1 && dim !== t.rank - 1) throw new TegakiError(`softmax: only the last axis is supported (as in TF.js), received dim ${dim}.`);
  if (t.rank === 0) throw new TegakiError('softmax: needs a tensor of rank 1 or more.');
  const x = t.dtype === 'float32' ? t : castRaw(t, 'float32');
  const cols = x.shape[x.rank - 1]!;
  const out = compute(x.shape, 'float32', (o) => kernels().softmax(o.f32, x.f32, x.size / Math.max(cols, 1), cols));
  record([x], out, (dy) => [mul(out, sub(dy, sum(mul(dy, out), -1, true)))]);
  return out;
}

/** TF.js' prelu: x where x > 0, else alpha·x (alpha broadcast to x); at 0 the gradient is alpha's side. */
export function prelu(x: Input, alpha: Input): Tensor {
  const t = convert(x, 'x', 'prelu');
  return where(greater(t, 0), t, mul(alpha, t));
}

/** TF.js' logSoftmax: x − logSumExp(x), stable for any logit size. */
export function logSoftmax(logits: Input, axis = -1): Tensor {
  const t = convert(logits, 'logits', 'logSoftmax');
  if (axis !== -1 && axis !== t.rank - 1) throw new TegakiError(`logSoftmax: only the last axis is supported (as in TF.js), received axis ${axis}.`);
  return sub(t, logSumExp(t, -1, true));
}

export type PadArg = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

export function pair(v: number | [number, number], name: string, op: string): [number, number] {
  const p = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || p.some((d) => !Number.isInteger(d) || d < 1)) throw new TegakiError(`${op}: ${name} must be a positive integer or a pair of them, received ${JSON.stringify(v)}.`);
  return [p[0]!, p[1]!];
}

/** Output size and leading padding of one dimension for TF.js' pad forms. */
export function windowDim(size: number, window: number, stride: number, padding: PadArg, axis: 1 | 2, op: string): { out: number; padBefore: number } {
  if (padding === 'valid' || padding === 'same') return windowGeometry(size, window, stride, padding);
  const explicit = Array.isArray(padding) && padding.length === 4 && padding.every((p) => Array.isArray(p) && p.length === 2);
  if (typeof padding !== 'number' && !explicit) throw new TegakiError(`${op}: pad must be 'valid', 'same', a number or [[0,0],[top,bottom],[left,right],[0,0]], received ${JSON.stringify(padding)}.`);
  const [before, after] = typeof padding === 'number' ? [padding, padding] : padding[axis];
  if (![before, after].every((p) => Number.isInteger(p) && p >= 0)) throw new TegakiError(`${op}: padding ${JSON.stringify(padding)} must be 'valid', 'same', a number or [[0,0],[top,bottom],[left,right],[0,0]].`);
  return { out: Math.floor((size + before + after - window) / stride) + 1, padBefore: before };
}

/** The input as a batch of images: rank 3 gets a batch of one (and the output loses it again). */
export function asBatch(x: Tensor, op: string): { x4: Tensor; batched: boolean } {
  if (x.rank !== 3 && x.rank !== 4) throw new TegakiError(`${op}: x must be rank 3 or 4 (NHWC), received rank ${x.rank}.`);
  const f = x.dtype === 'float32' ? x : castRaw(x, 'float32');
  return x.rank === 4 ? { x4: f, batched: true } : { x4: reshape(f, [1, ...f.shape]), batched: false };
}

export function unbatch(out: Tensor, batched: boolean): Tensor {
  return batched ? out : reshape(out, out.shape.slice(1));
}

/** Strides and dilations as pairs; like TF.js, refuses both above 1 at once. */
function convSteps(strides: number | [number, number], dilations: number | [number, number], op = 'conv2d'): { strides: [number, number]; dilations: [number, number] } {
  const s = pair(strides, 'strides', op);
  const d = pair(dilations, 'dilations', op);
  if (s.some((v) => v !== 1) && d.some((v) => v !== 1)) throw new TegakiError(`${op}: either strides or dilations must be 1, received strides ${JSON.stringify(strides)} and dilations ${JSON.stringify(dilations)}.`);
  return { strides: s, dilations: d };
}

/**
 * TF.js' conv2d (NHWC input, [kH, kW, inC, outC] filter). With dilations, taps sit `dilation`
 * apart, so the filter reaches (k − 1)·dilation + 1 positions and padding follows that reach.
 * TF.js differs: TF.js 4.22 refuses the gradient of a dilated conv2d; here it is computed.
 */
export function conv2d(x: Input, filter: Input, strides: number | [number, number], pad: PadArg, dataFormat: 'NHWC' | 'NCHW' = 'NHWC', dilations: number | [number, number] = [1, 1], dimRoundingMode?: string): Tensor {
  const input = convert(x, 'x', 'conv2d');
  const w = convert(filter, 'filter', 'conv2d', 'float32');
  if (dataFormat !== 'NHWC') throw new TegakiError(`conv2d: dataFormat '${dataFormat}' is not supported (NHWC only).`);
  if (dimRoundingMode !== undefined) throw new TegakiError('conv2d: dimRoundingMode is not supported.');
  const { x4, batched } = asBatch(input, 'conv2d');
  if (w.rank !== 4) throw new TegakiError(`conv2d: filter must be rank 4 [kH, kW, inC, outC], received rank ${w.rank}.`);
  const [kH, kW, fC, outC] = w.shape as [number, number, number, number];
  if (fC !== x4.shape[3]) throw new TegakiError(`conv2d: the input has ${x4.shape[3]} channels but the filter expects ${fC}.`);
  const g = convGeometry(x4, kH, kW, outC, strides, pad, dilations, 'conv2d');
  const batch = g.batch;
  const out = compute([batch, g.outH, g.outW, outC], 'float32', (o) => kernels().conv2d(o.f32, x4.f32, w.f32, null, g));
  record([x4, w], out, (dy) => {
    const dx = compute(x4.shape, 'float32', (o) => kernels().conv2dBackwardInput(o.f32, dy.f32, w.f32, g));
    const dw = compute(w.shape, 'float32', (o) => kernels().conv2dBackwardFilter(o.f32, x4.f32, dy.f32, g));
    return [dx, dw];
  }, { firstOrderOnly: true });
  return unbatch(out, batched);
}

/** The geometry of a convolution of x4 (NHWC) by a kH×kW filter giving outC channels, checked as TF.js does. */
export function convGeometry(x4: Tensor, kH: number, kW: number, outC: number, strides: number | [number, number], pad: PadArg, dilations: number | [number, number], op: string): ConvGeometry {
  const [batch, inH, inW, inC] = x4.shape as [number, number, number, number];
  const { strides: [sH, sW], dilations: [dH, dW] } = convSteps(strides, dilations, op);
  const reachH = dilatedWindow(kH, dH), reachW = dilatedWindow(kW, dW);
  const h = windowDim(inH, reachH, sH, pad, 1, op);
  const wd = windowDim(inW, reachW, sW, pad, 2, op);
  if (h.out <= 0 || wd.out <= 0) {
    const dilated = dH !== 1 || dW !== 1 ? ` dilated by ${dH}×${dW} (reaching ${reachH}×${reachW})` : '';
    throw new TegakiError(`${op}: a ${kH}×${kW} filter${dilated} does not fit an input of ${inH}×${inW}.`);
  }
  return { batch, inH, inW, inC, outH: h.out, outW: wd.out, outC, kH, kW, strideH: sH, strideW: sW, padTop: h.padBefore, padLeft: wd.padBefore, dilationH: dH, dilationW: dW };
}

function poolGeometry(x4: Tensor, filterSize: number | [number, number], strides: number | [number, number], pad: PadArg, op: string): PoolGeometry {
  const [batch, inH, inW, channels] = x4.shape as [number, number, number, number];
  const [poolH, poolW] = pair(filterSize, 'filterSize', op);
  const [strideH, strideW] = pair(strides, 'strides', op);
  const h = windowDim(inH, poolH, strideH, pad, 1, op);
  const w = windowDim(inW, poolW, strideW, pad, 2, op);
  if (h.out <= 0 || w.out <= 0) throw new TegakiError(`${op}: a ${poolH}×${poolW} window does not fit an input of ${inH}×${inW}.`);
  return { batch, inH, inW, channels, outH: h.out, outW: w.out, poolH, poolW, strideH, strideW, padTop: h.padBefore, padLeft: w.padBefore };
}

/** TF.js' maxPool; the gradient goes to the position that held the maximum. */
export function maxPool(x: Input, filterSize: number | [number, number], strides: number | [number, number], pad: PadArg, dimRoundingMode?: string): Tensor {
  if (dimRoundingMode !== undefined) throw new TegakiError('maxPool: dimRoundingMode is not supported.');
  const { x4, batched } = asBatch(convert(x, 'x', 'maxPool'), 'maxPool');
  const g = poolGeometry(x4, filterSize, strides, pad, 'maxPool');
  const argmax = new Int32Array(g.batch * g.outH * g.outW * g.channels);
  const out = compute([g.batch, g.outH, g.outW, g.channels], 'float32', (o) => kernels().maxPool(o.f32, argmax, x4.f32, g));
  record([x4], out, (dy) => [compute(x4.shape, 'float32', (o) => kernels().maxPoolBackward(o.f32, dy.f32, argmax, g))], { firstOrderOnly: true });
  return unbatch(out, batched);
}

/** TF.js' avgPool: windows averaged over their positions inside the input. */
export function avgPool(x: Input, filterSize: number | [number, number], strides: number | [number, number], pad: PadArg, dimRoundingMode?: string): Tensor {
  if (dimRoundingMode !== undefined) throw new TegakiError('avgPool: dimRoundingMode is not supported.');
  const { x4, batched } = asBatch(convert(x, 'x', 'avgPool'), 'avgPool');
  const g = poolGeometry(x4, filterSize, strides, pad, 'avgPool');
  const out = compute([g.batch, g.outH, g.outW, g.channels], 'float32', (o) => kernels().avgPool(o.f32, x4.f32, g));
  record([x4], out, (dy) => [compute(x4.shape, 'float32', (o) => kernels().avgPoolBackward(o.f32, dy.f32, g))], { firstOrderOnly: true });
  return unbatch(out, batched);
}

/** TF.js' oneHot: [...indices.shape, depth], onValue at each index, offValue elsewhere. */
export function oneHot(indices: Input, depth: number, onValue = 1, offValue = 0, dtype: DataType = 'int32'): Tensor {
  const idx = convert(indices, 'indices', 'oneHot', 'int32');
  if (idx.dtype !== 'int32') throw new TegakiError(`oneHot: indices must be int32, received ${idx.dtype}.`);
  if (!Number.isInteger(depth) || depth < 1) throw new TegakiError(`oneHot: depth must be a positive integer, received ${depth}.`);
  const values = typedArrayFor(dtype, idx.size * depth).fill(offValue);
  idx.values.forEach((i, r) => {
    if (i >= 0 && i < depth) values[r * depth + i] = onValue;
  });
  return new Tensor([...idx.shape, depth], values, dtype);
}
