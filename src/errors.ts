// Errors a user can cause: one clear line, printed by the CLI without a stack trace.

export class TegakiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TegakiError';
  }
}

/**
 * Refuse options that are not implemented, by name: a TF.js program must not get something else
 * silently. Options given as undefined or null count as not given.
 */
export function refuseUnknownOptions(args: object, known: readonly string[], where: string): void {
  if (typeof args !== 'object' || args === null) throw new TegakiError(`${where} expects an options object.`);
  for (const [key, value] of Object.entries(args)) {
    if (value !== undefined && value !== null && !known.includes(key)) throw new TegakiError(`${where}: option '${key}' is not supported${known.length ? ` (supported: ${known.join(', ')})` : ''}.`);
  }
}

/**
 * A value from an untrusted file shown in an error: JSON, cut to `max` characters, and never a
 * crash (a value nested thousands deep overflows JSON.stringify's stack).
 */
export function shown(value: unknown, max = 80): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = '(a value nested too deeply to show)';
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
