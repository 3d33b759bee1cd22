// One training run at a time on the server: a tutorial model on MNIST, trained on a worker thread
// (server/training-worker.ts), its progress pushed to subscribers (the SSE stream), stoppable,
// saved under the runs folder when it ends.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { runFolderName } from '../run/output.js';
import { SettingsError, trainSettings, type TrainSettings } from '../run/settings.js';
import { HttpError } from './http.js';
import type { TrainEvent, TrainingJob } from './training-protocol.js';

export type { TrainEvent } from './training-protocol.js';

export interface TrainState {
  running: boolean;
  /** Events of the current (or last) run, so a page that connects late can draw the whole curve. */
  events: TrainEvent[];
}

/** Batch events are thinned to this interval: enough for a smooth curve, little for the wire. */
const BATCH_EVENT_MS = 150;
/** Events kept for late subscribers; past this, older batch events are thinned. */
const MAX_KEPT_EVENTS = 2000;

/** The fields POST /api/train takes, as the settings they set. */
export const TRAIN_FIELDS = ['model', 'epochs', 'batchSize', 'optimizer', 'learningRate', 'limit', 'seed', 'validationSplit'] as const;

/** POST /api/train's body as run settings; a bad field is a 400 naming it. */
export function settingsFromBody(body: Record<string, unknown>): TrainSettings {
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!(TRAIN_FIELDS as readonly string[]).includes(key)) throw new HttpError(400, `Unknown field '${key}'. Expected: ${TRAIN_FIELDS.join(', ')}.`);
    if (value === null || value === undefined || value === '') continue;
    if (typeof value !== 'string' && typeof value !== 'number') throw new HttpError(400, `Field '${key}' must be a string or number.`);
    input[key] = value;
  }
  try {
    return trainSettings(input);
  } catch (e) {
    if (e instanceof SettingsError) throw new HttpError(400, `Field '${e.field}' ${e.problem}`);
    throw e;
  }
}

export class Trainer {
  private readonly listeners = new Set<(event: TrainEvent) => void>();
  private events: TrainEvent[] = [];
  private worker: Worker | null = null;

  /**
   * backend: the kernels the worker runs on (the server's own); shown: how an error message may
   * reach clients (the server writes its paths relative to the runs folder).
   */
  constructor(private readonly runsDir: string, private readonly backend: string, private readonly shown: (message: string) => string = (m) => m) {}

  get state(): TrainState {
    return { running: this.worker !== null, events: [...this.events] };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Call fn for every event from now on; returns the function that stops it. */
  subscribe(fn: (event: TrainEvent) => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  private emit(event: TrainEvent): void {
    if (event.type === 'error') event = { type: 'error', error: this.shown(event.error) };
    this.events.push(event);
    // a long run sends a batch event every 150 ms: keep every other one once there are many
    if (this.events.length > MAX_KEPT_EVENTS) this.events = this.events.filter((e, i) => e.type !== 'batch' || i % 2 === 0 || i >= this.events.length - 10);
    for (const fn of this.listeners) fn(event);
  }

  /** The training thread's id while a run is on, else null. */
  get threadId(): number | null {
    return this.worker?.threadId ?? null;
  }

  /** Start a run from POST /api/train's body; 409 while one is running. */
  start(body: Record<string, unknown>): { runId: string; settings: TrainSettings; finished: Promise<void> } {
    if (this.worker) throw new HttpError(409, 'A training run is already in progress; stop it first.');
    const settings = settingsFromBody(body);
    let runId = runFolderName(settings.model);
    for (let n = 2; existsSync(join(this.runsDir, runId)); n++) runId = `${runFolderName(settings.model)}-${n}`;
    const job: TrainingJob = { settings, dir: join(this.runsDir, runId), runId, backend: this.backend, batchEventMs: BATCH_EVENT_MS };
    this.events = [];
    const worker = new Worker(new URL('./training-worker.js', import.meta.url), { workerData: job });
    this.worker = worker;
    let ended = false;
    worker.on('message', (event: TrainEvent) => {
      if (event.type === 'done' || event.type === 'error') {
        // the run is over (its thread exits next): a new one may start
        ended = true;
        if (this.worker === worker) this.worker = null;
      }
      this.emit(event);
    });
    const finished = new Promise<void>((resolve) => {
      worker.on('error', (e) => {
        if (!ended) this.emit({ type: 'error', error: e.message });
        ended = true;
      });
      worker.on('exit', () => {
        if (!ended) this.emit({ type: 'error', error: 'The training run ended unexpectedly.' });
        if (this.worker === worker) this.worker = null;
        resolve();
      });
    });
    return { runId, settings, finished };
  }

  /** Ask the run to stop after its current batch (it is then tested and saved); false when nothing runs. */
  stop(): boolean {
    if (!this.worker) return false;
    this.worker.postMessage({ type: 'stop' });
    return true;
  }

  /** End any run at once (the server is closing): its backup stays, its model is not saved. */
  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }
}
