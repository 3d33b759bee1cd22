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
