// Load test of POST /api/predict on loopback: a fixed number of requests from a few concurrent
// clients, capped in time, against a server started in this process. Prints throughput and
// latency percentiles and writes them into bench/results.md under "Web server".
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

function post() {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/api/predict', headers: { 'content-type': 'image/png', 'content-length': photo.length } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - start) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(photo);
  });
}

for (let i = 0; i < 10; i++) await post(); // warm up: model load, JIT
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
await server.close();
rmSync(root, { recursive: true, force: true });

latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
const rps = latencies.length / seconds;
const backend = getBackend().name ?? (process.env.TEGAKI_BACKEND || 'default');
const lines = [
  `${latencies.length} requests (${concurrency} concurrent clients) of a 280×280 PNG to POST /api/predict, CNN model, ${backend} backend, ${cpus().length} CPUs, Node ${process.version}:`,
  '',
  '| throughput | p50 | p90 | p99 | max |',
  '|---:|---:|---:|---:|---:|',
  `| ${rps.toFixed(0)} req/s | ${pct(50).toFixed(1)} ms | ${pct(90).toFixed(1)} ms | ${pct(99).toFixed(1)} ms | ${latencies.at(-1).toFixed(1)} ms |`,
];
console.log(lines.join('\n'));

// replace only this section of results.md; the rest belongs to the other benchmarks
const resultsFile = new URL('results.md', import.meta.url);
const section = ['## Web server', '', 'Measured with `npm run bench:serve` (bench/serve-load.mjs) on loopback.', '', ...lines, ''].join('\n');
const old = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '# Benchmarks\n';
const pattern = /## Web server\n[\s\S]*?(?=\n## |$)/;
const updated = pattern.test(old) ? old.replace(pattern, section) : `${old.replace(/\n*$/, '\n\n')}${section}`;
writeFileSync(resultsFile, updated);
