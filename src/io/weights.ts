// Weight specs and weight bytes → values, as tfjs-core's decodeWeights reads them: plain float32,
// the TF.js converter's quantized forms (uint8 or uint16 holding q with value = q·scale + min, and
// float16), and the optimizer state TF.js' includeOptimizer appends (group "optimizer": float32
// slots and an int32 step count). Specs from a file or from memory get the same checks, and the
// bytes they need are compared with the bytes there are before any value is allocated.

import { TegakiError } from '../errors.js';
import { sizeOf } from '../tensor.js';
import type { WeightQuantization, WeightsManifestEntry } from './types.js';
import { isObject } from '../json.js';

/** A value as an error shows it: numbers as JavaScript prints them (NaN, Infinity), the rest as JSON. */
const shown = (v: unknown): string => (typeof v === 'number' ? String(v) : JSON.stringify(v) ?? String(v));

/** Bytes per stored value of each quantization dtype (a Map: a name like 'constructor' finds nothing). */
const QUANTIZED_BYTES = new Map<string, number>([['uint8', 1], ['uint16', 2], ['float16', 2]]);
const FLOAT32_BYTES = 4;
const INT32_BYTES = 4;

/** The fields TF.js writes in a manifest entry and in its quantization, per quantization dtype. */
const ENTRY_FIELDS = ['name', 'shape', 'dtype', 'group', 'quantization'];
const AFFINE_FIELDS = ['dtype', 'min', 'scale', 'original_dtype'];
const FLOAT16_FIELDS = ['dtype', 'original_dtype'];

/**
 * Never ignore a field silently: one TF.js does not write is refused by name (prefix:
 * 'quantization.'). Fields set to undefined count as absent, as objects built in code often have them.
 */
export function refuseUnknownFields(object: Record<string, unknown>, known: string[], where: string, prefix = ''): void {
  const unknown = Object.keys(object).find((k) => object[k] !== undefined && !known.includes(k));
  if (unknown !== undefined) throw new TegakiError(`${where}: unknown field '${prefix}${unknown}' (TF.js writes ${known.map((k) => prefix + k).join(', ')}).`);
}

/** The shape of a weight, or an error naming it. */
function checkedShape(shape: unknown, where: string): number[] {
  if (!Array.isArray(shape)) throw new TegakiError(`${where}: shape is missing or not a list.`);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new TegakiError(`${where}: shape ${JSON.stringify(shape)} must be non-negative integers.`);
  if (!Number.isSafeInteger(sizeOf(shape) * FLOAT32_BYTES)) throw new TegakiError(`${where}: shape ${JSON.stringify(shape)} is impossibly large.`);
  return shape as number[];
}

/** A quantization the converter could have written, with min and scale finite where they count. */
function checkedQuantization(q: unknown, where: string): WeightQuantization {
  if (!isObject(q)) throw new TegakiError(`${where}: quantization ${shown(q)} must be an object such as {"dtype": "uint8", "min": -1, "scale": 0.01}.`);
  const dtype = q['dtype'];
  if (typeof dtype !== 'string' || !QUANTIZED_BYTES.has(dtype)) throw new TegakiError(`${where}: quantization dtype ${shown(dtype)} is unknown; TF.js reads uint8, uint16 and float16.`);
  const original = q['original_dtype'];
  if (original !== undefined && original !== 'float32') throw new TegakiError(`${where}: quantization.original_dtype ${shown(original)}: tegaki reads weights quantized from float32 only.`);
  const quantization: WeightQuantization = { dtype: dtype as WeightQuantization['dtype'] };
  if (original !== undefined) quantization.original_dtype = original;
  if (dtype === 'float16') {
    refuseUnknownFields(q, FLOAT16_FIELDS, where, 'quantization.');
    return quantization;
  }
  refuseUnknownFields(q, AFFINE_FIELDS, where, 'quantization.');
  const missing = ['min', 'scale'].filter((k) => q[k] === undefined);
  if (missing.length > 0) throw new TegakiError(`${where} is quantized to ${dtype} without ${missing.map((k) => `quantization.${k}`).join(' and ')}.`);
  for (const key of ['min', 'scale'] as const) {
    const value = q[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new TegakiError(`${where}: quantization.${key} is ${shown(value)}; it must be a finite number.`);
    quantization[key] = value;
  }
  return quantization;
}

/**
 * One manifest entry checked, or an error naming the field: float32 weights of the model, stored
 * as float32 or quantized. `source` names the file (or 'model'); `position` says where the entry
 * is, for entries without a name; `seen` holds the names before it, which it joins.
 */
export function checkWeightSpec(entry: unknown, source: string, position: string, seen: Set<string>): WeightsManifestEntry {
  if (!isObject(entry) || typeof entry['name'] !== 'string') throw new TegakiError(`${source}: ${position} must be an object with a name.`);
  const name = entry['name'];
  if (seen.has(name)) throw new TegakiError(`${source}: weight '${name}' is listed twice.`);
  seen.add(name);
  const where = `${source}: weight '${name}'`;
  refuseUnknownFields(entry, ENTRY_FIELDS, where);
  const shape = checkedShape(entry['shape'], where);
  const group = entry['group'];
  if (group !== undefined && group !== 'model' && group !== 'optimizer') throw new TegakiError(`${where} has group ${shown(group)}; TF.js writes "model" or "optimizer".`);
  const dtype = checkedDtype(entry['dtype'], group === 'optimizer', where);
  const spec: WeightsManifestEntry = { name, shape, dtype };
  if (group !== undefined) spec.group = group;
  if (entry['quantization'] !== undefined) {
    if (dtype === 'int32') throw new TegakiError(`${where}: an int32 weight cannot be quantized.`);
    spec.quantization = checkedQuantization(entry['quantization'], where);
  }
  return spec;
}

/** float32, and for optimizer state int32 too (TF.js saves the step count as an int32 scalar). */
function checkedDtype(dtype: unknown, optimizer: boolean, where: string): 'float32' | 'int32' {
  if (dtype === undefined) throw new TegakiError(`${where} has no dtype (TF.js writes "float32" for layer weights).`);
  if (dtype === 'float32' || (optimizer && dtype === 'int32')) return dtype;
  throw new TegakiError(optimizer ? `${where} has dtype ${shown(dtype)}; optimizer weights are float32, or int32 for the step count.` : `${where} has dtype ${shown(dtype)}; tegaki reads float32 weights only.`);
}

/** The weight specs of in-memory artifacts, each checked, names unique. */
export function checkWeightSpecs(specs: unknown, source: string): WeightsManifestEntry[] {
  if (specs === undefined || specs === null) return [];
  if (!Array.isArray(specs)) throw new TegakiError(`${source}: weightSpecs must be a list of weight entries.`);
  const names = new Set<string>();
  return specs.map((entry: unknown, i) => checkWeightSpec(entry, source, `weightSpecs[${i}]`, names));
}

/** Bytes a checked spec's values take in the weight data. */
export function weightByteLength(spec: WeightsManifestEntry): number {
  const bytesPerValue = spec.quantization ? QUANTIZED_BYTES.get(spec.quantization.dtype)! : spec.dtype === 'int32' ? INT32_BYTES : FLOAT32_BYTES;
  return sizeOf(spec.shape) * bytesPerValue;
}

/** Weight data as byte views, without copying; `what` names it in errors. */
export function weightShards(data: unknown, what: string): Uint8Array[] {
  // TF.js differs: for a typed array it reads the whole underlying buffer, not the view's bytes.
  const shard = (d: unknown): Uint8Array => {
    if (d instanceof ArrayBuffer) return new Uint8Array(d);
    if (ArrayBuffer.isView(d)) return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    throw new TegakiError(`${what} must be an ArrayBuffer or a list of them, not ${d === null ? 'null' : typeof d}.`);
  };
  if (data === undefined || data === null) return [];
  return Array.isArray(data) ? data.map(shard) : [shard(data)];
}

/** Shards joined into one buffer; a single shard is returned as it is. */
export function joinShards(shards: Uint8Array[]): Uint8Array {
  if (shards.length === 1) return shards[0]!;
  const joined = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
  let offset = 0;
  for (const s of shards) {
    joined.set(s, offset);
    offset += s.length;
  }
  return joined;
}

/** IEEE half-precision bits → the number they hold (exact, as tfjs-core's float16 decoder). */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** One weight's values from exactly its bytes (copied, so offsets need no alignment). */
function decodeWeight(spec: WeightsManifestEntry, bytes: Uint8Array): Float32Array | Int32Array {
  const q = spec.quantization;
  if (!q) return spec.dtype === 'int32' ? new Int32Array(bytes.slice().buffer) : new Float32Array(bytes.slice().buffer);
  const stored = q.dtype === 'uint8' ? bytes : new Uint16Array(bytes.slice().buffer);
  const values = new Float32Array(stored.length);
  if (q.dtype === 'float16') {
    for (let i = 0; i < stored.length; i++) values[i] = halfToFloat(stored[i]!);
  } else {
    const { scale, min } = q as Required<WeightQuantization>;
    // in double precision, rounded once to float32, as tfjs-core computes it
    for (let i = 0; i < stored.length; i++) values[i] = stored[i]! * scale + min;
  }
  return values;
}

export interface DecodedWeight {
  shape: number[];
  /** "optimizer" for optimizer state (TF.js' includeOptimizer); absent or "model" for the model's weights. */
  group?: 'model' | 'optimizer';
  /** Decoded when read, so a loader can check shapes against its layers before anything is allocated. Int32 only for optimizer state. */
  readonly values: Float32Array | Int32Array;
}

/**
 * The values of each weight spec (TF.js' tf.io.decodeWeights for layer weights and optimizer state), checking
 * the specs, then that the weight data holds exactly the bytes they need. `source` names where the
 * artifacts come from in errors.
 */
export function decodeWeights(weightSpecs: unknown, weightData: unknown, source: string): Map<string, DecodedWeight> {
  const specs = checkWeightSpecs(weightSpecs, source);
  const shards = weightShards(weightData, `${source}: weightData`);
  const have = shards.reduce((n, s) => n + s.length, 0);
  const need = specs.reduce((n, s) => n + weightByteLength(s), 0);
  if (have !== need) throw new TegakiError(`${source}: weight data has ${have} bytes, the weight specs need ${need}.`);
  const data = joinShards(shards);
  const out = new Map<string, DecodedWeight>();
  let offset = 0;
  for (const spec of specs) {
    const bytes = data.subarray(offset, offset + weightByteLength(spec));
    out.set(spec.name, { shape: spec.shape, group: spec.group, get values() { return decodeWeight(spec, bytes); } });
    offset += bytes.length;
  }
  return out;
}

/** The first weight value that is not finite, as 'name[index] = value', or null when all are. */
export function firstNonFiniteWeight(weights: Map<string, DecodedWeight>): string | null {
  for (const [name, { values }] of weights) {
    const i = values.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) return `${name}[${i}] = ${values[i]}`;
  }
  return null;
}
