// tfjs-core's other convolutions and image resizing: depthwiseConv2d, separableConv2d,
// conv2dTranspose and image.resizeNearestNeighbor / resizeBilinear (NHWC), each on the backend's
// kernels with its gradient on the backward kernels, as conv2d in nn.ts.

import type { ConvGeometry, ResizeGeometry } from '../backend/backend.js';
import { TegakiError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { Input } from './arithmetic.js';
import { castRaw, compute, convert, kernels } from './convert.js';
import { record } from './engine.js';
import { asBatch, conv2d, convGeometry, pair, unbatch, windowDim, type PadArg } from './nn.js';

function nhwcOnly(dataFormat: string, op: string): void {
  if (dataFormat !== 'NHWC') throw new TegakiError(`${op}: dataFormat '${dataFormat}' is not supported (NHWC only).`);
}

/** A rank-4 float32 filter, or a refusal naming its layout. */
function filter4(filter: Input, arg: string, op: string, layout: string): Tensor {
  const w = convert(filter, arg, op, 'float32');
  if (w.rank !== 4) throw new TegakiError(`${op}: ${arg} must be rank 4 ${layout}, received rank ${w.rank}.`);
  return w.dtype === 'float32' ? w : castRaw(w, 'float32');
}

/**
 * TF.js' depthwiseConv2d: filter [kH, kW, inC, m]; output channel c·m + j is input channel c
 * convolved with filter (c, j). Dilations as in conv2d.
 */
export function depthwiseConv2d(x: Input, filter: Input, strides: number | [number, number], pad: PadArg, dataFormat: 'NHWC' | 'NCHW' = 'NHWC', dilations: number | [number, number] = [1, 1], dimRoundingMode?: string): Tensor {
  const op = 'depthwiseConv2d';
  nhwcOnly(dataFormat, op);
  if (dimRoundingMode !== undefined) throw new TegakiError(`${op}: dimRoundingMode is not supported.`);
  const { x4, batched } = asBatch(convert(x, 'x', op), op);
  const w = filter4(filter, 'filter', op, '[kH, kW, inC, channelMultiplier]');
  const [kH, kW, fC, m] = w.shape as [number, number, number, number];
  if (fC !== x4.shape[3]) throw new TegakiError(`${op}: the input has ${x4.shape[3]} channels but the filter expects ${fC}.`);
  const g = convGeometry(x4, kH, kW, fC * m, strides, pad, dilations, op);
  const out = compute([g.batch, g.outH, g.outW, g.outC], 'float32', (o) => kernels().depthwiseConv2d(o.f32, x4.f32, w.f32, null, g));
  record([x4, w], out, (dy) => [
    compute(x4.shape, 'float32', (o) => kernels().depthwiseConv2dBackwardInput(o.f32, dy.f32, w.f32, g)),
    compute(w.shape, 'float32', (o) => kernels().depthwiseConv2dBackwardFilter(o.f32, x4.f32, dy.f32, g)),
  ], { firstOrderOnly: true });
  return unbatch(out, batched);
}

/** TF.js' separableConv2d: depthwiseConv2d, then a 1×1 conv2d by pointwiseFilter [1, 1, inC·m, outC]. */
export function separableConv2d(x: Input, depthwiseFilter: Input, pointwiseFilter: Input, strides: number | [number, number], pad: 'valid' | 'same', dilation: number | [number, number] = [1, 1], dataFormat: 'NHWC' | 'NCHW' = 'NHWC'): Tensor {
  const pw = filter4(pointwiseFilter, 'pointwiseFilter', 'separableConv2d', '[1, 1, inC·channelMultiplier, outC]');
  if (pw.shape[0] !== 1 || pw.shape[1] !== 1) throw new TegakiError(`separableConv2d: pointwiseFilter must be 1×1 in its first two dimensions, received [${pw.shape.join(', ')}].`);
  return conv2d(depthwiseConv2d(x, depthwiseFilter, strides, pad, dataFormat, dilation), pw, 1, 'valid');
}

/**
 * The convolution that conv2dTranspose inverts: its input is the transpose's output (outputShape),
 * its output the transpose's input, and filter [kH, kW, outC, inC] is HWIO for it.
 */
export function transposeGeometry(batch: number, inH: number, inW: number, inC: number, outH: number, outW: number, outC: number, kH: number, kW: number, strides: [number, number], pad: PadArg, op: string): ConvGeometry {
  const h = windowDim(outH, kH, strides[0], pad, 1, op);
  const w = windowDim(outW, kW, strides[1], pad, 2, op);
  if (h.out !== inH || w.out !== inW) {
    throw new TegakiError(`${op}: an output of ${outH}×${outW} convolved by ${kH}×${kW} with strides ${strides.join('×')} gives ${h.out}×${w.out}, not the input's ${inH}×${inW}.`);
  }
  return { batch, inH: outH, inW: outW, inC: outC, outH: inH, outW: inW, outC: inC, kH, kW, strideH: strides[0], strideW: strides[1], padTop: h.padBefore, padLeft: w.padBefore };
}

/** TF.js' conv2dTranspose (the gradient of conv2d with respect to its input): filter [kH, kW, outC, inC]. */
export function conv2dTranspose(x: Input, filter: Input, outputShape: number[], strides: number | [number, number], pad: PadArg, dimRoundingMode?: string): Tensor {
  const op = 'conv2dTranspose';
  if (dimRoundingMode !== undefined) throw new TegakiError(`${op}: dimRoundingMode is not supported.`);
  const { x4, batched } = asBatch(convert(x, 'x', op), op);
  const w = filter4(filter, 'filter', op, '[kH, kW, outC, inC]');
  const [batch, inH, inW, inC] = x4.shape as [number, number, number, number];
  const [kH, kW, outC, fC] = w.shape as [number, number, number, number];
  if (fC !== inC) throw new TegakiError(`${op}: the input has ${inC} channels but the filter expects ${fC}.`);
  const shape = Array.isArray(outputShape) && outputShape.length === 3 ? [batch, ...outputShape] : outputShape;
  if (!Array.isArray(shape) || shape.length !== 4 || shape[0] !== batch || shape[3] !== outC || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new TegakiError(`${op}: outputShape must be [${batch}, height, width, ${outC}] (or without the batch), received ${JSON.stringify(outputShape)}.`);
  }
  const g = transposeGeometry(batch, inH, inW, inC, shape[1]!, shape[2]!, outC, kH, kW, pair(strides, 'strides', op), pad, op);
  const out = compute([batch, g.inH, g.inW, outC], 'float32', (o) => kernels().conv2dBackwardInput(o.f32, x4.f32, w.f32, g));
  record([x4, w], out, (dy) => [
    compute(x4.shape, 'float32', (o) => kernels().conv2d(o.f32, dy.f32, w.f32, null, g)),
    compute(w.shape, 'float32', (o) => kernels().conv2dBackwardFilter(o.f32, dy.f32, x4.f32, g)),
  ], { firstOrderOnly: true });
  return unbatch(out, batched);
}

function resizeOp(bilinear: boolean, op: string) {
  return (images: Input, size: [number, number], alignCorners = false, halfPixelCenters = false): Tensor => {
    if (alignCorners) throw new TegakiError(`${op}: alignCorners=true is not supported yet.`);
    if (halfPixelCenters) throw new TegakiError(`${op}: halfPixelCenters=true is not supported yet.`);
    const { x4, batched } = asBatch(convert(images, 'images', op), op);
    if (!Array.isArray(size) || size.length !== 2 || size.some((d) => !Number.isInteger(d) || d < 1)) throw new TegakiError(`${op}: size must be [newHeight, newWidth], positive integers, received ${JSON.stringify(size)}.`);
    const [batch, inH, inW, channels] = x4.shape as [number, number, number, number];
    const g: ResizeGeometry = { batch, inH, inW, channels, outH: size[0], outW: size[1], bilinear };
    const out = compute([batch, g.outH, g.outW, channels], 'float32', (o) => kernels().resize(o.f32, x4.f32, g));
    record([x4], out, (dy) => [compute(x4.shape, 'float32', (o) => kernels().resizeBackward(o.f32, dy.f32, g))], { firstOrderOnly: true });
    return unbatch(out, batched);
  };
}

/** TF.js' image.resizeNearestNeighbor (alignCorners and halfPixelCenters false only). */
export const resizeNearestNeighbor = resizeOp(false, 'resizeNearestNeighbor');
/** TF.js' image.resizeBilinear (alignCorners and halfPixelCenters false only). */
export const resizeBilinear = resizeOp(true, 'resizeBilinear');
