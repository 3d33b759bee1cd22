// Your own images: MNIST-style preprocessing, predicting digit photos, training on a folder of
// classes, and every kind of bad input.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'node:test';
import sharp from 'sharp';
import { datasets, getBackend, Random } from '../src/node.js';
import { centreOfMass, inkBox, preprocessDigit, type GrayImage } from '../src/data/digits.js';
import { decodeGray } from '../src/data/images.js';
import { digitPhoto } from './helpers/photos.js';
import { writeShapes } from './helpers/shapes.js';

const cli = fileURLToPath(new URL('../src/main.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
const temp = (name: string) => mkdtempSync(join(tmpdir(), `tegaki-${name}-`));

/** A light page with a dark bar: `w`×`h` ink at (x, y) on a `W`×`H` page. */
function page(W: number, H: number, x: number, y: number, w: number, h: number): GrayImage {
  const data = new Float32Array(W * H).fill(0.9);
  for (let j = y; j < y + h; j++) for (let i = x; i < x + w; i++) data[j * W + i] = 0.1;
  return { width: W, height: H, data };
}

test('preprocessing: dark ink on light paper comes out white on black, cropped, aspect kept, centred by mass', () => {
  const digit = preprocessDigit(page(200, 160, 20, 30, 12, 90))!;
  assert.equal(digit.width, 28);
  assert.equal(digit.height, 28);
  const box = inkBox(digit, 0.3)!;
  // a 12×90 bar fitted into 20×20 keeps its 2:15 aspect: 20 tall, about 3 wide (after stroke thickening)
  assert.equal(box.y1 - box.y0, 20);
  assert.ok(box.x1 - box.x0 >= 2 && box.x1 - box.x0 <= 5, `width ${box.x1 - box.x0}`);
  const [cx, cy] = centreOfMass(digit);
  assert.ok(Math.abs(cx - 14) <= 0.5 && Math.abs(cy - 14) <= 0.5, `centre of mass (${cx}, ${cy})`);
  assert.equal(digit.data[0], 0, 'background is black');
  // already white-on-black input is not inverted
  const inverted = { ...page(100, 100, 30, 30, 40, 10), data: page(100, 100, 30, 30, 40, 10).data.map((v) => 1 - v) };
  const same = preprocessDigit(inverted)!;
  assert.equal(inkBox(same, 0.3)!.x1 - inkBox(same, 0.3)!.x0, 20, 'a wide bar fills the box across');
  assert.equal(preprocessDigit({ width: 50, height: 50, data: new Float32Array(2500).fill(0.8) }), null, 'a blank page has no digit');
});

test('preprocessing: uneven light and noise do not become ink', () => {
  const W = 240, H = 200;
  const rng = new Random(3);
  const img = page(W, H, 150, 40, 14, 110);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) img.data[y * W + x] = img.data[y * W + x]! * (1 - 0.5 * (x / W)) + 0.04 * rng.normal();
  const digit = preprocessDigit(img)!;
  const box = inkBox(digit, 0.3)!;
  assert.equal(box.y1 - box.y0, 20);
  assert.ok(box.x1 - box.x0 <= 6, `only the bar is ink (width ${box.x1 - box.x0})`);
});

async function trainedCnn(dir: string, epochs: number, limit: number): Promise<string> {
  const r = run('train', '--model', 'cnn', '--epochs', String(epochs), '--limit', String(limit), '--seed', '1', '--out', dir);
  assert.equal(r.status, 0, r.stderr);
  return dir;
}

async function photoAccuracy(model: string, count: number): Promise<{ accuracy: number; failures: string }> {
  const mnist = datasets.mnist.load();
  const dir = temp('photos');
  const rng = new Random(42);
  const truth: number[] = [];
  for (let i = 0; i < count; i++) {
    const index = 5000 + i; // test digits the model never trained on
    writeFileSync(join(dir, `photo-${String(i).padStart(3, '0')}.jpg`), await digitPhoto(mnist.test.images.pixels.subarray(index * 784, (index + 1) * 784), rng));
    truth.push(mnist.test.labels.classes[index]!);
  }
  const r = run('predict', '--model', model, dir, '--json');
  assert.equal(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as { file: string; predictions: { class: string }[] }[];
  const wrong = rows.filter((row, i) => row.predictions[0]!.class !== String(truth[i]));
  return { accuracy: 1 - wrong.length / count, failures: wrong.map((w) => w.file).join(', ') };
}

test('predict: a quickly trained CNN reads photo-like digits (JPEG, tinted paper, uneven light, 80–400 px)', async () => {
  const model = await trainedCnn(join(temp('model'), 'cnn'), 1, 8000);
  const { accuracy, failures } = await photoAccuracy(model, 60);
  assert.ok(accuracy >= 0.9, `accuracy ${accuracy}; wrong: ${failures}`);
});

test('predict: the 5-epoch tutorial CNN reads photo-like digits at ≥ 97 %', { skip: getBackend() !== 'native' && 'needs the native backend to train the 5-epoch CNN within test time' }, async () => {
  const model = await trainedCnn(join(temp('model'), 'cnn5'), 5, 60000);
  const { accuracy, failures } = await photoAccuracy(model, 150);
  assert.ok(accuracy >= 0.97, `accuracy ${accuracy}; wrong: ${failures}`);
});

test('a folder of your own classes trains, saves and predicts', () => {
  const data = temp('shapes');
  writeShapes(data, 100);
  const out = join(temp('shapes-model'), 'm');
  const r = run('train', '--data', data, '--model', 'cnn', '--epochs', '12', '--batch-size', '16', '--learning-rate', '0.003', '--seed', '3', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Training the tutorial CNN on .* \(seed 3\)/);
  const accuracy = Number(/Test accuracy: ([\d.]+)/.exec(r.stdout)?.[1]);
  assert.ok(accuracy >= 0.9, `held-out accuracy ${accuracy}`);
  const p = run('predict', '--model', out, join(data, 'circle', 'circle-0.jpg'), join(data, 'triangle', 'triangle-1.png'), '--json');
  assert.equal(p.status, 0, p.stderr);
  const rows = JSON.parse(p.stdout) as { predictions: { class: string }[] }[];
  assert.deepEqual(rows.map((row) => row.predictions[0]!.class), ['circle', 'triangle']);
  const summary = run('summary', '--model', out);
  assert.match(summary.stdout, /Classes: circle, square, triangle/);
});

test('bad input: one clear line per problem, the other files still classified, non-zero exit', async () => {
  const model = join(temp('model'), 'nn');
  assert.equal(run('train', '--model', 'nn', '--epochs', '1', '--limit', '500', '--seed', '1', '--out', model).status, 0);
  const dir = temp('bad');
  writeFileSync(join(dir, 'notes.png'), 'this is text, not a picture');
  writeFileSync(join(dir, 'cut.jpg'), (await sharp({ create: { width: 64, height: 64, channels: 3, background: '#eeeeee' } }).jpeg().toBuffer()).subarray(0, 200));
  // 8000×8000 of one colour: a few kilobytes of PNG that would decode to 192 MB
  writeFileSync(join(dir, 'bomb.png'), await sharp({ create: { width: 8000, height: 8000, channels: 3, background: '#ffffff' } }).png().toBuffer());
  const mnist = datasets.mnist.load();
  writeFileSync(join(dir, 'seven.jpg'), await digitPhoto(mnist.test.images.pixels.subarray(0, 784), new Random(1), { digitSize: 120 }));
  const r = run('predict', '--model', model, dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bomb\.png: image is larger than 40 megapixels; refused\./);
  assert.match(r.stderr, /notes\.png: not a readable image/);
  assert.match(r.stderr, /cut\.jpg: /);
  assert.equal(r.stderr.trim().split('\n').length, 3, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.match(r.stdout, /seven\.jpg\s+7 /);

  const classes = temp('classes');
  mkdirSync(join(classes, 'only'));
  writeFileSync(join(classes, 'only', 'a.png'), await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer());
  assert.match(run('train', '--data', classes).stderr, /only one class folder \(only\); a classifier needs at least two/);
  mkdirSync(join(classes, 'empty'));
  assert.match(run('train', '--data', classes).stderr, /empty: class folder has no images/);
  assert.match(run('train', '--data', join(classes, 'missing')).stderr, /missing: no such dataset/);
  // mixed sizes and modes (gray PNG, RGBA PNG, RGB JPEG) are all resized and converted
  const mixed = temp('mixed');
  for (const [name, w, channels] of [['a', 30, 1], ['b', 50, 4], ['c', 17, 3]] as const) {
    for (const cls of ['x', 'y']) {
      mkdirSync(join(mixed, cls), { recursive: true });
      const image = sharp({ create: { width: w, height: w + 5, channels: channels === 1 ? 3 : channels, background: cls === 'x' ? '#202020' : '#e0e0e0' } });
      writeFileSync(join(mixed, cls, `${name}.${channels === 3 ? 'jpg' : 'png'}`), await (channels === 1 ? image.greyscale().png() : channels === 3 ? image.jpeg() : image.png()).toBuffer());
    }
  }
  const loaded = await import('../src/data/folders.js').then((m) => m.imageDatasetFromDirectory(mixed, { validationSplit: 0 }));
  assert.equal(loaded.train.images.length, 6);
  assert.deepEqual(loaded.train.images.sampleShape, [28, 28, 1]);
  const decoded = await decodeGray(join(mixed, 'x', 'b.png'));
  assert.ok(decoded.width <= 512);
});
