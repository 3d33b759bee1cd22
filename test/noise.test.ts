// GaussianNoise, GaussianDropout and SpatialDropout2D: the identity in inference, the same noise
// for the same random stream (on both paths), the noise's statistics against Keras' definitions,
// gradients against central differences, model.json both ways with TF.js, and seeded training.
// Then Dropout's noiseShape (one draw shared along axes of size 1) and seed (the layer's own stream).

import assert from 'node:assert/strict';
import test from 'node:test';
import * as tg from '../src/node.js';
import { layers, Random, Tensor } from '../src/node.js';
import { uniformArray } from './helpers/check.js';
import { checkFusedGradients, tfjsLoadsOurs, weLoadTfjs, worst } from './helpers/layer-interop.js';
import { tfjs } from './helpers/tfjs.js';

const tf = await tfjs();

test.after(() => console.log(`max difference, relative to the largest reference value: ${Object.entries(worst).map(([k, v]) => `${k}: ${v.toExponential(2)}`).join(', ')}`));

const makers: [string, () => tg.layers.FusedLayer][] = [
  ['gaussianNoise', () => layers.gaussianNoise({ stddev: 0.5 })],
  ['gaussianDropout', () => layers.gaussianDropout({ rate: 0.3 })],
  ['spatialDropout2d', () => layers.spatialDropout2d({ rate: 0.4 })],
];
const SHAPE = [6, 5, 8];

function built(make: () => tg.layers.FusedLayer): tg.layers.FusedLayer {
  const layer = make();
  layer.buildFor(SHAPE, new Random(0));
  return layer;
}

test('inference is the identity; training perturbs; the same stream gives the same noise on both paths', () => {
  const x = new Tensor([4, ...SHAPE], uniformArray(4 * 240, 1, 0.5, 2));
  for (const [label, make] of makers) {
    const layer = built(make);
    assert.deepEqual([...layer.forward(x, { training: false, rng: new Random(1) }).f32], [...x.f32], `${label}: forward in inference`);
    assert.deepEqual([...(layer.call(x) as Tensor).f32], [...x.f32], `${label}: call() in inference`);
    const a = Float32Array.from(layer.forward(x, { training: true, rng: new Random(7) }).f32);
    const b = Float32Array.from(layer.forward(x, { training: true, rng: new Random(7) }).f32);
    const c = Float32Array.from(layer.forward(x, { training: true, rng: new Random(8) }).f32);
    assert.deepEqual([...a], [...b], `${label}: same stream, same noise`);
    assert.notDeepEqual([...a], [...c], `${label}: another stream, other noise`);
    assert.notDeepEqual([...a], [...x.f32], `${label}: training changes the input`);
    assert.deepEqual([...(layer.call(x, { training: true, rng: new Random(7) }) as Tensor).f32], [...a], `${label}: call() draws what forward() draws`);
  }
});

/** Mean and variance of values. */
function moments(values: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i]! - mean) ** 2;
  return { mean, variance: sq / values.length };
}

test('noise statistics: N(0, stddev²) added, N(1, rate/(1−rate)) multiplied, whole channels dropped at rate and the rest scaled', () => {
  const n = 200_000;
  const ones = new Tensor([n / 40, 5, 1, 8], new Float32Array(n).fill(1));
  const zeros = new Tensor([n / 40, 5, 1, 8]);
  const rng = new Random(11);
  // 200k draws: the standard error of a mean is ~0.002·σ, of a variance ~0.003·σ²
  const added = moments((layers.gaussianNoise({ stddev: 0.5 }).call(zeros, { training: true, rng }) as Tensor).f32);
  assert.ok(Math.abs(added.mean) < 0.005 && Math.abs(added.variance - 0.25) < 0.005, `gaussianNoise: mean ${added.mean}, variance ${added.variance}`);
  const multiplied = moments((layers.gaussianDropout({ rate: 0.2 }).call(ones, { training: true, rng }) as Tensor).f32);
  assert.ok(Math.abs(multiplied.mean - 1) < 0.005 && Math.abs(multiplied.variance - 0.25) < 0.005, `gaussianDropout: mean ${multiplied.mean}, variance ${multiplied.variance} (expected 1 and 0.25)`);

  const spatial = layers.spatialDropout2d({ rate: 0.25 });
  const y = (spatial.call(ones, { training: true, rng }) as Tensor).f32;
  const [batch, h, w, c] = ones.shape as [number, number, number, number];
  let dropped = 0;
  for (let b = 0; b < batch; b++) {
    for (let ch = 0; ch < c; ch++) {
      const values = new Set<number>();
      for (let p = 0; p < h * w; p++) values.add(y[(b * h * w + p) * c + ch]!);
      assert.equal(values.size, 1, 'one draw per sample and channel');
      const v = [...values][0]!;
      assert.ok(v === 0 || Math.abs(v - 4 / 3) < 1e-6, `kept channels scaled by 1/(1 − rate): ${v}`);
      if (v === 0) dropped++;
    }
  }
  const fraction = dropped / (batch * c);
  assert.ok(Math.abs(fraction - 0.25) < 0.015, `spatialDropout2d drops ${fraction} of the channels`);
  assert.ok(Math.abs(moments(y).mean - 1) < 0.02, 'the mean is kept');
});

test('noise layers: fused backward against central differences (the same draw each time)', () => {
  for (const [label, make] of makers) checkFusedGradients(label, make(), SHAPE, { training: true });
});

test('model.json both ways with TF.js (SpatialDropout2D, which TF.js lacks, round-trips in tegaki)', async () => {
  const x = new Tensor([2, 6], uniformArray(12, 3));
  const ours = tg.sequential({ seed: 1 });
  ours.add(layers.dense({ units: 4, inputShape: [6] }));
  ours.add(layers.gaussianNoise({ stddev: 0.3 }));
  ours.add(layers.gaussianDropout({ rate: 0.2 }));
  const theirs = await tfjsLoadsOurs('noise layers', ours, x);
  assert.deepEqual(theirs.layers.slice(1).map((l) => l.getConfig()['stddev'] ?? l.getConfig()['rate']), [0.3, 0.2]);

  const built = tf.sequential();
  built.add(tf.layers.gaussianNoise({ stddev: 0.1, inputShape: [6] }));
  built.add(tf.layers.gaussianDropout({ rate: 0.4 }));
  const loaded = await weLoadTfjs('noise layers', built, x);
  assert.deepEqual(loaded.layers.map((l) => [l.className, l.getConfig()['stddev'] ?? l.getConfig()['rate']]), [['GaussianNoise', 0.1], ['GaussianDropout', 0.4]]);

  const spatial = tg.sequential({ layers: [layers.spatialDropout2d({ rate: 0.5, inputShape: [3, 3, 2] })] });
  const artifacts: tg.io.ModelArtifacts[] = [];
  await spatial.save(tg.io.withSaveHandler(async (a) => {
    artifacts.push(a);
    return { modelArtifactsInfo: tg.io.getModelArtifactsInfoForJSON(a) };
  }));
  assert.match(JSON.stringify(artifacts[0]!.modelTopology), /"class_name":"SpatialDropout2D","config":\{[^}]*"rate":0\.5[^}]*"data_format":"channels_last"/);
  const again = await tg.loadLayersModel(tg.io.fromMemory(artifacts[0]!));
  assert.deepEqual(again.layers[0]!.getConfig(), spatial.layers[0]!.getConfig());
});

test('a seeded model with noise layers trains the same twice', async () => {
  async function train(): Promise<number[][]> {
    const model = tg.sequential({ seed: 9 });
    model.add(layers.conv2d({ filters: 2, kernelSize: 2, inputShape: [4, 4, 1] }));
    model.add(layers.spatialDropout2d({ rate: 0.5 }));
    model.add(layers.gaussianNoise({ stddev: 0.2 }));
    model.add(layers.flatten());
    model.add(layers.gaussianDropout({ rate: 0.3 }));
    model.add(layers.dense({ units: 2, activation: 'softmax' }));
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const x = new Tensor([8, 4, 4, 1], uniformArray(128, 4));
    await model.fit(x, new Tensor([8], [0, 1, 0, 1, 0, 1, 0, 1]), { epochs: 2, batchSize: 4, verbose: 0 });
    return model.getWeights().map((w) => [...w.f32]);
  }
  assert.deepEqual(await train(), await train());
});

test('noise layers refuse bad options naming them and quoting the value', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => layers.gaussianNoise({ stddev: -1 }), /Received stddev=-1\./],
    [() => layers.gaussianNoise({} as never), /Received stddev=undefined\./],
    [() => layers.gaussianDropout({ rate: 1 }), /Received rate=1\./],
    [() => layers.spatialDropout2d({ rate: -0.5 }), /Received rate=-0\.5\./],
    [() => layers.spatialDropout2d({ rate: 0.5, dataFormat: 'channelsFirst' as never }), /dataFormat/],
    [() => layers.spatialDropout2d({ rate: 0.5 }).buildFor([4, 4], new Random(0)), /\(None, height, width, channels\)/],
    [() => layers.gaussianNoise({ stddev: 1, seed: 3 } as never), /seed/],
  ];
  for (const [make, message] of cases) {
    assert.throws(make, (e: unknown) => e instanceof tg.TegakiError && message.test(e.message) && !e.message.includes('\n'), String(message));
  }
});

test('dropout noiseShape shares one draw along its axes of size 1, on both paths, and in backward', () => {
  const layer = layers.dropout({ rate: 0.5, noiseShape: [null, 1, 1, 8] });
  layer.buildFor(SHAPE, new Random(0));
  const x = new Tensor([3, ...SHAPE], new Float32Array(3 * 240).fill(1));
  const y = layer.forward(x, { training: true, rng: new Random(5) }).f32;
  for (let b = 0; b < 3; b++) {
    for (let ch = 0; ch < 8; ch++) {
      const values = new Set(Array.from({ length: 30 }, (_, p) => y[(b * 30 + p) * 8 + ch]));
      assert.equal(values.size, 1, 'one value per sample and channel');
    }
  }
  assert.deepEqual([...(layer.call(x, { training: true, rng: new Random(5) }) as Tensor).f32], [...y]);
  assert.deepEqual([...layer.backward(x).f32], [...y], 'dL/dx is dL/dy times the same mask');
  checkFusedGradients('dropout noiseShape', layers.dropout({ rate: 0.3, noiseShape: [null, 6, 1, 8] }), SHAPE, { training: true });
  assert.throws(() => layer.forward(new Tensor([3, 6, 5, 4]), { training: true, rng: new Random(0) }), (e: unknown) => e instanceof tg.TegakiError);
  assert.throws(() => layers.dropout({ rate: 0.5, noiseShape: [null, 2, 1, 8] }).apply(x, { training: true }), (e: unknown) => e instanceof tg.TegakiError && /noiseShape \[null,2,1,8\]/.test(e.message));
});

test('dropout seed: the layer\'s own stream, reproducible, a new mask each step; saved in model.json', async () => {
  const x = new Tensor([4, 10], new Float32Array(40).fill(1));
  const run = () => {
    const layer = layers.dropout({ rate: 0.5, seed: 42 });
    layer.buildFor([10], new Random(0));
    // the model's stream differs between the runs: the seed decides
    return [0, 1].map((step) => [...layer.forward(x, { training: true, rng: new Random(step * 1000 + Math.floor(Math.random() * 999)) }).f32]);
  };
  const [first, second] = [run(), run()];
  assert.deepEqual(first, second, 'the same seed, the same masks');
  assert.notDeepEqual(first[0], first[1], 'a new mask for each step');
  const model = tg.sequential({ layers: [layers.dropout({ rate: 0.5, seed: 42, noiseShape: [null, 1], inputShape: [10] })] });
  const theirs = await tfjsLoadsOurs('dropout seed and noiseShape', model, x);
  assert.deepEqual([theirs.layers[0]!.getConfig()['seed'], theirs.layers[0]!.getConfig()['noiseShape']], [42, [null, 1]]);
  assert.throws(() => layers.dropout({ rate: 0.5, seed: 1.5 }), (e: unknown) => e instanceof tg.TegakiError && /Received seed=1\.5\./.test(e.message));
  assert.throws(() => layers.dropout({ rate: 0.5, noiseShape: [0] }), (e: unknown) => e instanceof tg.TegakiError && /Received noiseShape=\[0\]\./.test(e.message));
});
