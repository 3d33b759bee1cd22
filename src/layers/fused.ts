// Layers with fused kernels (the built-in ones): forward a batch into reused buffers and backward
// by hand, which Sequential.fit runs when every layer has them; call() stays their tape path.

import { activationBackward, activationForward, activationOp, needsPreActivation, type ActivationName } from '../activations.js';
import type { ElementwiseActivation } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { TegakiError } from '../errors.js';
import type { Random } from '../random.js';
import { formatShape, sizeOf, Tensor, type Shape } from '../tensor.js';
import { Layer } from './layer.js';

export interface ForwardOptions {
  training: boolean;
  /** Random stream for layers that draw during training (dropout). */
  rng: Random;
}

/** A built-in layer with fused kernels: forward a batch into reused buffers, backward by hand. */
export abstract class FusedLayer extends Layer {
  /** Whether backward must produce dL/dx; false for the first layer saves a whole pass. */
  needsInputGradient = true;
  private readonly buffers = new Map<string, Tensor>();

  /** Run a batch [batch, ...inputShape]. The result is owned by the layer and reused next call. */
  abstract forward(x: Tensor, options: ForwardOptions): Tensor;

  /** Given dL/dy for the last forward, write weight gradients and return dL/dx. */
  abstract backward(dy: Tensor): Tensor;

  /** A tensor of the given shape kept for reuse under key: allocation only when the size changes. */
  protected buffer(key: string, shape: Shape): Tensor {
    const existing = this.buffers.get(key);
    if (existing && existing.size === sizeOf(shape)) {
      return existing.shape.join() === shape.join() ? existing : existing.reshapeView(shape);
    }
    const t = new Tensor(shape);
    this.buffers.set(key, t);
    return t;
  }

  /** Throws a clear error when a batch does not match the built input shape. */
  protected checkInput(x: Tensor): number {
    const expected = this.inputShape;
    if (x.rank !== expected.length + 1 || expected.some((d, i) => x.shape[i + 1] !== d)) {
      throw new TegakiError(`Layer ${this.name} expects input ${formatShape([null, ...expected])}, received ${formatShape(x.shape)}.`);
    }
    return x.shape[0]!;
  }
}

export { activationOp };

/**
 * A layer whose output is act(pre-activation). It keeps the pre-activation when the activation is
 * softmax, so a cross-entropy loss can work from the logits (stable) and skip the softmax backward,
 * and when the activation's derivative needs it (swish, gelu, mish); the others apply in place,
 * fused with the bias add, and differentiate from their output.
 */
export abstract class ActivatedLayer extends FusedLayer {
  abstract readonly activation: ActivationName;
  private lastOutput: Tensor | null = null;
  private lastPreActivation: Tensor | null = null;

  /** The pre-activation of the last forward (only kept for softmax). */
  get logits(): Tensor | null {
    return this.activation === 'softmax' ? this.lastPreActivation : null;
  }

  /** Whether activate() applies the activation into its own buffer, keeping the pre-activation. */
  private get keepsPreActivation(): boolean {
    return this.activation === 'softmax' || needsPreActivation(this.activation);
  }

  /** The part of the activation a kernel can fuse with the bias add (in place: those that differentiate from y). */
  protected get fusedActivation(): ElementwiseActivation {
    return this.keepsPreActivation ? 'linear' : (this.activation as ElementwiseActivation);
  }

  /**
   * Finish the activation of z, whose elementwise part (fusedActivation) is already applied in
   * place, and remember what backward needs.
   */
  protected activate(z: Tensor): Tensor {
    if (!this.keepsPreActivation) {
      this.lastPreActivation = null;
      this.lastOutput = z;
      return z;
    }
    const cols = z.shape[z.rank - 1]!;
    const y = this.buffer('activation', z.shape);
    activationForward(this.activation, y.f32, z.f32, z.size / cols, cols);
    this.lastPreActivation = z;
    this.lastOutput = y;
    return y;
  }

  /** What the activation's backward reads: its output, or its input where it needs that. */
  private get saved(): Tensor {
    return this.activation !== 'softmax' && this.keepsPreActivation ? this.lastPreActivation! : this.lastOutput!;
  }

  /** dL/dz from dL/dy, into a reused buffer. */
  protected deactivate(dy: Tensor): Tensor {
    const y = this.lastOutput!;
    if (this.activation === 'linear') return dy;
    const cols = y.shape[y.rank - 1]!;
    const dz = this.buffer('dz', y.shape);
    activationBackward(this.activation, dz.f32, dy.f32, this.saved.f32, y.size / cols, cols);
    return dz;
  }

  /** The gradient buffer of the bias, or null when the layer has none. */
  protected get biasGradient(): Float32Array | null {
    return null;
  }

  override backward(dy: Tensor): Tensor {
    const y = this.lastOutput!;
    const db = this.biasGradient;
    if (this.activation === 'softmax' || this.activation === 'linear' || !db) return this.backwardFromPreActivation(this.deactivate(dy));
    // One pass gives dz and the bias gradient (both read the same rows).
    const cols = y.shape[y.rank - 1]!;
    const dz = this.buffer('dz', y.shape);
    getBackend().biasActivationBackward(dz.f32, db, dy.f32, this.saved.f32, y.size / cols, cols, this.activation);
    return this.backwardFromPreActivation(dz, true);
  }

  /**
   * Backward from dL/dz, the gradient with respect to the pre-activation. biasGradientDone says
   * the bias gradient is already written (by the fused pass in backward).
   */
  abstract backwardFromPreActivation(dz: Tensor, biasGradientDone?: boolean): Tensor;
}
