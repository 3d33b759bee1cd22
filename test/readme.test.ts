// The README's library example is examples/mnist-cnn.ts, which the build type-checks: keep them equal.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';

const root = new URL('../../', import.meta.url);

test('the README shows examples/mnist-cnn.ts verbatim', () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const example = readFileSync(new URL('examples/mnist-cnn.ts', root), 'utf8').split('\n').slice(1).join('\n').trim();
  assert.ok(readme.includes(example), 'README code block differs from examples/mnist-cnn.ts');
});

test('the README quick start is install + main job, then npm test', () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  assert.match(readme, /```sh\nnpm install && npm start\nnpm test\n```/);
});
