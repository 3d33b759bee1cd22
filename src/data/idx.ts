// IDX files (the MNIST format): a big-endian header of magic, element type and dimensions, then
// the values. Raw or gzip-compressed; only unsigned bytes (type 0x08), which every image set uses.
// A file's header is read first and its declared size checked, so a small hostile file cannot
// make us allocate gigabytes: gzip data is inflated with a cap of exactly what the header declares.

import { constants, gunzipSync } from 'node:zlib';
import { TegakiError } from '../errors.js';
import { pathKind, readRegularFile } from '../io/files.js';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;
/** Largest IDX content accepted (the values, uncompressed): 2 GiB, 3× the largest EMNIST split. */
export const MAX_IDX_BYTES = 2 * 1024 ** 3;

const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Header fields and the content size they declare, from the first bytes of an IDX file. */
function readHeader(bytes: Uint8Array, file: string, limit: number): { dims: number[]; headerSize: number; total: number } {
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
  // every dimension is below 2^32, so the product stays exact until it passes the limit
  let count = 1;
  for (const d of dims) {
    count *= d;
    if (count > limit) throw new TegakiError(`${file}: header declares ${dims.join('×')} values, more than the ${limit}-byte limit for IDX data.`);
  }
  return { dims, headerSize, total: headerSize + count };
}

/** The first inflated bytes of gzip data (enough for any IDX header), without inflating the rest. */
function gzipPrefix(bytes: Uint8Array, file: string): Uint8Array {
  const HEADER_MAX = 4 + 4 * 255;
  let out: Uint8Array = new Uint8Array(0);
  try {
    // 1 KB of deflate data inflates to at most ~1 MB; 64 KB only if a gzip header is that long
    for (const size of [1024, 65536]) {
      out = gunzipSync(bytes.subarray(0, size), { finishFlush: constants.Z_SYNC_FLUSH });
      if (out.length >= HEADER_MAX || size >= bytes.length) break;
    }
    // a small file that inflated to less than the longest header: inflating it strictly says
    // whether it is whole (then readHeader judges it) or truncated
    if (out.length < HEADER_MAX) gunzipSync(bytes, { maxOutputLength: HEADER_MAX });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') throw new TegakiError(`${file}: gzip data is corrupt or truncated (${(e as Error).message}).`);
  }
  return out;
}

/** Parse IDX bytes; `file` names the source in errors. Gzip data is inflated up to the declared size only. */
export function parseIdx(bytes: Uint8Array, file: string, limit = MAX_IDX_BYTES): IdxArray {
  if (isGzip(bytes)) {
    const { total } = readHeader(gzipPrefix(bytes, file), file, limit);
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: total });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new TegakiError(`${file}: gzip data inflates to more than the ${total} bytes its IDX header declares.`);
      }
      throw new TegakiError(`${file}: gzip data is corrupt or truncated (${(e as Error).message}).`);
    }
  }
  const { dims, headerSize, total } = readHeader(bytes, file, limit);
  const count = total - headerSize;
  const available = bytes.length - headerSize;
  if (available < count) {
    throw new TegakiError(`${file}: truncated: header says ${dims.join('×')} = ${count} values, file holds ${available}.`);
  }
  if (available > count) throw new TegakiError(`${file}: ${available - count} bytes after the ${dims.join('×')} values the header declares.`);
  return { dims, data: bytes.subarray(headerSize, headerSize + count) };
}

export function readIdx(path: string, limit = MAX_IDX_BYTES): IdxArray {
  // a raw file is at most header + limit bytes; a gzip one is smaller still
  return parseIdx(readRegularFile(path, limit + 4 + 4 * 255, 'IDX file'), path, limit);
}

/** The path of `name` or `name.gz` in dir, whichever exists (raw preferred). */
export function findIdxFile(dir: string, name: string): string | null {
  for (const candidate of [`${dir}/${name}`, `${dir}/${name}.gz`]) if (pathKind(candidate) !== null) return candidate;
  return null;
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
