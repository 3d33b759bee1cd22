// Reading files a user names without trusting them: only regular files are read (a FIFO or device
// named `x.png` would block forever), never more than a stated size, with one clear error each.

import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { TegakiError } from '../errors.js';

/** Why a path cannot be opened, in words ('no such file', 'permission denied', ...). */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'no such file or folder';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ELOOP': return 'a symbolic link that loops';
    case 'ENOTDIR': return 'a part of the path is not a folder';
    case 'EISDIR': return 'a folder, not a file';
    case 'ENOSPC': return 'no space left on the disk';
    case 'EROFS': return 'the file system is read-only';
    case 'EDQUOT': return 'disk quota exceeded';
    case 'ENAMETOOLONG': return 'the name is too long';
    case 'EEXIST': return 'it already exists';
    default: return code ?? (e as Error).message;
  }
}

/** What a path is, following links: 'file', 'folder', 'other' (FIFO, device, socket) or null when missing. */
export function pathKind(path: string): 'file' | 'folder' | 'other' | null {
  try {
    const s = statSync(path);
    return s.isFile() ? 'file' : s.isDirectory() ? 'folder' : 'other';
  } catch {
    return null;
  }
}

/**
 * The bytes of a regular file, at most maxBytes of them. Opened without blocking and checked on
 * the open descriptor, so a FIFO swapped in after a check cannot hang the read either.
 */
export function readRegularFile(path: string, maxBytes: number, what = 'file'): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new TegakiError(`${path}: cannot read the ${what} (${describeFsError(e)}).`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new TegakiError(`${path}: is a folder, not a ${what}.`);
    if (!stat.isFile()) throw new TegakiError(`${path}: not a regular file (a pipe, device or socket); refused.`);
    if (stat.size > maxBytes) throw new TegakiError(`${path}: ${stat.size} bytes is more than the ${maxBytes}-byte limit for a ${what}.`);
    const bytes = Buffer.alloc(stat.size);
    let offset = 0;
    while (offset < bytes.length) {
      const n = readSync(fd, bytes, offset, bytes.length - offset, offset);
      if (n === 0) throw new TegakiError(`${path}: the ${what} shrank while it was being read.`);
      offset += n;
    }
    return bytes;
  } catch (e) {
    if (e instanceof TegakiError) throw e;
    throw new TegakiError(`${path}: cannot read the ${what} (${describeFsError(e)}).`);
  } finally {
    closeSync(fd);
  }
}

/** Size of a regular file, or null when it is missing; special files are refused. */
export function regularFileSize(path: string, what = 'file'): number | null {
  let s;
  try {
    s = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new TegakiError(`${path}: cannot read the ${what} (${describeFsError(e)}).`);
  }
  if (!s.isFile()) throw new TegakiError(`${path}: not a regular file; refused as a ${what}.`);
  return s.size;
}
