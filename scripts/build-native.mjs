// Builds the native CPU backend with node-gyp. Without a compiler, or when the build breaks, the
// install still succeeds and tegaki runs on its TypeScript backend, unless TEGAKI_REQUIRE_NATIVE=1
// (CI): then a failed build fails the install.
// Usage: node scripts/build-native.mjs [--verbose]

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRequired } from './native-policy.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const verbose = process.argv.includes('--verbose');
const later = 'tegaki will use the TypeScript backend; to enable the native one later, install a C++ compiler, Python 3 and make, then run `npm run build:native`.';

function giveUp(reason) {
  if (buildRequired()) {
    console.error(`tegaki: native backend not built (${reason}), and TEGAKI_REQUIRE_NATIVE=1 requires it.`);
    process.exit(1);
  }
  console.log(`tegaki: native backend not built (${reason}); ${later}`);
  process.exit(0);
}

if (process.env.TEGAKI_SKIP_NATIVE) giveUp('TEGAKI_SKIP_NATIVE is set');

let gyp;
try {
  // npm ships node-gyp; prefer a local copy, then the one next to npm.
  const require = createRequire(join(root, 'package.json'));
  gyp = require.resolve('node-gyp/bin/node-gyp.js');
} catch {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  gyp = candidates.find((p) => p && existsSync(p));
}
if (!gyp) giveUp('node-gyp not found');

const args = [gyp, 'rebuild', '--release'];
// Use the headers installed with Node when present, so the build needs no network.
const installPrefix = join(dirname(process.execPath), '..');
if (existsSync(join(installPrefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${installPrefix}`);

const result = spawnSync(process.execPath, args, { cwd: root, stdio: verbose ? 'inherit' : 'pipe', encoding: 'utf8' });
if (result.status !== 0) {
  if (!verbose && result.stderr) {
    const lines = result.stderr.trim().split('\n');
    const firstError = lines.find((l) => /error/i.test(l)) ?? lines.at(-1);
    giveUp(`build failed: ${firstError?.trim().slice(0, 160) ?? 'unknown error'}; run \`node scripts/build-native.mjs --verbose\` for details`);
  }
  giveUp('build failed');
}
console.log('tegaki: native backend built (build/Release/tegaki.node).');
