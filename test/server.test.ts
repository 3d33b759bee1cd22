// The web server's API and its safety: size and type limits, JSON errors, one training at a time,
// no path traversal, and SSE clients that leave without leaking listeners.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadMnist } from '../src/data/mnist.js';
import { Random } from '../src/node.js';
import { saveModel } from '../src/model/files.js';
import { buildTutorialModel } from '../src/model/tutorial.js';
import { startServer, type RunningServer } from '../src/server/app.js';
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
});
