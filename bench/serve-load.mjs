// Load test of POST /api/predict on loopback: a fixed number of requests from a few concurrent
// clients, capped in time, against a server started in this process — once with the server idle,
// once while it trains the tutorial CNN on all of MNIST (training runs on a worker thread, so
// predictions should keep their latency). Prints throughput and latency percentiles and writes
// them into bench/results.md under "Web server".
// Run after `npm run build`: npm run bench:serve [-- --requests N --concurrency C]

import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '400' }, concurrency: { type: 'string', default: '4' }, seconds: { type: 'string', default: '60' } } });
const total = Number(values.requests);
const concurrency = Number(values.concurrency);
const capMs = Number(values.seconds) * 1000;

const dist = new URL('../dist/', import.meta.url);
const { startServer } = await import(new URL('src/server/app.js', dist));
const { buildTutorialModel } = await import(new URL('src/model/tutorial.js', dist));
const { saveModel } = await import(new URL('src/model/files.js', dist));
const { loadMnist } = await import(new URL('src/data/mnist.js', dist));
const { getBackend } = await import(new URL('src/backend/select.js', dist));
const sharp = (await import('sharp')).default;

const root = mkdtempSync(join(tmpdir(), 'tegaki-serve-bench-'));
// weights do not change the cost of a prediction: an untrained CNN is as slow as a trained one
saveModel(buildTutorialModel('cnn', { seed: 1 }), join(root, 'runs', 'cnn'), { classNames: [...'0123456789'] });
const digit = loadMnist().test.images.pixels.subarray(0, 784);
// a 280×280 dark-on-light PNG, a typical upload after the browser's own resizing
const photo = await sharp(Buffer.from(digit.map((v) => 255 - v)), { raw: { width: 28, height: 28, channels: 1 } }).resize(280, 280).png().toBuffer();
const server = await startServer({ runsDir: join(root, 'runs'), port: 0 });
const url = new URL(server.url);

function call(method, path, body, type) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const headers = body ? { 'content-type': type, 'content-length': body.length } : {};
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => (res.statusCode < 300 ? resolve({ ms: performance.now() - start, body: Buffer.concat(chunks).toString('utf8') }) : reject(new Error(`${path}: status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const post = async () => (await call('POST', '/api/predict', photo, 'image/png')).ms;

/** One load run: `total` requests from `concurrency` clients; the table row of its latencies. */
async function measure(label) {
  const latencies = [];
  let next = 0;
  const t0 = performance.now();
  async function client() {
    while (next < total && performance.now() - t0 < capMs) {
      next++;
      latencies.push(await post());
    }
  }
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  const row = `| ${label} | ${latencies.length} | ${(latencies.length / seconds).toFixed(0)} req/s | ${pct(50).toFixed(1)} ms | ${pct(90).toFixed(1)} ms | ${pct(99).toFixed(1)} ms | ${latencies.at(-1).toFixed(1)} ms |`;
  console.log(row);
  return row;
}

const trainState = async () => JSON.parse((await call('GET', '/api/train')).body);

for (let i = 0; i < 10; i++) await post(); // warm up: model load, JIT
const idle = await measure('idle');
// the tutorial CNN on all 60,000 images, long enough to outlast the load run
await call('POST', '/api/train', Buffer.from(JSON.stringify({ model: 'cnn', epochs: 5, seed: 1 })), 'application/json');
while (!(await trainState()).events.some((e) => e.type === 'batch')) await new Promise((r) => setTimeout(r, 100));
const training = await measure('while a CNN trains');
const stillTraining = (await trainState()).running;
await call('POST', '/api/train/stop');
while ((await trainState()).running) await new Promise((r) => setTimeout(r, 200));
await server.close();
rmSync(root, { recursive: true, force: true });
if (!stillTraining) console.log('warning: the training ended before the load run did; raise --requests or lower the load');

const backend = getBackend().name ?? (process.env.TEGAKI_BACKEND || 'default');
const lines = [
  `${total} requests (${concurrency} concurrent clients) of a 280×280 PNG to POST /api/predict, CNN model, ${backend} backend, ${cpus().length} CPUs, Node ${process.version}; then the same while the server trains the tutorial CNN on MNIST (on its worker thread, sharing the cores):`,
  '',
  '| server | requests | throughput | p50 | p90 | p99 | max |',
  '|---|---:|---:|---:|---:|---:|---:|',
  idle,
  training,
];
console.log(lines.join('\n'));

// replace only this section of results.md; the rest belongs to the other benchmarks
const resultsFile = new URL('results.md', import.meta.url);
const section = ['## Web server', '', 'Measured with `npm run bench:serve` (bench/serve-load.mjs) on loopback.', '', ...lines, ''].join('\n');
const old = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '# Benchmarks\n';
const pattern = /## Web server\n[\s\S]*?(?=\n## |$)/;
const updated = pattern.test(old) ? old.replace(pattern, section) : `${old.replace(/\n*$/, '\n\n')}${section}`;
writeFileSync(resultsFile, updated);
