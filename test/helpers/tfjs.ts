// TensorFlow.js for interop tests: its cpu backend, and models loaded the way a browser loads them
// (tf.loadLayersModel over HTTP), from a static server on loopback.

import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import * as tf from '@tensorflow/tfjs';

let ready: Promise<typeof tf> | null = null;

/** tfjs on its cpu backend, with its hint about tfjs-node silenced. */
export function tfjs(): Promise<typeof tf> {
  ready ??= (async () => {
    const warn = console.warn;
    console.warn = () => {};
    try {
      await tf.setBackend('cpu');
      await tf.ready();
    } finally {
      console.warn = warn;
    }
    return tf;
  })();
  return ready;
}

/** Serve a folder on 127.0.0.1 for the duration of fn; fn gets the base URL. */
export async function serveFolder<T>(dir: string, fn: (base: string) => Promise<T>): Promise<T> {
  const server: Server = createServer((req, res) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    readFile(path).then(
      (body) => res.writeHead(200, { 'content-type': path.endsWith('.json') ? 'application/json' : 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
