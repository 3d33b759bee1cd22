// Which IOHandler a URL string names (TF.js' IORouterRegistry): 'file://dir' in Node, and whatever
// else is registered. Routers are registered by the entry point that can serve them, so the
// model code never imports a file system.

import { TegakiError } from '../errors.js';
import type { IOHandler } from './types.js';

/** Returns a handler for the URL, or null when the URL is not its kind. */
export type IORouter = (url: string) => IOHandler | null;

const saveRouters: IORouter[] = [];
const loadRouters: IORouter[] = [];

export function registerSaveRouter(router: IORouter): void {
  saveRouters.push(router);
}

export function registerLoadRouter(router: IORouter): void {
  loadRouters.push(router);
}

/** Every handler the routers give for url. */
const claims = (routers: IORouter[], url: string): IOHandler[] => routers.map((r) => r(url)).filter((h): h is IOHandler => h !== null);

function route(routers: IORouter[], url: string, what: 'save' | 'load'): IOHandler {
  const handlers = claims(routers, url);
  if (handlers.length === 0) {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
    throw new TegakiError(`Cannot ${what} '${url}': ${scheme ? `no handler for ${scheme}:// here` : 'no handler for plain paths here'}${saveRouters.length === 0 ? ' (file paths and file:// work in Node.js)' : ''}.`);
  }
  if (handlers.length > 1) throw new TegakiError(`Cannot ${what} '${url}': more than one handler claims it.`);
  return handlers[0]!;
}

/** The one handler that saves to url. */
export const getSaveHandler = (url: string): IOHandler => route(saveRouters, url, 'save');
/** The one handler that loads from url. */
export const getLoadHandler = (url: string): IOHandler => route(loadRouters, url, 'load');
/** Every handler that claims url for saving, maybe none (TF.js' tf.io.getSaveHandlers). */
export const getSaveHandlers = (url: string): IOHandler[] => claims(saveRouters, url);
/** Every handler that claims url for loading, maybe none (TF.js' tf.io.getLoadHandlers). */
export const getLoadHandlers = (url: string): IOHandler[] => claims(loadRouters, url);
