// TF.js' backend functions: getBackend() names the backend, setBackend() resolves to whether it
// was set, backend() gives the backend object. 'cpu' and 'tensorflow' (tfjs-node's name), which
// TF.js programs ask for, mean tegaki's default: the native kernels where they load.

import { getBackend as currentBackend, setBackend as selectBackend, setDefaultBackend } from './select.js';
import type { Backend } from './backend.js';

const ALIASES = new Set(['cpu', 'tensorflow']);

/** The name of the backend in use ('native' or 'ts'). */
export function getBackend(): string {
  return currentBackend().name;
}

/** Use the backend of that name; resolves to true as TF.js does (an unknown name throws). */
export async function setBackend(name: string): Promise<boolean> {
  if (ALIASES.has(name)) setDefaultBackend();
  else selectBackend(name);
  return true;
}

/** The backend object in use (TF.js' tf.backend()). */
export function backend(): Backend {
  return currentBackend();
}
