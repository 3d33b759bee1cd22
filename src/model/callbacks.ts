// Training callbacks: the interface fit calls, earlyStopping, terminateOnNaN and lambdaCallback.

import { refuseUnknownOptions as refuseUnknown, TegakiError } from '../errors.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { Tensor } from '../tensor.js';

export type Logs = Record<string, number>;

/** The part of a model a callback may use. */
export interface TrainableModel {
  stopTraining: boolean;
  /** The optimizer compile() gave (callbacks that change the learning rate use it). */
  readonly optimizer?: Optimizer | null;
  getWeights(): Tensor[];
  setWeights(weights: readonly Tensor[]): void;
}

/** What fit tells callbacks before training (TF.js' and Keras' callback params). */
export interface FitParams {
  epochs: number;
  initialEpoch: number;
  /** Training samples (after any validation split). */
  samples: number;
  /** Batches per epoch. */
  steps: number;
  batchSize: number;
  verbose: number;
  doValidation: boolean;
  metrics: string[];
}

/** Implement any subset; fit awaits each hook, so a hook may be async. */
export interface Callback {
  setModel?(model: TrainableModel): void;
  setParams?(params: FitParams): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  /** Called when fit lets the event loop run (every 50 ms or so), as TF.js' onYield. */
  onYield?(epoch: number, batch: number, logs: Logs): void | Promise<void>;
}

/** TF.js' CustomCallback: a callback made of the hooks given. */
export class CustomCallback implements Callback {
  constructor(args: Callback) {
    const hooks = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd', 'onYield', 'setParams', 'setModel'];
    for (const key of Object.keys(args)) {
      if (!hooks.includes(key)) throw new TegakiError(`CustomCallback: unknown hook '${key}' (known: ${hooks.join(', ')}).`);
    }
    Object.assign(this, args);
  }
}

export interface EarlyStoppingArgs {
  /** Logged quantity to watch. Default 'val_loss'. */
  monitor?: string;
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping. Default 0. */
  patience?: number;
  /** 'min', 'max', or 'auto' (max for accuracy-like names). Default 'auto'. */
  mode?: 'auto' | 'min' | 'max';
  /** Put back the weights of the best epoch when stopping or at the end. Default false. */
  restoreBestWeights?: boolean;
}

/** +1 when smaller is better, −1 when larger is: 'auto' maximizes accuracy-like quantities. */
export function monitorSign(monitor: string, mode: 'auto' | 'min' | 'max'): 1 | -1 {
  const maximize = mode === 'max' || (mode === 'auto' && /acc|auc|precision|recall/.test(monitor));
  return maximize ? -1 : 1;
}

/** The monitored value from epoch logs, or a clear error naming what is logged. */
export function monitored(logs: Logs, monitor: string, callback: string): number {
  const value = logs[monitor];
  if (value === undefined) throw new TegakiError(`${callback} monitors '${monitor}', which is not logged. Logged: ${Object.keys(logs).join(', ')}.`);
  return value;
}

/** Stop when the monitored quantity has stopped improving (Keras' EarlyStopping). */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  private readonly sign: 1 | -1;
  private model: TrainableModel | null = null;
  private best = Infinity;
  private wait = 0;
  private bestWeights: Tensor[] | null = null;
  /** Epoch (0-based) at which training was stopped, or -1. */
  stoppedEpoch = -1;
  bestEpoch = -1;

  constructor(args: EarlyStoppingArgs = {}) {
    this.monitor = args.monitor ?? 'val_loss';
    this.minDelta = Math.abs(args.minDelta ?? 0);
    this.patience = args.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) {
      throw new TegakiError(`Expected patience to be a non-negative integer. Received patience=${JSON.stringify(args.patience)}.`);
    }
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.sign = monitorSign(this.monitor, args.mode ?? 'auto');
  }

  setModel(model: TrainableModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.best = Infinity;
    this.wait = 0;
    this.bestWeights = null;
    this.stoppedEpoch = -1;
    this.bestEpoch = -1;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const score = this.sign * monitored(logs, this.monitor, 'earlyStopping');
    if (score < this.best - this.minDelta) {
      this.best = score;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights) this.bestWeights = this.model!.getWeights();
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      this.model!.stopTraining = true;
    }
  }

  // Keras differs: it restores only when it stopped early; the best weights are wanted either way.
  onTrainEnd(): void {
    if (this.restoreBestWeights && this.bestWeights) this.model!.setWeights(this.bestWeights);
  }
}

export const earlyStopping = (args: EarlyStoppingArgs = {}): EarlyStopping => new EarlyStopping(args);

export interface TerminateOnNaNArgs {
  /** Print Keras' line "Batch N: Invalid loss, terminating training". Default true. */
  verbose?: boolean;
  /**
   * Throw at once instead of stopping after the batch, so that no callback's onTrainEnd runs (a
   * backup stays as it was). Default false.
   */
  raiseError?: boolean;
}

/** Keras' TerminateOnNaN: stop training at the first batch whose loss is NaN or infinite. */
export class TerminateOnNaN implements Callback {
  private model: TrainableModel | null = null;
  private epoch = 0;
  /** Where training was stopped, or null while the loss stays finite. */
  stoppedAt: { epoch: number; batch: number; loss: number; weight?: string } | null = null;

  constructor(private readonly args: TerminateOnNaNArgs = {}) {
    refuseUnknown(args, ['verbose', 'raiseError'], 'terminateOnNaN');
  }

  setModel(model: TrainableModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.stoppedAt = null;
  }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs['loss'];
    if (loss === undefined || Number.isFinite(loss) || this.stoppedAt) return;
    this.stoppedAt = { epoch: this.epoch, batch, loss };
    if (this.args.raiseError) throw new TegakiError(`NaN or Inf loss encountered at batch ${batch}. Loss value: ${loss}. Terminating training immediately.`);
    if (this.args.verbose ?? true) console.log(`Batch ${batch}: Invalid loss, terminating training`);
    this.model!.stopTraining = true;
  }
}

export const terminateOnNaN = (args: TerminateOnNaNArgs = {}): TerminateOnNaN => new TerminateOnNaN(args);

/** The hooks lambdaCallback takes (Keras' LambdaCallback, with TF.js' names for the batch hooks). */
export interface LambdaCallbackArgs {
  onEpochBegin?: Callback['onEpochBegin'];
  onEpochEnd?: Callback['onEpochEnd'];
  onBatchBegin?: Callback['onBatchBegin'];
  onBatchEnd?: Callback['onBatchEnd'];
  onTrainBegin?: Callback['onTrainBegin'];
  onTrainEnd?: Callback['onTrainEnd'];
}

const LAMBDA_HOOKS = ['onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd', 'onTrainBegin', 'onTrainEnd'] as const;

/** Keras' LambdaCallback: a callback made of the functions given, each called as fit reaches it. */
export class LambdaCallback extends CustomCallback {
  constructor(args: LambdaCallbackArgs = {}) {
    refuseUnknown(args, LAMBDA_HOOKS, 'lambdaCallback');
    for (const [hook, fn] of Object.entries(args)) {
      if (fn !== undefined && fn !== null && typeof fn !== 'function') throw new TegakiError(`lambdaCallback: ${hook} must be a function, received ${typeof fn}.`);
    }
    super(Object.fromEntries(Object.entries(args).filter(([, fn]) => typeof fn === 'function')));
  }
}

export const lambdaCallback = (args: LambdaCallbackArgs = {}): LambdaCallback => new LambdaCallback(args);
