// Pooling over NHWC inputs: MaxPooling2D and AveragePooling2D (strides default to the pool size
// as in Keras), and their global forms, which pool each channel over the whole image.

import type { PoolGeometry } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { TegakiError } from '../errors.js';
import { avgPool, maxPool } from '../ops/nn.js';
import { max, mean } from '../ops/reduction.js';
import { formatShape, Tensor } from '../tensor.js';
import { singleInput, singleSampleShape, type CallArgs, type LayerArgs, type LayerInput, type Padding, paddingOption, positivePair, requireDefault, windowGeometry, type BatchShape } from './layer.js';
import { FusedLayer, type ForwardOptions } from './fused.js';

export interface Pooling2DArgs extends LayerArgs {
  /** Window height and width. Default 2. */
  poolSize?: number | [number, number];
  /** Default: poolSize. */
  strides?: number | [number, number];
  /** Default 'valid'. */
  padding?: Padding;
  /** Only 'channelsLast' (NHWC). */
  dataFormat?: 'channelsLast';
}
export type MaxPooling2DArgs = Pooling2DArgs;
export type AveragePooling2DArgs = Pooling2DArgs;

/** The sample shape of an image input (height, width, channels), or a refusal naming the layer. */
function imageShape(batchShape: BatchShape | BatchShape[], layer: FusedLayer): [number, number, number] {
  const inputShape = singleSampleShape(batchShape, layer);
  if (inputShape.length !== 3) {
    throw new TegakiError(`${layer.className} layer ${layer.name} expects images (None, height, width, channels); received ${formatShape([null, ...inputShape])}.`);
  }
  return inputShape as [number, number, number];
}

/** What the pooling layers share: a window geometry over the input and the kernels that use it. */
abstract class PoolingBase extends FusedLayer {
  private geometry: PoolGeometry | null = null;
  protected lastInput: Tensor | null = null;

  /** Window and strides for an input of inH × inW, and the padding. */
  protected abstract windowFor(inH: number, inW: number): { pool: [number, number]; strides: [number, number]; padding: Padding };

  protected geometryFor(batch: number): PoolGeometry {
    if (this.geometry?.batch === batch) return this.geometry;
    const [inH, inW, channels] = this.inputShape as [number, number, number];
    const { pool, strides, padding } = this.windowFor(inH, inW);
    const h = windowGeometry(inH, pool[0], strides[0], padding);
    const w = windowGeometry(inW, pool[1], strides[1], padding);
    this.geometry = {
      batch, inH, inW, channels, outH: h.out, outW: w.out, poolH: pool[0], poolW: pool[1],
      strideH: strides[0], strideW: strides[1], padTop: h.padBefore, padLeft: w.padBefore,
    };
    return this.geometry;
  }

  /** Whether this pools by the maximum (else by the mean). */
  protected abstract readonly byMax: boolean;
  private argmax = new Int32Array(0);

  /** The pooled batch as [batch, outH, outW, channels]; subclasses reshape it. */
  protected pool(x: Tensor): Tensor {
    const batch = this.checkInput(x);
    const g = this.geometryFor(batch);
    const y = this.buffer('y', [batch, g.outH, g.outW, g.channels]);
    if (this.byMax) {
      if (this.argmax.length !== y.size) this.argmax = new Int32Array(y.size);
      getBackend().maxPool(y.f32, this.argmax, x.f32, g);
    } else {
      getBackend().avgPool(y.f32, x.f32, g);
    }
    this.lastInput = x;
    return y;
  }

  backward(dy: Tensor): Tensor {
    const dx = this.buffer('dx', this.lastInput!.shape);
    const g = this.geometryFor(dy.shape[0]!);
    if (this.byMax) getBackend().maxPoolBackward(dx.f32, dy.f32, this.argmax, g);
    else getBackend().avgPoolBackward(dx.f32, dy.f32, g);
    return dx;
  }
}

/** MaxPooling2D and AveragePooling2D: a poolSize window moved by strides. */
abstract class Pooling2D extends PoolingBase {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;

  constructor(args: Pooling2DArgs = {}) {
    super(args, ['poolSize', 'strides', 'padding', 'dataFormat']);
    const name = new.target.className!;
    requireDefault(args.dataFormat, ['channelsLast'], 'dataFormat', name);
    this.poolSize = positivePair(args.poolSize ?? 2, 'poolSize', name);
    this.strides = positivePair(args.strides ?? this.poolSize, 'strides', name);
    this.padding = paddingOption(args.padding, name);
  }

  protected windowFor(): { pool: [number, number]; strides: [number, number]; padding: Padding } {
    return { pool: this.poolSize, strides: this.strides, padding: this.padding };
  }

  override computeOutputShape(batchShape: BatchShape | BatchShape[]): BatchShape {
    const inputShape = imageShape(batchShape, this);
    const h = windowGeometry(inputShape[0], this.poolSize[0], this.strides[0], this.padding);
    const w = windowGeometry(inputShape[1], this.poolSize[1], this.strides[1], this.padding);
    if (h.out <= 0 || w.out <= 0) {
      throw new TegakiError(`${this.className} layer ${this.name}: a ${this.poolSize.join('×')} pool does not fit input ${formatShape([null, ...inputShape])}.`);
    }
    return [null, h.out, w.out, inputShape[2]];
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    return (this.byMax ? maxPool : avgPool)(singleInput(inputs, this), this.poolSize, this.strides, this.padding);
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    return this.pool(x);
  }

  override getConfig(): Record<string, unknown> {
    // copies: a config is a snapshot, editing it must not change this layer
    return { ...super.getConfig(), poolSize: [...this.poolSize], strides: [...this.strides], padding: this.padding, dataFormat: 'channelsLast' };
  }
}

export class MaxPooling2D extends Pooling2D {
  static override readonly className = 'MaxPooling2D';
  protected readonly byMax = true;
}

/** The mean of each window over its positions inside the input (padding is not counted, as in TF.js). */
export class AveragePooling2D extends Pooling2D {
  static override readonly className = 'AveragePooling2D';
  protected readonly byMax = false;
}

export interface GlobalPooling2DArgs extends LayerArgs {
  /** Only 'channelsLast' (NHWC). */
  dataFormat?: 'channelsLast';
}

/** One value per channel: the pool of the whole image. Output (batch, channels), as in TF.js (no keepDims). */
abstract class GlobalPooling2D extends PoolingBase {
  constructor(args: GlobalPooling2DArgs = {}) {
    super(args, ['dataFormat']);
    requireDefault(args.dataFormat, ['channelsLast'], 'dataFormat', new.target.className!);
  }

  protected windowFor(inH: number, inW: number): { pool: [number, number]; strides: [number, number]; padding: Padding } {
    return { pool: [inH, inW], strides: [1, 1], padding: 'valid' };
  }

  override computeOutputShape(batchShape: BatchShape | BatchShape[]): BatchShape {
    return [null, imageShape(batchShape, this)[2]];
  }

  override call(inputs: LayerInput, _kwargs: CallArgs = {}): Tensor {
    return (this.byMax ? max : mean)(singleInput(inputs, this), [1, 2]);
  }

  forward(x: Tensor, _options: ForwardOptions): Tensor {
    const y = this.pool(x);
    return y.reshapeView([y.shape[0]!, y.shape[3]!]);
  }

  override backward(dy: Tensor): Tensor {
    return super.backward(dy.reshapeView([dy.shape[0]!, 1, 1, dy.shape[1]!]));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dataFormat: 'channelsLast' };
  }
}

export class GlobalAveragePooling2D extends GlobalPooling2D {
  static override readonly className = 'GlobalAveragePooling2D';
  protected readonly byMax = false;
}

/** The maximum of each channel; as in TF.js (tf.max), a tie sends the gradient to every position holding it. */
export class GlobalMaxPooling2D extends GlobalPooling2D {
  static override readonly className = 'GlobalMaxPooling2D';
  protected readonly byMax = true;

  // dx = dy where x equals its channel's maximum, else 0 (every tied position gets it all, as tf.max's gradient)
  override backward(dy: Tensor): Tensor {
    const x = this.lastInput!;
    const perChannel = [dy.shape[0]!, 1, 1, dy.shape[1]!];
    const y = this.buffer('y', perChannel); // the last forward's output (pool() wrote it here)
    const dx = this.buffer('dx', x.shape);
    const backend = getBackend();
    backend.binary('equal', x.f32, x.shape, y.f32, perChannel, dx.f32, x.shape);
    backend.binary('mul', dx.f32, x.shape, dy.f32, perChannel, dx.f32, x.shape);
    return dx;
  }
}

