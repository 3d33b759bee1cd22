// The web server's API and its safety: size and type limits, JSON errors, one training at a time,
// no path traversal, and SSE clients that leave without leaking listeners.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadMnist } from '../src/data/mnist.js';
import { Random } from '../src/node.js';
import { saveModel } from '../src/model/files.js';
import { buildTutorialModel } from '../src/model/tutorial.js';
import { startServer, type RunningServer } from '../src/server/app.js';
import { startCli } from './helpers/cli.js';
import { digitPhoto } from './helpers/photos.js';

const SECRET = 'top-secret-outside-the-app';
const JSON_TYPE = { 'content-type': 'application/json' };

/** A raw request: the path goes out exactly as written (no client-side normalisation of '..'). */
function raw(server: RunningServer, method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; text: string; json: () => any }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, type: String(res.headers['content-type']), text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Events of the training stream until `until` says stop. */
function collectEvents(server: RunningServer, until: (e: { type: string; [k: string]: unknown }) => boolean, timeoutMs = 60_000): Promise<{ type: string; [k: string]: any }[]> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const events: { type: string }[] = [];
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`SSE: timed out; got ${events.map((e) => e.type).join(',')}`));
    }, timeoutMs);
    const req = request({ host: url.hostname, port: url.port, path: '/api/train/events' }, (res) => {
      assert.match(String(res.headers['content-type']), /text\/event-stream/);
      let buffer = '';
      res.on('data', (c: Buffer) => {
        buffer += c.toString('utf8');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (!data) continue;
          const event = JSON.parse(data.slice(6)) as { type: string; events?: { type: string }[] };
          // the first event replays the run so far, for clients that connect late
          for (const e of event.type === 'state' ? event.events! : [event]) {
            events.push(e);
            if (until(e)) {
              clearTimeout(timer);
              req.destroy();
              resolve(events);
              return;
            }
          }
        }
      });
    });
    req.on('error', () => undefined);
    req.end();
  });
}

describe('tegaki serve: the API', () => {
  let root: string;
  let server: RunningServer;
  let photo: Buffer;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'tegaki-server-'));
    const runs = join(root, 'runs');
    const web = join(root, 'web');
    mkdirSync(web, { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(root, 'secret.txt'), SECRET);
    const model = buildTutorialModel('nn', { seed: 1 });
    saveModel(model, join(runs, 'group', 'first-nn'), { classNames: [...'0123456789'], input: { shape: [784], scale: 1 / 255, style: 'mnist-digit' } });
    const test = loadMnist().test;
    photo = await digitPhoto(test.images.pixels.subarray(0, 784), new Random(3), { digitSize: 120 });
    server = await startServer({ runsDir: runs, webDir: web, port: 0, maxUploadBytes: 200_000 });
  });

  after(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('binds to 127.0.0.1 by default and serves the app', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await raw(server, 'GET', '/');
    assert.equal(r.status, 200);
    assert.match(r.text, /<title>app<\/title>/);
  });

  it('lists models found two levels down and serves their files', async () => {
    const { models } = (await raw(server, 'GET', '/api/models')).json();
    assert.deepEqual(models.map((m: { id: string }) => m.id), ['group/first-nn']);
    const json = await raw(server, 'GET', '/api/models/group%2Ffirst-nn/model.json');
    assert.equal(json.status, 200);
    const weights = json.json().weightsManifest[0].paths[0];
    const bin = await raw(server, 'GET', `/api/models/group%2Ffirst-nn/${weights}`);
    assert.equal(bin.status, 200);
    assert.equal((await raw(server, 'GET', '/api/models/nope/model.json')).status, 404);
  });

  it('predicts an uploaded photo and returns the 28×28 input it saw', async () => {
    const r = await raw(server, 'POST', '/api/predict?top=3', photo, { 'content-type': 'image/jpeg' });
    assert.equal(r.status, 200, r.text);
    const body = r.json();
    assert.equal(body.model, 'group/first-nn');
    assert.equal(body.predictions.length, 3);
    assert.equal(body.probabilities.length, 10);
    assert.ok(Math.abs(body.probabilities.reduce((a: number, b: number) => a + b, 0) - 1) < 1e-4);
    assert.deepEqual([body.input.width, body.input.height], [28, 28]);
    assert.equal(Buffer.from(body.input.pixels, 'base64').length, 784);
  });

  it('refuses oversized uploads with 413 and non-images with 415', async () => {
    const big = Buffer.alloc(300_000, 1);
    const tooBig = await raw(server, 'POST', '/api/predict', big, { 'content-type': 'image/png' });
    assert.equal(tooBig.status, 413);
    assert.match(tooBig.json().error, /limit/);
    const text = await raw(server, 'POST', '/api/predict', 'hello', { 'content-type': 'text/plain' });
    assert.equal(text.status, 415);
    const garbage = await raw(server, 'POST', '/api/predict', Buffer.from('definitely not an image'), { 'content-type': 'image/png' });
    assert.equal(garbage.status, 415);
    assert.match(garbage.json().error, /image/i);
    const truncated = await raw(server, 'POST', '/api/predict', photo.subarray(0, 200), { 'content-type': 'image/jpeg' });
    assert.equal(truncated.status, 415);
  });

  it('answers unknown routes and bad JSON with JSON errors', async () => {
    for (const [method, path, status] of [['GET', '/api/nothing', 404], ['DELETE', '/api/models', 404], ['GET', '/no-such-page', 404]] as const) {
      const r = await raw(server, method, path);
      assert.equal(r.status, status, path);
      assert.match(r.type, /application\/json/);
      assert.equal(typeof r.json().error, 'string');
    }
    const bad = await raw(server, 'POST', '/api/train', '{"model": "cnn",', { 'content-type': 'application/json' });
    assert.equal(bad.status, 400);
    assert.match(bad.json().error, /Malformed JSON/);
    const wrong = await raw(server, 'POST', '/api/train', JSON.stringify({ model: 'rnn' }), JSON_TYPE);
    assert.equal(wrong.status, 400);
    assert.match(wrong.json().error, /Field 'model' expects one of nn, cnn/);
    const unknown = await raw(server, 'POST', '/api/train', JSON.stringify({ modle: 'cnn' }), JSON_TYPE);
    assert.equal(unknown.status, 400);
  });

  it('never serves files outside its folders, however the path is spelled', async () => {
    const attempts = [
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/..%2f..%2fetc/passwd',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2fetc%2fpasswd',
      '/index.html%00.png',
      '/%E0%A4%A',
      '/api/models/group%2Ffirst-nn/..%2f..%2f..%2fsecret.txt',
      '/api/models/group%2Ffirst-nn/%2e%2e%2fmodel.json',
      '/api/models/..%2f..%2fsecret.txt/model.json',
      '/api/models/group%2F..%2F..%2F/secret.txt',
    ];
    for (const path of attempts) {
      const r = await raw(server, 'GET', path);
      assert.ok(r.status === 404 || r.status === 400, `${path}: ${r.status}`);
      assert.ok(!r.text.includes(SECRET) && !r.text.includes('root:'), path);
      assert.equal(typeof r.json().error, 'string');
    }
  });

  it('trains one run at a time, streams its progress and lists the new model', async () => {
    const started = await raw(server, 'POST', '/api/train', JSON.stringify({ model: 'nn', epochs: 2, batchSize: 32, limit: 640, seed: 1 }), JSON_TYPE);
    assert.equal(started.status, 202, started.text);
    const events = await collectEvents(server, (e) => e.type === 'done' || e.type === 'error');
    const types = events.map((e) => e.type);
    assert.equal(types.at(-1), 'done', JSON.stringify(events.at(-1)));
    assert.equal(events.filter((e) => e.type === 'epoch').length, 2);
    assert.ok(types.includes('batch'));
    const done = events.at(-1)!;
    const { models } = (await raw(server, 'GET', '/api/models')).json();
    assert.ok(models.some((m: { id: string }) => m.id === done['modelId']), 'the new model is listed');
    assert.equal((await raw(server, 'GET', `/api/models/${encodeURIComponent(done['modelId'])}/model.json`)).status, 200);
  });

  it('refuses a second concurrent run with 409, stops a run on request and still saves it', async () => {
    const started = await raw(server, 'POST', '/api/train', JSON.stringify({ model: 'nn', epochs: 50, batchSize: 16, limit: 2000, seed: 2 }), JSON_TYPE);
    assert.equal(started.status, 202);
    let second: Promise<{ status: number; json: () => any }> | null = null;
    const events = await collectEvents(server, (e) => {
      if (e.type === 'batch' && !second) {
        // a second run while this one trains is refused; then this one is stopped
        second = raw(server, 'POST', '/api/train', JSON.stringify({ model: 'nn', epochs: 1 }), JSON_TYPE);
        void second.then(() => raw(server, 'POST', '/api/train/stop'));
      }
      return e.type === 'done' || e.type === 'error';
    });
    const refused = await second!;
    assert.equal(refused.status, 409);
    assert.match(refused.json().error, /already/);
    const done = events.at(-1)!;
    assert.equal(done.type, 'done');
    assert.equal(done['stopped'], true);
    assert.ok(events.filter((e) => e.type === 'epoch').length < 50);
  });

  it('drops the listener of an SSE client that disconnects, and keeps serving', async () => {
    const url = new URL(server.url);
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve) => {
        const req = request({ host: url.hostname, port: url.port, path: '/api/train/events' }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => undefined);
        req.end();
      });
    }
    for (let i = 0; i < 50 && server.trainer.listenerCount > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(server.trainer.listenerCount, 0);
    assert.equal((await raw(server, 'GET', '/api/models')).status, 200);
  });

  it('reports the batches fit runs: 1,001 samples, 20 % held out, batch 32 make 25 steps', async () => {
    const started = await raw(server, 'POST', '/api/train', JSON.stringify({ model: 'nn', epochs: 1, batchSize: 32, limit: 1001, validationSplit: 0.2, seed: 5 }), JSON_TYPE);
    assert.equal(started.status, 202, started.text);
    const events = await collectEvents(server, (e) => e.type === 'done' || e.type === 'error');
    const start = events.find((e) => e.type === 'start')!;
    assert.equal(start['steps'], 25);
    assert.equal(start['samples'], 800);
    const batches = events.filter((e) => e.type === 'batch');
    assert.equal(batches.at(-1)!['batch'], 25, 'the last batch event is the last step');
    assert.ok(batches.every((b) => b['steps'] === 25));
  });

  it('refuses requests from other sites (403) and JSON bodies that are not application/json (415)', async () => {
    const own = new URL(server.url).host;
    const evil = { origin: 'http://evil.example' };
    const refusals: [string, string, Record<string, string>, string | undefined, number][] = [
      // DNS rebinding: a page at evil.example whose name now points at 127.0.0.1
      ['GET', '/api/models', { host: `evil.example:${new URL(server.url).port}` }, undefined, 403],
      ['GET', '/', { host: 'evil.example' }, undefined, 403],
      ['POST', '/api/train', { ...evil, ...JSON_TYPE }, JSON.stringify({ model: 'nn', epochs: 1 }), 403],
      ['POST', '/api/train', { 'sec-fetch-site': 'cross-site', ...JSON_TYPE }, JSON.stringify({ model: 'nn', epochs: 1 }), 403],
      ['POST', '/api/train', { origin: 'null', ...JSON_TYPE }, JSON.stringify({ model: 'nn', epochs: 1 }), 403],
      // another server on this machine (another port) is another origin
      ['POST', '/api/train', { origin: 'http://127.0.0.1:1', ...JSON_TYPE }, JSON.stringify({ model: 'nn', epochs: 1 }), 403],
      // a form or text/plain POST is what a page elsewhere can send without a preflight
      ['POST', '/api/train', { 'content-type': 'text/plain' }, JSON.stringify({ model: 'nn', epochs: 1 }), 415],
      ['POST', '/api/train', { 'content-type': 'application/x-www-form-urlencoded' }, 'model=nn', 415],
      ['POST', '/api/train/stop', evil, undefined, 403],
      ['POST', '/api/models/group%2Ffirst-nn/report', evil, undefined, 403],
      ['POST', '/api/predict', { ...evil, 'content-type': 'image/jpeg' }, photo.toString('latin1'), 403],
    ];
    for (const [method, path, headers, body, status] of refusals) {
      const r = await raw(server, method, path, body === undefined ? undefined : Buffer.from(body, 'latin1'), headers);
      assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(headers)}: ${r.text}`);
      assert.equal(typeof r.json().error, 'string');
    }
    assert.equal((await raw(server, 'GET', '/api/train')).json().running, false, 'no run was started');
    assert.ok(!readdirSync(join(root, 'runs', 'group', 'first-nn')).includes('report.html'), 'no report was written');
    // the app's own requests: same origin, by IP address or localhost
    for (const host of [own, `localhost:${new URL(server.url).port}`, `[::1]:${new URL(server.url).port}`]) {
      assert.equal((await raw(server, 'GET', '/api/models', undefined, { host })).status, 200, host);
      const predicted = await raw(server, 'POST', '/api/predict', photo, { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin', 'content-type': 'image/jpeg' });
      assert.equal(predicted.status, 200, predicted.text);
    }
  });

  it('answers predictions while a report is written and while a model trains (both off the request thread)', async () => {
    const report = raw(server, 'POST', '/api/models/group%2Ffirst-nn/report');
    let reportDone = false;
    void report.then(() => (reportDone = true));
    const predictions = await Promise.all(Array.from({ length: 5 }, () => raw(server, 'POST', '/api/predict', photo, { 'content-type': 'image/jpeg' })));
    assert.ok(predictions.every((p) => p.status === 200));
    assert.equal(reportDone, false, 'the predictions were answered before the report was written');
    const written = await report;
    assert.equal(written.status, 200, written.text);
    assert.ok(written.json().accuracy >= 0 && written.json().accuracy <= 1);

    const started = await raw(server, 'POST', '/api/train', JSON.stringify({ model: 'cnn', epochs: 1, limit: 3000, seed: 4 }), JSON_TYPE);
    assert.equal(started.status, 202);
    // the run is on its own thread
    for (let i = 0; i < 100 && server.trainer.threadId === null; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(typeof server.trainer.threadId === 'number' && server.trainer.threadId > 0, `training thread ${server.trainer.threadId}`);
    let answered = 0;
    let batchesAfterAnswer = 0;
    const events = collectEvents(server, (e) => {
      if (e.type === 'batch' && answered > 0) batchesAfterAnswer++;
      return e.type === 'done' || e.type === 'error';
    });
    while (answered < 5) {
      const p = await raw(server, 'POST', '/api/predict', photo, { 'content-type': 'image/jpeg' });
      assert.equal(p.status, 200);
      answered++;
    }
    const all = await events;
    assert.equal(all.at(-1)!.type, 'done', JSON.stringify(all.at(-1)));
    assert.ok(batchesAfterAnswer > 0, 'training went on after predictions were answered');
  });

  it('a diverging run is stopped, reported and never offered as a model', async () => {
    const before = (await raw(server, 'GET', '/api/models')).json().models.length;
    const started = await raw(server, 'POST', '/api/train', JSON.stringify({ model: 'nn', epochs: 2, limit: 1000, learningRate: 1e30, seed: 1 }), JSON_TYPE);
    assert.equal(started.status, 202, started.text);
    const events = await collectEvents(server, (e) => e.type === 'done' || e.type === 'error');
    assert.equal(events.at(-1)!.type, 'error');
    assert.match(events.at(-1)!['error'], /^Training diverged at epoch 1, batch \d+: the loss became (NaN|Infinity)\. Nothing was saved/);
    assert.equal((await raw(server, 'GET', '/api/models')).json().models.length, before);
    assert.equal((await raw(server, 'POST', '/api/predict', photo, { 'content-type': 'image/jpeg' })).status, 200);
  });

  it('shows no server paths: model ids and errors are relative to the runs folder', async () => {
    const broken = join(root, 'runs', 'group', 'broken');
    saveModel(buildTutorialModel('nn', { seed: 2 }), broken, { classNames: ['a'] });
    const list = await raw(server, 'GET', '/api/models');
    assert.ok(!list.text.includes(root), list.text);
    assert.ok(list.json().models.some((m: { id: string }) => m.id === 'group/broken'));
    // the newest model is broken: a plain prediction uses the newest one that loads
    const plain = await raw(server, 'POST', '/api/predict', photo, { 'content-type': 'image/jpeg' });
    assert.equal(plain.status, 200, plain.text);
    assert.notEqual(plain.json().model, 'group/broken');
    const named = await raw(server, 'POST', '/api/predict?model=group%2Fbroken', photo, { 'content-type': 'image/jpeg' });
    assert.equal(named.status, 400);
    assert.equal(named.json().error, 'group/broken/model.json: userDefinedMetadata.tegaki.classNames names 1 class, but the model has 10 outputs.');
    const report = await raw(server, 'POST', '/api/models/group%2Fbroken/report');
    assert.equal(report.status, 422);
    assert.ok(!report.text.includes(root), report.text);
    rmSync(broken, { recursive: true, force: true });
  });
});

describe('tegaki serve: what clients never see', () => {
  it('a request target that is not a path is a 400, not a crash', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tegaki-target-'));
    const server = await startServer({ runsDir: join(root, 'runs'), webDir: root, port: 0 });
    try {
      const url = new URL(server.url);
      const reply = await new Promise<string>((resolve) => {
        const socket = connect(Number(url.port), url.hostname, () => socket.write(`GET http://[ HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`));
        let text = '';
        socket.on('data', (c) => (text += c.toString()));
        socket.on('close', () => resolve(text));
        socket.on('error', () => resolve(text));
      });
      assert.match(reply, /^HTTP\/1\.1 400 /);
      assert.equal((await raw(server, 'GET', '/api/models')).status, 200, 'still serving');
    } finally {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('errors of a training run name no server paths', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tegaki-runsfile-'));
    // runs "folder" that is a file: the run cannot create its folder
    writeFileSync(join(root, 'runs'), '');
    const server = await startServer({ runsDir: join(root, 'runs'), webDir: root, port: 0 });
    try {
      const started = await raw(server, 'POST', '/api/train', JSON.stringify({ model: 'nn', epochs: 1, limit: 100 }), JSON_TYPE);
      assert.equal(started.status, 202, started.text);
      const events = await collectEvents(server, (e) => e.type === 'done' || e.type === 'error');
      assert.equal(events.at(-1)!.type, 'error');
      assert.match(events.at(-1)!['error'], /cannot create the output folder/);
      assert.ok(!JSON.stringify(events).includes(root), JSON.stringify(events.at(-1)));
      assert.ok(!(await raw(server, 'GET', '/api/train')).text.includes(root));
    } finally {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reports queued when the server closes are never started', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tegaki-reports-'));
    const dirs = ['a', 'b', 'c'].map((name) => join(root, 'runs', name));
    for (const dir of dirs) saveModel(buildTutorialModel('nn', { seed: 1 }), dir, { classNames: [...'0123456789'] });
    const server = await startServer({ runsDir: join(root, 'runs'), webDir: root, port: 0 });
    const writes = dirs.map((dir) => server.reports.write(dir, dir.slice(root.length)).catch((e: Error) => e));
    await server.close();
    const outcomes = await Promise.all(writes);
    assert.ok(outcomes.slice(1).every((o) => o instanceof Error && /shutting down/.test(o.message)), outcomes.map(String).join(', '));
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(!dirs.slice(1).some((dir) => readdirSync(dir).includes('report.html')), 'no report written after close');
    rmSync(root, { recursive: true, force: true });
  });
});

describe('tegaki serve: the server process', () => {
  it('logs nothing for uploads its clients abort, and keeps serving', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tegaki-serve-'));
    // a model to predict with, so that uploads are read
    saveModel(buildTutorialModel('nn', { seed: 1 }), join(root, 'runs', 'nn'), { classNames: [...'0123456789'] });
    const serve = startCli(['serve', '--port', '0', '--runs', join(root, 'runs')]);
    try {
      await serve.waitFor(/tegaki web app: (http:\S+)/);
      const url = new URL(/tegaki web app: (http:\S+)/.exec(serve.stdout())![1]!);
      for (let i = 0; i < 5; i++) {
        await new Promise<void>((resolve) => {
          const socket = connect(Number(url.port), url.hostname, () => {
            socket.write(`POST /api/predict HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: image/png\r\nContent-Length: 100000\r\n\r\n`);
            socket.write(Buffer.alloc(5000, 1), () => setTimeout(() => (socket.destroy(), resolve()), 30));
          });
          socket.on('error', () => resolve());
        });
      }
      const models = await fetch(new URL('/api/models', url));
      assert.equal(models.status, 200);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(serve.stderr(), '', 'nothing logged for aborted uploads');
    } finally {
      serve.child.kill('SIGINT');
      await serve.exited;
      rmSync(root, { recursive: true, force: true });
    }
  });
});
