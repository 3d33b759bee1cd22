// Every activation TF.js names (elu, selu, relu6, softplus, softsign, swish, gelu, hardSigmoid,
// mish and the original five): on dense, conv2d and activation layers against TF.js' own layers
// (forward and gradients, fused kernels and the tape), against central differences, native
// kernels against the TypeScript reference, model.json both ways, and fused training = tape training.

import assert from 'node:assert/strict';
import test from 'node:test';
import * as tg from '../src/node.js';
import { layers, Random, Tensor } from '../src/node.js';
import type { ActivationName } from '../src/activations.js';
import { activationNeedsInput, ELEMENTWISE_ACTIVATIONS, type Backend } from '../src/backend/backend.js';
import { loadNative } from '../src/backend/native/index.js';
import { tsBackend } from '../src/backend/ts/index.js';
import { erf } from '../src/ops/math.js';
import { checkClose, checkGradient, dot, uniformArray } from './helpers/check.js';
import { checkAgainstTfjsLayer, checkFusedEqualsTape, tfjsLoadsOurs, weLoadTfjs, worst } from './helpers/layer-interop.js';
import { tfjs } from './helpers/tfjs.js';

const ACTIVATIONS: ActivationName[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'relu6', 'softplus', 'softsign', 'hardSigmoid', 'swish', 'gelu', 'mish'];
const tf = await tfjs();

test.after(() => console.log(`max difference, relative to the largest reference value: ${Object.entries(worst).map(([k, v]) => `${k}: ${v.toExponential(2)}`).join(', ')}`));

test('dense with every activation matches tf.layers.dense (forward, dL/dx, dL/dW; fused and tape)', async () => {
  for (const activation of ACTIVATIONS) {
    await checkAgainstTfjsLayer(`dense ${activation}`, layers.dense({ units: 7, activation }), tf.layers.dense({ units: 7, activation: activation as never }), [9], { batch: 5, input: uniformArray(45, 4, -4, 4) });
  }
});

test('conv2d and the activation layer with the new activations match TF.js', async () => {
  for (const activation of ['elu', 'selu', 'relu6', 'softplus', 'softsign', 'hardSigmoid', 'swish', 'gelu', 'mish'] as const) {
    await checkAgainstTfjsLayer(`conv2d ${activation}`, layers.conv2d({ filters: 3, kernelSize: 2, activation }), tf.layers.conv2d({ filters: 3, kernelSize: 2, activation }), [5, 4, 2], { input: uniformArray(3 * 40, 5, -3, 3) });
    await checkAgainstTfjsLayer(`activation ${activation}`, layers.activation({ activation }), tf.layers.activation({ activation }), [4, 6], { input: uniformArray(3 * 24, 6, -7, 7) });
  }
});

test('tf.erf matches TF.js (values and gradient)', () => {
  const x = uniformArray(50, 7, -4, 4);
  checkClose(erf(new Tensor([50], x)).f32, tf.erf(tf.tensor(x)).dataSync(), 1e-6, 'erf');
  const ours = tg.grad((t: Tensor) => erf(t))(new Tensor([50], x));
  checkClose(ours.f32, tf.grad((t) => tf.erf(t))(tf.tensor(x)).dataSync(), 1e-5, 'erf gradient');
});

test('every activation: the fused backward of dense matches central differences', () => {
  for (const activation of ACTIVATIONS) {
    const layer = layers.dense({ units: 4, activation });
    layer.buildFor([5], new Random(1));
    layer.weights.forEach((w, i) => w.value.f32.set(uniformArray(w.value.size, 20 + i, -1, 1)));
    // inputs away from the kinks (relu at 0, relu6 at 6, hardSigmoid at ±2.5) by the weights' draw
    const x = new Tensor([3, 5], uniformArray(15, 21, -2, 2));
    const run = () => layer.forward(x, { training: false, rng: new Random(0) });
    const r = uniformArray(12, 22);
    run();
    const dx = Float32Array.from(layer.backward(new Tensor([3, 4], r)).f32);
    const dw = layer.weights.map((w) => Float32Array.from(w.grad.f32));
    const loss = () => dot(run().f32, r);
    checkGradient(`${activation} dL/dx`, loss, x.f32, dx);
    layer.weights.forEach((w, i) => checkGradient(`${activation} dL/d${w.name}`, loss, w.value.f32, dw[i]!));
  }
});

const { backend: native, reason } = loadNative();

test('native activation kernels equal the TypeScript reference, every kind and parameter', { skip: native ? false : `native addon not built (${reason})` }, () => {
  const rows = 37;
  const cols = 29;
  const n = rows * cols;
  const x = uniformArray(n, 8, -8, 8);
  const bias = uniformArray(cols, 9, -1, 1);
  const dy = uniformArray(n, 10);
  const params: Record<string, (number | undefined)[]> = { elu: [undefined, 0.5], leakyRelu: [undefined, 0.3, -0.1], thresholdedRelu: [undefined, -0.5, 2], clippedRelu: [2.5, 6] };
  const check = (label: string, run: (be: Backend, out: Float32Array) => void, init?: Float32Array): Float32Array => {
    const ts = init ? init.slice() : new Float32Array(n);
    const nat = init ? init.slice() : new Float32Array(n);
    run(tsBackend, ts);
    run(native!, nat);
    checkClose(nat, ts, 1e-6, label);
    return ts;
  };
  for (const act of ELEMENTWISE_ACTIVATIONS) {
    for (const param of params[act] ?? [undefined]) {
      const label = `${act}${param === undefined ? '' : `(${param})`}`;
      const y = check(`${label} activation`, (be, out) => be.activation(out, x, act, param));
      const saved = activationNeedsInput(act) ? x : y;
      check(`${label} activationBackward`, (be, out) => be.activationBackward(out, dy, saved, act, param));
      check(`${label} biasActivation`, (be, out) => be.biasActivation(out, bias, rows, cols, act, param), x);
      const db = { ts: new Float32Array(cols), native: new Float32Array(cols) };
      check(`${label} biasActivationBackward`, (be, out) => be.biasActivationBackward(out, be === tsBackend ? db.ts : db.native, dy, saved, rows, cols, act, param));
      checkClose(db.native, db.ts, 1e-5, `${label} bias gradient`);
    }
  }
});

test('model.json both ways with TF.js: every activation by its TF.js name (hardSigmoid saved as hard_sigmoid)', async () => {
  const x = new Tensor([4, 6], uniformArray(24, 11, -3, 3));
  const ours = tg.sequential({ seed: 2 });
  ours.add(layers.dense({ units: 6, activation: 'elu', inputShape: [6] }));
  for (const activation of ACTIVATIONS.slice(1)) ours.add(layers.dense({ units: activation === 'softmax' ? 6 : 6, activation }));
  const theirs = await tfjsLoadsOurs('all activations', ours, x);
  assert.deepEqual(theirs.layers.map((l) => (l.getConfig() as { activation: string }).activation), ['elu', ...ACTIVATIONS.slice(1)]);

  const built = tf.sequential();
  built.add(tf.layers.dense({ units: 6, activation: 'linear', inputShape: [6] }));
  for (const activation of ACTIVATIONS.slice(1)) built.add(tf.layers.dense({ units: 6, activation: activation as never }));
  let json = '';
  await built.save(tf.io.withSaveHandler(async (a) => {
    json = JSON.stringify(a.modelTopology);
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  assert.match(json, /"activation":"hard_sigmoid"/);
  const loaded = await weLoadTfjs('all activations', built, x);
  assert.deepEqual(loaded.layers.map((l) => l.getConfig()['activation']), ACTIVATIONS);
});

test('Sequential.fit (fused, pre-activation kept for swish/gelu/mish) trains as the tape does', async () => {
  await checkFusedEqualsTape('dense activations', () => [
    layers.dense({ units: 8, activation: 'gelu' }),
    layers.dense({ units: 8, activation: 'swish' }),
    layers.dense({ units: 8, activation: 'mish' }),
    layers.dense({ units: 8, activation: 'selu' }),
    layers.dense({ units: 8, activation: 'softsign' }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], [5]);
  await checkFusedEqualsTape('conv activations', () => [
    layers.conv2d({ filters: 3, kernelSize: 2, activation: 'elu' }),
    layers.conv2d({ filters: 2, kernelSize: 2, activation: 'gelu' }),
    layers.activation({ activation: 'hardSigmoid' }),
    layers.flatten(),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], [4, 4, 1]);
});

test('an unknown activation is refused naming it and listing the known ones', () => {
  assert.throws(() => layers.dense({ units: 2, activation: 'gelu_new' as never }), (e: unknown) => e instanceof tg.TegakiError && /'gelu_new'.*mish/.test(e.message));
});
