// What the server's training thread and the server say to each other: the job it gets and the
// events it reports (also what the SSE stream sends to the page).

import type { Logs } from '../model/callbacks.js';
import type { TrainSettings } from '../run/settings.js';

export type TrainEvent =
  | { type: 'start'; runId: string; settings: TrainSettings; steps: number; samples: number }
  | { type: 'batch'; epoch: number; batch: number; steps: number; loss: number; accuracy: number }
  | { type: 'epoch'; epoch: number; logs: Logs }
  | { type: 'evaluating' }
  | { type: 'done'; runId: string; modelId: string; stopped: boolean; test: Logs }
  | { type: 'error'; error: string };

export interface TrainingJob {
  settings: TrainSettings;
  dir: string;
  runId: string;
  backend: string;
  /** Batch events are thinned to one per this many milliseconds. */
  batchEventMs: number;
}
