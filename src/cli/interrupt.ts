// Ctrl-C during a run: the first asks the run to stop (after the current batch while training; a
// finishing run finishes), a second quits at once. Every message says what is on disk right then.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readBackup } from '../model/checkpoint.js';
import { backupDirOf, type RunControl } from '../run/train.js';

/** Exit status of a run stopped by Ctrl-C, as shells report SIGINT. */
export const INTERRUPTED_STATUS = 130;

/** Where a backup stands, in words: 'epoch 2, batch 40', or 'training complete' for one taken after the last epoch. */
export function backupPosition(backup: { epoch: number; step: number; extra: unknown }): string {
  const epochs = (backup.extra as { settings?: { epochs?: unknown } } | null)?.settings?.epochs;
  if (typeof epochs === 'number' && backup.epoch >= epochs) return 'training complete, not yet tested and saved';
  return `epoch ${backup.epoch + 1}, batch ${backup.step}`;
}

/** What a run folder holds right now, in one sentence for someone about to leave. */
export function describeRunDir(dir: string): string {
  let backup = null;
  try {
    backup = readBackup(backupDirOf(dir));
  } catch {
    // an unreadable backup is no help; say what else is there
  }
  if (backup) return `The last backup (${backupPosition(backup)}) is in ${backupDirOf(dir)}; resume with: tegaki train --resume ${dir}`;
  if (existsSync(join(dir, 'model.json'))) return `The model is saved in ${dir}.`;
  return 'Nothing was saved.';
}

/** Install the Ctrl-C handler for a run writing into runDir(); returns the function that removes it. */
export function stopOnInterrupt(control: RunControl, runDir: () => string): () => void {
  const handler = (): void => {
    if (control.stopRequested) {
      process.stderr.write(`\nQuit. ${describeRunDir(runDir())}\n`);
      process.exit(INTERRUPTED_STATUS);
    }
    control.stop();
    const doing =
      control.phase === 'training' ? 'Stopping after this batch and saving a backup'
      : control.phase === 'finishing' ? 'Training is complete: finishing the test and saving the model'
      : control.phase === 'done' ? 'Stopping after this step'
      : 'Stopping before training starts';
    process.stderr.write(`\n${doing} (Ctrl-C again to quit at once)...\n`);
  };
  process.on('SIGINT', handler);
  return () => void process.off('SIGINT', handler);
}
