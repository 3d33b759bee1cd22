// Output folders are checked and created before any work starts: an empty path, a file in the
// way or a read-only disk is an error at once, not after an hour of training.

import { mkdirSync, rmdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { TegakiError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { describeFsError, pathKind } from '../io/files.js';
import { SettingsError } from './settings.js';

export interface OutputDir {
  path: string;
  /** The first folder this call created, to remove again if the run leaves nothing in it. */
  created: string | undefined;
}

/** A new run folder's name: 20261128-021500-cnn (UTC time, then the label). */
export function runFolderName(label: string): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${label}`;
}

/** Create `path` (with parents) and prove it can be written; `field` names the setting in errors. */
export function prepareOutputDir(path: string, field = 'out'): OutputDir {
  if (typeof path !== 'string' || path.trim() === '') throw new SettingsError(field, `expects a folder path, received '${String(path)}'.`);
  const kind = pathKind(path);
  if (kind === 'file' || kind === 'other') throw new TegakiError(`${path}: exists and is not a folder; choose another output folder.`);
  let created: string | undefined;
  try {
    created = mkdirSync(path, { recursive: true });
  } catch (e) {
    throw new TegakiError(`${path}: cannot create the output folder (${describeFsError(realCause(path, e))}).`);
  }
  const probe = join(path, `.tegaki-write-test-${process.pid}`);
  try {
    writeFileAtomic(probe, 'tegaki');
    rmSync(probe, { force: true });
  } catch (e) {
    rmSync(probe, { force: true });
    removeIfEmpty({ path, created });
    throw new TegakiError(`${path}: cannot write in the output folder (${describeFsError(e)}).`);
  }
  return { path, created };
}

/**
 * A recursive mkdir that fails under a read-only or unwritable parent reports ENOENT for the
 * folder it could not make; the first missing folder's own mkdir says why.
 */
function realCause(path: string, e: unknown): unknown {
  if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return e;
  let dir = resolve(path);
  while (pathKind(dirname(dir)) === null && dirname(dir) !== dir) dir = dirname(dir);
  if (pathKind(dirname(dir)) !== 'folder') return e;
  try {
    mkdirSync(dir);
    rmdirSync(dir);
    return e;
  } catch (cause) {
    return cause;
  }
}

/** Remove the folders prepareOutputDir created when nothing was written into them. */
export function removeIfEmpty(out: OutputDir): void {
  if (!out.created) return;
  // from the output folder up to the first one created
  const top = resolve(out.created);
  for (let dir = resolve(out.path); dir.startsWith(top); dir = dirname(dir)) {
    try {
      if (readdirSync(dir).length > 0) return;
      rmdirSync(dir);
    } catch {
      return;
    }
    if (dir === top) return;
  }
}
