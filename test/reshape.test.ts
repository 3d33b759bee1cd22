// Reshape, Permute and RepeatVector against TF.js' layers (forward and gradients, fused and tape),
// central differences, model.json both ways with TF.js, fused training = tape training, and refusals.

import assert from 'node:assert/strict';
import test from 'node:test';
import * as tg from '../src/node.js';
import { layers, Random, Tensor } from '../src/node.js';
import { uniformArray } from './helpers/check.js';
import { checkAgainstTfjsLayer, checkFusedEqualsTape, checkFusedGradients, tfjsLoadsOurs, weLoadTfjs, worst } from './helpers/layer-interop.js';
import { tfjs } from './helpers/tfjs.js';

const tf = await tfjs();

test.after(() => console.log(`max difference, relative to the largest reference value: ${Object.entries(worst).map(([k, v]) => `${k}: ${v.toExponential(2)}`).join(', ')}`));

test('reshape, permute and repeatVector match TF.js\' layers', async () => {
  await checkAgainstTfjsLayer('reshape [3, -1]', layers.reshape({ targetShape: [3, -1] }), tf.layers.reshape({ targetShape: [3, -1] }), [4, 6]);
  await checkAgainstTfjsLayer('reshape [24]', layers.reshape({ targetShape: [24] }), tf.layers.reshape({ targetShape: [24] }), [2, 3, 4]);
  await checkAgainstTfjsLayer('permute [2, 1]', layers.permute({ dims: [2, 1] }), tf.layers.permute({ dims: [2, 1] }), [4, 6]);
  await checkAgainstTfjsLayer('permute [3, 1, 2]', layers.permute({ dims: [3, 1, 2] }), tf.layers.permute({ dims: [3, 1, 2] }), [2, 3, 4]);
  await checkAgainstTfjsLayer('repeatVector 3', layers.repeatVector({ n: 3 }), tf.layers.repeatVector({ n: 3 }), [5]);
});

test('reshape, permute and repeatVector: fused backward against central differences', () => {
  checkFusedGradients('reshape', layers.reshape({ targetShape: [-1, 2] }), [3, 4]);
  checkFusedGradients('permute', layers.permute({ dims: [3, 1, 2] }), [2, 3, 4]);
  checkFusedGradients('repeatVector', layers.repeatVector({ n: 4 }), [5]);
});

test('model.json both ways with TF.js', async () => {
  const x = new Tensor([3, 12], uniformArray(36, 5));
  const ours = tg.sequential({ seed: 1 });
  // no -1 here: TF.js leaves an inferred dimension unknown in a model's shapes, so its Flatten would refuse it
  ours.add(layers.reshape({ targetShape: [3, 4], inputShape: [12] }));
  ours.add(layers.permute({ dims: [2, 1] }));
  ours.add(layers.flatten());
  ours.add(layers.repeatVector({ n: 2 }));
  const theirs = await tfjsLoadsOurs('reshaping', ours, x);
  assert.deepEqual(theirs.layers.map((l) => l.getClassName()), ['Reshape', 'Permute', 'Flatten', 'RepeatVector']);

  const built = tf.sequential();
  built.add(tf.layers.repeatVector({ n: 2, inputShape: [12] }));
  built.add(tf.layers.reshape({ targetShape: [4, -1] }));
  built.add(tf.layers.permute({ dims: [2, 1] }));
  const loaded = await weLoadTfjs('reshaping', built, x);
  assert.deepEqual(loaded.layers.map((l) => l.getConfig()['targetShape'] ?? l.getConfig()['dims'] ?? l.getConfig()['n']), [2, [4, -1], [2, 1]]);
});

test('Sequential.fit (fused) trains through reshaping layers as the tape does', async () => {
  await checkFusedEqualsTape('reshaping', () => [
    layers.dense({ units: 6, activation: 'tanh' }),
    layers.repeatVector({ n: 2 }),
    layers.reshape({ targetShape: [3, -1] }),
    layers.permute({ dims: [2, 1] }),
    layers.flatten(),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], [5]);
});

test('reshaping layers refuse bad options and shapes naming them', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => layers.reshape({ targetShape: [-1, -1] }), /Received targetShape=\[-1,-1\]\./],
    [() => layers.reshape({ targetShape: [0, 2] }), /Received targetShape=\[0,2\]\./],
    [() => layers.reshape({ targetShape: [5, -1] }).buildFor([12], new Random(0)), /\[12\].*\[5,-1\]/],
    [() => layers.reshape({ targetShape: [5] }).buildFor([12], new Random(0)), /total size must be unchanged/],
    [() => layers.permute({ dims: [0, 1] }), /Received dims=\[0,1\]\./],
    [() => layers.permute({ dims: [1, 3] }), /Received dims=\[1,3\]\./],
    [() => layers.permute({ dims: [2, 1] }).buildFor([2, 3, 4], new Random(0)), /permute 2 axes/],
    [() => layers.repeatVector({ n: 0 }), /Received n=0\./],
    [() => layers.repeatVector({ n: 2 }).buildFor([2, 3], new Random(0)), /\(None, features\)/],
  ];
  for (const [make, message] of cases) {
    assert.throws(make, (e: unknown) => e instanceof tg.TegakiError && message.test(e.message) && !e.message.includes('\n'), String(message));
  }
});
