// Weights the TF.js converter quantizes (uint8, uint16, float16) read exactly as tfjs-core reads
// them, by tegaki and TF.js alike; the in-memory handlers io.fromMemory and io.withSaveHandler
// both ways between the two libraries; and one clear error for each quantization tegaki refuses.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import type * as tfjs from '@tensorflow/tfjs';
import * as tg from '../src/node.js';
import { decodeWeights } from '../src/io/weights.js';
import { maxAbsDiff, uniformArray } from './helpers/check.js';
import { tfjs as loadTfjs } from './helpers/tfjs.js';

const tf = await loadTfjs();
const tempDir = (name: string) => mkdtempSync(join(tmpdir(), `tegaki-${name}-`));
type Artifacts = tg.io.ModelArtifacts;
type QuantizedDtype = 'uint8' | 'uint16' | 'float16';

const INPUT_SHAPE = [8, 8, 1];
const X = uniformArray(5 * 64, 31, 0, 1);

/** A small CNN trained a few epochs, so its weights are not the initializer's. */
async function trainedModel(): Promise<tg.Sequential> {
  const model = tg.sequential({ seed: 4, name: 'quantized_cnn' });
  model.add(tg.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: INPUT_SHAPE }));
  model.add(tg.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tg.layers.flatten());
  model.add(tg.layers.dense({ units: 6, activation: 'relu' }));
  model.add(tg.layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const xs = tg.tensor(uniformArray(32 * 64, 32, 0, 1), [32, ...INPUT_SHAPE]);
  const ys = tg.oneHot(tg.tensor1d(Array.from({ length: 32 }, (_, i) => i % 3), 'int32'), 3).toFloat();
  await model.fit(xs, ys, { epochs: 3, batchSize: 8, verbose: 0 });
  return model;
}

/** The artifacts a save hands to the function `keep` (given to withSaveHandler). */
async function savedArtifacts(save: (keep: (artifacts: Artifacts) => Promise<tg.io.SaveResult>) => Promise<unknown>): Promise<Artifacts> {
  let kept: Artifacts | undefined;
  await save(async (artifacts) => {
    kept = artifacts;
    return { modelArtifactsInfo: tg.io.getModelArtifactsInfoForJSON(artifacts) };
  });
  return kept!;
}

function roundHalfEven(v: number): number {
  const floor = Math.floor(v);
  const rest = v - floor;
  return rest > 0.5 || (rest === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
}

/** float32 → IEEE half-precision bits, rounding to nearest even as numpy's astype(float16). */
function halfBits(x: number): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | roundHalfEven(a * 2 ** 24); // subnormal; 0x400 is the smallest normal
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  // a mantissa rounded up to 1024 carries into the exponent
  return sign | (((e + 15) << 10) + roundHalfEven((a / 2 ** e - 1) * 1024));
}

/**
 * One weight quantized as tensorflowjs/quantization.py does: uint8/uint16 over [min, max] with the
 * range nudged so that 0 is exact, or float16. Returns the stored bytes and the manifest's
 * quantization entry.
 */
function quantize(values: Float32Array, dtype: QuantizedDtype): { bytes: Uint8Array; quantization: Record<string, unknown> } {
  if (dtype === 'float16') {
    const bits = Uint16Array.from(values, halfBits);
    return { bytes: new Uint8Array(bits.buffer), quantization: { dtype, original_dtype: 'float32' } };
  }
  const qMax = dtype === 'uint8' ? 255 : 65535;
  let min = values.reduce((a, b) => Math.min(a, b));
  let max = values.reduce((a, b) => Math.max(a, b));
  // one value throughout is stored as zeros with scale 1
  const constant = min === max;
  const scale = constant ? 1 : (max - min) / qMax;
  if (!constant && min <= 0 && 0 <= max) {
    min = -roundHalfEven(-min / scale) * scale;
    max = qMax * scale + min;
  }
  const q = Float64Array.from(values, (v) => (constant ? 0 : roundHalfEven((Math.min(Math.max(v, min), max) - min) / scale)));
  const stored = dtype === 'uint8' ? Uint8Array.from(q) : Uint16Array.from(q);
  return { bytes: new Uint8Array(stored.buffer), quantization: { dtype, min, scale, original_dtype: 'float32' } };
}

interface Converted {
  weightSpecs: tg.io.WeightsManifestEntry[];
  /** The weight bytes in two shards, as the converter splits a group across files. */
  shards: ArrayBuffer[];
}

/** float32 artifacts with every weight quantized to dtype, as the converter writes them. */
function convert(artifacts: Artifacts, dtype: QuantizedDtype): Converted {
  const weights = decodeWeights(artifacts.weightSpecs, artifacts.weightData, 'artifacts');
  const parts = [...weights].map(([name, { shape, values }]) => ({ name, shape, ...quantize(values as Float32Array, dtype) }));
  const weightSpecs = parts.map(({ name, shape, quantization }) => ({ name, shape, dtype: 'float32', quantization }) as unknown as tg.io.WeightsManifestEntry);
  const all = Buffer.concat(parts.map((p) => p.bytes));
  const half = Math.ceil(all.length / 2);
  return { weightSpecs, shards: [all.subarray(0, half), all.subarray(half)].map((b) => new Uint8Array(b).buffer) };
}

/** A converter's output folder: model.json and group1-shard{1,2}of2.bin. */
function writeConverted(dir: string, topology: unknown, converted: Converted): void {
  const paths = converted.shards.map((_, i) => `group1-shard${i + 1}of${converted.shards.length}.bin`);
  paths.forEach((p, i) => writeFileSync(join(dir, p), new Uint8Array(converted.shards[i]!)));
  const json = { format: 'layers-model', generatedBy: 'keras v2.15.0', convertedBy: 'TensorFlow.js Converter v4.22.0', modelTopology: topology, weightsManifest: [{ paths, weights: converted.weightSpecs }] };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
}

function predictions(model: { predict(x: never): unknown }, lib: typeof tg | typeof tf): Float32Array {
  const x = lib.tensor(X, [5, ...INPUT_SHAPE]);
  return (model.predict(x as never) as tfjs.Tensor).dataSync() as Float32Array;
}

function assertSamePredictions(mine: Float32Array, theirs: Float32Array, label: string): void {
  const { diff } = maxAbsDiff(mine, theirs);
  assert.ok(diff <= 1e-5, `${label}: max abs difference ${diff}`);
}

const model = await trainedModel();
const original = await savedArtifacts((keep) => model.save(tg.io.withSaveHandler(keep)));

for (const dtype of ['uint8', 'uint16', 'float16'] as const) {
  test(`weights quantized to ${dtype} by the converter load in TF.js and tegaki, with the same values and predictions`, async () => {
    const converted = convert(original, dtype);
    const dir = tempDir(`quantized-${dtype}`);
    writeConverted(dir, original.modelTopology, converted);
    const artifacts = { modelTopology: original.modelTopology, weightSpecs: converted.weightSpecs, weightData: converted.shards };

    const theirs = await tf.loadLayersModel(tf.io.fromMemory(artifacts as tfjs.io.ModelArtifacts));
    const fromFiles = await tg.loadLayersModel(`file://${join(dir, 'model.json')}`);
    const fromMemory = await tg.loadLayersModel(tg.io.fromMemory(artifacts));

    // decoded exactly as tfjs-core decodes: every value equal
    const decoded = tf.io.decodeWeights(converted.shards, converted.weightSpecs as tfjs.io.WeightsManifestEntry[]);
    const names = converted.weightSpecs.map((s) => s.name);
    for (const loaded of [fromFiles, fromMemory]) {
      assert.deepEqual(loaded.getWeights().map((w) => [...w.dataSync()]), names.map((n) => [...decoded[n]!.dataSync()]));
    }
    const expected = predictions(theirs, tf);
    assertSamePredictions(predictions(fromFiles, tg), expected, 'from model.json');
    assertSamePredictions(predictions(fromMemory, tg), expected, 'fromMemory');

    // and the quantization is the converter's: each value within half a step of the original
    const before = decodeWeights(original.weightSpecs, original.weightData, 'original');
    converted.weightSpecs.forEach((spec, i) => {
      const was = before.get(spec.name)!.values;
      const now = fromFiles.getWeights()[i]!.dataSync();
      const step = (v: number) => (dtype === 'float16' ? Math.abs(v) * 2 ** -11 + 2 ** -25 : spec.quantization!.scale! / 2 + 1e-7);
      was.forEach((v, j) => assert.ok(Math.abs(now[j]! - v) <= step(v), `${spec.name}[${j}]: ${v} became ${now[j]}`));
    });
  });
}

test('every float16, uint8 and uint16 code decodes to the value tfjs-core gives', () => {
  const codes = { float16: Uint16Array.from({ length: 65536 }, (_, i) => i), uint16: Uint16Array.from({ length: 65536 }, (_, i) => i), uint8: Uint8Array.from({ length: 256 }, (_, i) => i) };
  for (const [dtype, stored] of Object.entries(codes)) {
    const quantization = dtype === 'float16' ? { dtype } : { dtype, min: -0.123456789, scale: 0.000987654321 };
    const specs = [{ name: 'all', shape: [stored.length], dtype: 'float32', quantization }];
    const bytes = new Uint8Array(stored.buffer).slice().buffer;
    const mine = decodeWeights(specs, bytes, 'codes').get('all')!.values;
    const theirs = tf.io.decodeWeights(bytes, specs as tfjs.io.WeightsManifestEntry[])['all']!.dataSync();
    // NaN bit patterns differ in payload only: compare as numbers, NaN equal to NaN
    const differing = [...mine].findIndex((v, i) => !Object.is(v, theirs[i]));
    assert.equal(differing, -1, `${dtype} code ${differing}: tegaki ${mine[differing]}, TF.js ${theirs[differing]}`);
  }
});

test('a tegaki model saved through io.withSaveHandler loads in TF.js through io.fromMemory, and back', async () => {
  let info: tg.io.ModelArtifactsInfo | undefined;
  let artifacts: Artifacts | undefined;
  const result = await model.save(tg.io.withSaveHandler(async (a) => {
    artifacts = a;
    info = tg.io.getModelArtifactsInfoForJSON(a);
    return { modelArtifactsInfo: info };
  }));
  assert.equal(result.modelArtifactsInfo, info);
  const theirInfo = tf.io.getModelArtifactsInfoForJSON(artifacts as tfjs.io.ModelArtifacts);
  assert.deepEqual({ ...info, dateSaved: 0 }, { ...theirInfo, dateSaved: 0 });

  const expected = predictions(model, tg);
  const theirs = await tf.loadLayersModel(tf.io.fromMemory(artifacts as tfjs.io.ModelArtifacts));
  assertSamePredictions(predictions(theirs, tf), expected, 'TF.js');
  const ours = await tg.loadLayersModel(tg.io.fromMemory(artifacts!));
  assert.deepEqual(predictions(ours, tg), expected);
  assert.equal(ours.summary(() => {}), model.summary(() => {}));
});

test('a TF.js model saved through io.withSaveHandler loads in tegaki through io.fromMemory, every form', async () => {
  const theirs = tf.sequential();
  theirs.add(tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: INPUT_SHAPE }));
  theirs.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  theirs.add(tf.layers.flatten());
  theirs.add(tf.layers.dense({ units: 4, activation: 'softmax' }));
  theirs.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  await theirs.fit(tf.randomUniform([16, ...INPUT_SHAPE], 0, 1, 'float32', 2), tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4), { epochs: 2, verbose: 0 });
  const artifacts = await savedArtifacts((keep) => theirs.save(tf.io.withSaveHandler(keep as never)));
  const expected = predictions(theirs, tf);
  const data = artifacts.weightData as ArrayBuffer;
  const handlers = {
    'artifacts': tg.io.fromMemory(artifacts),
    'topology, specs, data': tg.io.fromMemory(artifacts.modelTopology!, artifacts.weightSpecs, data),
    'weight data in shards': tg.io.fromMemory({ ...artifacts, weightData: [data.slice(0, 100), data.slice(100)] }),
  };
  for (const [form, handler] of Object.entries(handlers)) {
    assertSamePredictions(predictions(await tg.loadLayersModel(handler), tg), expected, form);
  }
});

test("a handler written with tf.io's utilities reads a converter's folder in both libraries", async () => {
  const dir = tempDir('custom-handler');
  writeConverted(dir, original.modelTopology, convert(original, 'uint8'));
  /** The same handler for either library: model.json and its shards from disk. */
  const diskHandler = (io: typeof tg.io) => ({
    load: async () => {
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tg.io.ModelJSON;
      return io.getModelArtifactsForJSON(json, async (manifest) => {
        const buffers = manifest.flatMap((group) => group.paths).map((p) => new Uint8Array(readFileSync(join(dir, p))).buffer);
        return [io.getWeightSpecs(manifest), io.concatenateArrayBuffers(buffers)];
      });
    },
  });
  const theirs = await tf.loadLayersModel(diskHandler(tf.io as unknown as typeof tg.io) as never);
  const ours = await tg.loadLayersModel(diskHandler(tg.io));
  assertSamePredictions(predictions(ours, tg), predictions(theirs, tf), 'custom handler');
  assert.equal(tg.io.getLoadHandlers(`file://${dir}`).length, 1);
  assert.deepEqual(tg.io.getLoadHandlers('indexeddb://nowhere'), []);
});

/** Throws a TegakiError of one line that names the source and matches message. */
async function assertRefused(load: () => Promise<unknown> | unknown, source: string, message: RegExp, label: string): Promise<void> {
  await assert.rejects(async () => load(), (e: Error) => {
    assert.ok(e instanceof tg.TegakiError, `${label}: ${e.stack}`);
    assert.ok(!e.message.includes('\n') && e.message.includes(source), `${label}: ${e.message}`);
    assert.match(e.message, message, label);
    return true;
  });
}

test('hostile quantizations in memory are refused with one line naming the weight and field', async () => {
  const good = convert(original, 'uint8');
  const data = Buffer.concat(good.shards.map((s) => new Uint8Array(s)));
  const kernel = good.weightSpecs.findIndex((s) => s.name === 'dense/kernel');
  const variant = (edit: (q: Record<string, unknown>, spec: Record<string, unknown>) => void, weightData: unknown = good.shards) => {
    const weightSpecs = structuredClone(good.weightSpecs) as unknown as Record<string, unknown>[];
    edit(weightSpecs[kernel]!['quantization'] as Record<string, unknown>, weightSpecs[kernel]!);
    return () => tg.loadLayersModel(tg.io.fromMemory({ modelTopology: original.modelTopology, weightSpecs, weightData } as never));
  };
  const float16NaN = convert(original, 'float16');
  const nanData = Buffer.concat(float16NaN.shards.map((s) => new Uint8Array(s)));
  const offset = float16NaN.weightSpecs.slice(0, kernel).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 2, 0);
  nanData.writeUInt16LE(0x7e00, offset + 2 * 5);
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ['scale NaN', variant((q) => (q['scale'] = NaN)), /weight 'dense\/kernel': quantization\.scale is NaN; it must be a finite number/],
    ['min Infinity', variant((q) => (q['min'] = -Infinity)), /quantization\.min is -Infinity/],
    ['scale a string', variant((q) => (q['scale'] = '0.1')), /quantization\.scale is "0\.1"/],
    ['no scale', variant((q) => delete q['scale']), /weight 'dense\/kernel' is quantized to uint8 without quantization\.scale/],
    ['unknown dtype', variant((q) => (q['dtype'] = 'int4')), /quantization dtype "int4" is unknown; TF\.js reads uint8, uint16 and float16/],
    ['dtype from the prototype', variant((q) => (q['dtype'] = 'constructor')), /quantization dtype "constructor" is unknown/],
    ['one byte short', variant(() => {}, data.subarray(1)), new RegExp(`weight data has ${data.length - 1} bytes, the weight specs need ${data.length}`)],
    ['one byte long', variant(() => {}, [...good.shards, new ArrayBuffer(1)]), new RegExp(`weight data has ${data.length + 1} bytes, the weight specs need ${data.length}`)],
    ['not bytes', variant(() => {}, 'weights'), /weightData must be an ArrayBuffer or a list of them, not string/],
    ['int32 before quantization', variant((q) => (q['original_dtype'] = 'int32')), /quantization\.original_dtype "int32": tegaki reads weights quantized from float32 only/],
    ['unknown quantization field', variant((q) => (q['bits'] = 4)), /unknown field 'quantization\.bits'/],
    ['min on float16', variant((q) => (q['dtype'] = 'float16')), /unknown field 'quantization\.min'/],
    ['string dtype', variant((_q, s) => (s['dtype'] = 'string')), /weight 'dense\/kernel' has dtype "string"; tegaki reads float32 weights only/],
    ['optimizer state without trainingConfig', variant((_q, s) => (s['group'] = 'optimizer')), /the weights hold optimizer state \(group "optimizer"\) but there is no trainingConfig naming the optimizer/],
    ['quantization null', variant((_q, s) => (s['quantization'] = null)), /quantization null must be an object/],
    ['decodes to infinity', variant((q) => (q['scale'] = 1e38)), /weight dense\/kernel contains Infinity at index/],
    ['float16 NaN', () => tg.loadLayersModel(tg.io.fromMemory({ modelTopology: original.modelTopology, weightSpecs: float16NaN.weightSpecs, weightData: nanData })), /weight dense\/kernel contains NaN at index 5/],
  ];
  for (const [label, load, message] of cases) await assertRefused(load, 'model', message, label);
  assert.throws(() => tg.io.fromMemory(null as never), /fromMemory expects model artifacts/);
  assert.throws(() => tg.io.withSaveHandler('save' as never), /withSaveHandler expects a function/);
});

test('hostile quantizations in model.json are refused with one line naming the file', async () => {
  const good = convert(original, 'uint16');
  const cases: [string, (dir: string) => void, RegExp][] = [
    ['scale overflowing to Infinity', (dir) => {
      const file = join(dir, 'model.json');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/("quantization":\{[^}]*"scale":)[^,}]+/, (_, head: string) => `${head}1e999`));
    }, /quantization\.scale is Infinity; it must be a finite number/],
    ['a shard one byte short', (dir) => {
      const shard = join(dir, 'group1-shard2of2.bin');
      writeFileSync(shard, readFileSync(shard).subarray(1));
    }, new RegExp(`group1-shard1of2\\.bin \\+ .*group1-shard2of2\\.bin: ${good.shards[0]!.byteLength + good.shards[1]!.byteLength - 1} bytes, but the manifest in model\\.json needs ${good.shards[0]!.byteLength + good.shards[1]!.byteLength} \\(shorter`)],
    ['unknown dtype', (dir) => {
      const file = join(dir, 'model.json');
      writeFileSync(file, readFileSync(file, 'utf8').replace('"dtype":"uint16"', '"dtype":"int8"'));
    }, /model\.json: weight 'conv2d\/kernel': quantization dtype "int8" is unknown/],
    ['unknown group field', (dir) => {
      const file = join(dir, 'model.json');
      const json = JSON.parse(readFileSync(file, 'utf8'));
      json.weightsManifest[0].shardSize = 4;
      writeFileSync(file, JSON.stringify(json));
    }, /model\.json: weightsManifest\[0\]: unknown field 'shardSize'/],
  ];
  for (const [label, spoil, message] of cases) {
    const dir = tempDir('hostile');
    writeConverted(dir, original.modelTopology, good);
    spoil(dir);
    await assertRefused(() => tg.loadModel(dir), dir, message, label);
  }
});

test("the file handler stores quantized weights as they are, and refuses what tegaki could not load again", async () => {
  const converted = convert(original, 'uint8');
  const quantized = { ...original, weightSpecs: converted.weightSpecs, weightData: converted.shards };
  const dir = tempDir('file-handler');
  await tg.io.fileSystem(dir).save!(quantized);
  const expected = await tg.loadLayersModel(tg.io.fromMemory(quantized));
  assert.deepEqual(predictions(tg.loadModel(dir), tg), predictions(expected, tg));
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).weightsManifest[0].weights, converted.weightSpecs);

  const int32 = structuredClone(original.weightSpecs!);
  int32[0]!.dtype = 'int32';
  await assertRefused(() => tg.io.fileSystem(dir).save!({ ...original, weightSpecs: int32 }), dir, /model not saved: weight 'conv2d\/kernel' has dtype "int32"/, 'int32 weights');
  const nan = new Float32Array((original.weightData as ArrayBuffer).slice(0));
  nan[3] = NaN;
  await assertRefused(() => tg.io.fileSystem(dir).save!({ ...original, weightData: nan.buffer }), dir, /model not saved: weight conv2d\/kernel\[3\] = NaN is not a finite number/, 'NaN weight');
  assert.deepEqual(predictions(tg.loadModel(dir), tg), predictions(expected, tg), 'the refused saves left the model as it was');
});
