// Command-line option parsing on node:util's parseArgs, with one-line errors for bad values (shared by
// the commands in cli/ and server/serve.ts).

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TegakiError } from './errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export function parse(argv: string[], options: OptionSpec, command: string): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message.replace(/\. To specify.*$/, '').replace(/\.?$/, '.')}`);
  }
}

/** A mistake in how the command was called: printed with a pointer to --help, exit status 2. */
export class UsageError extends TegakiError {}

export function intOption(values: Record<string, unknown>, name: string, fallback: number, min = 1): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} expects an integer ≥ ${min}, received '${String(raw)}'.`);
  return n;
}

export function floatOption(values: Record<string, unknown>, name: string, fallback: number | undefined, check: (v: number) => boolean, expected: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} expects ${expected}, received '${String(raw)}'.`);
  return n;
}

export function choiceOption<T extends string>(values: Record<string, unknown>, name: string, choices: readonly T[], fallback: T): T {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (!choices.includes(raw as T)) throw new UsageError(`--${name} expects one of ${choices.join(', ')}, received '${String(raw)}'.`);
  return raw as T;
}
