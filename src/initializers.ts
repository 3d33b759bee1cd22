// Weight initializers as Keras and TF.js define them (tf.initializers.*): objects with a class name
// and a config that model.json stores, drawing from the model's seeded stream unless given a seed.

import { TegakiError } from './errors.js';
import { shown } from './json.js';
import { Random } from './random.js';
import { Tensor, type Shape } from './tensor.js';

/** A Keras/TF.js object as model.json stores it, in TF.js' camelCase spelling. */
export interface SerializedObject {
  className: string;
  config: Record<string, unknown>;
}

export abstract class Initializer {
  /** The seed this initializer draws from; null draws from the model's stream (its seed). */
  readonly seed: number | null;

  constructor(seed: unknown, where: string) {
    if (seed !== undefined && seed !== null && !Number.isInteger(seed)) throw new TegakiError(`${where}: seed must be an integer, received ${shown(seed)}.`);
    this.seed = (seed as number | null | undefined) ?? null;
  }

  /** The class name model.json records (TF.js' getClassName). */
  abstract getClassName(): string;
  abstract getConfig(): Record<string, unknown>;
  /** Fill values (of shape) with initial values drawn from rng. */
  protected abstract fill(values: Float32Array, shape: readonly number[], rng: Random): void;

  /** Initial values for a weight; a seeded initializer ignores rng and draws the same values each time. */
  initialize(values: Float32Array, shape: readonly number[], rng: Random): void {
    this.fill(values, shape, this.seed === null ? rng : new Random(this.seed));
  }

  /** TF.js' apply(shape): a new tensor of initial values. */
  apply(shape: Shape): Tensor {
    const t = new Tensor([...shape]);
    this.initialize(t.f32, shape, new Random(this.seed ?? (Math.random() * 2 ** 32) >>> 0));
    return t;
  }
}

class Zeros extends Initializer {
  getClassName(): string {
    return 'Zeros';
  }
  getConfig(): Record<string, unknown> {
    return {};
  }
  protected fill(values: Float32Array): void {
    values.fill(0);
  }
}

class Ones extends Initializer {
  getClassName(): string {
    return 'Ones';
  }
  getConfig(): Record<string, unknown> {
    return {};
  }
  protected fill(values: Float32Array): void {
    values.fill(1);
  }
}

class Constant extends Initializer {
  readonly value: number;
  constructor(args: { value?: unknown }) {
    super(null, 'initializers.constant');
    if (typeof args.value !== 'number' || !Number.isFinite(args.value)) throw new TegakiError(`initializers.constant: value must be a finite number, received ${shown(args.value)}.`);
    this.value = args.value;
  }
  getClassName(): string {
    return 'Constant';
  }
  getConfig(): Record<string, unknown> {
    return { value: this.value };
  }
  protected fill(values: Float32Array): void {
    values.fill(this.value);
  }
}

function finite(value: unknown, fallback: number, field: string): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TegakiError(`${field} must be a finite number, received ${shown(value)}.`);
  return value;
}

class RandomUniform extends Initializer {
  readonly minval: number;
  readonly maxval: number;
  constructor(args: { minval?: number; maxval?: number; seed?: number }) {
    super(args.seed, 'initializers.randomUniform');
    this.minval = finite(args.minval, -0.05, 'initializers.randomUniform: minval');
    this.maxval = finite(args.maxval, 0.05, 'initializers.randomUniform: maxval');
  }
  getClassName(): string {
    return 'RandomUniform';
  }
  getConfig(): Record<string, unknown> {
    return { minval: this.minval, maxval: this.maxval, seed: this.seed };
  }
  protected fill(values: Float32Array, _shape: readonly number[], rng: Random): void {
    for (let i = 0; i < values.length; i++) values[i] = rng.uniform(this.minval, this.maxval);
  }
}

// Keras' truncated normal: redraw beyond two standard deviations.
function truncatedNormal(rng: Random, mean: number, stddev: number): number {
  for (;;) {
    const v = rng.normal();
    if (Math.abs(v) <= 2) return mean + v * stddev;
  }
}

class RandomNormal extends Initializer {
  readonly mean: number;
  readonly stddev: number;
  constructor(args: { mean?: number; stddev?: number; seed?: number }, private readonly truncated = false) {
    super(args.seed, truncated ? 'initializers.truncatedNormal' : 'initializers.randomNormal');
    const where = truncated ? 'initializers.truncatedNormal' : 'initializers.randomNormal';
    this.mean = finite(args.mean, 0, `${where}: mean`);
    this.stddev = finite(args.stddev, 0.05, `${where}: stddev`);
  }
  getClassName(): string {
    return this.truncated ? 'TruncatedNormal' : 'RandomNormal';
  }
  getConfig(): Record<string, unknown> {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed };
  }
  protected fill(values: Float32Array, _shape: readonly number[], rng: Random): void {
    for (let i = 0; i < values.length; i++) values[i] = this.truncated ? truncatedNormal(rng, this.mean, this.stddev) : this.mean + this.stddev * rng.normal();
  }
}

class Identity extends Initializer {
  readonly gain: number;
  constructor(args: { gain?: number }) {
    super(null, 'initializers.identity');
    this.gain = finite(args.gain, 1, 'initializers.identity: gain');
  }
  getClassName(): string {
    return 'Identity';
  }
  getConfig(): Record<string, unknown> {
    return { gain: this.gain };
  }
  protected fill(values: Float32Array, shape: readonly number[]): void {
    if (shape.length !== 2 || shape[0] !== shape[1]) throw new TegakiError(`initializers.identity: only 2D square weights can be an identity, received shape ${shown(shape)}.`);
    values.fill(0);
    for (let i = 0; i < shape[0]!; i++) values[i * shape[0]! + i] = this.gain;
  }
}

/** Fan-in and fan-out as Keras computes them: a conv kernel [kH, kW, in, out] counts its receptive field. */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  if (shape.length >= 3 && shape.length <= 5) {
    const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
    return { fanIn: shape[shape.length - 2]! * receptive, fanOut: shape[shape.length - 1]! * receptive };
  }
  // TF.js: vectors and other ranks use the square root of the size for both
  const root = Math.sqrt(shape.reduce((a, b) => a * b, 1));
  return { fanIn: root, fanOut: root };
}

const FAN_MODES = ['fanIn', 'fanOut', 'fanAvg'] as const;
const DISTRIBUTIONS = ['normal', 'uniform', 'truncatedNormal'] as const;
type FanMode = (typeof FAN_MODES)[number];
type Distribution = (typeof DISTRIBUTIONS)[number];

export interface VarianceScalingArgs {
  /** Default 1. */
  scale?: number;
  /** Default 'fanIn'. */
  mode?: FanMode;
  /** 'normal' and 'truncatedNormal' draw a truncated normal, 'uniform' a uniform. Default 'normal'. */
  distribution?: Distribution;
  seed?: number;
}

/**
 * Keras' VarianceScaling: variance scale / fan. Glorot, He and LeCun are its named forms, saved as
 * TF.js saves them: as the VarianceScaling they are (Keras 3's own class names load too).
 */
class VarianceScaling extends Initializer {
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: Distribution;
  constructor(args: VarianceScalingArgs) {
    super(args.seed, 'initializers.varianceScaling');
    this.scale = finite(args.scale, 1, 'initializers.varianceScaling: scale');
    if (this.scale <= 0) throw new TegakiError(`initializers.varianceScaling: scale must be positive, received ${this.scale}.`);
    this.mode = oneOf(args.mode, FAN_MODES, 'fanIn', 'initializers.varianceScaling: mode');
    this.distribution = oneOf(args.distribution, DISTRIBUTIONS, 'normal', 'initializers.varianceScaling: distribution');
  }
  getClassName(): string {
    return 'VarianceScaling';
  }
  getConfig(): Record<string, unknown> {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed };
  }
  protected fill(values: Float32Array, shape: readonly number[], rng: Random): void {
    const { fanIn, fanOut } = fans(shape);
    const fan = this.mode === 'fanIn' ? fanIn : this.mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.scale / Math.max(1, fan);
    if (this.distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-limit, limit);
      return;
    }
    // TF.js differs: Keras divides by 0.8796…, the stddev of a normal truncated at two, so the
    // drawn values keep the variance asked for; TF.js does not.
    const stddev = Math.sqrt(variance) / 0.87962566103423978;
    for (let i = 0; i < values.length; i++) values[i] = truncatedNormal(rng, 0, stddev);
  }
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T, field: string): T {
  if (value === undefined || value === null) return fallback;
  // model.json spells these in snake_case (fan_avg, truncated_normal)
  const camel = typeof value === 'string' ? value.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : value;
  if (!(allowed as readonly unknown[]).includes(camel)) throw new TegakiError(`${field} must be one of ${allowed.join(', ')}, received ${shown(value)}.`);
  return camel as T;
}

/** Keras' Orthogonal: Q of the QR decomposition of a normal matrix, signs fixed by R's diagonal, times gain. */
class Orthogonal extends Initializer {
  readonly gain: number;
  constructor(args: { gain?: number; seed?: number }) {
    super(args.seed, 'initializers.orthogonal');
    this.gain = finite(args.gain, 1, 'initializers.orthogonal: gain');
  }
  getClassName(): string {
    return 'Orthogonal';
  }
  getConfig(): Record<string, unknown> {
    return { gain: this.gain, seed: this.seed };
  }
  protected fill(values: Float32Array, shape: readonly number[], rng: Random): void {
    if (shape.length < 2) throw new TegakiError(`initializers.orthogonal: the weight must have two or more dimensions, received shape ${shown(shape)}.`);
    const cols = shape[shape.length - 1]!;
    const rows = values.length / cols;
    // a tall matrix [n, k] with orthonormal columns, by modified Gram–Schmidt (k ≤ n)
    const n = Math.max(rows, cols);
    const k = Math.min(rows, cols);
    const q = new Float64Array(n * k);
    for (let i = 0; i < q.length; i++) q[i] = rng.normal();
    for (let j = 0; j < k; j++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += q[i * k + j]! * q[i * k + p]!;
        for (let i = 0; i < n; i++) q[i * k + j]! -= dot * q[i * k + p]!;
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += q[i * k + j]! ** 2;
      // R's diagonal is this norm (positive), so Q needs no sign fix
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < n; i++) q[i * k + j]! /= norm;
    }
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) values[r * cols + c] = this.gain * (rows >= cols ? q[r * k + c]! : q[c * k + r]!);
    }
  }
}

type Factory = (args?: Record<string, unknown>) => Initializer;
const seedOnly = (name: string, scale: number, mode: FanMode, distribution: Distribution): Factory => (args = {}) => {
  checkArgs(args, ['seed'], `initializers.${name}`);
  return new VarianceScaling({ scale, mode, distribution, seed: args['seed'] as number });
};

/** Refuses an options object with an option not in known, by name (where names the factory). */
export function checkArgs(args: unknown, known: readonly string[], where: string): asserts args is Record<string, unknown> {
  if (args === null || typeof args !== 'object') throw new TegakiError(`${where} expects an options object, received ${shown(args)}.`);
  const unknown = Object.keys(args).find((k) => !known.includes(k) && (args as Record<string, unknown>)[k] !== undefined);
  if (unknown) throw new TegakiError(`${where}: option '${unknown}' is not supported (supported: ${known.join(', ') || 'none'}).`);
}
const withArgs = (name: string, known: readonly string[], make: (args: Record<string, unknown>) => Initializer): Factory => (args = {}) => {
  checkArgs(args, known, `initializers.${name}`);
  return make(args);
};

/** tf.initializers: TF.js' factories with its option names and defaults. */
export const initializers = {
  zeros: withArgs('zeros', [], () => new Zeros(null, 'initializers.zeros')),
  ones: withArgs('ones', [], () => new Ones(null, 'initializers.ones')),
  constant: withArgs('constant', ['value'], (a) => new Constant(a)),
  randomUniform: withArgs('randomUniform', ['minval', 'maxval', 'seed'], (a) => new RandomUniform(a)),
  randomNormal: withArgs('randomNormal', ['mean', 'stddev', 'seed'], (a) => new RandomNormal(a)),
  truncatedNormal: withArgs('truncatedNormal', ['mean', 'stddev', 'seed'], (a) => new RandomNormal(a, true)),
  identity: withArgs('identity', ['gain'], (a) => new Identity(a)),
  varianceScaling: withArgs('varianceScaling', ['scale', 'mode', 'distribution', 'seed'], (a) => new VarianceScaling(a)),
  orthogonal: withArgs('orthogonal', ['gain', 'seed'], (a) => new Orthogonal(a)),
  glorotUniform: seedOnly('glorotUniform', 1, 'fanAvg', 'uniform'),
  glorotNormal: seedOnly('glorotNormal', 1, 'fanAvg', 'normal'),
  heUniform: seedOnly('heUniform', 2, 'fanIn', 'uniform'),
  heNormal: seedOnly('heNormal', 2, 'fanIn', 'normal'),
  leCunUniform: seedOnly('leCunUniform', 1, 'fanIn', 'uniform'),
  leCunNormal: seedOnly('leCunNormal', 1, 'fanIn', 'normal'),
};

export type InitializerName = keyof typeof initializers;
export const INITIALIZER_NAMES = Object.keys(initializers) as InitializerName[];

/** 'GlorotUniform', 'glorot_uniform' or 'glorotUniform' → 'glorotUniform'. */
function initializerKey(name: string): InitializerName | undefined {
  const camel = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const key = camel.charAt(0).toLowerCase() + camel.slice(1);
  // Keras' short aliases
  const alias: Record<string, InitializerName> = { uniform: 'randomUniform', normal: 'randomNormal', zero: 'zeros', one: 'ones', heNormal: 'heNormal' };
  const found = alias[key] ?? key;
  return (INITIALIZER_NAMES as string[]).includes(found) ? (found as InitializerName) : undefined;
}

/**
 * An initializer option as layers take it (TF.js' getInitializer): a name ('heNormal',
 * 'he_normal'), tf.initializers.*(), or the {className, config} model.json holds. undefined or null
 * gives the fallback; field names the option in errors.
 */
export function getInitializer(value: unknown, fallback: InitializerName, field: string): Initializer {
  if (value === undefined || value === null) return initializers[fallback]();
  if (value instanceof Initializer) return value;
  const fail = (): never => {
    throw new TegakiError(`${field}: unknown initializer ${shown(value)}. Expected one of: ${INITIALIZER_NAMES.join(', ')} (a name or tf.initializers.*()).`);
  };
  if (typeof value === 'string') return initializers[initializerKey(value) ?? fail()]();
  const { className, config } = readSerializedObject(value, 'initializer', field) ?? fail();
  const key = initializerKey(className) ?? fail();
  return prefixErrors(field, () => (initializers[key] as Factory)(config));
}

/** fn's TegakiError with field in front: which layer option a bad config came from. */
export function prefixErrors<T>(field: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TegakiError) throw new TegakiError(`${field}: ${e.message}`);
    throw e;
  }
}

/**
 * A Keras object as a layer option or model.json gives it, {className, config} (or class_name),
 * with its config keys in camelCase; null when value is not such an object. kind and field name it
 * in errors.
 */
export function readSerializedObject(value: unknown, kind: string, field: string): SerializedObject | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const json = value as { className?: unknown; class_name?: unknown; config?: unknown };
  const className = json.className ?? json.class_name;
  if (typeof className !== 'string') return null;
  const config = json.config ?? {};
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new TegakiError(`${field}: the config of ${kind} ${className} must be an object.`);
  return { className, config: Object.fromEntries(Object.entries(config).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v])) };
}

/** TF.js' serializeInitializer: {className, config}. */
export function serializeInitializer(init: Initializer): SerializedObject {
  return { className: init.getClassName(), config: init.getConfig() };
}
