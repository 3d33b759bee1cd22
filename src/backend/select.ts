// Which backend runs the kernels. The reference TypeScript backend is the default; TEGAKI_BACKEND
// or setBackend() choose another.

import { TegakiError } from '../errors.js';
import type { Backend } from './backend.js';
import { tsBackend } from './ts/index.js';

const registry = new Map<string, () => Backend>([['ts', () => tsBackend]]);
let current: Backend | null = null;

/** Make a backend available under a name (e.g. the native addon). */
export function registerBackend(name: string, create: () => Backend): void {
  registry.set(name, create);
}

/** Names of the registered backends. */
export function listBackends(): string[] {
  return [...registry.keys()];
}

/** Select the backend that runs all kernels from now on. */
export function setBackend(name: string): Backend {
  const create = registry.get(name);
  if (!create) throw new TegakiError(`Unknown backend '${name}'. Available: ${listBackends().join(', ')}.`);
  current = create();
  return current;
}

/** The backend in use: TEGAKI_BACKEND when set, else the reference TypeScript backend. */
export function getBackend(): Backend {
  if (!current) {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    setBackend(env?.['TEGAKI_BACKEND'] || 'ts');
  }
  return current!;
}
