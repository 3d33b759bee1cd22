// `tegaki tutorial` (npm start): the tutorial end to end — train and evaluate the NN and the CNN,
// then compare them.

import { loadMnist } from '../data/mnist.js';
import { formatDuration } from '../model/progress.js';
import { formatCount } from '../model/summary.js';
import { UsageError } from './args.js';
import { join } from 'node:path';
import { defaultRunDir, INTERRUPTED_STATUS, trainSettings, trainTutorialModel, type TrainResult } from './train.js';

export const TUTORIAL_HELP = `Usage: tegaki tutorial [options]

Train and evaluate both tutorial models (NN, then CNN) on MNIST and compare them.
Takes the options of 'tegaki train' except --model (defaults: 5 epochs, batch 64, rmsprop).`;

export async function tutorialCommand(argv: string[]): Promise<number> {
  if (argv.some((a) => a === '--model' || a.startsWith('--model='))) {
    throw new UsageError('tutorial trains both models; use tegaki train --model nn|cnn for one.');
  }
  const data = loadMnist();
  const runDir = defaultRunDir('tutorial');
  const results: [string, TrainResult][] = [];
  for (const model of ['nn', 'cnn'] as const) {
    const settings = { ...trainSettings(argv, 'tutorial'), model };
    console.log(`\n== ${model.toUpperCase()}: training on ${formatCount(settings.limit ?? data.train.images.length)} MNIST images, ${settings.epochs} epochs (seed ${settings.seed}) ==`);
    const result = await trainTutorialModel(settings, join(runDir, model), data);
    if (!result.test) return INTERRUPTED_STATUS;
    results.push([model.toUpperCase(), result]);
  }
  console.log('\nModel  Params   Training   Test loss  Test accuracy');
  for (const [name, r] of results) {
    console.log(`${name.padEnd(6)} ${formatCount(r.model.countParams()).padEnd(8)} ${formatDuration(r.seconds).padEnd(10)} ${r.test!['loss']!.toFixed(4).padEnd(10)} ${r.test!['accuracy']!.toFixed(4)}`);
  }
  return 0;
}
