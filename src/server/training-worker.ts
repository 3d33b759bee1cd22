// The server's training run, on its own thread so that predictions keep their latency while a
// model trains: the same run as `tegaki train` (backups, a stop on divergence, atomic saves),
// reporting its progress to the server as messages.

import { parentPort, workerData } from 'node:worker_threads';
import { setBackend } from '../node.js';
import { loadDataset } from '../data/datasets.js';
import type { Callback, FitParams, Logs } from '../model/callbacks.js';
import { prepareOutputDir } from '../run/output.js';
import { RunControl, trainRun } from '../run/train.js';
import type { TrainEvent, TrainingJob } from './training-protocol.js';

const job = workerData as TrainingJob;
const post = (event: TrainEvent): void => parentPort!.postMessage(event);
const control = new RunControl();
const onMessage = (message: { type: string }): void => {
  if (message.type === 'stop') control.stop();
};
parentPort!.on('message', onMessage);

/** Progress as events: the run's parameters once, batches thinned, every epoch. */
function progressEvents(): Callback {
  let steps = 0;
  let epoch = 0;
  let lastSent = 0;
  return {
    setParams: (params: FitParams) => {
      steps = params.steps;
      post({ type: 'start', runId: job.runId, settings: job.settings, steps, samples: params.samples });
    },
    onEpochBegin: (e: number) => void (epoch = e),
    onBatchEnd: (batch: number, logs: Logs) => {
      const now = performance.now();
      if (now - lastSent < job.batchEventMs && batch + 1 < steps) return;
      lastSent = now;
      post({ type: 'batch', epoch, batch: batch + 1, steps, loss: logs['loss']!, accuracy: logs['acc'] ?? 0 });
    },
    onEpochEnd: (e: number, logs: Logs) => post({ type: 'epoch', epoch: e, logs }),
    onTrainEnd: () => post({ type: 'evaluating' }),
  };
}

try {
  await setBackend(job.backend);
  // the folder first: a run that cannot be saved must not load data and train
  const out = prepareOutputDir(job.dir);
  const data = await loadDataset(job.settings.data);
  const result = await trainRun(job.settings, out, data, control, {
    print: () => {},
    verbose: 0,
    callbacks: [progressEvents()],
    onStop: 'finish',
    // a run on a slice is tested on a slice of the same size: quick feedback, same scale
    testLimit: job.settings.limit,
  });
  if (result.status === 'done') post({ type: 'done', runId: job.runId, modelId: job.runId, stopped: result.stopped, test: result.test });
  else if (result.status === 'diverged') {
    const what = result.at.weight ? `weight ${result.at.weight} stopped being a finite number` : `the loss became ${result.at.loss}`;
    post({ type: 'error', error: `Training diverged at epoch ${result.at.epoch + 1}, batch ${result.at.batch + 1}: ${what}. Nothing was saved; try a lower learning rate.` });
  }
  else post({ type: 'error', error: 'Training stopped before it began; nothing was saved.' });
} catch (e) {
  post({ type: 'error', error: (e as Error).message });
} finally {
  // a listening port keeps the thread alive; the run is over
  parentPort!.off('message', onMessage);
}
