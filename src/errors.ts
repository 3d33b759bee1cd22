// Errors a user can cause: one clear line, printed by the CLI without a stack trace.

export class TegakiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TegakiError';
  }
}
