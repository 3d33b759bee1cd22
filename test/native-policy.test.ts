// A broken native backend must not go unnoticed where it should work: the build fails under
// TEGAKI_REQUIRE_NATIVE=1, and the test runner refuses to test without an addon that is required
// or could have been built. Users without a compiler still get the TypeScript fallback.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import test from 'node:test';
import { repoRoot } from './helpers/imports.js';

interface Policy {
  testsRequireNative(env: Record<string, string | undefined>, has: (command: string) => boolean): boolean;
  buildRequired(env: Record<string, string | undefined>): boolean;
}
const policyUrl = pathToFileURL(join(repoRoot, 'scripts', 'native-policy.mjs')).href;
const policy = (await import(policyUrl)) as Policy;

test('the addon is required when asked for or when a toolchain could build it', () => {
  const all = (): boolean => true;
  const none = (): boolean => false;
  assert.equal(policy.testsRequireNative({ TEGAKI_REQUIRE_NATIVE: '1' }, none), true);
  assert.equal(policy.testsRequireNative({}, all), true);
  assert.equal(policy.testsRequireNative({}, none), false, 'no compiler: the TypeScript fallback is fine');
  assert.equal(policy.testsRequireNative({ TEGAKI_SKIP_NATIVE: '1' }, all), false);
  assert.equal(policy.testsRequireNative({ TEGAKI_REQUIRE_NATIVE: '0' }, all), false);
  assert.equal(policy.testsRequireNative({}, (c) => c !== 'make'), false, 'no make, no build');
  assert.equal(policy.buildRequired({ TEGAKI_REQUIRE_NATIVE: '1' }), true);
  assert.equal(policy.buildRequired({}), false);
});

test('a failed build fails the install only under TEGAKI_REQUIRE_NATIVE=1', () => {
  // a copy of the package's build inputs, so the real build/ stays untouched
  const copy = mkdtempSync(join(tmpdir(), 'tegaki-build-'));
  for (const part of ['binding.gyp', 'native', 'scripts', 'package.json']) cpSync(join(repoRoot, part), join(copy, part), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'));
  const build = (env: Record<string, string>) =>
    spawnSync(process.execPath, [join(copy, 'scripts', 'build-native.mjs')], { cwd: copy, encoding: 'utf8', env: { ...process.env, CXX: 'false', CC: 'false', ...env } });
  const required = build({ TEGAKI_REQUIRE_NATIVE: '1' });
  assert.equal(required.status, 1, required.stdout + required.stderr);
  assert.match(required.stderr, /native backend not built \(build failed.*TEGAKI_REQUIRE_NATIVE=1 requires it/s);
  const optional = build({ TEGAKI_REQUIRE_NATIVE: '' });
  assert.equal(optional.status, 0, optional.stdout + optional.stderr);
  assert.match(optional.stdout, /tegaki will use the TypeScript backend/);
});

test('the test runner stops when a required addon does not load', () => {
  const check = (env: Record<string, string>) =>
    spawnSync(process.execPath, [join(repoRoot, 'scripts', 'test.mjs'), '--check-native'], { encoding: 'utf8', env: { ...process.env, TEGAKI_NATIVE_PATH: '/nonexistent/tegaki.node', ...env } });
  const required = check({ TEGAKI_REQUIRE_NATIVE: '1' });
  assert.equal(required.status, 1);
  assert.match(required.stderr, /native backend does not load \(no addon at \/nonexistent\/tegaki\.node\), but it is required/);
  const optedOut = check({ TEGAKI_REQUIRE_NATIVE: '0' });
  assert.equal(optedOut.status, 0, optedOut.stderr);
});
