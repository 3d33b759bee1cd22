// The tegaki command: a short real training run, and one-line errors with the right exit status.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'node:test';
import { loadModel } from '../src/node.js';

const cli = fileURLToPath(new URL('../src/main.js', import.meta.url));
const tempOut = () => mkdtempSync(join(tmpdir(), 'tegaki-run-'));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

test('tegaki train prints the summary, an epoch bar and the test metrics', () => {
  const r = run('train', '--model', 'nn', '--epochs', '1', '--limit', '2000', '--seed', '4', '--out', tempOut());
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Total params: 50,890/);
  assert.match(r.stdout, /Epoch 1\/1\n32\/32 \[={30}\] - \d+s \d+(ms|us)\/step - loss: [\d.]+ - acc: [\d.]+/);
  const accuracy = Number(/Test accuracy: ([\d.]+)/.exec(r.stdout)?.[1]);
  assert.match(r.stdout, /Test loss: [\d.]+/);
  assert.ok(accuracy > 0.7, `test accuracy ${accuracy}`);
});

test('the same seed gives the same test accuracy twice', () => {
  const args = ['train', '--model', 'nn', '--epochs', '1', '--limit', '1000', '--seed', '9', '--out', tempOut()];
  const accuracy = (out: string) => /Test loss: .*\nTest accuracy: .*/.exec(out)?.[0];
  const [a, b] = [run(...args), run(...args)];
  assert.ok(accuracy(a.stdout));
  assert.equal(accuracy(a.stdout), accuracy(b.stdout));
});

test('user mistakes: one line on stderr, no stack trace, non-zero exit', () => {
  const cases: [string[], number, RegExp][] = [
    [['train', '--model', 'rnn'], 2, /^tegaki: --model expects one of nn, cnn, cnn-plus, received 'rnn'\. See 'tegaki train --help'\.\n$/],
    [['train', '--schedule', 'linear'], 2, /--schedule expects one of constant, cosine, step, received 'linear'/],
    [['train', '--augment', 'maybe'], 2, /--augment expects on or off, received 'maybe'/],
    [['train', '--optimizer', 'lion'], 2, /--optimizer expects one of sgd, .*adamw, nadam, received 'lion'/],
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

test('Ctrl-C saves a backup, --resume finishes the run with the weights of an uninterrupted one', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tegaki-cli-'));
  // enough steps per epoch that the signal, sent when epoch 2 starts, lands before the run ends
  const settings = ['--model', 'nn', '--epochs', '4', '--limit', '20000', '--seed', '8'];
  const straight = run('train', ...settings, '--out', join(root, 'straight'));
  assert.equal(straight.status, 0, straight.stderr);

  const stopped = join(root, 'stopped');
  const child = spawn(process.execPath, [cli, 'train', ...settings, '--out', stopped], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.includes('Epoch 2/4') && !child.killed) child.kill('SIGINT');
  });
  const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  assert.equal(status, 130, stdout);
  // the signal is asynchronous: the run stops in epoch 2 or, on a fast machine, a later one
  const interrupted = /Interrupted at epoch ([23])\/4, batch \d+\. Backup saved in .*\nResume with: tegaki train --resume .*stopped\n$/.exec(stdout);
  assert.ok(interrupted, stdout);

  // a new run into the folder would overwrite the backup: refused
  const fresh = run('train', ...settings, '--out', stopped);
  assert.equal(fresh.status, 1);
  assert.match(fresh.stderr, /holds the backup of an unfinished run; resume it with tegaki train --resume .*stopped/);

  const resumed = run('train', '--resume', stopped);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stdout, new RegExp(`^Resuming .*stopped at epoch ${interrupted[1]}/4, batch \\d+ \\(NN, seed 8\\)\\.`));
  assert.match(resumed.stdout, /Test accuracy: /);
  const weights = (dir: string) => loadModel(dir).getWeights().flatMap((w) => [...w.f32]);
  assert.deepEqual(weights(stopped), weights(join(root, 'straight')));
  assert.equal(/Test accuracy: .*/.exec(resumed.stdout)?.[0], /Test accuracy: .*/.exec(straight.stdout)?.[0]);

  const again = run('train', '--resume', stopped);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /no backup to resume from/);
  const summary = run('summary', '--model', join(root, 'straight'));
  assert.equal(summary.status, 0, summary.stderr);
  assert.match(summary.stdout, /Total params: 50,890[\s\S]*Classes: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9\nTrained on: MNIST \(seed 8\)\nTest loss: [\d.]+  Test accuracy: [\d.]+/);
});

/** TF.js' tf.loadLayersModel reads the saved model in dir and predicts 50 test digits as tegaki does (1e-5). */
async function assertTfjsPredictsTheSame(dir: string): Promise<void> {
  const { datasets } = await import('../src/node.js');
  const { serveFolder, tfjs } = await import('./helpers/tfjs.js');
  const images = datasets.mnist.load().test.images.toTensor(0, 50);
  const ours = loadModel(dir).predict(images);
  const tf = await tfjs();
  const theirs = await serveFolder(dir, (base) => tf.loadLayersModel(`${base}/model.json`));
  const predicted = (theirs.predict(tf.tensor(images.f32, [50, 28, 28, 1])) as import('@tensorflow/tfjs').Tensor).dataSync();
  let diff = 0;
  for (let i = 0; i < predicted.length; i++) diff = Math.max(diff, Math.abs(predicted[i]! - ours.f32[i]!));
  assert.ok(diff <= 1e-5, `max abs difference ${diff}`);
}

test('cnn-plus trains by its recipe and saves the model without its augmentation layers, which TF.js loads and predicts the same', async () => {
  const dir = tempOut();
  const r = run('train', '--model', 'cnn-plus', '--epochs', '1', '--limit', '512', '--seed', '3', '--out', dir);
  assert.equal(r.status, 0, r.stderr);
  // trained with augmentation in front, by the recipe's batch of 128
  assert.match(r.stdout, /random_rotation \(RandomRotat/);
  assert.match(r.stdout, /batch_normalization \(Batch/);
  assert.match(r.stdout, /Epoch 1\/1\n4\/4 \[/);
  const model = loadModel(dir);
  assert.deepEqual(model.layers.filter((l) => l.className.startsWith('Random')), []);
  const training = model.metadata?.['training'] as Record<string, unknown>;
  assert.deepEqual([training['optimizer'], training['schedule'], training['augment'], training['batchSize']], ['adamw', 'cosine', true, 128]);
  await assertTfjsPredictsTheSame(dir);
  // augmentation needs images
  const nn = run('train', '--model', 'nn', '--augment', 'on', '--limit', '64', '--out', tempOut());
  assert.equal(nn.status, 1);
  assert.match(nn.stderr, /augment works on images/);
});

test('a CNN trained by `tegaki train` loads in TF.js with tf.loadLayersModel and predicts the same', async () => {
  const dir = tempOut();
  const r = run('train', '--model', 'cnn', '--epochs', '1', '--limit', '640', '--seed', '2', '--out', dir);
  assert.equal(r.status, 0, r.stderr);
  await assertTfjsPredictsTheSame(dir);
});
