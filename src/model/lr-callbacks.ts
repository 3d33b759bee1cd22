// Callbacks that change the optimizer's learning rate between epochs, as Keras' do:
// reduceLROnPlateau and learningRateScheduler. Both log the epoch's rate as 'learning_rate'.

import { refuseUnknownOptions, TegakiError } from '../errors.js';
import { checkNumber, NON_NEGATIVE, show, type Range } from '../optimizers/checks.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { monitored, type Callback, type Logs, type TrainableModel } from './callbacks.js';

const COUNT: Range = { holds: (v) => Number.isInteger(v) && v >= 0, text: 'a whole number >= 0' };
const BELOW_ONE: Range = { holds: (v) => v >= 0 && v < 1, text: 'a number in [0, 1) (ReduceLROnPlateau does not support a factor >= 1)' };
const VERBOSE: Range = { holds: (v) => v === 0 || v === 1, text: '0 or 1' };

/** The optimizer of the model fit gave the callback; `callback` names the callback in the error. */
function optimizerOf(model: TrainableModel | null, callback: string): Optimizer {
  const optimizer = model?.optimizer;
  if (!optimizer) throw new TegakiError(`${callback} changes the learning rate of the model's optimizer, and the model it was given has none.`);
  return optimizer;
}

export interface ReduceLROnPlateauArgs {
  /** Logged quantity to watch. Default 'val_loss'. */
  monitor?: string;
  /** new rate = rate · factor, in [0, 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement before the rate is lowered. Default 10. */
  patience?: number;
  /** 1: print a line when the rate is lowered. Default 0. */
  verbose?: number;
  /** 'min', 'max', or 'auto' (max when the name contains 'acc', as in Keras). Default 'auto'. */
  mode?: 'auto' | 'min' | 'max';
  /** An improvement is a change beyond this. Default 1e-4. */
  minDelta?: number;
  /** Epochs after a reduction during which no epoch counts towards patience. Default 0. */
  cooldown?: number;
  /** The rate is never lowered below this. Default 0. */
  minLr?: number;
}

/** Keras' ReduceLROnPlateau: lower the learning rate when the monitored quantity stops improving. */
export class ReduceLROnPlateau implements Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: 'auto' | 'min' | 'max';
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  private model: TrainableModel | null = null;
  private maximize = false;
  private best = Infinity;
  private wait = 0;
  private cooldownCounter = 0;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    const where = 'reduceLROnPlateau';
    refuseUnknownOptions(args, ['monitor', 'factor', 'patience', 'verbose', 'mode', 'minDelta', 'cooldown', 'minLr'], where);
    this.monitor = args.monitor ?? 'val_loss';
    if (typeof this.monitor !== 'string') throw new TegakiError(`${where}: expected monitor to be the name of a logged quantity, received monitor=${show(this.monitor)}.`);
    this.factor = checkNumber(where, 'factor', args.factor ?? 0.1, BELOW_ONE);
    this.patience = checkNumber(where, 'patience', args.patience ?? 10, COUNT);
    this.verbose = checkNumber(where, 'verbose', args.verbose ?? 0, VERBOSE);
    this.mode = args.mode ?? 'auto';
    if (!['auto', 'min', 'max'].includes(this.mode)) throw new TegakiError(`${where}: expected mode to be 'auto', 'min' or 'max', received mode=${show(this.mode)}.`);
    this.minDelta = checkNumber(where, 'minDelta', args.minDelta ?? 1e-4, NON_NEGATIVE);
    this.cooldown = checkNumber(where, 'cooldown', args.cooldown ?? 0, COUNT);
    this.minLr = checkNumber(where, 'minLr', args.minLr ?? 0, NON_NEGATIVE);
  }

  setModel(model: TrainableModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    // Keras' 'auto' looks for 'acc' only (earlyStopping's 'auto' knows more names)
    this.maximize = this.mode === 'max' || (this.mode === 'auto' && this.monitor.includes('acc'));
    this.best = this.maximize ? -Infinity : Infinity;
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  private improves(current: number): boolean {
    return this.maximize ? current > this.best + this.minDelta : current < this.best - this.minDelta;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const optimizer = optimizerOf(this.model, 'reduceLROnPlateau');
    logs['learning_rate'] = optimizer.learningRate;
    const current = monitored(logs, this.monitor, 'reduceLROnPlateau');
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (this.improves(current)) {
      this.best = current;
      this.wait = 0;
      return;
    }
    if (this.cooldownCounter > 0) return;
    this.wait++;
    if (this.wait < this.patience) return;
    const lr = optimizer.learningRate;
    // as Keras, which compares its float32 rate with float32(minLr): at the floor, nothing changes
    if (!(Math.fround(lr) > Math.fround(this.minLr))) return;
    const lowered = Math.max(lr * this.factor, this.minLr);
    optimizer.learningRate = lowered;
    if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${lowered}.`);
    this.cooldownCounter = this.cooldown;
    this.wait = 0;
  }
}

export const reduceLROnPlateau = (args: ReduceLROnPlateauArgs = {}): ReduceLROnPlateau => new ReduceLROnPlateau(args);

/** Keras' LearningRateScheduler: the rate for each epoch from schedule(epoch, current rate), set as the epoch begins. */
export class LearningRateScheduler implements Callback {
  private model: TrainableModel | null = null;

  /** verbose 1 prints the rate set at each epoch. */
  constructor(readonly schedule: (epoch: number, learningRate: number) => number, readonly verbose = 0) {
    if (typeof schedule !== 'function') throw new TegakiError(`learningRateScheduler: expected schedule to be a function (epoch, learningRate) => learningRate, received ${show(schedule)}.`);
    checkNumber('learningRateScheduler', 'verbose', verbose, VERBOSE);
  }

  setModel(model: TrainableModel): void {
    this.model = model;
  }

  onEpochBegin(epoch: number): void {
    const optimizer = optimizerOf(this.model, 'learningRateScheduler');
    const lr: unknown = this.schedule(epoch, optimizer.learningRate);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new TegakiError(`learningRateScheduler: the schedule must return a number >= 0; for epoch ${epoch} it returned ${show(lr)}.`);
    }
    optimizer.learningRate = lr;
    if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${lr}.`);
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    logs['learning_rate'] = optimizerOf(this.model, 'learningRateScheduler').learningRate;
  }
}

export const learningRateScheduler = (schedule: (epoch: number, learningRate: number) => number, verbose = 0): LearningRateScheduler => new LearningRateScheduler(schedule, verbose);
