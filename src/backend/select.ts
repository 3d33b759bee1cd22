// Which backend runs the kernels: the native C++ addon when it is built and loads, else the
// reference TypeScript backend. TEGAKI_BACKEND=ts|native or setBackend() choose one explicitly.

import { TegakiError } from '../errors.js';
import type { Backend } from './backend.js';
import { loadNative } from './native/index.js';
import { tsBackend } from './ts/index.js';

function nativeOrThrow(): Backend {
  const { backend, reason } = loadNative();
  if (!backend) {
    throw new TegakiError(`The native backend is not available (${reason}). Build it with \`npm run build:native\` or use TEGAKI_BACKEND=ts.`);
  }
  return backend;
}

const registry = new Map<string, () => Backend>([
  ['ts', () => tsBackend],
  ['native', nativeOrThrow],
]);
let current: Backend | null = null;

/** Make a backend available under a name. */
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

/** The backend in use: TEGAKI_BACKEND when set, else native when it loads, else ts. */
export function getBackend(): Backend {
  if (!current) {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    setBackend(env?.['TEGAKI_BACKEND'] || (loadNative().backend ? 'native' : 'ts'));
  }
  return current!;
}
