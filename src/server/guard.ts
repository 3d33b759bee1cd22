// What keeps other web pages from driving the local server. A page the user visits elsewhere can
// send requests to 127.0.0.1, and with DNS rebinding even read the answers; so every request must
// name this server in its Host header (an IP address, localhost, or a name the server was given),
// and a request that changes anything must come from the server's own pages (Origin, and the
// browser's Sec-Fetch-Site), or from a program that is no browser at all (no Origin).

import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http.js';

/** The host name of a Host header or URL authority, without port and brackets. */
function hostName(authority: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(authority);
  if (bracketed) return bracketed[1]!.toLowerCase();
  return authority.replace(/:\d+$/, '').toLowerCase();
}

/** A Host a DNS-rebinding page cannot produce: IP literals, localhost, and the names given. */
export function isTrustedHost(authority: string, names: readonly string[]): boolean {
  const name = hostName(authority);
  if (name === '' || /[^a-z0-9.:_-]/.test(name)) return false;
  return isIP(name) !== 0 || name === 'localhost' || name.endsWith('.localhost') || names.includes(name);
}

/** Throws the 403 a request gets when it is not this server's own. */
export function checkRequestSource(req: IncomingMessage, names: readonly string[]): void {
  const host = req.headers.host;
  if (host !== undefined && !isTrustedHost(host, names)) {
    throw new HttpError(403, `Host '${host}' is not this server; open it as http://127.0.0.1 or http://localhost (or start it with --host NAME).`);
  }
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) {
    throw new HttpError(403, `Cross-origin ${method} refused: origin '${origin}' is not this server.`);
  }
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new HttpError(403, `Cross-site ${method} refused (Sec-Fetch-Site: ${site}).`);
  }
}
