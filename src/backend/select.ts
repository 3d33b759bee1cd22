// Which backend runs the kernels. Backends register with a priority (as in TF.js): the reference
// TypeScript backend always, the native C++ addon from tegaki's Node.js entry. The highest
// priority that loads is used unless TEGAKI_BACKEND or setBackend() names one.

import { TegakiError } from '../errors.js';
import type { Backend } from './backend.js';
import { tsBackend } from './ts/index.js';

interface Registration {
  /** The backend, or why it cannot run here. */
  create: () => Backend | { unavailable: string };
  priority: number;
}

const registry = new Map<string, Registration>([['ts', { create: () => tsBackend, priority: 1 }]]);
let current: Backend | null = null;

/** Make a backend available under a name; the highest priority that loads is the default. */
export function registerBackend(name: string, create: () => Backend | { unavailable: string }, priority = 0): void {
  registry.set(name, { create, priority });
}

/** Names of the registered backends. */
export function listBackends(): string[] {
  return [...registry.keys()];
}

function load(name: string): Backend | { unavailable: string } {
  const entry = registry.get(name);
  if (!entry) throw new TegakiError(`Unknown backend '${name}'. Available: ${listBackends().join(', ')}.`);
  return entry.create();
}

/** Select the backend that runs all kernels from now on. */
export function setBackend(name: string): Backend {
  const backend = load(name);
  if ('unavailable' in backend) throw new TegakiError(`The ${name} backend is not available (${backend.unavailable}).`);
  current = backend;
  return current;
}

/** The backend in use: TEGAKI_BACKEND when set, else the highest-priority one that loads. */
export function getBackend(): Backend {
  if (current) return current;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const wanted = env?.['TEGAKI_BACKEND'];
  if (wanted) return setBackend(wanted);
  return setDefaultBackend();
}

/** Use the highest-priority backend that loads (what runs when nothing names one). */
export function setDefaultBackend(): Backend {
  for (const [name] of [...registry.entries()].sort((a, b) => b[1].priority - a[1].priority)) {
    const backend = load(name);
    if (!('unavailable' in backend)) return (current = backend);
  }
  return (current = tsBackend);
}
