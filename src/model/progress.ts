// The Keras 2 progress bar: `938/938 [==============================] - 13s 14ms/step - loss: 0.1234`.
// On a terminal it redraws in place; elsewhere (logs, CI) it prints one line per epoch.

export interface ProgressLine {
  current: number;
  target: number;
  /** Seconds since the epoch started. */
  elapsed: number;
  values: ReadonlyArray<readonly [string, number]>;
}

const WIDTH = 30;

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}:${pad2(Math.floor((s % 3600) / 60))}:${pad2(s % 60)}`;
  if (s >= 60) return `${Math.floor(s / 60)}:${pad2(s % 60)}`;
  return `${s}s`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

export function formatValue(v: number): string {
  return Math.abs(v) > 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4);
}

function formatPerStep(seconds: number): string {
  if (seconds >= 1) return `${Math.round(seconds)}s/step`;
  if (seconds >= 1e-3) return `${Math.round(seconds * 1e3)}ms/step`;
  return `${Math.round(seconds * 1e6)}us/step`;
}

/** One rendering of the bar, as Keras prints it. */
export function formatProgress({ current, target, elapsed, values }: ProgressLine): string {
  const digits = String(target).length;
  const filled = Math.floor((WIDTH * current) / target);
  let bar = '';
  if (filled > 0) bar += '='.repeat(filled - 1) + (current < target ? '>' : '=');
  bar += '.'.repeat(WIDTH - filled);
  let line = `${String(current).padStart(digits)}/${target} [${bar}]`;
  if (current < target) {
    const eta = current > 0 ? (elapsed / current) * (target - current) : 0;
    line += ` - ETA: ${formatDuration(eta)}`;
  } else {
    line += ` - ${formatDuration(elapsed)} ${formatPerStep(elapsed / Math.max(current, 1))}`;
  }
  for (const [name, v] of values) line += ` - ${name}: ${formatValue(v)}`;
  return line;
}

export interface ProgressOutput {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** Draws one epoch's bar on a stream, at most every `interval` seconds while running. */
export class ProgressBar {
  private readonly start = performance.now();
  private lastDraw = -Infinity;
  private lastLength = 0;

  constructor(private readonly target: number, private readonly out: ProgressOutput, private readonly interval = 0.1) {}

  update(current: number, values: ReadonlyArray<readonly [string, number]>, finished = false): void {
    const now = performance.now();
    const interactive = this.out.isTTY === true;
    if (!finished && (!interactive || (now - this.lastDraw) / 1000 < this.interval)) return;
    this.lastDraw = now;
    const line = formatProgress({ current, target: this.target, elapsed: (now - this.start) / 1000, values });
    if (interactive) {
      const padding = ' '.repeat(Math.max(this.lastLength - line.length, 0));
      this.out.write(`\r${line}${padding}`);
      this.lastLength = line.length;
      if (finished) this.out.write('\n');
    } else {
      this.out.write(`${line}\n`);
    }
  }
}
