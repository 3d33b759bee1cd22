// Spatial shape layers over NHWC images: ZeroPadding2D adds zero rows and columns around each
// image, Cropping2D removes them (each one's backward is the other's forward), UpSampling2D
// repeats (nearest) or interpolates (bilinear) rows and columns as TF.js does.

import { getBackend } from '../backend/select.js';
import type { ResizeGeometry } from '../backend/backend.js';
import { TegakiError } from '../errors.js';
import { resizeBilinear, resizeNearestNeighbor } from '../ops/conv-variants.js';
import { pad, slice } from '../ops/shape.js';
import { formatShape, type Shape, Tensor } from '../tensor.js';
import { shown } from '../json.js';
import { positivePair, requireDefault, singleInput, singleSampleShape, type BatchShape, type CallArgs, type LayerArgs, type LayerInput } from './layer.js';
import { FusedLayer, type ForwardOptions } from './fused.js';

type Margins = [[number, number], [number, number]];

/** TF.js' forms: n (all four sides), [rows, columns] (both sides of each), or [[top, bottom], [left, right]]. */
function marginsOption(value: unknown, option: string, layer: string): Margins {
  const count = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
  if (count(value)) return [[value, value], [value, value]];
  if (Array.isArray(value) && value.length === 2 && value.every(count)) return [[value[0], value[0]], [value[1], value[1]]];
  if (Array.isArray(value) && value.length === 2 && value.every((p) => Array.isArray(p) && p.length === 2 && p.every(count))) {
    return [[value[0][0], value[0][1]], [value[1][0], value[1][1]]];
  }
  throw new TegakiError(`Expected ${option} of layer ${layer} to be a non-negative integer, a pair of them, or [[top, bottom], [left, right]]. Received ${option}=${shown(value)}.`);
}

function imageShape(batchShape: BatchShape | BatchShape[], layer: FusedLayer): [number, number, number] {
  const sample = singleSampleShape(batchShape, layer);
  if (sample.length !== 3) throw new TegakiError(`${layer.className} layer ${layer.name} expects images (None, height, width, channels); received ${formatShape([null, ...sample])}.`);
  return sample as [number, number, number];
}

/** ZeroPadding2D and Cropping2D: margins added to (sign +1) or removed from (−1) each image. */
abstract class Margins2D extends FusedLayer {
  protected abstract readonly margins: Margins;
  protected abstract readonly sign: 1 | -1;

  override computeOutputShape(batchShape: BatchShape | BatchShape[]): BatchShape {
    const [h, w, c] = imageShape(batchShape, this);
    const [[top, bottom], [left, right]] = this.margins;
    const out: BatchShape = [null, h + this.sign * (top + bottom), w + this.sign * (left + right), c];
    if ((out[1] as number) <= 0 || (out[2] as number) <= 0) throw new TegakiError(`${this.className} layer ${this.name}: cropping ${JSON.stringify(this.margins)} leaves nothing of input ${formatShape([null, h, w, c])}.`);
    return out;
  }

  /** [before, after] per axis of a batch, the image axes taking the margins. */
  private get paddings(): [number, number][] {
    return [[0, 0], [...this.margins[0]], [...this.margins[1]], [0, 0]];
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    const x = singleInput(inputs, this);
    return this.sign > 0 ? pad(x, this.paddings) : slice(x, [0, this.margins[0][0], this.margins[1][0], 0], [-1, ...this.outputSizeOf(x.shape), -1]);
  }

  private outputSizeOf(shape: Shape): [number, number] {
    const [[top, bottom], [left, right]] = this.margins;
    return [shape[1]! + this.sign * (top + bottom), shape[2]! + this.sign * (left + right)];
  }

  /** big = small with the margins around it: pad small into big, or slice big down to small. */
  private move(from: Tensor, toShape: Shape, padding: boolean): Tensor {
    const to = this.buffer(padding ? 'padded' : 'cropped', toShape);
    const begin = [0, this.margins[0][0], this.margins[1][0], 0];
    if (padding) getBackend().pad(from.f32, from.shape, this.paddings, 0, to.f32, toShape);
    else getBackend().slice(from.f32, from.shape, begin, toShape, to.f32);
    return to;
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    const batch = this.checkInput(x);
    return this.move(x, [batch, ...this.outputShape], this.sign > 0);
  }

  backward(dy: Tensor): Tensor {
    return this.move(dy, [dy.shape[0]!, ...this.inputShape], this.sign < 0);
  }
}

export interface ZeroPadding2DArgs extends LayerArgs {
  /** Zero rows and columns around each image: n, [rows, columns] or [[top, bottom], [left, right]]. Default 1. */
  padding?: number | [number, number] | [[number, number], [number, number]];
  /** Only 'channelsLast' (NHWC). */
  dataFormat?: 'channelsLast';
}

export class ZeroPadding2D extends Margins2D {
  static override readonly className = 'ZeroPadding2D';
  readonly padding: Margins;
  protected readonly sign = 1;

  constructor(args: ZeroPadding2DArgs = {}) {
    super(args, ['padding', 'dataFormat']);
    requireDefault(args.dataFormat, ['channelsLast'], 'dataFormat', 'ZeroPadding2D');
    this.padding = marginsOption(args.padding ?? 1, 'padding', 'ZeroPadding2D');
  }

  protected get margins(): Margins {
    return this.padding;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: structuredClone(this.padding), dataFormat: 'channelsLast' };
  }
}

export interface Cropping2DArgs extends LayerArgs {
  /** Rows and columns removed from each image: n, [rows, columns] or [[top, bottom], [left, right]]. Required. */
  cropping: number | [number, number] | [[number, number], [number, number]];
  /** Only 'channelsLast' (NHWC). */
  dataFormat?: 'channelsLast';
}

export class Cropping2D extends Margins2D {
  static override readonly className = 'Cropping2D';
  readonly cropping: Margins;
  protected readonly sign = -1;

  constructor(args: Cropping2DArgs) {
    super(args, ['cropping', 'dataFormat']);
    requireDefault(args?.dataFormat, ['channelsLast'], 'dataFormat', 'Cropping2D');
    this.cropping = marginsOption(args?.cropping, 'cropping', 'Cropping2D');
  }

  protected get margins(): Margins {
    return this.cropping;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cropping: structuredClone(this.cropping), dataFormat: 'channelsLast' };
  }
}

export interface UpSampling2DArgs extends LayerArgs {
  /** Factors for rows and columns (a number for both). Default [2, 2]. */
  size?: number | [number, number];
  /** Only 'channelsLast' (NHWC). */
  dataFormat?: 'channelsLast';
  /** 'nearest' repeats rows and columns, 'bilinear' interpolates (as TF.js' resizeBilinear). Default 'nearest'. */
  interpolation?: 'nearest' | 'bilinear';
}

export class UpSampling2D extends FusedLayer {
  static override readonly className = 'UpSampling2D';
  readonly size: [number, number];
  readonly interpolation: 'nearest' | 'bilinear';
  private geometry: ResizeGeometry | null = null;

  constructor(args: UpSampling2DArgs = {}) {
    super(args, ['size', 'dataFormat', 'interpolation']);
    requireDefault(args.dataFormat, ['channelsLast'], 'dataFormat', 'UpSampling2D');
    this.size = positivePair(args.size ?? 2, 'size', 'UpSampling2D');
    const interpolation = args.interpolation ?? 'nearest';
    if (interpolation !== 'nearest' && interpolation !== 'bilinear') {
      throw new TegakiError(`Expected interpolation of layer UpSampling2D to be 'nearest' or 'bilinear'. Received interpolation=${shown(interpolation)}.`);
    }
    this.interpolation = interpolation;
  }

  override computeOutputShape(batchShape: BatchShape | BatchShape[]): BatchShape {
    const [h, w, c] = imageShape(batchShape, this);
    return [null, h * this.size[0], w * this.size[1], c];
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    const x = singleInput(inputs, this);
    const size: [number, number] = [x.shape[1]! * this.size[0], x.shape[2]! * this.size[1]];
    return this.interpolation === 'nearest' ? resizeNearestNeighbor(x, size) : resizeBilinear(x, size);
  }

  private geometryFor(batch: number): ResizeGeometry {
    if (this.geometry?.batch === batch) return this.geometry;
    const [inH, inW, channels] = this.inputShape as [number, number, number];
    this.geometry = { batch, inH, inW, channels, outH: inH * this.size[0], outW: inW * this.size[1], bilinear: this.interpolation === 'bilinear' };
    return this.geometry;
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    const g = this.geometryFor(this.checkInput(x));
    const y = this.buffer('y', [g.batch, g.outH, g.outW, g.channels]);
    getBackend().resize(y.f32, x.f32, g);
    return y;
  }

  backward(dy: Tensor): Tensor {
    const g = this.geometryFor(dy.shape[0]!);
    const dx = this.buffer('dx', [g.batch, g.inH, g.inW, g.channels]);
    getBackend().resizeBackward(dx.f32, dy.f32, g);
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: [...this.size], dataFormat: 'channelsLast', interpolation: this.interpolation };
  }
}
