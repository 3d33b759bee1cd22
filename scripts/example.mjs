// npm run example -- NAME [arguments]: runs the compiled example program dist/examples/NAME.js
// (examples/NAME.ts) with the arguments that follow, e.g. `npm run example -- mnist-layers 2000`.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'examples');
const programs = readdirSync(examples).filter((f) => f.endsWith('.js') && f !== 'mnist-data.js').map((f) => f.slice(0, -'.js'.length));
const [name, ...args] = process.argv.slice(2);
if (!name || !existsSync(join(examples, `${name}.js`))) {
  console.error(`Usage: npm run example -- NAME [number of images]. NAME is one of: ${programs.join(', ')}.`);
  process.exit(2);
}
const run = spawnSync(process.execPath, [join(examples, `${name}.js`), ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
