// Checkpoints: modelCheckpoint saves the model each epoch (or the best one); backupAndRestore
// saves everything a run needs to continue — weights, optimizer state, epoch, batch and random
// state — and puts a later fit back exactly where the last one stopped.

import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { TegakiError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { describeFsError, pathKind, readRegularFile, regularFileSize } from '../io/files.js';
import { monitored, monitorSign, type Callback, type Logs } from './callbacks.js';
import type { RestoringCallback, TrainingSnapshot } from './fit.js';
import { loadModel, saveModel } from './files.js';
import { nonFiniteWeight } from './save.js';
import type { Sequential } from './sequential.js';
import { isObject } from '../json.js';

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
/** training.json holds settings and a snapshot: anything near this size was not written by us. */
const MAX_TRAINING_JSON_BYTES = 16 * 1024 * 1024;

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
  /** Back up before the first batch too, so a run is resumable from its start. Default false. */
  saveOnTrainBegin?: boolean;
  /** Kept with the backup and returned by readBackup. */
  extra?: unknown;
  /** Keep the backup when training completes. Default false (Keras deletes it). */
  keepOnCompletion?: boolean;
}

/**
 * Keras' BackupAndRestore: backs up at each epoch end and when training is interrupted
 * (model.stopTraining set mid-epoch, e.g. on Ctrl-C); a fit with the same callback and
 * backupDir continues from there and ends with the same weights as an uninterrupted run.
 * Weights that are no longer finite (a diverged run) are never backed up: the last good backup stays.
 */
export class BackupAndRestore implements RestoringCallback {
  private model: Sequential | null = null;
  private snapshot: (() => TrainingSnapshot) | null = null;
  private restored = false;
  /** Set when a backup was skipped because the weights were not finite. */
  skippedNonFinite = false;

  constructor(readonly args: BackupAndRestoreArgs) {
    if (typeof args.backupDir !== 'string' || args.backupDir === '') throw new TegakiError('backupAndRestore needs a backupDir.');
  }

  setModel(model: Sequential): void {
    this.model = model;
  }

  setSnapshotSource(snapshot: () => TrainingSnapshot): void {
    this.snapshot = snapshot;
  }

  restoreState(): TrainingSnapshot | null {
    const found = latestBackup(this.args.backupDir);
    this.restored = found !== null;
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
    const stateFile = join(dir, 'optimizer.bin');
    // each weight has exactly the slots this optimizer keeps (a moved count could keep the total)
    const slotCounts = optimizer.getState(weights).slots.map((s) => s.length);
    if (json.optimizer.slotCounts.length !== weights.length || json.optimizer.slotCounts.some((c, i) => c !== slotCounts[i])) {
      throw new TegakiError(`${join(dir, 'training.json')}: optimizer.slotCounts ${JSON.stringify(json.optimizer.slotCounts)} do not fit this model and optimizer (${JSON.stringify(slotCounts)}).`);
    }
    const expected = weights.reduce((n, w, i) => n + w.value.size * slotCounts[i]!, 0);
    const size = regularFileSize(stateFile, 'optimizer state');
    if (size === null) throw new TegakiError(`${stateFile}: the backup's optimizer state is missing.`);
    if (size !== expected * 4) {
      throw new TegakiError(`${stateFile}: optimizer state does not fit this model (${size} bytes, expected ${expected * 4}).`);
    }
    const bytes = readRegularFile(stateFile, expected * 4, 'optimizer state');
    const floats = new Float32Array(new Uint8Array(bytes).buffer);
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

  onTrainBegin(): void {
    if (this.args.saveOnTrainBegin && !this.restored) this.backup();
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
    else if (!this.args.keepOnCompletion) removeBackup(this.args.backupDir);
  }

  /**
   * Write a complete backup in a new folder, then point latest.json at it: never half a backup.
   * A failed write (a full disk) removes what it started and leaves the previous backup in place.
   * Returns the folder, or null when the weights were not finite and nothing was written.
   */
  backup(): string | null {
    const model = this.model!;
    if (!this.snapshot) throw new TegakiError('backupAndRestore can only back up while fit runs.');
    const snapshot = this.snapshot();
    const weights = model.trainableWeights;
    if (nonFiniteWeight(model)) {
      this.skippedNonFinite = true;
      return null;
    }
    const root = this.args.backupDir;
    const name = `backup-${String(snapshot.epoch).padStart(4, '0')}-${String(snapshot.step).padStart(6, '0')}-${randomBytes(3).toString('hex')}`;
    const dir = join(root, name);
    try {
      mkdirSync(root, { recursive: true });
      saveModel(model, dir, model.metadata);
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
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      // a backup folder this failure made, and left empty, goes too
      try {
        if (readdirSync(root).length === 0) rmSync(root, { recursive: true });
      } catch {
        // nothing to clean
      }
      const why = e instanceof TegakiError ? e.message.replace(/^.*\((.*)\)\.?$/, '$1') : describeFsError(e);
      throw new TegakiError(`${root}: cannot write a backup (${why}); the previous backup, if any, is kept.`);
    }
    for (const f of readdirSync(root)) if (f.startsWith('backup-') && f !== name) rmSync(join(root, f), { recursive: true, force: true });
    return dir;
  }
}

export const backupAndRestore = (args: BackupAndRestoreArgs): BackupAndRestore => new BackupAndRestore(args);

/**
 * Delete a backup folder. latest.json goes first: a crash in the middle then leaves files that no
 * pointer names (no backup), never a pointer to a half-deleted backup.
 */
export function removeBackup(backupDir: string): void {
  rmSync(join(backupDir, 'latest.json'), { force: true });
  rmSync(backupDir, { recursive: true, force: true });
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isRandomState = (v: unknown): boolean =>
  Array.isArray(v) && v.length === 5 && v.slice(0, 4).every((x) => Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 32) && (v[4] === null || typeof v[4] === 'number');

/** What training.json must hold; `where` names the file. A backup edited by hand is refused, not trusted. */
function checkBackupJson(json: unknown, where: string): BackupJson {
  function fail(field: string): never {
    throw new TegakiError(`${where}: ${field} is missing or malformed; the backup cannot be resumed.`);
  }
  if (!isObject(json)) fail('the content');
  if (typeof json['formatVersion'] !== 'number') fail('formatVersion');
  if (json['formatVersion'] > BACKUP_VERSION) throw new TegakiError(`${where}: backup format ${json['formatVersion']} is newer than this tegaki reads.`);
  const optimizer = json['optimizer'];
  if (!isObject(optimizer) || typeof optimizer['className'] !== 'string') fail('optimizer');
  if (!isCount(optimizer['iterations'])) fail('optimizer.iterations');
  if (!Array.isArray(optimizer['slotCounts']) || !optimizer['slotCounts'].every((c) => isCount(c) && c <= 8)) fail('optimizer.slotCounts');
  const s = json['snapshot'];
  if (!isObject(s)) fail('snapshot');
  if (!isCount(s['epoch'])) fail('snapshot.epoch');
  if (!isCount(s['step'])) fail('snapshot.step');
  if (!isRandomState(s['shuffleState'])) fail('snapshot.shuffleState');
  if (!isRandomState(s['dropoutState'])) fail('snapshot.dropoutState');
  const sums = s['sums'];
  if (!isObject(sums) || !['loss', 'correct', 'seen'].every((k) => typeof sums[k] === 'number')) fail('snapshot.sums');
  if (sums['extra'] !== undefined && (!isObject(sums['extra']) || !Object.values(sums['extra']).every((v) => typeof v === 'number'))) fail('snapshot.sums.extra');
  const history = s['history'];
  if (!isObject(history) || !Array.isArray(history['epoch']) || !isObject(history['history'])) fail('snapshot.history');
  if (!Object.values(history['history']).every((v) => Array.isArray(v) && v.every((x) => typeof x === 'number' || x === null))) fail('snapshot.history');
  if (!('extra' in json)) fail('extra');
  return json as unknown as BackupJson;
}

function latestBackup(root: string): { dir: string; json: BackupJson } | null {
  const pointer = join(root, 'latest.json');
  if (pathKind(pointer) === null) return null;
  let name: unknown;
  try {
    name = (JSON.parse(readRegularFile(pointer, 4096, 'backup pointer').toString('utf8')) as { backup?: unknown }).backup;
  } catch (e) {
    throw new TegakiError(`${pointer}: cannot be read (${(e as Error).message}).`);
  }
  if (typeof name !== 'string' || !/^backup-[\w-]+$/.test(name)) throw new TegakiError(`${pointer}: does not name a backup folder.`);
  const dir = join(root, name);
  const file = join(dir, 'training.json');
  let json: unknown;
  try {
    json = JSON.parse(readRegularFile(file, MAX_TRAINING_JSON_BYTES, 'backup').toString('utf8'));
  } catch (e) {
    throw new TegakiError(`${file}: the backup cannot be read (${e instanceof TegakiError ? e.message : (e as Error).message}).`);
  }
  return { dir, json: checkBackupJson(json, file) };
}

/** Where a backup stands and what was stored with it, or null when dir holds none. */
export function readBackup(root: string): { epoch: number; step: number; extra: unknown } | null {
  const found = latestBackup(root);
  return found ? { epoch: found.json.snapshot.epoch, step: found.json.snapshot.step, extra: found.json.extra } : null;
}
