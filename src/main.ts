#!/usr/bin/env node
// The tegaki command: dispatches to one file per command (cli/, and server/ for serve) and turns
// user mistakes into one line.

import { UsageError } from './args.js';
import { EVALUATE_HELP, evaluateCommand } from './cli/evaluate.js';
import { PREDICT_HELP, predictCommand } from './cli/predict.js';
import { SUMMARY_HELP, summaryCommand } from './cli/summary.js';
import { TRAIN_HELP, trainCommand } from './cli/train.js';
import { TUTORIAL_HELP, tutorialCommand } from './cli/tutorial.js';
import { setBackend, TegakiError } from './node.js';
import { SettingsError } from './run/settings.js';
import { SERVE_HELP, serveCommand } from './server/serve.js';

const COMMANDS: Record<string, { help: string; run: (argv: string[]) => Promise<number | void> }> = {
  train: { help: TRAIN_HELP, run: trainCommand },
  tutorial: { help: TUTORIAL_HELP, run: tutorialCommand },
  summary: { help: SUMMARY_HELP, run: summaryCommand },
  evaluate: { help: EVALUATE_HELP, run: evaluateCommand },
  predict: { help: PREDICT_HELP, run: predictCommand },
  serve: { help: SERVE_HELP, run: serveCommand },
};

const HELP = `Usage: tegaki <command> [options]

Commands:
  train      train a tutorial model (nn or cnn) on MNIST and evaluate it
  tutorial   train and evaluate both tutorial models, then compare them
  evaluate   test metrics, confusion matrix and a visual report for a saved model
  predict    classify image files (photos of digits, or your own classes)
  summary    print a saved model's summary
  serve      the web app: draw digits, look inside the network, train and watch it learn

Run 'tegaki <command> --help' for a command's options.`;

/** Pull the options every command shares out of argv. */
function globalOptions(argv: string[]): { rest: string[]; verbose: boolean; backend: string | undefined; help: boolean } {
  const rest: string[] = [];
  let verbose = false;
  let backend: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--verbose') verbose = true;
    else if (a === '--help' || a === '-h') help = true;
    else if (a === '--backend') backend = argv[++i] ?? '';
    else if (a.startsWith('--backend=')) backend = a.slice('--backend='.length);
    else rest.push(a);
  }
  return { rest, verbose, backend, help };
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const { rest, verbose, backend, help } = globalOptions(args);
  try {
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      console.log(HELP);
      return 0;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command '${name}'.`);
    if (help) {
      console.log(command.help);
      return 0;
    }
    if (backend !== undefined) await setBackend(backend);
    return (await command.run(rest)) ?? 0;
  } catch (e) {
    // a setting's field is its --option on the command line
    if (e instanceof SettingsError) e = new UsageError(`--${e.field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${e.problem}`);
    if (e instanceof UsageError) {
      console.error(`tegaki: ${e.message} See 'tegaki ${name && COMMANDS[name] ? `${name} ` : ''}--help'.`);
      return 2;
    }
    if (e instanceof TegakiError && !verbose) {
      console.error(`tegaki: error: ${e.message}`);
      return 1;
    }
    console.error(verbose ? e : `tegaki: unexpected error: ${(e as Error).message} (run with --verbose for details)`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
