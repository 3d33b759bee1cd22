// Runs the whole test suite once per backend: native (when it is built) and the TypeScript
// reference. Exits non-zero when any run fails.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const testDir = join(root, 'dist', 'test');
const files = readdirSync(testDir).filter((f) => f.endsWith('.test.js')).sort().map((f) => join(testDir, f));
const { loadNative } = await import(join(root, 'dist', 'src', 'backend', 'native', 'index.js'));
const native = loadNative();
const backends = native.backend ? ['native', 'ts'] : ['ts'];
if (!native.backend) console.log(`# native backend not available (${native.reason}): testing the TypeScript backend only`);

let failed = false;
for (const backend of backends) {
  console.log(`# test suite on the ${backend} backend`);
  const run = spawnSync(process.execPath, ['--test', ...files], { stdio: 'inherit', env: { ...process.env, TEGAKI_BACKEND: backend } });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
