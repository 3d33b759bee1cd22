// The Train tab: a form that starts a run on the server, and the run's progress streamed back by
// Server-Sent Events into a status line, a progress bar and live loss and accuracy curves.

import { startTraining, stopTraining } from './api.js';
import { drawChart } from './chart.js';

type Event =
  | { type: 'state'; running: boolean; events: Event[] }
  | { type: 'start'; runId: string; steps: number; samples: number; settings: { model: string; epochs: number } }
  | { type: 'batch'; epoch: number; batch: number; steps: number; loss: number; accuracy: number }
  | { type: 'epoch'; epoch: number; logs: Record<string, number> }
  | { type: 'evaluating' }
  | { type: 'done'; runId: string; modelId: string; stopped: boolean; test: Record<string, number> }
  | { type: 'error'; error: string };

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

export class TrainingView {
  private batches: [number, number, number][] = [];
  private epochs: [number, number, number][] = [];
  private totalEpochs = 1;
  private running = false;

  constructor(private readonly onModelSaved: (id: string) => void) {
    const form = $<HTMLFormElement>('train-form');
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const settings: Record<string, string | number> = {};
      for (const [k, v] of new FormData(form)) if (String(v) !== '') settings[k] = String(v);
      this.status('Starting…');
      startTraining(settings).catch((err: Error) => this.status(err.message, true));
    });
    $('train-stop').addEventListener('click', () => void stopTraining().then(() => this.status('Stopping after this batch…')));
    const source = new EventSource('/api/train/events');
    for (const type of ['state', 'start', 'batch', 'epoch', 'evaluating', 'done', 'error']) {
      source.addEventListener(type, (e) => this.handle(JSON.parse((e as MessageEvent<string>).data) as Event, true));
    }
    window.addEventListener('resize', () => this.draw());
  }

  private status(text: string, error = false): void {
    const el = $('train-status');
    el.textContent = text;
    el.classList.toggle('error', error);
  }

  private setRunning(running: boolean): void {
    this.running = running;
    $<HTMLButtonElement>('train-start').disabled = running;
    $<HTMLButtonElement>('train-stop').disabled = !running;
  }

  private handle(event: Event, live: boolean): void {
    const progress = $<HTMLProgressElement>('train-progress');
    switch (event.type) {
      case 'state':
        this.batches = [];
        this.epochs = [];
        for (const e of event.events) this.handle(e, false);
        this.setRunning(event.running);
        break;
      case 'start':
        this.batches = [];
        this.epochs = [];
        this.totalEpochs = event.settings.epochs;
        this.setRunning(true);
        this.status(`Training ${event.runId} on ${event.samples.toLocaleString()} images…`);
        progress.value = 0;
        break;
      case 'batch': {
        const x = event.epoch + event.batch / event.steps;
        this.batches.push([x, event.loss, event.accuracy]);
        progress.value = x / this.totalEpochs;
        this.status(`Epoch ${event.epoch + 1}/${this.totalEpochs} · batch ${event.batch}/${event.steps} · loss ${event.loss.toFixed(4)} · accuracy ${event.accuracy.toFixed(4)}`);
        break;
      }
      case 'epoch':
        this.epochs.push([event.epoch + 1, event.logs['loss']!, event.logs['acc'] ?? event.logs['accuracy'] ?? 0]);
        break;
      case 'evaluating':
        this.status('Evaluating on the test images and saving…');
        break;
      case 'done':
        this.setRunning(false);
        progress.value = progress.max;
        this.status(`${event.stopped ? 'Stopped' : 'Done'}: saved ${event.modelId} · test accuracy ${(event.test['accuracy']! * 100).toFixed(2)}%`);
        if (live) this.onModelSaved(event.modelId);
        break;
      case 'error':
        this.setRunning(false);
        this.status(`Training failed: ${event.error}`, true);
        break;
    }
    $('train-status').dataset['events'] = String(this.batches.length);
    if (live || event.type === 'state') this.draw();
  }

  draw(): void {
    const options = { xMax: this.totalEpochs, xLabel: 'epoch' };
    drawChart($('chart-loss'), [
      { label: 'loss per batch', color: '#3b6fd8', points: this.batches.map(([x, l]) => [x, l]) },
      { label: 'epoch mean', color: '#d8573b', points: this.epochs.map(([x, l]) => [x, l]), dots: true },
    ], options);
    drawChart($('chart-accuracy'), [
      { label: 'accuracy per batch', color: '#2a9d6f', points: this.batches.map(([x, , a]) => [x, a]) },
      { label: 'epoch mean', color: '#d8573b', points: this.epochs.map(([x, , a]) => [x, a]), dots: true },
    ], { ...options, yMin: 0, yMax: 1 });
  }

  get isRunning(): boolean {
    return this.running;
  }
}
