// The tegaki web server: the built web app from its own folder and a JSON API over the public
// model API (list models, hand them to the browser, predict uploads, train with live progress).
// Training and reports run on worker threads; requests from other sites are refused (guard.ts).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBackend, TegakiError } from '../node.js';
import { checkRequestSource } from './guard.js';
import { ClientGone, HttpError, readBody, readJsonObject, SAFETY_HEADERS, sendError, sendJson } from './http.js';
import { ModelCatalog, type ModelEntry } from './models.js';
import { predictImage } from './predict.js';
import { ReportQueue } from './reports.js';
import { resolveInside, sendFile } from './static-files.js';
import { Trainer, type TrainEvent } from './training.js';

export interface ServerOptions {
  /** Serve this model first (a folder with model.json). Default: only the models under runsDir. */
  modelDir?: string;
  /** Where models are found and new runs are saved. Default 'runs'. */
  runsDir?: string;
  /** The built web app. Default: dist/web beside the compiled server. */
  webDir?: string;
  /** Default '127.0.0.1': only this machine can connect. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Largest accepted upload in bytes. Default 10 MB. */
  maxUploadBytes?: number;
  /** Host names, besides IP addresses and localhost, that requests may use. Default: the bound host and this machine's name. */
  allowedHosts?: string[];
  /** Where unexpected errors are logged, one line each. Default console.error. */
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  server: Server;
  trainer: Trainer;
  catalog: ModelCatalog;
  reports: ReportQueue;
  close(): Promise<void>;
}

/** dist/web, next to dist/src/server where this file is compiled to. */
export const DEFAULT_WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');

const JSON_LIMIT = 64 * 1024;
/** Files of a model folder the browser may fetch: the model and its report. */
const MODEL_FILE = /^(model\.json|weights[\w-]*\.bin|[\w-]+\.png|report\.html)$/;

function publicEntry(e: ModelEntry) {
  return { id: e.id, kind: e.kind, testAccuracy: e.testAccuracy, hasReport: e.hasReport, savedAt: new Date(e.savedAt).toISOString() };
}

/** Server-Sent Events: the run so far, then each new event; the listener goes when the client does. */
function streamTraining(req: IncomingMessage, res: ServerResponse, trainer: Trainer): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', ...SAFETY_HEADERS });
  const send = (event: TrainEvent | { type: 'state'; running: boolean; events: TrainEvent[] }): void => {
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  };
  send({ type: 'state', ...trainer.state });
  const unsubscribe = trainer.subscribe(send);
  // proxies and browsers drop silent streams; a comment line keeps it open
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  const cleanUp = (): void => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  req.on('close', cleanUp);
  res.on('error', cleanUp);
}

export function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const catalog = new ModelCatalog({ runsDir: options.runsDir ?? 'runs', modelDir: options.modelDir });
  const backend = getBackend();
  const trainer = new Trainer(catalog.runsDir, backend, (message) => catalog.relativePaths(message));
  const reports = new ReportQueue(backend);
  const webDir = options.webDir ?? DEFAULT_WEB_DIR;
  const maxUpload = options.maxUploadBytes ?? 10 * 1024 * 1024;
  const host = options.host ?? '127.0.0.1';
  const hostNames = (options.allowedHosts ?? [host, hostname()]).map((h) => h.toLowerCase());
  const log = options.log ?? ((line: string) => console.error(line));

  function modelOr404(id: string): ModelEntry {
    const entry = catalog.get(id);
    if (!entry) throw new HttpError(404, `No model '${id}'.`);
    return entry;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, parts: string[]): Promise<void> {
    const method = req.method ?? 'GET';
    const route = `${method} ${parts.slice(0, 2).join('/')}`;
    if (route === 'GET api/models' && parts.length === 2) {
      sendJson(res, 200, { models: catalog.list().map(publicEntry) });
      return;
    }
    if (parts[1] === 'models' && parts.length === 4) {
      // ids may hold '/', sent encoded as %2F: split first, decode after
      const entry = modelOr404(decodeURIComponent(parts[2]!));
      const file = decodeURIComponent(parts[3]!);
      if (method === 'POST' && file === 'report') {
        const accuracy = await reports.write(entry.dir, entry.id);
        sendJson(res, 200, { report: `/api/models/${encodeURIComponent(entry.id)}/report.html`, accuracy });
        return;
      }
      if (method !== 'GET' || !MODEL_FILE.test(file)) throw new HttpError(404, `No file '${file}' for model '${entry.id}'.`);
      const path = resolveInside(entry.dir, file);
      if (!path) throw new HttpError(404, `No file '${file}' for model '${entry.id}'.`);
      sendFile(res, path);
      return;
    }
    if (route === 'POST api/predict') {
      const id = url.searchParams.get('model');
      const entry = id ? modelOr404(id) : catalog.newestLoadable();
      if (!entry) throw new HttpError(404, 'No model to predict with: train one first (npm start, or the Train tab).');
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type && !type.startsWith('image/') && type !== 'application/octet-stream') {
        req.resume();
        throw new HttpError(415, `Unsupported content type '${type}': send the image bytes (image/png, image/jpeg, ...).`);
      }
      const body = await readBody(req, maxUpload);
      const top = Math.min(Math.max(1, Number(url.searchParams.get('top')) || 3), 100);
      const result = await predictImage(catalog.load(entry), body, top);
      sendJson(res, 200, { model: entry.id, ...result });
      return;
    }
    if (route === 'POST api/train' && parts.length === 2) {
      const body = await readJsonObject(req, JSON_LIMIT);
      const { runId, settings } = trainer.start(body);
      sendJson(res, 202, { runId, settings });
      return;
    }
    if (route === 'POST api/train' && parts[2] === 'stop' && parts.length === 3) {
      sendJson(res, 200, { stopping: trainer.stop() });
      return;
    }
    if (route === 'GET api/train' && parts[2] === 'events' && parts.length === 3) {
      streamTraining(req, res, trainer);
      return;
    }
    if (route === 'GET api/train' && parts.length === 2) {
      sendJson(res, 200, trainer.state);
      return;
    }
    throw new HttpError(404, `No route ${method} ${url.pathname}.`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // the raw path, before URL normalisation, so that %2F in an id stays one segment
    const rawPath = (req.url ?? '/').split('?')[0]!;
    const parts = rawPath.split('/').filter(Boolean);
    let url = new URL('http://localhost/');
    try {
      // a request target that is no path at all ('http://[') is the client's mistake: 400
      if (!(req.url ?? '/').startsWith('/')) throw new HttpError(400, 'The request target must be a path.');
      url = new URL(req.url ?? '/', 'http://localhost');
      checkRequestSource(req, hostNames);
      if (parts[0] === 'api') return await handleApi(req, res, url, parts);
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(404, `No route ${req.method} ${url.pathname}.`);
      const file = resolveInside(webDir, url.pathname === '/' ? '/index.html' : rawPath);
      if (!file) throw new HttpError(404, `Not found: ${url.pathname}`);
      // hashed asset names never change content, so browsers may keep them
      sendFile(res, file, rawPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    } catch (e) {
      if (e instanceof ClientGone) res.destroy();
      else if (e instanceof HttpError) sendError(res, e.status, catalog.relativePaths(e.message));
      else if (e instanceof URIError || (e as NodeJS.ErrnoException).code === 'ERR_INVALID_URL') sendError(res, 400, 'Malformed URL.');
      else if (e instanceof TegakiError) sendError(res, 400, catalog.relativePaths(e.message));
      else {
        const message = catalog.relativePaths((e as Error).message ?? String(e));
        log(`tegaki serve: internal error on ${req.method} ${url.pathname}: ${message}`);
        sendError(res, 500, `Internal error: ${message}`);
      }
    }
  }

  const server = createServer((req, res) => {
    // handle() answers every error itself; this only keeps a bug from taking the server down
    handle(req, res).catch((e: unknown) => {
      log(`tegaki serve: internal error: ${catalog.relativePaths((e as Error).message ?? String(e))}`);
      res.destroy();
    });
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject);
      const { address, port } = server.address() as AddressInfo;
      const host = address.includes(':') ? `[${address}]` : address;
      resolvePromise({
        url: `http://${host}:${port}/`,
        server,
        trainer,
        catalog,
        reports,
        close: async () => {
          await Promise.all([trainer.close(), reports.close()]);
          await new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          });
        },
      });
    });
  });
}
