// Small file systems for fault tests: a tmpfs of a given size (a disk that fills up) or mounted
// read-only. Mounting needs root, which CI has; elsewhere the tests that need it are skipped.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  dir: string;
  /** Remount with another size (in KiB) or read-only. */
  remount(options: string): void;
  unmount(): void;
}

/** A tmpfs of `options` (e.g. 'size=600k'), or the reason it cannot be made here. */
export function mountTmpfs(options: string): SmallDisk | string {
  const dir = mkdtempSync(join(tmpdir(), 'tegaki-disk-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return `cannot mount a tmpfs here (${(r.stderr || r.error?.message || 'mount failed').trim()}); run as root`;
  }
  return {
    dir,
    remount: (more) => {
      const m = spawnSync('mount', ['-o', `remount,${more}`, dir], { encoding: 'utf8' });
      if (m.status !== 0) throw new Error(`remount ${more}: ${m.stderr}`);
    },
    unmount: () => {
      spawnSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
