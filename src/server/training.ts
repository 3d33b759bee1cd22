// One training run at a time on the server: a tutorial model on MNIST, progress pushed to
// subscribers (the SSE stream), stoppable, saved under the runs folder when it ends.

import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { defaultRunDir, inputsFor, prepareTutorialRun, trainSettings, tutorialMetadata, type TrainSettings } from '../cli/train.js';
import { loadDataset, type NamedDataset } from '../data/datasets.js';
import { take } from '../data/source.js';
import type { Logs } from '../model/callbacks.js';
import type { Sequential } from '../model/sequential.js';
import { HttpError } from './http.js';

export type TrainEvent =
  | { type: 'start'; runId: string; settings: TrainSettings; steps: number; samples: number }
  | { type: 'batch'; epoch: number; batch: number; steps: number; loss: number; accuracy: number }
  | { type: 'epoch'; epoch: number; logs: Logs }
  | { type: 'evaluating' }
  | { type: 'done'; runId: string; modelId: string; stopped: boolean; test: Logs }
  | { type: 'error'; error: string };

export interface TrainState {
  running: boolean;
  /** Events of the current (or last) run, so a page that connects late can draw the whole curve. */
  events: TrainEvent[];
}

/** Batch events are thinned to this interval: enough for a smooth curve, little for the wire. */
const BATCH_EVENT_MS = 150;

/** The JSON fields of POST /api/train as the options of `tegaki train` (validated the same way). */
function settingsFrom(body: Record<string, unknown>): TrainSettings {
  const argv: string[] = [];
  const fields: Record<string, string> = { model: 'model', epochs: 'epochs', batchSize: 'batch-size', optimizer: 'optimizer', learningRate: 'learning-rate', limit: 'limit', seed: 'seed', validationSplit: 'validation-split' };
  for (const [key, value] of Object.entries(body)) {
    const option = fields[key];
    if (!option) throw new HttpError(400, `Unknown field '${key}'. Expected: ${Object.keys(fields).join(', ')}.`);
    if (value === null || value === undefined || value === '') continue;
    if (typeof value !== 'string' && typeof value !== 'number') throw new HttpError(400, `Field '${key}' must be a string or number.`);
    argv.push(`--${option}`, String(value));
  }
  try {
    return trainSettings(argv, 'train');
  } catch (e) {
    throw new HttpError(400, (e as Error).message);
  }
}

export class Trainer {
  private readonly listeners = new Set<(event: TrainEvent) => void>();
  private events: TrainEvent[] = [];
  private model: Sequential | null = null;
  private running = false;
  private data: NamedDataset | null = null;

  constructor(private readonly runsDir: string, private readonly loadData: () => Promise<NamedDataset> = () => loadDataset('mnist')) {}

  get state(): TrainState {
    return { running: this.running, events: [...this.events] };
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
    this.events.push(event);
    for (const fn of this.listeners) fn(event);
  }

  /** Start a run from POST /api/train's body; 409 while one is running. Resolves when it has started. */
  start(body: Record<string, unknown>): { runId: string; settings: TrainSettings; finished: Promise<void> } {
    if (this.running) throw new HttpError(409, 'A training run is already in progress; stop it first.');
    const settings = settingsFrom(body);
    let dir = join(this.runsDir, basename(defaultRunDir(settings.model)));
    for (let n = 2; existsSync(dir); n++) dir = join(this.runsDir, `${basename(defaultRunDir(settings.model))}-${n}`);
    const runId = basename(dir);
    this.running = true;
    this.events = [];
    const finished = this.run(settings, dir, runId)
      .catch((e: unknown) => this.emit({ type: 'error', error: (e as Error).message }))
      .finally(() => {
        this.running = false;
        this.model = null;
      });
    return { runId, settings, finished };
  }

  /** Ask the run to stop after its current batch; false when nothing runs. */
  stop(): boolean {
    if (!this.model) return false;
    this.model.stopTraining = true;
    return true;
  }

  private async run(settings: TrainSettings, dir: string, runId: string): Promise<void> {
    // let the request that started the run be answered before loading data and training
    await new Promise((resolve) => setImmediate(resolve));
    this.data ??= await this.loadData();
    const data = this.data;
    const { model, x, y } = prepareTutorialRun(settings, data);
    this.model = model;
    const count = x.length;
    const steps = Math.ceil(count * (1 - settings.validationSplit) / settings.batchSize);
    this.emit({ type: 'start', runId, settings, steps, samples: count });
    let epoch = 0;
    let lastSent = 0;
    const progress = {
      onEpochBegin: (e: number) => void (epoch = e),
      onBatchEnd: (batch: number, logs: Logs) => {
        const now = performance.now();
        if (now - lastSent < BATCH_EVENT_MS && batch + 1 < steps) return;
        lastSent = now;
        this.emit({ type: 'batch', epoch, batch: batch + 1, steps, loss: logs['loss']!, accuracy: logs['accuracy'] ?? 0 });
      },
      onEpochEnd: (e: number, logs: Logs) => this.emit({ type: 'epoch', epoch: e, logs }),
    };
    const history = await model.fit(x, y, { epochs: settings.epochs, batchSize: settings.batchSize, validationSplit: settings.validationSplit, seed: settings.seed, verbose: 0, callbacks: [progress] });
    const stopped = model.stopTraining;
    this.emit({ type: 'evaluating' });
    // a run on a slice is checked on a test slice of the same size: quick feedback, same scale
    const testCount = Math.min(settings.limit ?? data.test.images.length, data.test.images.length);
    const test = model.evaluate(take(inputsFor(settings.model, data.test), testCount), take(data.test.labels, testCount), { batchSize: 500 });
    model.metadata = tutorialMetadata(model, data, settings, history, { ...test, count: testCount }, { stopped });
    await model.save(dir);
    this.emit({ type: 'done', runId, modelId: runId, stopped, test });
  }
}
