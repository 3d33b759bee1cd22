// Report requests, one worker thread at a time: a second request for the same model joins the one
// under way, and a short queue is the limit (more is answered 503, not piled up).

import { Worker } from 'node:worker_threads';
import { HttpError } from './http.js';
import type { ReportJob, ReportReply } from './report-worker.js';

/** Reports waiting or running at most; beyond it the server says it is busy. */
const MAX_QUEUED = 4;

export class ReportQueue {
  private readonly pending = new Map<string, Promise<number>>();
  private tail: Promise<unknown> = Promise.resolve();
  private readonly workers = new Set<Worker>();
  private closed = false;

  constructor(private readonly backend: string) {}

  /** Test accuracy of the report written into dir (the model's folder). */
  write(dir: string, displayDir: string): Promise<number> {
    if (this.closed) throw new HttpError(503, 'The server is shutting down.');
    const existing = this.pending.get(dir);
    if (existing) return existing;
    if (this.pending.size >= MAX_QUEUED) throw new HttpError(503, `${MAX_QUEUED} reports are already being written; try again in a moment.`);
    const run = this.tail.then(() => this.run({ dir, displayDir, backend: this.backend }));
    this.tail = run.catch(() => undefined);
    const done = run.finally(() => this.pending.delete(dir));
    this.pending.set(dir, done);
    return done;
  }

  private run(job: ReportJob): Promise<number> {
    if (this.closed) return Promise.reject(new HttpError(503, 'The server is shutting down.'));
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./report-worker.js', import.meta.url), { workerData: job });
      this.workers.add(worker);
      let reply: ReportReply | null = null;
      worker.on('message', (m: ReportReply) => void (reply = m));
      worker.on('error', (e) => void (reply ??= { error: e.message }));
      worker.on('exit', () => {
        this.workers.delete(worker);
        const r = reply as ReportReply | null;
        if (r && 'accuracy' in r) resolve(r.accuracy);
        else reject(new HttpError(422, r?.error ?? 'The report could not be written.'));
      });
    });
  }

  /** Stop: queued reports are not started; the one being written is ended. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers].map((w) => w.terminate()));
  }
}
