// Keras' gradient clipping (clipnorm, clipvalue, globalClipnorm), which its base optimizer applies
// before every optimizer's own update.

import { TegakiError } from '../errors.js';
import { checkNumber, POSITIVE, show } from './checks.js';

/** At most one of these is set (the others null). */
export interface Clipping {
  clipnorm: number | null;
  clipvalue: number | null;
  globalClipnorm: number | null;
}

/** The clipping options, checked; Keras refuses more than one. */
export function clippingOptions(where: string, options: Partial<Record<keyof Clipping, unknown>>): Clipping {
  const read = (name: keyof Clipping): number | null => (options[name] === undefined || options[name] === null ? null : checkNumber(where, name, options[name], POSITIVE));
  const clipping: Clipping = { clipnorm: read('clipnorm'), clipvalue: read('clipvalue'), globalClipnorm: read('globalClipnorm') };
  if (Object.values(clipping).filter((v) => v !== null).length > 1) {
    throw new TegakiError(`${where}: only one of clipnorm, clipvalue and globalClipnorm can be set. Received: clipnorm=${show(clipping.clipnorm)}, clipvalue=${show(clipping.clipvalue)}, globalClipnorm=${show(clipping.globalClipnorm)}.`);
  }
  return clipping;
}

function sumOfSquares(values: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  return sum;
}

function scaled(values: Float32Array, scale: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! * scale;
  return out;
}

/**
 * The gradients an update uses (Keras' _clip_gradients): new arrays where clipping changes them,
 * the given ones otherwise (they may be the caller's, so they are never written).
 */
export function clipGradients(grads: Float32Array[], { clipnorm, clipvalue, globalClipnorm }: Clipping): Float32Array[] {
  if (clipnorm !== null) {
    // each gradient times clipnorm / max(‖g‖, clipnorm); a NaN norm makes it all NaN, as in Keras
    return grads.map((g) => {
      const norm = Math.sqrt(sumOfSquares(g));
      return norm <= clipnorm ? g : scaled(g, clipnorm / norm);
    });
  }
  if (globalClipnorm !== null) {
    const norm = Math.sqrt(grads.reduce((sum, g) => sum + sumOfSquares(g), 0));
    if (norm <= globalClipnorm) return grads;
    // as Keras: a norm of NaN or infinity makes every gradient NaN
    const scale = Number.isFinite(norm) ? globalClipnorm / norm : NaN;
    return grads.map((g) => scaled(g, scale));
  }
  if (clipvalue !== null) {
    return grads.map((g) => {
      const out = new Float32Array(g.length);
      for (let i = 0; i < g.length; i++) out[i] = Math.min(Math.max(g[i]!, -clipvalue), clipvalue);
      return out;
    });
  }
  return grads;
}
