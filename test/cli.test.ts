// The tegaki command: a short real training run, and one-line errors with the right exit status.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'node:test';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

test('tegaki train prints the summary, an epoch bar and the test metrics', () => {
  const r = run('train', '--model', 'nn', '--epochs', '1', '--limit', '2000', '--seed', '4');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Total params: 50,890/);
  assert.match(r.stdout, /Epoch 1\/1\n32\/32 \[={30}\] - \d+s \d+ms\/step - loss: [\d.]+ - accuracy: [\d.]+/);
  const accuracy = Number(/Test accuracy: ([\d.]+)/.exec(r.stdout)?.[1]);
  assert.match(r.stdout, /Test loss: [\d.]+/);
  assert.ok(accuracy > 0.7, `test accuracy ${accuracy}`);
});

test('the same seed gives the same test accuracy twice', () => {
  const args = ['train', '--model', 'nn', '--epochs', '1', '--limit', '1000', '--seed', '9'];
  const accuracy = (out: string) => /Test loss: .*\nTest accuracy: .*/.exec(out)?.[0];
  const [a, b] = [run(...args), run(...args)];
  assert.ok(accuracy(a.stdout));
  assert.equal(accuracy(a.stdout), accuracy(b.stdout));
});

test('user mistakes: one line on stderr, no stack trace, non-zero exit', () => {
  const cases: [string[], number, RegExp][] = [
    [['train', '--model', 'rnn'], 2, /^tegaki: --model expects one of nn, cnn, received 'rnn'\. See 'tegaki train --help'\.\n$/],
    [['train', '--epochs', '0'], 2, /--epochs expects an integer ≥ 1, received '0'/],
    [['train', '--learning-rate', 'fast'], 2, /--learning-rate expects a positive number, received 'fast'/],
    [['train', '--bogus'], 2, /Unknown option '--bogus'/],
    [['fly'], 2, /unknown command 'fly'/],
    [['train', '--backend', 'gpu', '--model', 'nn'], 1, /^tegaki: error: Unknown backend 'gpu'/],
  ];
  for (const [args, status, message] of cases) {
    const r = run(...args);
    assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  assert.match(run('--help').stdout, /Commands:\n\s+train/);
  assert.match(run('train', '--help').stdout, /--batch-size N/);
});
