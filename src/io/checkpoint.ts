// Checkpoints: modelCheckpoint saves the model each epoch (or the best one); backupAndRestore
// saves everything a run needs to continue — weights, optimizer state, epoch, batch and random
// state — and puts a later fit back exactly where the last one stopped.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { TegakiError } from '../errors.js';
import { monitored, monitorSign, type Callback, type Logs } from '../model/callbacks.js';
import type { RestoringCallback, TrainingSnapshot } from '../model/fit.js';
import type { Sequential } from '../model/sequential.js';
import { writeFileAtomic } from './atomic.js';
import { loadModel, saveModel } from './model-file.js';

export interface ModelCheckpointArgs {
  /** Folder to save into; `{epoch}` is replaced by the 1-based epoch number. Required. */
  filepath: string;
  /** Logged quantity that decides the best model. Default 'val_loss'. */
  monitor?: string;
  /** Save only when the monitored quantity improves. Default false (save every epoch). */
  saveBestOnly?: boolean;
  /** Default 'auto' (max for accuracy-like names). */
  mode?: 'auto' | 'min' | 'max';
}

/** Keras' ModelCheckpoint: save the model (TF.js format) at the end of every epoch, or the best. */
export class ModelCheckpoint implements Callback {
  private model: Sequential | null = null;
  private best = Infinity;
  private readonly sign: 1 | -1;
  private readonly history: Record<string, number[]> = {};

  constructor(readonly args: ModelCheckpointArgs) {
    if (typeof args.filepath !== 'string' || args.filepath === '') throw new TegakiError('modelCheckpoint needs a filepath.');
    this.sign = monitorSign(args.monitor ?? 'val_loss', args.mode ?? 'auto');
  }

  setModel(model: Sequential): void {
    this.model = model;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
    if (this.args.saveBestOnly) {
      const score = this.sign * monitored(logs, this.args.monitor ?? 'val_loss', 'modelCheckpoint');
      if (!(score < this.best)) return;
      this.best = score;
    }
    const model = this.model!;
    saveModel(model, this.args.filepath.replaceAll('{epoch}', String(epoch + 1)), { ...model.metadata, history: this.history });
  }
}

export const modelCheckpoint = (args: ModelCheckpointArgs): ModelCheckpoint => new ModelCheckpoint(args);

const BACKUP_VERSION = 1;

interface BackupJson {
  formatVersion: number;
  optimizer: { className: string; iterations: number; slotCounts: number[] };
  snapshot: TrainingSnapshot;
  /** Whatever the caller wants back on resume (the CLI keeps its settings here). */
  extra: unknown;
}

export interface BackupAndRestoreArgs {
  /** Folder for the backup. Required. */
  backupDir: string;
  /** Also back up every this many batches (default: only at epoch ends and on interruption). */
  saveEveryBatches?: number;
  /** Kept with the backup and returned by readBackupExtra. */
  extra?: unknown;
  /** Keep the backup when training completes. Default false (Keras deletes it). */
  keepOnCompletion?: boolean;
}

/**
 * Keras' BackupAndRestore: backs up at each epoch end and when training is interrupted
 * (model.stopTraining set mid-epoch, e.g. on Ctrl-C); a fit with the same callback and
 * backupDir continues from there and ends with the same weights as an uninterrupted run.
 */
export class BackupAndRestore implements RestoringCallback {
  private model: Sequential | null = null;

  constructor(readonly args: BackupAndRestoreArgs) {
    if (typeof args.backupDir !== 'string' || args.backupDir === '') throw new TegakiError('backupAndRestore needs a backupDir.');
  }

  setModel(model: Sequential): void {
    this.model = model;
  }

  restoreState(): TrainingSnapshot | null {
    const found = latestBackup(this.args.backupDir);
    if (!found) return null;
    const { dir, json } = found;
    const model = this.model!;
    const optimizer = model.optimizer!;
    if (json.optimizer.className !== optimizer.className) {
      throw new TegakiError(`${dir}: backup was made with ${json.optimizer.className}, the model is compiled with ${optimizer.className}.`);
    }
    const saved = loadModel(dir);
    model.setWeights(saved.getWeights());
    const weights = model.trainableWeights;
    const bytes = readFileSync(join(dir, 'optimizer.bin'));
    const floats = new Float32Array(new Uint8Array(bytes).buffer);
    const expected = weights.reduce((n, w, i) => n + w.value.size * (json.optimizer.slotCounts[i] ?? 0), 0);
    if (json.optimizer.slotCounts.length !== weights.length || floats.length !== expected) {
      throw new TegakiError(`${join(dir, 'optimizer.bin')}: optimizer state does not fit this model (${floats.length} values, expected ${expected}).`);
    }
    let offset = 0;
    const slots = weights.map((w, i) =>
      Array.from({ length: json.optimizer.slotCounts[i]! }, () => {
        const s = floats.subarray(offset, offset + w.value.size);
        offset += w.value.size;
        return s;
      }),
    );
    optimizer.setState(weights, { iterations: json.optimizer.iterations, slots });
    return json.snapshot;
  }

  onEpochEnd(): void {
    this.backup();
  }

  onBatchEnd(batch: number): void {
    const every = this.args.saveEveryBatches;
    if (every && (batch + 1) % every === 0) this.backup();
  }

  onTrainEnd(logs: Logs): void {
    if (logs['interrupted']) this.backup();
    else if (!this.args.keepOnCompletion) rmSync(this.args.backupDir, { recursive: true, force: true });
  }

  /** Write a complete backup in a new folder, then point latest.json at it: never half a backup. */
  backup(): string {
    const model = this.model!;
    const snapshot = model.trainingSnapshot?.();
    if (!snapshot) throw new TegakiError('backupAndRestore can only back up while fit runs.');
    const root = this.args.backupDir;
    mkdirSync(root, { recursive: true });
    const name = `backup-${String(snapshot.epoch).padStart(4, '0')}-${String(snapshot.step).padStart(6, '0')}-${randomBytes(3).toString('hex')}`;
    const dir = join(root, name);
    saveModel(model, dir, model.metadata);
    const weights = model.trainableWeights;
    const state = model.optimizer!.getState(weights);
    const total = state.slots.reduce((n, s) => n + s.reduce((m, a) => m + a.length, 0), 0);
    const floats = new Float32Array(total);
    let offset = 0;
    for (const slot of state.slots.flat()) {
      floats.set(slot, offset);
      offset += slot.length;
    }
    writeFileAtomic(join(dir, 'optimizer.bin'), new Uint8Array(floats.buffer));
    const json: BackupJson = {
      formatVersion: BACKUP_VERSION,
      optimizer: { className: model.optimizer!.className, iterations: state.iterations, slotCounts: state.slots.map((s) => s.length) },
      snapshot,
      extra: this.args.extra ?? null,
    };
    writeFileAtomic(join(dir, 'training.json'), JSON.stringify(json));
    writeFileAtomic(join(root, 'latest.json'), JSON.stringify({ backup: name }));
    for (const f of readdirSync(root)) if (f.startsWith('backup-') && f !== name) rmSync(join(root, f), { recursive: true, force: true });
    return dir;
  }
}

export const backupAndRestore = (args: BackupAndRestoreArgs): BackupAndRestore => new BackupAndRestore(args);

function latestBackup(root: string): { dir: string; json: BackupJson } | null {
  const pointer = join(root, 'latest.json');
  if (!existsSync(pointer)) return null;
  let dir: string;
  let json: BackupJson;
  try {
    dir = join(root, (JSON.parse(readFileSync(pointer, 'utf8')) as { backup: string }).backup);
    json = JSON.parse(readFileSync(join(dir, 'training.json'), 'utf8')) as BackupJson;
  } catch (e) {
    throw new TegakiError(`${pointer}: the backup it points to cannot be read (${(e as Error).message}).`);
  }
  if (json.formatVersion > BACKUP_VERSION) throw new TegakiError(`${dir}: backup format ${json.formatVersion} is newer than this tegaki reads.`);
  return { dir, json };
}

/** Where a backup stands and what was stored with it, or null when dir holds none. */
export function readBackup(root: string): { epoch: number; step: number; extra: unknown } | null {
  const found = latestBackup(root);
  return found ? { epoch: found.json.snapshot.epoch, step: found.json.snapshot.step, extra: found.json.extra } : null;
}
