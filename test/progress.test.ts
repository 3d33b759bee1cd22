// The Keras progress bar text, while running and at the end of an epoch.

import assert from 'node:assert/strict';
import test from 'node:test';
import { formatDuration, formatProgress, ProgressBar } from '../src/model/progress.js';

test('running: arrow, ETA and running values', () => {
  const line = formatProgress({ current: 469, target: 938, elapsed: 10, values: [['loss', 0.25], ['accuracy', 0.9]] });
  assert.equal(line, `469/938 [${'='.repeat(14)}>${'.'.repeat(15)}] - ETA: 10s - loss: 0.2500 - accuracy: 0.9000`);
  assert.equal(formatProgress({ current: 1, target: 938, elapsed: 0.1, values: [] }), `  1/938 [${'.'.repeat(30)}] - ETA: 1:34`);
});

test('finished: full bar, elapsed time and time per step', () => {
  const line = formatProgress({ current: 938, target: 938, elapsed: 13.2, values: [['loss', 0.1234], ['val_loss', 0.00005]] });
  assert.equal(line, `938/938 [${'='.repeat(30)}] - 13s 14ms/step - loss: 0.1234 - val_loss: 5.0000e-5`);
  assert.equal(formatDuration(3725), '1:02:05');
});

test('on a terminal the bar redraws in place; elsewhere only the final line is written', () => {
  const tty: string[] = [];
  const bar = new ProgressBar(2, { isTTY: true, write: (t) => tty.push(t) }, 0);
  bar.update(1, [['loss', 1]]);
  bar.update(2, [['loss', 0.5]], true);
  assert.ok(tty[0]!.startsWith('\r1/2 [') && tty.at(-1) === '\n');
  const log: string[] = [];
  const plain = new ProgressBar(2, { isTTY: false, write: (t) => log.push(t) });
  plain.update(1, [['loss', 1]]);
  plain.update(2, [['loss', 0.5]], true);
  assert.equal(log.length, 1);
  assert.match(log[0]!, /^2\/2 \[=+\] - \d+s \d+(us|ms)\/step - loss: 0\.5000\n$/);
});
