// Initializers (tf.initializers.*): the statistics of a large draw of each against Keras' formula
// (mean, variance, bounds), orthogonal, identity and constant values, seeds, and each one's config
// and model.json form against TF.js' (layers TF.js built, saved, then loaded by tegaki).

import assert from 'node:assert/strict';
import test from 'node:test';
import type * as tfjs from '@tensorflow/tfjs';
import * as tg from '../src/node.js';
import { checkClose, uniformArray } from './helpers/check.js';
import { artifactsOf, ours, tf, topologyLayers, type Lib } from './helpers/penalties.js';

const ROWS = 300;
const COLS = 400;
/** The standard deviation of a standard normal truncated at ±2, which Keras divides by. */
const TRUNCATED_STDDEV = 0.87962566103423978;

interface Expected {
  mean: number;
  variance: number;
  /** Every value within [low, high]. */
  low: number;
  high: number;
}

const uniform = (low: number, high: number): Expected => ({ mean: (low + high) / 2, variance: (high - low) ** 2 / 12, low, high });
const normal = (mean: number, stddev: number): Expected => ({ mean, variance: stddev * stddev, low: -Infinity, high: Infinity });
const truncated = (mean: number, stddev: number): Expected => ({ mean, variance: (stddev * TRUNCATED_STDDEV) ** 2, low: mean - 2 * stddev, high: mean + 2 * stddev });
/** Keras' variance scaling: variance scale/fan, uniform within ±√(3·variance) or a normal truncated at two (corrected) deviations. */
const scaled = (variance: number, distribution: 'uniform' | 'normal'): Expected =>
  distribution === 'uniform' ? uniform(-Math.sqrt(3 * variance), Math.sqrt(3 * variance)) : { ...truncated(0, Math.sqrt(variance) / TRUNCATED_STDDEV), variance };

const FAN_IN = ROWS;
const FAN_OUT = COLS;
const FAN_AVG = (ROWS + COLS) / 2;

const RANDOM_CASES: [string, tg.Initializer, Expected][] = [
  ['randomUniform', tg.initializers.randomUniform({ minval: -0.3, maxval: 0.7 }), uniform(-0.3, 0.7)],
  ['randomUniform (defaults)', tg.initializers.randomUniform({}), uniform(-0.05, 0.05)],
  ['randomNormal', tg.initializers.randomNormal({ mean: 0.5, stddev: 2 }), normal(0.5, 2)],
  ['randomNormal (defaults)', tg.initializers.randomNormal({}), normal(0, 0.05)],
  ['truncatedNormal', tg.initializers.truncatedNormal({ mean: -1, stddev: 0.5 }), truncated(-1, 0.5)],
  ['glorotUniform', tg.initializers.glorotUniform({}), scaled(1 / FAN_AVG, 'uniform')],
  ['glorotNormal', tg.initializers.glorotNormal({}), scaled(1 / FAN_AVG, 'normal')],
  ['heUniform', tg.initializers.heUniform({}), scaled(2 / FAN_IN, 'uniform')],
  ['heNormal', tg.initializers.heNormal({}), scaled(2 / FAN_IN, 'normal')],
  ['leCunUniform', tg.initializers.leCunUniform({}), scaled(1 / FAN_IN, 'uniform')],
  ['leCunNormal', tg.initializers.leCunNormal({}), scaled(1 / FAN_IN, 'normal')],
  ['varianceScaling (defaults: 1, fanIn, normal)', tg.initializers.varianceScaling({}), scaled(1 / FAN_IN, 'normal')],
  ['varianceScaling 2, fanOut, uniform', tg.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'uniform' }), scaled(2 / FAN_OUT, 'uniform')],
  ['varianceScaling 0.5, fanAvg, truncatedNormal', tg.initializers.varianceScaling({ scale: 0.5, mode: 'fanAvg', distribution: 'truncatedNormal' }), scaled(0.5 / FAN_AVG, 'normal')],
];

/** Values of shape drawn from a seeded stream, as a model's build draws them. */
function draw(init: tg.Initializer, shape: number[]): Float32Array {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  init.initialize(values, shape, new tg.Random(17));
  return values;
}

function statistics(values: Float32Array): { mean: number; variance: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, variance: squares / values.length, min, max };
}

test('each random initializer: mean, variance and bounds of 120,000 draws as Keras\' formula gives them', () => {
  for (const [label, init, want] of RANDOM_CASES) {
    const values = draw(init, [ROWS, COLS]);
    const got = statistics(values);
    const sd = Math.sqrt(want.variance);
    // the mean of n draws is off by sd/√n (5 of those allowed); the variance by about √(2/n) of itself
    assert.ok(Math.abs(got.mean - want.mean) < 5 * sd / Math.sqrt(values.length), `${label}: mean ${got.mean}, expected ${want.mean}`);
    assert.ok(Math.abs(got.variance / want.variance - 1) < 0.03, `${label}: variance ${got.variance}, expected ${want.variance}`);
    assert.ok(got.min >= want.low - 1e-6 && got.max <= want.high + 1e-6, `${label}: values in [${got.min}, ${got.max}], expected within [${want.low}, ${want.high}]`);
    // the bounds are reached: a uniform or truncated draw fills its whole range
    if (Number.isFinite(want.low)) assert.ok(got.min < want.low + 0.02 * (want.high - want.low) && got.max > want.high - 0.02 * (want.high - want.low), `${label}: the draw spans its range`);
  }
});

test('fans of a conv kernel count its receptive field (Keras): glorotUniform on [3, 3, 20, 30]', () => {
  const values = draw(tg.initializers.glorotUniform({}), [3, 3, 20, 30]);
  const limit = Math.sqrt(6 / (9 * 20 + 9 * 30));
  const got = statistics(values);
  assert.ok(got.max <= limit && got.max > 0.98 * limit && got.min >= -limit, `within ±${limit}`);
  assert.ok(Math.abs(got.variance / (limit * limit / 3) - 1) < 0.05, `variance ${got.variance}`);
});

/** WᵀW (columns) or WWᵀ (rows) of a [rows, cols] matrix. */
function gram(w: Float32Array, rows: number, cols: number, ofColumns: boolean): number[] {
  const n = ofColumns ? cols : rows;
  const at = (i: number, k: number): number => (ofColumns ? w[k * cols + i]! : w[i * cols + k]!);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < (ofColumns ? rows : cols); k++) s += at(i, k) * at(j, k);
      out.push(s);
    }
  }
  return out;
}

const eyeTimes = (n: number, v: number): number[] => Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? v : 0));

test('orthogonal: orthonormal rows (wide) or columns (tall, and conv kernels flattened to [kH·kW·in, out]) times gain', () => {
  const cases: [number[], number, number, boolean][] = [[[6, 10], 6, 10, false], [[10, 6], 10, 6, true], [[2, 2, 3, 4], 12, 4, true], [[5, 5], 5, 5, true]];
  for (const [shape, rows, cols, ofColumns] of cases) {
    const w = draw(tg.initializers.orthogonal({ gain: 2 }), shape);
    const n = ofColumns ? cols : rows;
    checkClose(gram(w, rows, cols, ofColumns), eyeTimes(n, 4), 1e-5, `orthogonal [${shape}]: ${ofColumns ? 'WᵀW' : 'WWᵀ'} = gain²·I`);
  }
  assert.throws(() => tg.initializers.orthogonal({}).apply([5]), /two or more dimensions, received shape \[5\]/);
});

test('identity, constant, zeros and ones', () => {
  assert.deepEqual(Array.from(tg.initializers.identity({ gain: 3 }).apply([3, 3]).dataSync()), eyeTimes(3, 3));
  assert.throws(() => tg.initializers.identity({}).apply([2, 3]), (e: unknown) => e instanceof tg.TegakiError && /only 2D square weights can be an identity, received shape \[2,3\]/.test(e.message));
  assert.ok(tg.initializers.constant({ value: 0.7 }).apply([4, 5]).dataSync().every((v) => v === Math.fround(0.7)));
  assert.ok(tg.initializers.zeros().apply([3]).dataSync().every((v) => v === 0));
  assert.ok(tg.initializers.ones().apply([3]).dataSync().every((v) => v === 1));
  assert.throws(() => tg.initializers.constant({} as never), /value must be a finite number, received undefined/);
});

test('a seeded initializer draws the same values every time; an unseeded one follows the model\'s seed', () => {
  for (const name of ['randomUniform', 'randomNormal', 'truncatedNormal', 'glorotUniform', 'heNormal', 'varianceScaling', 'orthogonal'] as const) {
    const make = tg.initializers[name] as (args: { seed: number }) => tg.Initializer;
    const a = make({ seed: 11 }).apply([8, 6]).dataSync();
    assert.deepEqual(make({ seed: 11 }).apply([8, 6]).dataSync(), a, `${name}: seed 11 twice`);
    assert.notDeepEqual(make({ seed: 12 }).apply([8, 6]).dataSync(), a, `${name}: another seed draws other values`);
  }
  const kernel = (modelSeed: number, kernelInitializer?: tg.Initializer): Float32Array =>
    tg.sequential({ seed: modelSeed, layers: [tg.layers.dense({ units: 5, inputShape: [7], kernelInitializer })] }).getWeights()[0]!.dataSync() as Float32Array;
  assert.deepEqual(kernel(1, tg.initializers.heUniform({ seed: 4 })), kernel(2, tg.initializers.heUniform({ seed: 4 })), 'a seeded initializer ignores the model\'s seed');
  assert.deepEqual(kernel(1, tg.initializers.heUniform({ seed: 4 })), tg.initializers.heUniform({ seed: 4 }).apply([7, 5]).dataSync(), 'and draws what apply() draws');
  assert.deepEqual(kernel(3), kernel(3), 'the same model seed, the same weights');
  assert.notDeepEqual(kernel(3), kernel(4), 'another model seed, other weights');
});

/** Each of TF.js' fifteen initializers, with options that differ from its defaults where it has any. */
const CONFIG_CASES: [string, (t: Lib) => unknown][] = [
  ['zeros', (t) => t.initializers.zeros()],
  ['ones', (t) => t.initializers.ones()],
  ['constant', (t) => t.initializers.constant({ value: 0.25 })],
  ['randomUniform', (t) => t.initializers.randomUniform({ minval: -0.2, maxval: 0.3, seed: 5 })],
  ['randomNormal', (t) => t.initializers.randomNormal({ mean: 0.1, stddev: 0.2, seed: 6 })],
  ['truncatedNormal', (t) => t.initializers.truncatedNormal({ mean: -0.1, stddev: 0.3 })],
  ['identity', (t) => t.initializers.identity({ gain: 0.5 })],
  ['varianceScaling', (t) => t.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'uniform', seed: 7 })],
  ['orthogonal', (t) => t.initializers.orthogonal({ gain: 1.5, seed: 8 })],
  ['glorotUniform', (t) => t.initializers.glorotUniform({ seed: 9 })],
  ['glorotNormal', (t) => t.initializers.glorotNormal({})],
  ['heUniform', (t) => t.initializers.heUniform({ seed: 10 })],
  ['heNormal', (t) => t.initializers.heNormal({})],
  ['leCunUniform', (t) => t.initializers.leCunUniform({})],
  ['leCunNormal', (t) => t.initializers.leCunNormal({ seed: 11 })],
];

/** A dense chain [4] → 4 → ... → 4 with one initializer per layer (the kernel's; the bias gets the next one when it fits a vector). */
function chain(t: Lib): tfjs.Sequential {
  const model = t.sequential();
  CONFIG_CASES.forEach(([name, make], i) => {
    model.add(t.layers.dense({ units: 4, activation: 'tanh', name: `${name.toLowerCase()}_layer`, kernelInitializer: make(t) as never, ...(i === 0 ? { inputShape: [4] } : {}) }));
  });
  return model;
}

/** A config with TF.js' unset options (undefined) as model.json writes them (null). */
const normalized = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_k, v: unknown) => (v === undefined ? null : v)));

test('every initializer\'s config (by object and by name) equals what TF.js writes', () => {
  for (const [name, make] of CONFIG_CASES) {
    const config = (t: Lib, kernelInitializer: unknown) => normalized(t.layers.dense({ units: 4, kernelInitializer: kernelInitializer as never }).getConfig()['kernelInitializer']);
    assert.deepEqual(config(ours, make(ours)), config(tf, make(tf)), `${name}: an initializer object`);
    // TF.js needs a value for constant, so it has no form by name
    if (name !== 'constant') assert.deepEqual(config(ours, name), config(tf, name), `${name}: by name`);
    const json = (make(ours) as tg.Initializer);
    assert.deepEqual(normalized({ className: json.getClassName(), config: json.getConfig() }), normalized({ className: (make(tf) as { getClassName(): string }).getClassName(), config: (make(tf) as { getConfig(): unknown }).getConfig() }), `${name}: getClassName and getConfig`);
  }
});

test('Keras 3\'s class names for the named forms (GlorotNormal, {seed}) load as the VarianceScaling they are', () => {
  const layer = tg.layers.dense({ units: 2, kernelInitializer: { class_name: 'HeUniform', config: { seed: 3 } } as never });
  assert.deepEqual(layer.getConfig()['kernelInitializer'], { className: 'VarianceScaling', config: { scale: 2, mode: 'fanIn', distribution: 'uniform', seed: 3 } });
});

test('a TF.js model with each initializer loads in tegaki (same configs, same predictions) and tegaki writes the same model.json entries', async () => {
  const theirs = chain(tf);
  const artifacts = await artifactsOf(tf, theirs);
  const loaded = tg.modelFromArtifacts(artifacts as never, 'their model');
  assert.deepEqual(normalized(loaded.layers.map((l) => l.getConfig()['kernelInitializer'])), normalized(theirs.layers.map((l) => l.getConfig()['kernelInitializer'])));
  const x = uniformArray(6 * 4, 3);
  checkClose((loaded.predict(tg.tensor2d(x, [6, 4])) as tg.Tensor).dataSync(), (theirs.predict(tf.tensor2d(x, [6, 4])) as tfjs.Tensor).dataSync(), 1e-5, 'predictions');
  // the same chain built by tegaki saves the same kernel_initializer entries
  const mine = await artifactsOf(ours, chain(ours) as unknown as tfjs.LayersModel);
  assert.deepEqual(topologyLayers(mine).map((l) => l.config['kernel_initializer']), topologyLayers(artifacts).map((l) => l.config['kernel_initializer']));
  assert.deepEqual(topologyLayers(mine).map((l) => l.config['bias_initializer']), topologyLayers(artifacts).map((l) => l.config['bias_initializer']));
  // and TF.js reads tegaki's
  const back = await tf.loadLayersModel(tf.io.fromMemory(mine));
  assert.deepEqual(normalized(back.layers.map((l) => l.getConfig()['kernelInitializer'])), normalized(theirs.layers.map((l) => l.getConfig()['kernelInitializer'])));
});
