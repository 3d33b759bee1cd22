// Runs the whole test suite once per backend: native (when it is built) and the TypeScript
// reference. Exits non-zero when any run fails, and at once when the native addon is missing
// where it is required or could have been built (native-policy.mjs).
// Usage: node scripts/test.mjs [--check-native]   (the flag only checks the addon)

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testsRequireNative } from './native-policy.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { loadNative } = await import(join(root, 'dist', 'src', 'backend', 'native', 'index.js'));
const native = loadNative();
if (!native.backend && testsRequireNative()) {
  console.error(`# the native backend does not load (${native.reason}), but it is required here (TEGAKI_REQUIRE_NATIVE=1, or a C++ toolchain is installed).`);
  console.error('# Build it with `npm run build:native`; set TEGAKI_REQUIRE_NATIVE=0 to test the TypeScript backend alone.');
  process.exit(1);
}
if (process.argv.includes('--check-native')) process.exit(0);
const testDir = join(root, 'dist', 'test');
const files = readdirSync(testDir).filter((f) => f.endsWith('.test.js')).sort().map((f) => join(testDir, f));
const backends = native.backend ? ['native', 'ts'] : ['ts'];
if (!native.backend) console.log(`# native backend not available (${native.reason}): testing the TypeScript backend only`);

let failed = false;
for (const backend of backends) {
  console.log(`# test suite on the ${backend} backend`);
  const run = spawnSync(process.execPath, ['--test', ...files], { stdio: 'inherit', env: { ...process.env, TEGAKI_BACKEND: backend } });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
