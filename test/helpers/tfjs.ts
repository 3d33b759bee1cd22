// TensorFlow.js for interop tests: its cpu backend, models loaded the way a browser loads them
// (tf.loadLayersModel over HTTP) from a static server on loopback, and the file:// URLs that
// tfjs-node would handle.

import { createServer, type Server } from 'node:http';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
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

let fileRouterRegistered = false;

/**
 * model.save('file://dir') and tf.loadLayersModel('file://dir/model.json') as tfjs-node gives them
 * (model.json beside one weights.bin), so a Node.js program runs on @tensorflow/tfjs unchanged.
 */
export function registerFileRouter(): void {
  if (fileRouterRegistered) return;
  fileRouterRegistered = true;
  const pathOf = (url: string | string[]) => (typeof url === 'string' && url.startsWith('file://') ? url.slice('file://'.length) : null);
  // TF.js' own routers answer null for the URLs that are not theirs, though its types leave it out
  const notMine = null as unknown as tf.io.IOHandler;
  tf.io.registerSaveRouter((url) => {
    const dir = pathOf(url);
    return dir === null ? notMine : {
      save: async (artifacts: tf.io.ModelArtifacts) => {
        const { weightSpecs = [], weightData = new ArrayBuffer(0), ...json } = artifacts;
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'weights.bin'), Buffer.from(tf.io.CompositeArrayBuffer.join(weightData)));
        await writeFile(join(dir, 'model.json'), JSON.stringify({ ...json, weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs }] }));
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      },
    };
  });
  tf.io.registerLoadRouter((url) => {
    const path = pathOf(url);
    return path === null ? notMine : {
      load: async () => {
        const modelJSON = JSON.parse(await readFile(path, 'utf8')) as tf.io.ModelJSON;
        return tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
          const files = await Promise.all(manifest.flatMap((group) => group.paths).map((p) => readFile(join(dirname(path), p))));
          const bytes = Buffer.concat(files);
          return [manifest.flatMap((group) => group.weights), bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)];
        });
      },
    };
  });
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
