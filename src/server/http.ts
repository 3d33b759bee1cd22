// Small HTTP helpers for the server: JSON replies, errors as `{ "error": "..." }`, and request
// bodies read with a size limit.

import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error with the HTTP status it should be answered with. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The request's client went away before its body arrived (an aborted upload): nothing to answer. */
export class ClientGone extends Error {
  constructor() {
    super('the client closed the connection');
    this.name = 'ClientGone';
  }
}

/** Sent with every response: no sniffing, and no other site may embed or read what we answer. */
export const SAFETY_HEADERS = { 'x-content-type-options': 'nosniff', 'cross-origin-resource-policy': 'same-origin' } as const;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...SAFETY_HEADERS });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { error: message });
}

/** The whole body, refused with 413 as soon as it passes `limit` bytes (before reading it all when the length is declared). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume(); // drain, so the connection can answer
    return Promise.reject(new HttpError(413, `Request body of ${declared} bytes is over the limit of ${limit} bytes.`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new HttpError(413, `Request body is over the limit of ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    let complete = false;
    req.on('end', () => {
      complete = true;
      if (!failed) resolve(Buffer.concat(chunks));
    });
    // an aborted upload ends in 'error' (ECONNRESET) or a 'close' before 'end', by Node version
    const gone = (): void => {
      if (!failed && !complete) reject(new ClientGone());
      failed = true;
    };
    req.on('error', gone);
    req.on('close', gone);
  });
}

/** A JSON object body sent as application/json; malformed JSON or anything but an object is a 400. */
export async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    req.resume();
    // a form or text/plain body is what a cross-site page can send without asking first
    throw new HttpError(415, `Expected Content-Type: application/json, received '${type || 'none'}'.`);
  }
  const body = await readBody(req, limit);
  let value: unknown;
  try {
    value = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new HttpError(400, `Malformed JSON: ${(e as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, 'Expected a JSON object.');
  return value as Record<string, unknown>;
}
