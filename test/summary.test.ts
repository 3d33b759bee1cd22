// summary(): the Keras 2 table of both tutorial models, line by line.

import assert from 'node:assert/strict';
import test from 'node:test';
import { buildTutorialModel } from '../src/node.js';

test('NN summary: layout, shapes and 50,890 parameters', () => {
  const text = buildTutorialModel('nn', { seed: 0 }).summary(() => {});
  const lines = text.split('\n');
  assert.equal(lines[0], 'Model: "sequential"');
  assert.equal(lines[1], '_'.repeat(65));
  assert.equal(lines[2].trimEnd(), 'Layer (type)                 Output Shape              Param #');
  assert.equal(lines[3], '='.repeat(65));
  assert.equal(lines[4].trimEnd(), 'dense (Dense)                (None, 64)                50240');
  assert.equal(lines[5], '_'.repeat(65));
  assert.equal(lines[6].trimEnd(), 'dense_1 (Dense)              (None, 10)                650');
  assert.equal(lines[7], '='.repeat(65));
  assert.deepEqual(lines.slice(8), ['Total params: 50,890', 'Trainable params: 50,890', 'Non-trainable params: 0', '_'.repeat(65)]);
  for (const line of lines) assert.ok(line.length <= 65, `line longer than 65 columns: ${line}`);
});

test('CNN summary: output shapes of every layer and 93,322 parameters', () => {
  const model = buildTutorialModel('cnn', { seed: 0 });
  const rows = model
    .summary(() => {})
    .split('\n')
    .filter((l) => l.includes('(None'))
    .map((l) => l.trimEnd().split(/\s{2,}|\s(?=\(None)/));
  assert.deepEqual(rows, [
    ['conv2d (Conv2D)', '(None, 26, 26, 32)', '320'],
    ['max_pooling2d (MaxPooling2D)', '(None, 13, 13, 32)', '0'],
    ['conv2d_1 (Conv2D)', '(None, 11, 11, 64)', '18496'],
    // Keras 2 cuts the first column at 29 characters
    ['max_pooling2d_1 (MaxPooling2', '(None, 5, 5, 64)', '0'],
    ['conv2d_2 (Conv2D)', '(None, 3, 3, 64)', '36928'],
    ['flatten (Flatten)', '(None, 576)', '0'],
    ['dense (Dense)', '(None, 64)', '36928'],
    ['dense_1 (Dense)', '(None, 10)', '650'],
  ]);
  assert.equal(model.countParams(), 93322);
  assert.match(model.summary(() => {}), /Total params: 93,322\nTrainable params: 93,322\nNon-trainable params: 0/);
});
