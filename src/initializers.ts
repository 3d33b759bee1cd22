// Weight initializers with Keras' defaults: Glorot uniform for kernels, zeros for biases.

import { TegakiError } from './errors.js';
import type { Random } from './random.js';

export type InitializerName = 'glorotUniform' | 'glorotNormal' | 'heNormal' | 'heUniform' | 'leCunNormal' | 'varianceScaling' | 'zeros' | 'ones';

const INITIALIZER_NAMES: readonly string[] = ['glorotUniform', 'glorotNormal', 'heNormal', 'heUniform', 'leCunNormal', 'varianceScaling', 'zeros', 'ones'];

export const isInitializerName = (value: unknown): value is InitializerName => typeof value === 'string' && INITIALIZER_NAMES.includes(value);

/** An initializer as TF.js' tf.initializers.* returns it; it draws from the model's seeded stream. */
export class Initializer {
  constructor(readonly name: InitializerName) {}
  getClassName(): string {
    return this.name.charAt(0).toUpperCase() + this.name.slice(1);
  }
}

/** An initializer option: a name ('heNormal') or tf.initializers.heNormal(); undefined gives the default. */
export function initializerOption(value: unknown, fallback: InitializerName, field: string): InitializerName {
  if (value === undefined || value === null) return fallback;
  if (value instanceof Initializer) return value.name;
  if (isInitializerName(value)) return value;
  throw new TegakiError(`${field}: unknown initializer ${JSON.stringify(value)}. Expected one of: ${INITIALIZER_NAMES.join(', ')} (a name or tf.initializers.*()).`);
}

/** tf.initializers.*: the seed option is refused (weights come from the model's seed). */
function factory(name: InitializerName): (args?: { seed?: number }) => Initializer {
  return (args = {}) => {
    if (args && args.seed !== undefined && args.seed !== null) throw new TegakiError(`initializers.${name}: seed is not supported (give the model a seed instead).`);
    return new Initializer(name);
  };
}

export const initializers = {
  zeros: factory('zeros'), ones: factory('ones'), glorotUniform: factory('glorotUniform'), glorotNormal: factory('glorotNormal'), heUniform: factory('heUniform'), heNormal: factory('heNormal'),
  leCunNormal: factory('leCunNormal'), varianceScaling: factory('varianceScaling'),
};

/** Fan-in and fan-out as Keras computes them: a conv kernel [kH, kW, in, out] counts its receptive field. */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2]! * receptive, fanOut: shape[shape.length - 1]! * receptive };
}

// Keras' truncated normal: redraw beyond two standard deviations; 0.8796… is that truncation's stddev.
function truncatedNormal(rng: Random, stddev: number): number {
  for (;;) {
    const v = rng.normal();
    if (Math.abs(v) <= 2) return (v * stddev) / 0.87962566103423978;
  }
}

export function initialize(values: Float32Array, shape: readonly number[], name: InitializerName, rng: Random): void {
  const { fanIn, fanOut } = fans(shape);
  switch (name) {
    case 'zeros':
      values.fill(0);
      return;
    case 'ones':
      values.fill(1);
      return;
    case 'glorotUniform': {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-limit, limit);
      return;
    }
    case 'heUniform': {
      const limit = Math.sqrt(6 / fanIn);
      for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-limit, limit);
      return;
    }
    case 'glorotNormal': {
      const stddev = Math.sqrt(2 / (fanIn + fanOut));
      for (let i = 0; i < values.length; i++) values[i] = truncatedNormal(rng, stddev);
      return;
    }
    // TF.js' varianceScaling with its defaults (scale 1, fanIn, truncated normal) is LeCun's normal
    case 'leCunNormal':
    case 'varianceScaling': {
      const stddev = Math.sqrt(1 / fanIn);
      for (let i = 0; i < values.length; i++) values[i] = truncatedNormal(rng, stddev);
      return;
    }
    case 'heNormal': {
      const stddev = Math.sqrt(2 / fanIn);
      for (let i = 0; i < values.length; i++) values[i] = truncatedNormal(rng, stddev);
      return;
    }
    default:
      throw new TegakiError(`Unknown initializer '${String(name)}'. Expected one of: ${INITIALIZER_NAMES.join(', ')}.`);
  }
}
