// Nothing lost: real `tegaki train` processes interrupted (Ctrl-C) or killed (SIGKILL) at real
// moments, given unusable output folders, full and read-only disks, and a learning rate that makes
// the loss diverge. At every moment the run folder holds a loadable model or a resumable backup,
// and what the command says is what is on disk.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'node:test';
import { loadModel, readBackup } from '../src/node.js';
import { runCli, startCli, tempDir } from './helpers/cli.js';
import { mountTmpfs } from './helpers/tmpfs.js';

const pauseAt = fileURLToPath(new URL('./fixtures/pause-at.js', import.meta.url));
const SETTINGS = ['--model', 'nn', '--epochs', '2', '--limit', '3000', '--batch-size', '32', '--seed', '3'];
const weights = (dir: string): number[] => loadModel(dir).getWeights().flatMap((w) => [...w.f32]);

// the run every interrupted one must end up equal to
const reference = tempDir('reference');
const straight = runCli(['train', ...SETTINGS, '--out', reference]);
const referenceWeights = straight.status === 0 ? weights(reference) : [];

const oneLine = (stderr: string): string[] => stderr.trim().split('\n');

test('the reference run trains and saves', () => {
  assert.equal(straight.status, 0, straight.stderr);
  assert.equal(existsSync(join(reference, 'backup')), false, 'a finished run removes its backup');
});

test('Ctrl-C during the last batch: training is complete, so the run says so, tests and saves', async () => {
  const dir = join(tempDir('last-batch'), 'run');
  const run = startCli(['train', ...SETTINGS, '--out', dir], { preload: [pauseAt], env: { TEGAKI_TEST_PAUSE: 'last-batch' } });
  await run.waitFor(/PAUSE last-batch/);
  run.child.kill('SIGINT');
  const { code } = await run.exited;
  assert.equal(code, 0, run.stderr());
  assert.match(run.stderr(), /Training is complete: finishing the test and saving the model \(Ctrl-C again to quit at once\)/);
  assert.match(run.stdout(), /Test accuracy: [\d.]+\nSaved the model to /);
  assert.deepEqual(weights(dir), referenceWeights);
  assert.equal(existsSync(join(dir, 'backup')), false);
});

test('Ctrl-C during the test evaluation finishes it and saves the model', async () => {
  const dir = join(tempDir('evaluate'), 'run');
  const run = startCli(['train', ...SETTINGS, '--out', dir], { preload: [pauseAt], env: { TEGAKI_TEST_PAUSE: 'evaluate' } });
  await run.waitFor(/PAUSE evaluate/);
  run.child.kill('SIGINT');
  const { code } = await run.exited;
  assert.equal(code, 0, run.stderr());
  assert.match(run.stderr(), /Training is complete: finishing the test and saving the model/);
  assert.equal(/Test accuracy: .*/.exec(run.stdout())?.[0], /Test accuracy: .*/.exec(straight.stdout)?.[0]);
  assert.deepEqual(weights(dir), referenceWeights);
});

test('Ctrl-C twice during the test evaluation quits at once; the backup it names resumes to the same model', async () => {
  const dir = join(tempDir('quit'), 'run');
  const run = startCli(['train', ...SETTINGS, '--out', dir], { preload: [pauseAt], env: { TEGAKI_TEST_PAUSE: 'evaluate' } });
  await run.waitFor(/PAUSE evaluate/);
  run.child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 100));
  run.child.kill('SIGINT');
  const { code } = await run.exited;
  assert.equal(code, 130);
  const quit = /Quit\. The last backup \(training complete, not yet tested and saved\) is in (.*); resume with: tegaki train --resume (.*)\n/.exec(run.stderr());
  assert.ok(quit, run.stderr());
  assert.equal(quit[2], dir);
  assert.equal(existsSync(join(dir, 'model.json')), false);
  const resumed = runCli(['train', '--resume', dir]);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stdout, /^Resuming .* after its last epoch \(2\) to test and save it \(NN, seed 3\)\./);
  assert.deepEqual(weights(dir), referenceWeights);
});

test('SIGKILL at any moment of training leaves a loadable model or a backup that resumes to the same model', async (t) => {
  // time the part after the data is loaded, and kill at moments spread over it
  const timing = startCli(['train', ...SETTINGS, '--out', join(tempDir('timing'), 'run')]);
  await timing.waitFor(/Training the tutorial/);
  const begun = performance.now();
  assert.equal((await timing.exited).code, 0, timing.stderr());
  const duration = performance.now() - begun;
  const KILLS = 10;
  const outcomes: string[] = [];
  for (let i = 0; i < KILLS; i++) {
    const dir = join(tempDir('kill'), 'run');
    const run = startCli(['train', ...SETTINGS, '--out', dir]);
    await run.waitFor(/Training the tutorial/);
    await new Promise((r) => setTimeout(r, (duration * (i + 0.5)) / KILLS));
    run.child.kill('SIGKILL');
    await run.exited;
    if (existsSync(join(dir, 'backup', 'latest.json'))) {
      const resumed = runCli(['train', '--resume', dir]);
      assert.equal(resumed.status, 0, `kill ${i}: ${resumed.stderr}`);
      assert.deepEqual(weights(dir), referenceWeights, `kill ${i}: resumed weights`);
      outcomes.push('backup');
    } else if (existsSync(join(dir, 'model.json'))) {
      assert.deepEqual(weights(dir), referenceWeights, `kill ${i}: the saved model is the finished one`);
      outcomes.push('model');
    } else {
      // killed before the first backup was complete: at most that backup's folder, unreferenced
      // (latest.json is written last), and --resume says there is nothing to resume
      const left = existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith('.tegaki-write-test')) : [];
      assert.ok(left.length === 0 || (left.length === 1 && left[0] === 'backup'), `kill ${i}: ${left.join(', ')}`);
      const resumed = runCli(['train', '--resume', dir]);
      assert.equal(resumed.status, 1);
      assert.match(resumed.stderr, /no backup to resume from/);
      outcomes.push('nothing');
    }
  }
  t.diagnostic(`after each kill: ${outcomes.join(', ')}`);
  // the moments are spread over the run, whatever the machine's speed: most land in training
  assert.ok(outcomes.filter((o) => o === 'backup').length >= 3 && outcomes.filter((o) => o === 'nothing').length <= 3, `kills spread over the run: ${outcomes.join(', ')}`);
});

test('an empty --out is a usage error before any work, and writes nothing in the current folder', () => {
  for (const command of ['train', 'tutorial']) {
    const cwd = tempDir('cwd');
    const r = runCli([command, '--epochs', '1', '--out='], { cwd });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^tegaki: --out expects a folder path, received ''\. See 'tegaki .*--help'\.\n$/);
    assert.doesNotMatch(r.stdout, /Epoch/);
    assert.deepEqual(readdirSync(cwd), []);
  }
});

test('an --out that is a file fails before the first epoch', () => {
  const file = join(tempDir('file'), 'taken');
  writeFileSync(file, 'not a folder');
  const r = runCli(['train', ...SETTINGS, '--out', file]);
  assert.equal(r.status, 1);
  assert.deepEqual(oneLine(r.stderr), [`tegaki: error: ${file}: exists and is not a folder; choose another output folder.`]);
  assert.doesNotMatch(r.stdout, /Epoch/);
});

test('an --out on a read-only disk fails before the first epoch', (t) => {
  const disk = mountTmpfs('size=1m');
  if (typeof disk === 'string') return t.skip(disk);
  try {
    runCli(['train', '--help']);
    const existing = join(disk.dir, 'existing');
    writeFileSync(join(disk.dir, 'marker'), '');
    disk.remount('ro');
    for (const [out, problem] of [[join(disk.dir, 'new', 'run'), 'cannot create the output folder'], [disk.dir, 'cannot write in the output folder']] as const) {
      const r = runCli(['train', ...SETTINGS, '--out', out]);
      assert.equal(r.status, 1, r.stderr);
      assert.deepEqual(oneLine(r.stderr), [`tegaki: error: ${out}: ${problem} (the file system is read-only).`]);
      assert.doesNotMatch(r.stdout, /Epoch/);
    }
    assert.equal(existsSync(existing), false);
  } finally {
    disk.unmount();
  }
});

test('a disk too full for the first backup fails before the first epoch and leaves nothing', (t) => {
  const disk = mountTmpfs('size=64k');
  if (typeof disk === 'string') return t.skip(disk);
  try {
    const dir = join(disk.dir, 'run');
    const r = runCli(['train', ...SETTINGS, '--out', dir]);
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(oneLine(r.stderr), [`tegaki: error: ${join(dir, 'backup')}: cannot write a backup (no space left on the disk); the previous backup, if any, is kept. Nothing was saved.`]);
    assert.doesNotMatch(r.stdout, /Epoch 1/);
    assert.deepEqual(readdirSync(disk.dir), [], 'no half-written backup, no empty run folder');
  } finally {
    disk.unmount();
  }
});

test('a disk that fills up mid-run keeps the last complete backup; --resume finishes once there is room', (t) => {
  // one NN backup is ~410 KB (weights + RMSprop state): the first fits, the second does not
  const disk = mountTmpfs('size=600k');
  if (typeof disk === 'string') return t.skip(disk);
  try {
    const dir = join(disk.dir, 'run');
    const r = runCli(['train', ...SETTINGS, '--out', dir]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^tegaki: error: .*backup: cannot write a backup \(no space left on the disk\); the previous backup, if any, is kept\. The last backup \(epoch 1, batch 0\) is in .*backup; resume with: tegaki train --resume .*run\n$/);
    const backups = readdirSync(join(dir, 'backup'));
    assert.deepEqual(backups.filter((f) => f.startsWith('backup-')).length, 1, `one complete backup, no partial one: ${backups.join(', ')}`);
    assert.equal(readdirSync(join(dir, 'backup')).filter((f) => f.endsWith('.tmp')).length, 0);
    assert.deepEqual(readBackup(join(dir, 'backup'))?.epoch, 0);
    disk.remount('size=4m');
    const resumed = runCli(['train', '--resume', dir]);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.deepEqual(weights(dir), referenceWeights);
  } finally {
    disk.unmount();
  }
});

test('a diverging run stops at the first non-finite loss, says so, saves nothing and keeps the model that was there', () => {
  const dir = join(tempDir('diverge'), 'run');
  const good = runCli(['train', ...SETTINGS, '--out', dir]);
  assert.equal(good.status, 0, good.stderr);
  const before = weights(dir);
  const r = runCli(['train', ...SETTINGS, '--learning-rate', '1e30', '--out', dir]);
  assert.equal(r.status, 1);
  assert.deepEqual(oneLine(r.stderr), [r.stderr.trim()]);
  assert.match(r.stderr, /^tegaki: error: training diverged at epoch 1, batch \d+: the loss became (NaN|Infinity)\. Nothing was saved; try a lower --learning-rate than 1e\+30\.\n$/);
  assert.deepEqual(weights(dir), before, 'the earlier model is untouched');
  assert.equal(existsSync(join(dir, 'backup')), false);
  const fresh = join(tempDir('diverge-fresh'), 'run');
  assert.equal(runCli(['train', ...SETTINGS, '--learning-rate', '1e30', '--out', fresh]).status, 1);
  assert.equal(existsSync(fresh), false, 'a diverged run leaves no folder behind');
});
