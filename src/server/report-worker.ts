// Writes a model's report on its own thread (drawing and a full test-set evaluation take a second
// or more, which the server's request thread must not spend).

import { parentPort, workerData } from 'node:worker_threads';
import { setBackend } from '../node.js';
import { loadModel } from '../model/files.js';
import { datasetFor, dataSettingsOf } from '../run/data.js';
import { writeModelReport } from '../report/model-report.js';

export interface ReportJob {
  /** The model's folder, where the report is written. */
  dir: string;
  /** How to name the folder in errors. */
  displayDir: string;
  backend: string;
}

export type ReportReply = { accuracy: number } | { error: string };

const job = workerData as ReportJob;
try {
  await setBackend(job.backend);
  const model = loadModel(job.dir, { displayDir: job.displayDir });
  const data = await datasetFor(dataSettingsOf(model.metadata, model.inputShape), () => {});
  const report = writeModelReport(job.dir, model, data.test.images, data.test.labels, model.metadata.classNames ?? data.classNames, { dataName: data.testName });
  parentPort!.postMessage({ accuracy: report.evaluation.accuracy } satisfies ReportReply);
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).message.split(job.dir).join(job.displayDir) } satisfies ReportReply);
}
