// Serving files from one folder only: every request path is decoded, resolved and checked to stay
// inside the folder, so `..` in any spelling (raw or %2f-encoded) cannot reach other files.

import { createReadStream, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.bin': 'application/octet-stream',
};

/** The file under root that urlPath names, or null when it is outside root or not a file. */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const base = resolve(root);
  const file = resolve(base, '.' + (decoded.startsWith('/') ? decoded : `/${decoded}`));
  if (file !== base && !file.startsWith(base + sep)) return null;
  try {
    return statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

export function contentType(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Stream a file that resolveInside has approved. */
export function sendFile(res: ServerResponse, file: string, cache = 'no-cache'): void {
  const size = statSync(file).size;
  res.writeHead(200, { 'content-type': contentType(file), 'content-length': size, 'cache-control': cache, 'x-content-type-options': 'nosniff' });
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}
