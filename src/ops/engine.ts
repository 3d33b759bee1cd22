// The gradient tape (micrograd's idea, tfjs' engine): while a gradient function runs, every op
// records its inputs, its output and how to turn the output's gradient into its inputs'. Walking
// the records backwards from a result gives the gradients of the tensors it depends on. Gradient
// functions are written with ops too, so they record in turn and gradients of gradients work.

import { getBackend } from '../backend/select.js';
import { TegakiError } from '../errors.js';
import { isTypedArray, Tensor, type DataType, type TypedArray } from '../tensor.js';

/** What an op leaves on the tape: enough to send its output's gradient back to its inputs. */
interface TapeRecord {
  inputs: readonly Tensor[];
  output: Tensor;
  /** Gradients for each input (null: that input gets none, e.g. indices). */
  backward: (dy: Tensor) => (Tensor | null)[];
  /** The backward runs kernels that record nothing, so it cannot itself be differentiated. */
  firstOrderOnly: boolean;
}

const tapes: TapeRecord[][] = [];

/** Record an op on every active tape (nested gradient functions each keep their own). */
export function record(inputs: readonly Tensor[], output: Tensor, backward: (dy: Tensor) => (Tensor | null)[], options: { firstOrderOnly?: boolean } = {}): void {
  if (tapes.length === 0) return;
  const entry = { inputs, output, backward, firstOrderOnly: options.firstOrderOnly ?? false };
  for (const tape of tapes) tape.push(entry);
}

/** Run fn with recording paused (a value whose gradient is given some other way). */
export function withoutRecording<T>(fn: () => T): T {
  const saved = tapes.splice(0, tapes.length);
  try {
    return fn();
  } finally {
    tapes.push(...saved);
  }
}

/** Whether an op's gradient would be recorded right now. */
export const isRecording = (): boolean => tapes.length > 0;

/**
 * Run f while recording, then the gradients of its result with respect to xs (null for an x the
 * result does not depend on). dy is the result's own gradient (default: ones).
 */
export function gradientsOf(f: () => Tensor, xs: readonly Tensor[], dy: Tensor | undefined, ones: (t: Tensor) => Tensor, add: (a: Tensor, b: Tensor) => Tensor): { value: Tensor; grads: (Tensor | null)[] } {
  const tape: TapeRecord[] = [];
  tapes.push(tape);
  let value: Tensor;
  try {
    value = f();
  } finally {
    tapes.splice(tapes.lastIndexOf(tape), 1);
  }
  if (!(value instanceof Tensor)) throw new TegakiError('The function given to a gradient function must return a tensor.');
  if (dy && dy.shape.join() !== value.shape.join()) throw new TegakiError(`dy has shape [${dy.shape}], the result has shape [${value.shape}].`);
  // which tensors depend on xs: only their records take part
  const depends = new Set<Tensor>(xs);
  for (const r of tape) if (r.inputs.some((t) => depends.has(t))) depends.add(r.output);
  const grads = new Map<Tensor, Tensor>();
  grads.set(value, dy ?? ones(value));
  for (let i = tape.length - 1; i >= 0; i--) {
    const r = tape[i]!;
    const g = grads.get(r.output);
    if (!g || !depends.has(r.output)) continue;
    // an outer gradient is recording: it would need this backward's own gradient, which it lacks
    if (r.firstOrderOnly && tapes.length > 0) throw new TegakiError('Gradients of gradients through conv2d and pooling are not supported.');
    const inputGrads = r.backward(g);
    r.inputs.forEach((input, k) => {
      const ig = inputGrads[k];
      if (!ig || !depends.has(input)) return;
      if (ig.shape.join() !== input.shape.join()) throw new TegakiError(`Internal error: a gradient of shape [${ig.shape}] for an input of shape [${input.shape}].`);
      const before = grads.get(input);
      grads.set(input, before ? add(before, ig) : ig);
    });
  }
  return { value, grads: xs.map((x) => grads.get(x) ?? null) };
}

// ---- memory: tensors are garbage-collected; these exist so TF.js programs run unchanged ----

/** TF.js' tidy: runs fn and returns its result (nothing needs freeing here). */
export function tidy<T>(nameOrFn: string | (() => T), fn?: () => T): T {
  const run = typeof nameOrFn === 'function' ? nameOrFn : fn;
  if (typeof run !== 'function') throw new TegakiError('tidy expects a function.');
  const result = run();
  if (result instanceof Promise) throw new TegakiError('Cannot return a Promise inside of tidy.');
  return result;
}

/** TF.js' dispose: marks tensors (found in arrays and objects too) as no longer used. */
export function dispose(container: unknown): void {
  if (container instanceof Tensor) container.dispose();
  else if (Array.isArray(container)) container.forEach(dispose);
  else if (container && typeof container === 'object' && !isTypedArray(container)) Object.values(container).forEach(dispose);
}

/** TF.js' keep: returns the tensor (tidy frees nothing here). */
export const keep = <T extends Tensor>(result: T): T => result;

/** TF.js' memory(): tegaki cannot count garbage-collected tensors, and says so. */
export function memory(): { numTensors: number; numDataBuffers: number; numBytes: number; unreliable: boolean; reasons: string[] } {
  return { numTensors: 0, numDataBuffers: 0, numBytes: 0, unreliable: true, reasons: ['tegaki tensors are garbage-collected; it does not count them'] };
}

/** TF.js' ready(): resolves once the backend in use is set up (tegaki's are as soon as chosen). */
export async function ready(): Promise<void> {
  getBackend();
}

/** TF.js' nextFrame: resolves on the next turn of the event loop (or animation frame in a browser). */
export function nextFrame(): Promise<void> {
  const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => void }).requestAnimationFrame;
  return new Promise((resolve) => (raf ? raf(() => resolve()) : setTimeout(resolve, 0)));
}

/** The dtype two inputs of a binary op meet at (TF.js' upcastType: bool < int32 < float32). */
export function upcast(a: DataType, b: DataType): DataType {
  if (a === 'float32' || b === 'float32') return 'float32';
  if (a === 'int32' || b === 'int32') return 'int32';
  return 'bool';
}

export type { TypedArray };
