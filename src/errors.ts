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

