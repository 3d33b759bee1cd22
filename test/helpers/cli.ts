// Running the tegaki command as a user does, in a real process: to completion, or in the
// background with its output watched (to send signals at the right moment).

import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const cliPath = fileURLToPath(new URL('../../src/main.js', import.meta.url));

export const tempDir = (label: string): string => mkdtempSync(join(tmpdir(), `tegaki-${label}-`));

export interface CliOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Modules to preload (node --import), e.g. the pause fixture. */
  preload?: string[];
  timeoutMs?: number;
}

const nodeArgs = (args: string[], options: CliOptions): string[] => [...(options.preload ?? []).flatMap((p) => ['--import', p]), cliPath, ...args];

export function runCli(args: string[], options: CliOptions = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, nodeArgs(args, options), { encoding: 'utf8', cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 180_000 });
}

export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the output (stdout + stderr) matches. */
  waitFor(pattern: RegExp): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startCli(args: string[], options: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, nodeArgs(args, options), { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const check = (): void => {
    for (const w of [...waiters]) {
      if (w.pattern.test(out + err)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.setEncoding('utf8').on('data', (c: string) => ((out += c), check()));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => ((err += c), check()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ pattern, resolve });
        check();
        void exited.then(() => setTimeout(() => reject(new Error(`exited before ${pattern}:\n${out}\n${err}`)), 50));
      }),
    exited,
  };
}
