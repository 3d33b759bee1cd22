// MaxPooling2D over NHWC inputs; strides default to the pool size as in Keras.

import type { PoolGeometry } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { TegakiError } from '../errors.js';
import { maxPool } from '../ops/nn.js';
import { formatShape, type Shape, Tensor } from '../tensor.js';
import { singleInput, singleSampleShape, type CallArgs, type LayerArgs, type LayerInput, type Padding, paddingOption, positivePair, requireDefault, windowGeometry, type BatchShape } from './layer.js';
import { FusedLayer, type ForwardOptions } from './fused.js';

export interface MaxPooling2DArgs extends LayerArgs {
  /** Window height and width. Default 2. */
  poolSize?: number | [number, number];
  /** Default: poolSize. */
  strides?: number | [number, number];
  /** Default 'valid'. */
  padding?: Padding;
  /** Only 'channelsLast' (NHWC). */
  dataFormat?: 'channelsLast';
}

export class MaxPooling2D extends FusedLayer {
  static override readonly className = 'MaxPooling2D';
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  private argmax = new Int32Array(0);
  private lastInputShape: Shape = [];
  private geometry: PoolGeometry | null = null;

  constructor(args: MaxPooling2DArgs = {}) {
    super(args, ['poolSize', 'strides', 'padding', 'dataFormat']);
    requireDefault(args.dataFormat, ['channelsLast'], 'dataFormat', 'MaxPooling2D');
    this.poolSize = positivePair(args.poolSize ?? 2, 'poolSize', 'MaxPooling2D');
    this.strides = positivePair(args.strides ?? this.poolSize, 'strides', 'MaxPooling2D');
    this.padding = paddingOption(args.padding, 'MaxPooling2D');
  }

  override computeOutputShape(batchShape: BatchShape | BatchShape[]): BatchShape {
    const inputShape = singleSampleShape(batchShape, this);
    if (inputShape.length !== 3) {
      throw new TegakiError(`MaxPooling2D layer ${this.name} expects images (None, height, width, channels); received ${formatShape([null, ...inputShape])}.`);
    }
    const h = windowGeometry(inputShape[0]!, this.poolSize[0], this.strides[0], this.padding);
    const w = windowGeometry(inputShape[1]!, this.poolSize[1], this.strides[1], this.padding);
    if (h.out <= 0 || w.out <= 0) {
      throw new TegakiError(`MaxPooling2D layer ${this.name}: a ${this.poolSize.join('×')} pool does not fit input ${formatShape([null, ...inputShape])}.`);
    }
    return [null, h.out, w.out, inputShape[2]!];
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    return maxPool(singleInput(inputs, this), this.poolSize, this.strides, this.padding);
  }

  private geometryFor(batch: number): PoolGeometry {
    if (this.geometry?.batch === batch) return this.geometry;
    const [inH, inW, channels] = this.inputShape as [number, number, number];
    const h = windowGeometry(inH, this.poolSize[0], this.strides[0], this.padding);
    const w = windowGeometry(inW, this.poolSize[1], this.strides[1], this.padding);
    this.geometry = {
      batch, inH, inW, channels, outH: h.out, outW: w.out, poolH: this.poolSize[0], poolW: this.poolSize[1],
      strideH: this.strides[0], strideW: this.strides[1], padTop: h.padBefore, padLeft: w.padBefore,
    };
    return this.geometry;
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    const batch = this.checkInput(x);
    const g = this.geometryFor(batch);
    const y = this.buffer('y', [batch, g.outH, g.outW, g.channels]);
    if (this.argmax.length !== y.size) this.argmax = new Int32Array(y.size);
    getBackend().maxPool(y.f32, this.argmax, x.f32, g);
    this.lastInputShape = x.shape;
    return y;
  }

  backward(dy: Tensor): Tensor {
    const dx = this.buffer('dx', this.lastInputShape);
    getBackend().maxPoolBackward(dx.f32, dy.f32, this.argmax, this.geometryFor(dy.shape[0]!));
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    // copies: a config is a snapshot, editing it must not change this layer
    return { ...super.getConfig(), poolSize: [...this.poolSize], strides: [...this.strides], padding: this.padding, dataFormat: 'channelsLast' };
  }
}
