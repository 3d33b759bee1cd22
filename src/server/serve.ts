// `tegaki serve`: the web app on a local port — draw or upload digits, look inside the network,
// read a model's report, train and watch it learn.

import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { TegakiError } from '../errors.js';
import { DEFAULT_WEB_DIR, startServer } from './app.js';
import { parse, UsageError } from '../args.js';
import { intSetting } from '../run/settings.js';

export const SERVE_HELP = `Usage: tegaki serve [options]

Start the web app: draw a digit or upload a photo and see the prediction, look at the feature
maps inside the network, read a model's report, and train new models while watching the curves.

Options:
  --model DIR     the model to open first (default: the newest under --runs)
  --runs DIR      where models are listed from and new runs are saved (default runs)
  --port N        port to listen on (default 8080; 0 picks a free one)
  --host ADDR     address to bind (default 127.0.0.1, this machine only)
  --allowed-host NAME
                  a host name browsers may reach the server by, besides its IP addresses,
                  localhost and this machine's name (repeatable)

Requests from other web sites are refused: the Host header must name this server, and a
request that changes something must come from the app's own pages.`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { model: { type: 'string' }, runs: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, 'allowed-host': { type: 'string', multiple: true } }, 'serve');
  if (positionals.length > 0) throw new UsageError(`serve: unexpected argument '${positionals[0]}'.`);
  const port = intSetting(values, 'port', 8080, 0, 65535);
  const modelDir = values['model'] as string | undefined;
  if (modelDir !== undefined && !existsSync(join(modelDir, 'model.json'))) throw new TegakiError(`${modelDir}: no model.json here; give the folder of a saved model.`);
  if (!existsSync(join(DEFAULT_WEB_DIR, 'index.html'))) throw new TegakiError(`The web app is not built (${DEFAULT_WEB_DIR} has no index.html). Run npm run build.`);
  const host = (values['host'] as string | undefined) ?? '127.0.0.1';
  let running;
  try {
    const allowed = (values['allowed-host'] as unknown as string[] | undefined) ?? [];
    running = await startServer({ modelDir, runsDir: (values['runs'] as string | undefined) ?? 'runs', host, port, allowedHosts: [host, hostname(), ...allowed] });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new TegakiError(`Port ${port} is in use; pick another with --port.`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new TegakiError(`Cannot bind to host '${host}'.`);
    throw e;
  }
  const count = running.catalog.list().length;
  console.log(`tegaki web app: ${running.url}`);
  console.log(count > 0 ? `${count} model${count === 1 ? '' : 's'} found.` : `No models yet: train one with \`npm start\` or in the Train tab.`);
  console.log('Press Ctrl-C to stop.');
  await new Promise<void>((resolve) => process.once('SIGINT', () => void running.close().then(resolve)));
  return 0;
}
