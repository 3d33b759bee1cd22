// Learning-rate schedules as Keras 3 defines them (keras.optimizers.schedules): the learning rate
// as a function of the optimizer's step count, given to an optimizer as its learningRate.

import { refuseUnknownOptions, TegakiError } from '../errors.js';
import { isObject } from '../json.js';
import { ANY, checkBoolean, checkNumber, NON_NEGATIVE, POSITIVE, show } from './checks.js';

/**
 * The base of every schedule (Keras' LearningRateSchedule). A custom schedule extends it with
 * call(step) and, to be saved with a model, getConfig().
 */
export abstract class LearningRateSchedule {
  /** The class name a saved config records (Keras' class_name). */
  abstract readonly className: string;
  /** The learning rate of the update made at this step count (0 for the first update). */
  abstract call(step: number): number;
  /** The constructor's arguments, in camelCase. */
  getConfig(): Record<string, unknown> {
    throw new TegakiError(`Learning rate schedule '${this.className}' must override getConfig() in order to be serializable.`);
  }
}

const checkName = (where: string, value: unknown, fallback: string): string => {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw new TegakiError(`${where}: expected name to be a string, received name=${show(value)}.`);
  return value;
};

/** The arguments every decay over decaySteps takes. */
interface DecayArgs {
  /** Required: the learning rate at step 0. */
  initialLearningRate: number;
  /** Required, > 0: the number of steps the decay is measured in. */
  decaySteps: number;
}

/** Checks the options, then the arguments the decays share; returns them checked. */
function decayArgs(where: string, args: DecayArgs, known: readonly string[]): DecayArgs {
  if (!isObject(args)) throw new TegakiError(`${where} expects an options object.`);
  refuseUnknownOptions(args, ['initialLearningRate', 'decaySteps', 'name', ...known], where);
  return {
    initialLearningRate: checkNumber(where, 'initialLearningRate', args.initialLearningRate, ANY),
    decaySteps: checkNumber(where, 'decaySteps', args.decaySteps, POSITIVE),
  };
}

export interface ExponentialDecayArgs extends DecayArgs {
  /** Required: the factor applied every decaySteps steps. */
  decayRate: number;
  /** Decay at whole multiples of decaySteps only. Default false. */
  staircase?: boolean;
  /** Default 'ExponentialDecay'. */
  name?: string;
}

/** initialLearningRate · decayRate^(step / decaySteps), the exponent floored when staircase. */
export class ExponentialDecay extends LearningRateSchedule {
  readonly className = 'ExponentialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  readonly name: string;

  constructor(args: ExponentialDecayArgs) {
    super();
    const where = 'ExponentialDecay';
    ({ initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps } = decayArgs(where, args, ['decayRate', 'staircase']));
    this.decayRate = checkNumber(where, 'decayRate', args.decayRate, ANY);
    this.staircase = checkBoolean(where, 'staircase', args.staircase ?? false);
    this.name = checkName(where, args.name, 'ExponentialDecay');
  }

  call(step: number): number {
    const p = step / this.decaySteps;
    return this.initialLearningRate * Math.pow(this.decayRate, this.staircase ? Math.floor(p) : p);
  }

  override getConfig(): Required<ExponentialDecayArgs> {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, decayRate: this.decayRate, staircase: this.staircase, name: this.name };
  }
}

export interface InverseTimeDecayArgs extends DecayArgs {
  /** Required. */
  decayRate: number;
  /** Decay at whole multiples of decaySteps only. Default false. */
  staircase?: boolean;
  /** Default 'InverseTimeDecay'. */
  name?: string;
}

/** initialLearningRate / (1 + decayRate · step / decaySteps), the ratio floored when staircase. */
export class InverseTimeDecay extends LearningRateSchedule {
  readonly className = 'InverseTimeDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  readonly name: string;

  constructor(args: InverseTimeDecayArgs) {
    super();
    const where = 'InverseTimeDecay';
    ({ initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps } = decayArgs(where, args, ['decayRate', 'staircase']));
    this.decayRate = checkNumber(where, 'decayRate', args.decayRate, ANY);
    this.staircase = checkBoolean(where, 'staircase', args.staircase ?? false);
    this.name = checkName(where, args.name, 'InverseTimeDecay');
  }

  call(step: number): number {
    const p = step / this.decaySteps;
    return this.initialLearningRate / (1 + this.decayRate * (this.staircase ? Math.floor(p) : p));
  }

  override getConfig(): Required<InverseTimeDecayArgs> {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, decayRate: this.decayRate, staircase: this.staircase, name: this.name };
  }
}

export interface PolynomialDecayArgs extends DecayArgs {
  /** The rate reached after decaySteps. Default 0.0001. */
  endLearningRate?: number;
  /** Default 1 (linear). */
  power?: number;
  /** Start again after decaySteps, over the next multiple of it. Default false. */
  cycle?: boolean;
  /** Default 'PolynomialDecay'. */
  name?: string;
}

/** (initial − end) · (1 − step / decaySteps)^power + end, the step held at decaySteps (or the period stretched, with cycle). */
export class PolynomialDecay extends LearningRateSchedule {
  readonly className = 'PolynomialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly endLearningRate: number;
  readonly power: number;
  readonly cycle: boolean;
  readonly name: string;

  constructor(args: PolynomialDecayArgs) {
    super();
    const where = 'PolynomialDecay';
    ({ initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps } = decayArgs(where, args, ['endLearningRate', 'power', 'cycle']));
    this.endLearningRate = checkNumber(where, 'endLearningRate', args.endLearningRate ?? 0.0001, ANY);
    this.power = checkNumber(where, 'power', args.power ?? 1, ANY);
    this.cycle = checkBoolean(where, 'cycle', args.cycle ?? false);
    this.name = checkName(where, args.name, 'PolynomialDecay');
  }

  call(step: number): number {
    let decaySteps = this.decaySteps;
    if (this.cycle) decaySteps *= step === 0 ? 1 : Math.ceil(step / this.decaySteps);
    else step = Math.min(step, decaySteps);
    const p = step / decaySteps;
    return (this.initialLearningRate - this.endLearningRate) * Math.pow(1 - p, this.power) + this.endLearningRate;
  }

  override getConfig(): Required<PolynomialDecayArgs> {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, endLearningRate: this.endLearningRate, power: this.power, cycle: this.cycle, name: this.name };
  }
}

export interface PiecewiseConstantDecayArgs {
  /** Required: increasing steps where the rate changes. */
  boundaries: number[];
  /** Required: one more rate than boundaries; values[i] applies up to and including boundaries[i]. */
  values: number[];
  /** Default 'PiecewiseConstant'. */
  name?: string;
}

/** values[0] while step ≤ boundaries[0], values[i] while boundaries[i−1] < step ≤ boundaries[i], the last value after. */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';
  readonly boundaries: number[];
  readonly values: number[];
  readonly name: string;

  constructor(args: PiecewiseConstantDecayArgs) {
    super();
    const where = 'PiecewiseConstantDecay';
    if (!isObject(args)) throw new TegakiError(`${where} expects an options object.`);
    refuseUnknownOptions(args, ['boundaries', 'values', 'name'], where);
    const list = (name: 'boundaries' | 'values'): number[] => {
      const value: unknown = args[name];
      if (!Array.isArray(value)) throw new TegakiError(`${where}: expected ${name} to be a list of numbers, received ${name}=${show(value)}.`);
      return value.map((v, i) => checkNumber(where, `${name}[${i}]`, v, ANY));
    };
    this.boundaries = list('boundaries');
    this.values = list('values');
    if (this.boundaries.length !== this.values.length - 1) {
      throw new TegakiError(`${where}: the length of boundaries should be 1 less than the length of values. Received: boundaries=${show(this.boundaries)} of length ${this.boundaries.length}, and values=${show(this.values)} of length ${this.values.length}.`);
    }
    const unordered = this.boundaries.findIndex((b, i) => i > 0 && b <= this.boundaries[i - 1]!);
    if (unordered > 0) throw new TegakiError(`${where}: expected boundaries to increase strictly, received boundaries=${show(this.boundaries)}.`);
    this.name = checkName(where, args.name, 'PiecewiseConstant');
  }

  call(step: number): number {
    const interval = this.boundaries.findIndex((b) => step <= b);
    return this.values[interval === -1 ? this.values.length - 1 : interval]!;
  }

  override getConfig(): Required<PiecewiseConstantDecayArgs> {
    return { boundaries: [...this.boundaries], values: [...this.values], name: this.name };
  }
}

/** Keras' cosine decay from `from` to `from · alpha` over decaySteps, at a step ≤ decaySteps. */
function cosineDecayed(step: number, decaySteps: number, from: number, alpha: number): number {
  const cosine = 0.5 * (1 + Math.cos(Math.PI * (step / decaySteps)));
  return from * ((1 - alpha) * cosine + alpha);
}

export interface CosineDecayArgs extends DecayArgs {
  /** The rate reached, as a fraction of the rate the decay starts from. Default 0. */
  alpha?: number;
  /** Default 'CosineDecay'. */
  name?: string;
  /** Rise linearly from initialLearningRate to this rate first, then decay from it. Default null (no warmup). */
  warmupTarget?: number | null;
  /** Steps of the warmup. Default 0. */
  warmupSteps?: number;
}

/** A linear warmup (when warmupTarget is given), then a cosine decay over decaySteps to alpha times its start. */
export class CosineDecay extends LearningRateSchedule {
  readonly className = 'CosineDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly name: string;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(args: CosineDecayArgs) {
    super();
    const where = 'CosineDecay';
    ({ initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps } = decayArgs(where, args, ['alpha', 'warmupTarget', 'warmupSteps']));
    this.alpha = checkNumber(where, 'alpha', args.alpha ?? 0, ANY);
    this.name = checkName(where, args.name, 'CosineDecay');
    this.warmupTarget = args.warmupTarget === undefined || args.warmupTarget === null ? null : checkNumber(where, 'warmupTarget', args.warmupTarget, ANY);
    this.warmupSteps = checkNumber(where, 'warmupSteps', args.warmupSteps ?? 0, NON_NEGATIVE);
  }

  call(step: number): number {
    if (this.warmupTarget === null) return cosineDecayed(Math.min(step, this.decaySteps), this.decaySteps, this.initialLearningRate, this.alpha);
    step = Math.min(step, this.decaySteps + this.warmupSteps);
    if (step < this.warmupSteps) return (this.warmupTarget - this.initialLearningRate) * (step / this.warmupSteps) + this.initialLearningRate;
    return cosineDecayed(step - this.warmupSteps, this.decaySteps, this.warmupTarget, this.alpha);
  }

  override getConfig(): Required<CosineDecayArgs> {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, alpha: this.alpha, name: this.name, warmupTarget: this.warmupTarget, warmupSteps: this.warmupSteps };
  }
}

export interface CosineDecayRestartsArgs {
  /** Required: the learning rate at step 0. */
  initialLearningRate: number;
  /** Required, > 0: the steps of the first period. */
  firstDecaySteps: number;
  /** Each period lasts tMul times the one before. Default 2. */
  tMul?: number;
  /** Each period starts from mMul times the rate the one before started from. Default 1. */
  mMul?: number;
  /** The rate reached, as a fraction of initialLearningRate. Default 0. */
  alpha?: number;
  /** Default 'SGDRDecay'. */
  name?: string;
}

/** Cosine decay restarted at the end of each period (SGDR), periods growing by tMul and starts by mMul. */
export class CosineDecayRestarts extends LearningRateSchedule {
  readonly className = 'CosineDecayRestarts';
  readonly initialLearningRate: number;
  readonly firstDecaySteps: number;
  readonly tMul: number;
  readonly mMul: number;
  readonly alpha: number;
  readonly name: string;

  constructor(args: CosineDecayRestartsArgs) {
    super();
    const where = 'CosineDecayRestarts';
    if (!isObject(args)) throw new TegakiError(`${where} expects an options object.`);
    refuseUnknownOptions(args, ['initialLearningRate', 'firstDecaySteps', 'tMul', 'mMul', 'alpha', 'name'], where);
    this.initialLearningRate = checkNumber(where, 'initialLearningRate', args.initialLearningRate, ANY);
    this.firstDecaySteps = checkNumber(where, 'firstDecaySteps', args.firstDecaySteps, POSITIVE);
    this.tMul = checkNumber(where, 'tMul', args.tMul ?? 2, POSITIVE);
    this.mMul = checkNumber(where, 'mMul', args.mMul ?? 1, ANY);
    this.alpha = checkNumber(where, 'alpha', args.alpha ?? 0, ANY);
    this.name = checkName(where, args.name, 'SGDRDecay');
  }

  call(step: number): number {
    let fraction = step / this.firstDecaySteps;
    let restart: number;
    if (this.tMul === 1) {
      restart = Math.floor(fraction);
      fraction -= restart;
    } else {
      // periods 1, tMul, tMul², …: the restart is the i with (1 − tMul^i)/(1 − tMul) ≤ fraction
      restart = Math.floor(Math.log(1 - fraction * (1 - this.tMul)) / Math.log(this.tMul));
      const before = (1 - Math.pow(this.tMul, restart)) / (1 - this.tMul);
      fraction = (fraction - before) / Math.pow(this.tMul, restart);
    }
    const cosine = 0.5 * Math.pow(this.mMul, restart) * (1 + Math.cos(Math.PI * fraction));
    return this.initialLearningRate * ((1 - this.alpha) * cosine + this.alpha);
  }

  override getConfig(): Required<CosineDecayRestartsArgs> {
    return { initialLearningRate: this.initialLearningRate, firstDecaySteps: this.firstDecaySteps, tMul: this.tMul, mMul: this.mMul, alpha: this.alpha, name: this.name };
  }
}

export const exponentialDecay = (args: ExponentialDecayArgs): ExponentialDecay => new ExponentialDecay(args);
export const inverseTimeDecay = (args: InverseTimeDecayArgs): InverseTimeDecay => new InverseTimeDecay(args);
export const polynomialDecay = (args: PolynomialDecayArgs): PolynomialDecay => new PolynomialDecay(args);
export const piecewiseConstantDecay = (args: PiecewiseConstantDecayArgs): PiecewiseConstantDecay => new PiecewiseConstantDecay(args);
export const cosineDecay = (args: CosineDecayArgs): CosineDecay => new CosineDecay(args);
export const cosineDecayRestarts = (args: CosineDecayRestartsArgs): CosineDecayRestarts => new CosineDecayRestarts(args);
