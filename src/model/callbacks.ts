// Training callbacks: the interface fit calls, and earlyStopping.

import { TegakiError } from '../errors.js';
import type { Tensor } from '../tensor.js';

export type Logs = Record<string, number>;

/** The part of a model a callback may use. */
export interface TrainableModel {
  stopTraining: boolean;
  getWeights(): Tensor[];
  setWeights(weights: readonly Tensor[]): void;
}

/** Implement any subset; fit awaits each hook, so a hook may be async. */
export interface Callback {
  setModel?(model: TrainableModel): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
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
    const mode = args.mode ?? 'auto';
    const maximize = mode === 'max' || (mode === 'auto' && /acc|auc|precision|recall/.test(this.monitor));
    // internally always minimize sign·value
    this.sign = maximize ? -1 : 1;
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
    const value = logs[this.monitor];
    if (value === undefined) {
      throw new TegakiError(`earlyStopping monitors '${this.monitor}', which is not logged. Logged: ${Object.keys(logs).join(', ')}.`);
    }
    const score = this.sign * value;
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
