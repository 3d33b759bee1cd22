// Every activation TF.js names (elu, selu, relu6, softplus, softsign, swish, gelu, hardSigmoid,
// mish and the original five): on dense, conv2d and activation layers against TF.js' own layers
// (forward and gradients, fused kernels and the tape), against central differences, native
// kernels against the TypeScript reference, model.json both ways, and fused training = tape training.
// Then the activation layers (ReLU, LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax) the same way.

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
import { checkAgainstTfjsLayer, checkFusedEqualsTape, checkFusedGradients, tfjsLoadsOurs, weLoadTfjs, worst, type TfLayer } from './helpers/layer-interop.js';
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

test('tf.prelu matches TF.js (values, and gradients for x and a broadcast alpha)', () => {
  const x = uniformArray(24, 18, -2, 2);
  const alpha = uniformArray(4, 19, -0.5, 0.5);
  const [ours, theirs] = [tg.prelu(new Tensor([6, 4], x), new Tensor([4], alpha)), tf.prelu(tf.tensor(x, [6, 4]), tf.tensor(alpha, [4]))];
  checkClose(ours.f32, theirs.dataSync(), 1e-6, 'prelu');
  const grads = tg.grads((a: Tensor, b: Tensor) => tg.prelu(a, b))([new Tensor([6, 4], x), new Tensor([4], alpha)]);
  const expected = tf.grads((a, b) => tf.prelu(a!, b!))([tf.tensor(x, [6, 4]), tf.tensor(alpha, [4])]);
  checkClose(grads[0]!.f32, expected[0]!.dataSync(), 1e-6, 'prelu dx');
  checkClose(grads[1]!.f32, expected[1]!.dataSync(), 1e-5, 'prelu dalpha');
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

test('native PReLU kernels equal the TypeScript reference (dx, dalpha summed over the batch)', { skip: native ? false : `native addon not built (${reason})` }, () => {
  for (const [rows, size] of [[37, 29], [300, 7], [3, 1000]] as const) {
    const n = rows * size;
    const x = uniformArray(n, 15, -2, 2);
    const alpha = uniformArray(size, 16, -0.5, 0.5);
    const dy = uniformArray(n, 17);
    const run = (be: Backend) => {
      const y = new Float32Array(n);
      const dx = new Float32Array(n);
      const dalpha = new Float32Array(size);
      be.prelu(y, x, alpha, size);
      be.preluBackward(dx, dalpha, dy, x, alpha, size);
      const inPlace = dy.slice();
      be.preluBackward(inPlace, new Float32Array(size), inPlace, x, alpha, size);
      const onlyAlpha = new Float32Array(size);
      be.preluBackward(null, onlyAlpha, dy, x, alpha, size);
      return { y, dx, dalpha, inPlace, onlyAlpha };
    };
    const [ts, nat] = [run(tsBackend), run(native!)];
    checkClose(nat.y, ts.y, 0, `prelu ${rows}x${size} forward`);
    checkClose(nat.dx, ts.dx, 0, `prelu ${rows}x${size} dx`);
    checkClose(nat.inPlace, ts.dx, 0, `prelu ${rows}x${size} dx in place`);
    checkClose(nat.dalpha, ts.dalpha, 1e-5, `prelu ${rows}x${size} dalpha`);
    checkClose(nat.onlyAlpha, ts.dalpha, 1e-5, `prelu ${rows}x${size} dalpha without dx`);
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

// ---- activation layers ----

test('activation layers match TF.js\' layers (forward, dL/dx, dL/dalpha; fused and tape)', async () => {
  const input = uniformArray(3 * 60, 12, -4, 4);
  const cases: [string, () => tg.layers.FusedLayer, TfLayer, number[]][] = [
    ['reLU', () => layers.reLU(), tf.layers.reLU(), [4, 5, 3]],
    ['reLU maxValue 2.5', () => layers.reLU({ maxValue: 2.5 }), tf.layers.reLU({ maxValue: 2.5 }), [4, 5, 3]],
    ['leakyReLU', () => layers.leakyReLU(), tf.layers.leakyReLU(), [4, 5, 3]],
    ['leakyReLU alpha 0.05', () => layers.leakyReLU({ alpha: 0.05 }), tf.layers.leakyReLU({ alpha: 0.05 }), [60]],
    ['elu', () => layers.elu(), tf.layers.elu(), [4, 5, 3]],
    ['prelu', () => layers.prelu(), tf.layers.prelu(), [4, 5, 3]],
    ['prelu sharedAxes [1, 2]', () => layers.prelu({ sharedAxes: [1, 2] }), tf.layers.prelu({ sharedAxes: [1, 2] }), [4, 5, 3]],
    ['prelu sharedAxes 2', () => layers.prelu({ sharedAxes: 2 }), tf.layers.prelu({ sharedAxes: 2 }), [4, 5, 3]],
    ['softmax on [batch, features] (TF.js\' default axis 1 is the last)', () => layers.softmax(), tf.layers.softmax(), [60]],
    ['softmax axis -1', () => layers.softmax(), tf.layers.softmax({ axis: -1 }), [4, 5, 3]],
    ['softmax axis [2, 3]', () => layers.softmax({ axis: [2, 3] }), tf.layers.softmax({ axis: [2, 3] as never }), [4, 5, 3]],
    ['softmax axis [1, 3] (moved last and back)', () => layers.softmax({ axis: [1, 3] }), tf.layers.softmax({ axis: [1, 3] as never }), [4, 5, 3]],
  ];
  for (const [label, make, theirs, shape] of cases) await checkAgainstTfjsLayer(label, make(), theirs, shape, { input });
  // TF.js cannot differentiate its ThresholdedReLU (no gradient for greater): its forward here, the gradient against central differences below
  for (const theta of [1, -0.5]) await checkAgainstTfjsLayer(`thresholdedReLU theta ${theta}`, layers.thresholdedReLU({ theta }), tf.layers.thresholdedReLU({ theta }), [60], { input, forwardOnly: true });
});

test('activation layers: fused backward against central differences', () => {
  // inputs away from the kinks at 0, at maxValue 2.5 and at theta 1 by more than the step
  const input = Float32Array.from(uniformArray(3 * 60, 13, -4, 4), (v) => (Math.abs(v) < 0.05 || Math.abs(v - 2.5) < 0.05 || Math.abs(v - 1) < 0.05 ? v + 0.1 : v));
  const cases: [string, tg.layers.FusedLayer][] = [
    ['reLU maxValue', layers.reLU({ maxValue: 2.5 })],
    ['leakyReLU', layers.leakyReLU()],
    ['elu alpha 0.5', layers.elu({ alpha: 0.5 })],
    ['thresholdedReLU', layers.thresholdedReLU()],
    ['prelu', layers.prelu()],
    ['prelu shared', layers.prelu({ sharedAxes: [1, 2] })],
    ['softmax', layers.softmax()],
    ['softmax axis 1', layers.softmax({ axis: 1 })],
  ];
  for (const [label, layer] of cases) checkFusedGradients(label, layer, [4, 5, 3], { input });
});

test('ELU with alpha other than 1 (Keras; TF.js refuses it) is alpha·(eˣ − 1) below 0, on both paths', () => {
  const layer = layers.elu({ alpha: 0.5 });
  layer.buildFor([8], new Random(0));
  const x = new Tensor([2, 8], uniformArray(16, 14, -3, 3));
  const expected = Array.from(x.f32, (v) => (v >= 0 ? v : 0.5 * Math.expm1(v)));
  checkClose(layer.forward(x, { training: false, rng: new Random(0) }).f32, expected, 1e-6, 'elu alpha forward');
  checkClose((layer.call(x) as Tensor).f32, expected, 1e-6, 'elu alpha call()');
  const tape = tg.grad((t: Tensor) => layer.call(t) as Tensor)(x);
  checkClose(layer.backward(new Tensor([2, 8], new Float32Array(16).fill(1))).f32, tape.f32, 1e-6, 'elu alpha: fused backward = tape');
});

test('activation layers: model.json both ways with TF.js', async () => {
  const x = new Tensor([3, 4, 5, 3], uniformArray(180, 15, -3, 3));
  const ours = tg.sequential({ seed: 4 });
  ours.add(layers.reLU({ maxValue: 2, inputShape: [4, 5, 3] }));
  for (const layer of [layers.leakyReLU({ alpha: 0.1 }), layers.prelu({ sharedAxes: [1, 2], alphaInitializer: 'ones' }), layers.elu(), layers.thresholdedReLU({ theta: 0.2 }), layers.softmax({ axis: [1, 3] })]) ours.add(layer);
  ours.layers[2]!.setWeights([new Tensor([1, 1, 3], [0.1, 0.2, -0.3])]);
  const theirs = await tfjsLoadsOurs('activation layers', ours, x);
  assert.deepEqual(theirs.layers.map((l) => l.getClassName()), ['ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax']);

  const built = tf.sequential();
  built.add(tf.layers.reLU({ maxValue: 2, inputShape: [4, 5, 3] }));
  // TF.js' default softmax axis (1) works on rank 2 only: it computes no other axis than the last
  for (const layer of [tf.layers.leakyReLU(), tf.layers.prelu({ sharedAxes: [1], alphaInitializer: 'ones' }), tf.layers.elu(), tf.layers.thresholdedReLU({ theta: 0.2 }), tf.layers.softmax({ axis: -1 })]) built.add(layer);
  const loaded = await weLoadTfjs('activation layers', built, x);
  // the same configs, but for what TF.js writes and tegaki refuses until set (regularizers, constraints)
  const comparable = (c: Record<string, unknown>) => Object.fromEntries(Object.entries(c).filter(([k, v]) => v !== undefined && v !== null && k !== 'dtype' && !k.endsWith('Regularizer') && !k.endsWith('Constraint')));
  assert.deepEqual(loaded.layers.map((l) => comparable(l.getConfig())), built.layers.map((l) => comparable(l.getConfig() as Record<string, unknown>)));
});

test('activation layers: Sequential.fit (fused) trains as the tape does', async () => {
  await checkFusedEqualsTape('activation layers', () => [
    layers.conv2d({ filters: 3, kernelSize: 2 }),
    layers.prelu({ sharedAxes: [1, 2], alphaInitializer: 'ones' }),
    layers.leakyReLU(),
    layers.elu({ alpha: 0.7 }),
    layers.reLU({ maxValue: 1.5 }),
    layers.thresholdedReLU({ theta: -0.2 }),
    layers.flatten(),
    layers.dense({ units: 3 }),
    layers.softmax(),
  ], [4, 4, 1]);
});

test('activation layers refuse bad options naming them and quoting the value', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => layers.reLU({ maxValue: -1 }), /Received maxValue=-1\./],
    [() => layers.leakyReLU({ alpha: 'x' as never }), /Received alpha="x"\./],
    [() => layers.elu({ alpha: Number.NaN }), /Received alpha=/],
    [() => layers.prelu({ sharedAxes: [0] }), /Received sharedAxes=\[0\]\./],
    [() => layers.prelu({ alphaRegularizer: 'l2' } as never), /alphaRegularizer/],
    [() => layers.softmax({ axis: 0 }), /Received axis=0\./],
    [() => layers.softmax({ axis: 3 }).buildFor([4], new Random(0)), /axis 3/],
    [() => layers.prelu({ sharedAxes: 3 }).buildFor([4], new Random(0)), /axis 3/],
  ];
  for (const [make, message] of cases) {
    assert.throws(make, (e: unknown) => e instanceof tg.TegakiError && message.test(e.message) && !e.message.includes('\n'), String(message));
  }
});
