// What a saved model carries besides its weights (classes, input preparation, history), so tools
// can feed it without being told, and the checks that keep it consistent with the model.

import { TegakiError } from '../errors.js';
import { formatShape, sizeOf } from '../tensor.js';

export interface ModelMetadata {
  /** Name of each output class, in order. */
  classNames?: string[];
  /** How raw images become model inputs. */
  input?: {
    /** Shape of one input sample, e.g. [28, 28, 1] or [784]. */
    shape: number[];
    /** Pixel values are multiplied by this (1/255 maps bytes to [0, 1]). */
    scale: number;
    /** 'mnist-digit': white digits on black, fitted in 20×20 and centred by mass in 28×28. */
    style?: 'mnist-digit' | 'image';
    colorMode?: 'grayscale' | 'rgb';
  };
  /** Per-epoch training history (loss, accuracy, val_loss, ...). */
  history?: Record<string, number[]>;
  seed?: number;
  /** Dataset the model was trained on. */
  dataset?: string;
  [key: string]: unknown;
}

/**
 * Check metadata against the model it describes; `where` names the file in errors. Wrong class
 * names would label every prediction wrongly, so they are refused rather than trusted.
 */
export function checkMetadata(metadata: unknown, inputShape: readonly number[], outputShape: readonly number[], where: string): ModelMetadata {
  if (metadata === undefined || metadata === null) return {};
  function fail(field: string, problem: string): never {
    throw new TegakiError(`${where}: userDefinedMetadata.tegaki${field ? `.${field}` : ''} ${problem}.`);
  }
  if (typeof metadata !== 'object' || Array.isArray(metadata)) fail('', 'must be an object');
  const m = metadata as ModelMetadata;
  const outputs = sizeOf(outputShape);
  if (m.classNames !== undefined) {
    if (!Array.isArray(m.classNames) || m.classNames.some((c) => typeof c !== 'string')) fail('classNames', 'must be a list of strings');
    if (m.classNames.length !== outputs) {
      fail('classNames', `names ${m.classNames.length} class${m.classNames.length === 1 ? '' : 'es'}, but the model has ${outputs} outputs`);
    }
  }
  if (m.input !== undefined) {
    const input = m.input as Partial<NonNullable<ModelMetadata['input']>> | null;
    if (!input || typeof input !== 'object') return fail('input', 'must be an object');
    if (!Array.isArray(input.shape) || input.shape.join() !== inputShape.join()) {
      fail('input.shape', `is ${JSON.stringify(input.shape)}, but the model takes ${formatShape([null, ...inputShape])}`);
    }
    if (typeof input.scale !== 'number' || !Number.isFinite(input.scale) || input.scale <= 0) fail('input.scale', `must be a positive number, not ${JSON.stringify(input.scale)}`);
    if (input.style !== undefined && input.style !== 'mnist-digit' && input.style !== 'image') fail('input.style', `must be 'mnist-digit' or 'image', not ${JSON.stringify(input.style)}`);
    if (input.colorMode !== undefined && input.colorMode !== 'grayscale' && input.colorMode !== 'rgb') fail('input.colorMode', `must be 'grayscale' or 'rgb', not ${JSON.stringify(input.colorMode)}`);
  }
  if (m.history !== undefined && (m.history === null || typeof m.history !== 'object' || Object.values(m.history).some((v) => !Array.isArray(v)))) {
    fail('history', 'must map names to lists of numbers');
  }
  return m;
}
