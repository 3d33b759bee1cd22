// IDX files (the MNIST format): a big-endian header of magic, element type and dimensions, then
// the values. Raw or gzip-compressed; only unsigned bytes (type 0x08), which every image set uses.

import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { TegakiError } from '../errors.js';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

/** Parse IDX bytes; `file` names the source in errors. */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new TegakiError(`${file}: gzip data is corrupt or truncated (${(e as Error).message}).`);
    }
  }
  if (bytes.length < 4) throw new TegakiError(`${file}: too short to be an IDX file (${bytes.length} bytes).`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new TegakiError(`${file}: not an IDX file (magic number starts ${hex(bytes[0]!)} ${hex(bytes[1]!)}, expected 00 00).`);
  }
  const type = bytes[2]!;
  const rank = bytes[3]!;
  if (type !== UNSIGNED_BYTE) throw new TegakiError(`${file}: IDX element type ${hex(type)} is not supported (only unsigned bytes, 08).`);
  if (rank === 0) throw new TegakiError(`${file}: IDX header declares no dimensions.`);
  const headerSize = 4 + 4 * rank;
  if (bytes.length < headerSize) throw new TegakiError(`${file}: truncated IDX header (${bytes.length} bytes, need ${headerSize}).`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const available = bytes.length - headerSize;
  if (available < count) {
    throw new TegakiError(`${file}: truncated: header says ${dims.join('×')} = ${count} values, file holds ${available}.`);
  }
  if (available > count) throw new TegakiError(`${file}: ${available - count} bytes after the ${dims.join('×')} values the header declares.`);
  return { dims, data: bytes.subarray(headerSize, headerSize + count) };
}

export function readIdx(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TegakiError(`${path}: cannot read (${code === 'ENOENT' ? 'no such file' : code ?? (e as Error).message}).`);
  }
  return parseIdx(bytes, path);
}

/** The path of `name` or `name.gz` in dir, whichever exists (raw preferred). */
export function findIdxFile(dir: string, name: string): string | null {
  for (const candidate of [`${dir}/${name}`, `${dir}/${name}.gz`]) if (existsSync(candidate)) return candidate;
  return null;
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
