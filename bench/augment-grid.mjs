// Writes a PNG grid of MNIST digits before and after each augmentation layer (one row per layer),
// to see that rotations turn about the centre and that each fill mode fills as it should.
// Usage: npm run build && node bench/augment-grid.mjs [out.png]   (default bench/augment-grid.png)

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = (p) => pathToFileURL(join(here, '..', 'dist', 'src', p)).href;
const t = await import(dist('node.js'));
const { imageGrid } = await import(dist('report/grid.js'));

const COUNT = 10;
const mnist = t.datasets.mnist.load();
const images = new t.Tensor([COUNT, 28, 28, 1], Float32Array.from(mnist.train.images.pixels.subarray(0, COUNT * 784), (v) => v / 255));

const rows = [
  ['original', null],
  ['rotation 0.15, reflect', t.layers.randomRotation({ factor: 0.15, seed: 1 })],
  ['rotation 0.25, constant 0.3', t.layers.randomRotation({ factor: 0.25, fillMode: 'constant', fillValue: 0.3, seed: 2 })],
  ['translation 0.3, wrap', t.layers.randomTranslation({ heightFactor: 0.3, widthFactor: 0.3, fillMode: 'wrap', seed: 3 })],
  ['translation 0.3, nearest', t.layers.randomTranslation({ heightFactor: 0.3, widthFactor: 0.3, fillMode: 'nearest', seed: 4 })],
  ['zoom ±0.4, reflect', t.layers.randomZoom({ heightFactor: 0.4, seed: 5 })],
  ['flip both ways', t.layers.randomFlip({ seed: 6 })],
  ['contrast 0.8', t.layers.randomContrast({ factor: 0.8, valueRange: [0, 1], seed: 7 })],
  ['bench trio', [t.layers.randomRotation({ factor: 0.05, seed: 8 }), t.layers.randomTranslation({ heightFactor: 0.1, widthFactor: 0.1, seed: 9 }), t.layers.randomZoom({ heightFactor: 0.1, seed: 10 })]],
];

const cells = [];
for (const [label, layer] of rows) {
  let x = images;
  for (const l of layer === null ? [] : Array.isArray(layer) ? layer : [layer]) {
    l.buildFor([28, 28, 1], new t.Random(1));
    x = l.forward(x, { training: true, rng: new t.Random(1) }).clone();
  }
  for (let i = 0; i < COUNT; i++) cells.push({ pixels: x.f32.slice(i * 784, (i + 1) * 784), caption: i === 0 ? label : '', color: '#333333' });
}
const out = process.argv[2] ?? join(here, 'augment-grid.png');
writeFileSync(out, imageGrid(cells, [28, 28, 1], { cols: COUNT, scale: 3, title: 'tegaki augmentation layers on MNIST (training mode)' }).png);
console.log(`wrote ${out}`);
