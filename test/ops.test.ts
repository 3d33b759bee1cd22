// tfjs-core's ops on tegaki against TensorFlow.js itself: each op's forward and its gradient (tf.grads
// with the same random dy) on the same random inputs — broadcasting, negative axes and keepDims
// included — and a finite-difference check of tegaki's gradient. Runs on each backend.

import assert from 'node:assert/strict';
import test from 'node:test';
import type * as tfjs from '@tensorflow/tfjs';
import * as tg from '../src/node.js';
import { checkClose, checkGradient, distinctArray, dot, uniformArray } from './helpers/check.js';
import { tfjs as loadTfjs } from './helpers/tfjs.js';

const tf = await loadTfjs();

/** An op written once for both libraries (their function names are the same). */
type Lib = typeof tfjs;
type Fn = (lib: Lib, ...xs: tfjs.Tensor[]) => tfjs.Tensor;

interface Case {
  name: string;
  /** Input shapes, and how to fill them (default uniform in [-1, 1)). */
  inputs: { shape: number[]; low?: number; high?: number; distinct?: boolean; int?: boolean }[];
  fn: Fn;
  /** Compare gradients too (default true). */
  grad?: boolean;
  /** Why TF.js' own gradient cannot be the reference (then only finite differences judge ours). */
  tfjsGradWrong?: string;
  tol?: number;
}

const ours = tg as unknown as Lib;
const away = (shape: number[]) => ({ shape, low: 0.2, high: 1.5 });

const CASES: Case[] = [
  // arithmetic, with broadcasting
  { name: 'add [2,3]+[3]', inputs: [{ shape: [2, 3] }, { shape: [3] }], fn: (t, a, b) => t.add(a!, b!) },
  { name: 'sub [2,1,3]-[4,1]', inputs: [{ shape: [2, 1, 3] }, { shape: [4, 1] }], fn: (t, a, b) => t.sub(a!, b!) },
  { name: 'mul [2,3]*[2,3]', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }], fn: (t, a, b) => t.mul(a!, b!) },
  { name: 'mul by a scalar', inputs: [{ shape: [3, 2] }, { shape: [] }], fn: (t, a, b) => t.mul(a!, b!) },
  { name: 'div [3,2]/[1,2]', inputs: [{ shape: [3, 2] }, away([1, 2])], fn: (t, a, b) => t.div(a!, b!) },
  { name: 'pow [2,3]^[3]', inputs: [away([2, 3]), { shape: [3] }], fn: (t, a, b) => t.pow(a!, b!) },
  { name: 'minimum', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }], fn: (t, a, b) => t.minimum(a!, b!) },
  { name: 'maximum', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }], fn: (t, a, b) => t.maximum(a!, b!) },
  { name: 'maximum, broadcast', inputs: [{ shape: [2, 3] }, { shape: [1, 3] }], fn: (t, a, b) => t.maximum(a!, b!), tfjsGradWrong: 'TF.js 4.22 does not sum the gradient of a broadcast input of maximum back to its shape' },
  { name: 'squaredDifference', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }], fn: (t, a, b) => t.squaredDifference(a!, b!) },
  { name: 'squaredDifference, broadcast', inputs: [{ shape: [2, 3] }, { shape: [3] }], fn: (t, a, b) => t.squaredDifference(a!, b!), tfjsGradWrong: 'TF.js 4.22 does not sum the gradient of a broadcast input of squaredDifference back to its shape' },
  { name: 'neg', inputs: [{ shape: [4] }], fn: (t, a) => t.neg(a!) },
  // math
  { name: 'abs', inputs: [away([2, 3])], fn: (t, a) => t.abs(t.neg(a!)) },
  { name: 'square', inputs: [{ shape: [5] }], fn: (t, a) => t.square(a!) },
  { name: 'sqrt', inputs: [away([5])], fn: (t, a) => t.sqrt(a!) },
  { name: 'rsqrt', inputs: [away([5])], fn: (t, a) => t.rsqrt(a!) },
  { name: 'reciprocal', inputs: [away([5])], fn: (t, a) => t.reciprocal(a!) },
  { name: 'exp', inputs: [{ shape: [5] }], fn: (t, a) => t.exp(a!) },
  { name: 'expm1', inputs: [{ shape: [5] }], fn: (t, a) => t.expm1(a!) },
  { name: 'log', inputs: [away([5])], fn: (t, a) => t.log(a!) },
  { name: 'log1p', inputs: [away([5])], fn: (t, a) => t.log1p(a!) },
  { name: 'sin', inputs: [{ shape: [5] }], fn: (t, a) => t.sin(a!) },
  { name: 'cos', inputs: [{ shape: [5] }], fn: (t, a) => t.cos(a!) },
  { name: 'tan', inputs: [{ shape: [5] }], fn: (t, a) => t.tan(a!) },
  { name: 'sigmoid', inputs: [{ shape: [2, 4], low: -4, high: 4 }], fn: (t, a) => t.sigmoid(a!) },
  { name: 'tanh', inputs: [{ shape: [2, 4], low: -3, high: 3 }], fn: (t, a) => t.tanh(a!) },
  { name: 'relu', inputs: [{ shape: [12], distinct: true }], fn: (t, a) => t.relu(a!) },
  { name: 'relu6', inputs: [{ shape: [12], low: -3, high: 9, distinct: true }], fn: (t, a) => t.relu6(a!) },
  { name: 'elu', inputs: [{ shape: [12], low: -2, high: 2, distinct: true }], fn: (t, a) => t.elu(a!) },
  { name: 'selu', inputs: [{ shape: [12], low: -2, high: 2, distinct: true }], fn: (t, a) => t.selu(a!) },
  { name: 'softplus', inputs: [{ shape: [12], low: -3, high: 3 }], fn: (t, a) => t.softplus(a!) },
  { name: 'leakyRelu 0.1', inputs: [{ shape: [12], distinct: true }], fn: (t, a) => t.leakyRelu(a!, 0.1) },
  { name: 'clipByValue', inputs: [{ shape: [12], low: -2, high: 2, distinct: true }], fn: (t, a) => t.clipByValue(a!, -0.55, 0.55) },
  { name: 'floor, ceil, round, sign (zero gradients)', inputs: [{ shape: [8], low: -3.1, high: 2.9, distinct: true }], fn: (t, a) => t.addN([t.floor(a!), t.ceil(a!), t.round(a!), t.sign(a!)]) },
  // reductions
  { name: 'sum of all', inputs: [{ shape: [2, 3] }], fn: (t, a) => t.sum(a!) },
  { name: 'sum axis 1', inputs: [{ shape: [2, 3, 2] }], fn: (t, a) => t.sum(a!, 1) },
  { name: 'sum axis -1 keepDims', inputs: [{ shape: [2, 3] }], fn: (t, a) => t.sum(a!, -1, true) },
  { name: 'sum axes [0, 2]', inputs: [{ shape: [2, 3, 4] }], fn: (t, a) => t.sum(a!, [0, 2]) },
  { name: 'mean axis 0', inputs: [{ shape: [4, 3] }], fn: (t, a) => t.mean(a!, 0) },
  { name: 'mean [1] keepDims', inputs: [{ shape: [2, 3, 2] }], fn: (t, a) => t.mean(a!, [1], true) },
  { name: 'max axis 1', inputs: [{ shape: [3, 4], distinct: true }], fn: (t, a) => t.max(a!, 1) },
  { name: 'max of all', inputs: [{ shape: [3, 4], distinct: true }], fn: (t, a) => t.max(a!) },
  { name: 'min axis -1 keepDims', inputs: [{ shape: [3, 4], distinct: true }], fn: (t, a) => t.min(a!, -1, true) },
  { name: 'logSumExp axis 1', inputs: [{ shape: [3, 4], low: -5, high: 5 }], fn: (t, a) => t.logSumExp(a!, 1) },
  { name: 'logSumExp of all', inputs: [{ shape: [3, 4] }], fn: (t, a) => t.logSumExp(a!) },
  { name: 'argMax axis 1', inputs: [{ shape: [3, 5], distinct: true }], fn: (t, a) => t.argMax(a!, 1), grad: false },
  { name: 'argMax default axis 0', inputs: [{ shape: [3, 5], distinct: true }], fn: (t, a) => t.argMax(a!), grad: false },
  { name: 'argMin axis -1', inputs: [{ shape: [2, 3, 4], distinct: true }], fn: (t, a) => t.argMin(a!, -1), grad: false },
  // shapes
  { name: 'reshape with -1', inputs: [{ shape: [6, 2] }], fn: (t, a) => t.reshape(a!, [3, -1]) },
  { name: 'expandDims 1', inputs: [{ shape: [2, 3] }], fn: (t, a) => t.expandDims(a!, 1) },
  { name: 'squeeze', inputs: [{ shape: [2, 1, 3, 1] }], fn: (t, a) => t.squeeze(a!) },
  { name: 'squeeze axis [1]', inputs: [{ shape: [2, 1, 3, 1] }], fn: (t, a) => t.squeeze(a!, [1]) },
  { name: 'transpose', inputs: [{ shape: [2, 3] }], fn: (t, a) => t.transpose(a!) },
  { name: 'transpose [1, 0, 2]', inputs: [{ shape: [2, 3, 4] }], fn: (t, a) => t.transpose(a!, [1, 0, 2]) },
  { name: 'transpose [2, 0, 1]', inputs: [{ shape: [2, 3, 4] }], fn: (t, a) => t.transpose(a!, [2, 0, 1]) },
  { name: 'concat axis 1', inputs: [{ shape: [2, 3] }, { shape: [2, 2] }], fn: (t, a, b) => t.concat([a!, b!], 1) },
  { name: 'concat axis -1 of three', inputs: [{ shape: [2, 1] }, { shape: [2, 2] }, { shape: [2, 3] }], fn: (t, a, b, c) => t.concat([a!, b!, c!], -1) },
  { name: 'stack axis 1', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }], fn: (t, a, b) => t.stack([a!, b!], 1) },
  { name: 'slice', inputs: [{ shape: [3, 4] }], fn: (t, a) => t.slice(a!, [1, 1], [2, -1]) },
  { name: 'slice with a number', inputs: [{ shape: [4, 3] }], fn: (t, a) => t.slice(a!, 1, 2) },
  { name: 'split in 2 along 1', inputs: [{ shape: [2, 4] }], fn: (t, a) => { const [x, y] = t.split(a!, 2, 1); return t.add(t.mul(x!, 2), y!); } },
  { name: 'split by sizes', inputs: [{ shape: [5, 2] }], fn: (t, a) => { const [x, , z] = t.split(a!, [2, -1, 1], 0); return t.concat([t.mul(x!, 3), z!], 0); } },
  { name: 'unstack', inputs: [{ shape: [3, 2] }], fn: (t, a) => { const [x, y, z] = t.unstack(a!); return t.add(t.mul(x!, y!), z!); } },
  { name: 'gather axis 1 with repeats', inputs: [{ shape: [2, 4] }], fn: (t, a) => t.gather(a!, t.tensor1d([2, 0, 2], 'int32'), 1) },
  { name: 'gather axis 0', inputs: [{ shape: [4, 3] }], fn: (t, a) => t.gather(a!, t.tensor1d([3, 1], 'int32')) },
  { name: 'gather batchDims 1, axis 1', inputs: [{ shape: [2, 4] }], fn: (t, a) => t.gather(a!, t.tensor2d([[2, 0, 2], [1, 3, 3]], [2, 3], 'int32'), 1, 1) },
  { name: 'gather batchDims 1, axis 2 of rank 4, 2-d indices', inputs: [{ shape: [2, 3, 4, 2] }], fn: (t, a) => t.gather(a!, t.tensor3d([[[3, 0], [1, 1]], [[2, 2], [0, 3]]], [2, 2, 2], 'int32'), 2, 1) },
  { name: 'gather batchDims = rank of indices (one index per batch)', inputs: [{ shape: [3, 4] }], fn: (t, a) => t.gather(a!, t.tensor1d([3, 0, 2], 'int32'), 1, 1) },
  { name: 'gather batchDims -1 (2 here), axis -1', inputs: [{ shape: [2, 3, 4] }], fn: (t, a) => t.gather(a!, t.tensor3d([[[1, 1], [0, 3], [2, 0]], [[3, 2], [1, 0], [2, 2]]], [2, 3, 2], 'int32'), -1, -1), tfjsGradWrong: "TF.js 4.22's gradient handles batchDims 0 and 1 only: with 2 it throws 'Size(12) must match the product of shape 2,3,12'" },
  { name: 'tile', inputs: [{ shape: [2, 3] }], fn: (t, a) => t.tile(a!, [2, 3]) },
  { name: 'pad', inputs: [{ shape: [2, 3] }], fn: (t, a) => t.pad(a!, [[1, 0], [0, 2]], 0.5) },
  { name: 'broadcastTo', inputs: [{ shape: [3, 1] }], fn: (t, a) => t.broadcastTo(a!, [2, 3, 4]) },
  // comparisons and where
  { name: 'comparisons', inputs: [{ shape: [2, 3], int: true }, { shape: [3], int: true }], fn: (t, a, b) => t.stack([t.equal(a!, b!), t.notEqual(a!, b!), t.greater(a!, b!), t.greaterEqual(a!, b!), t.less(a!, b!), t.lessEqual(a!, b!)]).cast('int32'), grad: false },
  { name: 'where', inputs: [{ shape: [2, 3] }, { shape: [3] }], fn: (t, a, b) => t.where(t.tensor2d([[true, false, true], [false, false, true]]), a!, b!) },
  { name: 'logical ops', inputs: [{ shape: [4] }, { shape: [4] }], fn: (t, a, b) => t.stack([t.logicalAnd(t.greater(a!, 0), t.greater(b!, 0)), t.logicalOr(t.greater(a!, 0), t.greater(b!, 0)), t.logicalNot(t.greater(a!, 0))]).cast('float32'), grad: false },
  // matMul
  { name: 'matMul', inputs: [{ shape: [2, 3] }, { shape: [3, 4] }], fn: (t, a, b) => t.matMul(a!, b!) },
  { name: 'matMul transposeA', inputs: [{ shape: [3, 2] }, { shape: [3, 4] }], fn: (t, a, b) => t.matMul(a!, b!, true, false) },
  { name: 'matMul transposeB', inputs: [{ shape: [2, 3] }, { shape: [4, 3] }], fn: (t, a, b) => t.matMul(a!, b!, false, true) },
  { name: 'matMul both transposed', inputs: [{ shape: [3, 2] }, { shape: [4, 3] }], fn: (t, a, b) => t.matMul(a!, b!, true, true) },
  { name: 'matMul batched', inputs: [{ shape: [2, 2, 3] }, { shape: [2, 3, 4] }], fn: (t, a, b) => t.matMul(a!, b!) },
  { name: 'dot matrix·vector', inputs: [{ shape: [2, 3] }, { shape: [3] }], fn: (t, a, b) => t.dot(a!, b!) },
  // nn
  { name: 'softmax', inputs: [{ shape: [3, 5], low: -3, high: 3 }], fn: (t, a) => t.softmax(a!) },
  { name: 'logSoftmax', inputs: [{ shape: [3, 5], low: -3, high: 3 }], fn: (t, a) => t.logSoftmax(a!) },
  { name: 'conv2d valid stride 1', inputs: [{ shape: [2, 5, 5, 3] }, { shape: [3, 3, 3, 4] }], fn: (t, x, f) => t.conv2d(x! as tfjs.Tensor4D, f! as tfjs.Tensor4D, 1, 'valid') },
  { name: 'conv2d same stride 2', inputs: [{ shape: [2, 6, 5, 2] }, { shape: [3, 2, 2, 3] }], fn: (t, x, f) => t.conv2d(x! as tfjs.Tensor4D, f! as tfjs.Tensor4D, 2, 'same') },
  { name: 'conv2d rank 3, explicit padding', inputs: [{ shape: [5, 5, 2] }, { shape: [3, 3, 2, 2] }], fn: (t, x, f) => t.conv2d(x! as tfjs.Tensor3D, f! as tfjs.Tensor4D, [1, 2], [[0, 0], [1, 0], [2, 1], [0, 0]]) },
  { name: 'maxPool valid', inputs: [{ shape: [2, 4, 6, 3], low: -10, high: 10, distinct: true }], fn: (t, x) => t.maxPool(x! as tfjs.Tensor4D, 2, 2, 'valid') },
  { name: 'maxPool same 3×3 stride 2', inputs: [{ shape: [1, 5, 5, 2], low: -5, high: 5, distinct: true }], fn: (t, x) => t.maxPool(x! as tfjs.Tensor4D, 3, 2, 'same') },
  { name: 'avgPool valid', inputs: [{ shape: [2, 4, 6, 3] }], fn: (t, x) => t.avgPool(x! as tfjs.Tensor4D, 2, 2, 'valid') },
  { name: 'avgPool same 3×3 stride 2', inputs: [{ shape: [1, 5, 5, 2] }], fn: (t, x) => t.avgPool(x! as tfjs.Tensor4D, 3, 2, 'same'), tfjsGradWrong: "TF.js' forward averages a border window over its positions inside the input, its backward divides by the whole window" },
  { name: 'oneHot', inputs: [], fn: (t) => t.oneHot(t.tensor1d([0, 3, 1, 9], 'int32'), 4), grad: false },
  // losses (tf.losses), with TF.js' weights and reductions
  { name: 'losses.softmaxCrossEntropy', inputs: [{ shape: [2, 3], low: -3, high: 3 }], fn: (t, x) => t.losses.softmaxCrossEntropy(t.tensor2d([[0, 1, 0], [1, 0, 0]]), x!) },
  { name: 'losses.softmaxCrossEntropy, weights and label smoothing', inputs: [{ shape: [3, 4], low: -3, high: 3 }], fn: (t, x) => t.losses.softmaxCrossEntropy(t.oneHot(t.tensor1d([3, 0, 1], 'int32'), 4), x!, t.tensor1d([1, 0, 2]), 0.1) },
  { name: 'losses.meanSquaredError', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }], fn: (t, y, p) => t.losses.meanSquaredError(y!, p!) },
  { name: 'losses.meanSquaredError, weights, Reduction.MEAN', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }], fn: (t, y, p) => t.losses.meanSquaredError(y!, p!, t.tensor2d([[1], [3]]), t.Reduction.MEAN) },
  { name: 'losses.absoluteDifference, Reduction.SUM', inputs: [{ shape: [6], distinct: true }, { shape: [6] }], fn: (t, y, p) => t.losses.absoluteDifference(y!, p!, undefined, t.Reduction.SUM) },
  { name: 'losses.logLoss', inputs: [{ shape: [5], low: 0, high: 1 }, { shape: [5], low: 0.1, high: 0.9 }], fn: (t, y, p) => t.losses.logLoss(y!, p!) },
  { name: 'losses.huberLoss', inputs: [{ shape: [8], low: -3, high: 3, distinct: true }, { shape: [8], low: -0.2, high: 0.2 }], fn: (t, y, p) => t.losses.huberLoss(y!, p!, undefined, 1.0) },
  { name: 'losses.hingeLoss', inputs: [{ shape: [6], low: 0.3, high: 2, distinct: true }], fn: (t, p) => t.losses.hingeLoss(t.tensor1d([1, 0, 1, 1, 0, 0]), p!) },
  { name: 'losses.sigmoidCrossEntropy', inputs: [{ shape: [2, 3], low: -3, high: 3 }], fn: (t, x) => t.losses.sigmoidCrossEntropy(t.tensor2d([[0, 1, 1], [1, 0, 0]]), x!) },
  { name: 'losses.computeWeightedLoss, Reduction.NONE', inputs: [{ shape: [2, 3] }], fn: (t, l) => t.losses.computeWeightedLoss(l!, t.tensor1d([1, 2, 3]), t.Reduction.NONE) },
  { name: 'cast to int32 and back', inputs: [{ shape: [6], low: -3, high: 3 }], fn: (t, a) => t.cast(t.cast(a!, 'int32'), 'float32'), grad: false },
];

function inputValues(spec: Case['inputs'][number], seed: number): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.distinct) {
    // values a gap apart (no ties), a quarter gap off the multiples of half a gap (no value on a
    // kink such as 0), within the range
    const low = spec.low ?? -1;
    const high = spec.high ?? 1;
    const gap = (high - low) / Math.max(n, 1);
    return distinctArray(n, seed, gap).map((v) => v + (low + high) / 2 + gap / 4);
  }
  const values = uniformArray(n, seed, spec.low ?? -1, spec.high ?? 1);
  return spec.int ? values.map((v) => Math.round(v * 2)) : values;
}

for (const [index, c] of CASES.entries()) {
  test(`op ${c.name}: forward${c.grad === false ? '' : ' and gradient'} match TF.js; gradient matches finite differences`, () => {
    const values = c.inputs.map((spec, i) => inputValues(spec, 1000 * index + i));
    const theirs = c.inputs.map((spec, i) => tf.tensor(values[i]!, spec.shape));
    const mine = c.inputs.map((spec, i) => tg.tensor(values[i]!.slice(), spec.shape));
    const expected = c.fn(tf, ...theirs);
    const got = c.fn(ours, ...(mine as unknown as tfjs.Tensor[])) as unknown as tg.Tensor;
    assert.deepEqual([...got.shape], expected.shape, `${c.name}: shape`);
    assert.equal(got.dtype, expected.dtype, `${c.name}: dtype`);
    checkClose(got.dataSync(), expected.dataSync() as Float32Array, c.tol ?? 1e-5, `${c.name} forward`);
    if (c.grad === false || c.inputs.length === 0) return;

    const dy = uniformArray(got.size, 7 + index);
    const theirGrads = c.tfjsGradWrong ? null : tf.grads((...xs: tfjs.Tensor[]) => c.fn(tf, ...xs))(theirs, tf.tensor(dy, expected.shape));
    const myGrads = tg.grads((...xs: tg.Tensor[]) => c.fn(ours, ...(xs as unknown as tfjs.Tensor[])) as unknown as tg.Tensor)(mine, tg.tensor(dy, got.shape));
    myGrads.forEach((g, i) => {
      assert.deepEqual([...g.shape], c.inputs[i]!.shape, `${c.name}: gradient ${i} shape`);
      if (theirGrads) checkClose(g.dataSync(), theirGrads[i]!.dataSync() as Float32Array, c.tol ?? 1e-5, `${c.name} gradient ${i} vs TF.js`);
      // loss = Σ f(x)·dy: its gradient with respect to input i is what grads computed
      const loss = () => dot((c.fn(ours, ...(mine as unknown as tfjs.Tensor[])) as unknown as tg.Tensor).dataSync(), dy);
      checkGradient(`${c.name} gradient ${i} vs finite differences`, loss, mine[i]!.f32, g.dataSync(), { eps: 1e-2, tol: 2e-2 });
    });
  });
}

test('gather refuses the batchDims TF.js refuses, naming the problem', () => {
  const x = [[1, 2, 3], [4, 5, 6]];
  const refusals: [number[][] | number[], number, number, RegExp][] = [
    [[[0], [1]], 0, 1, /batchDims \(1\) must be less than or equal to axis \(0\)/],
    [[[0], [1], [2]], 1, 1, /x.shape\[0\] \(2\) must equal indices.shape\[0\] \(3\)/],
    [[0, 1], 1, 2, /batchDims must be an integer in \[-1, 1\]/],
  ];
  for (const [indices, axis, batchDims, message] of refusals) {
    assert.throws(() => tf.gather(tf.tensor(x), tf.tensor(indices, undefined, 'int32'), axis, batchDims), Error, `TF.js refuses ${message} too`);
    assert.throws(() => tg.gather(x, tg.tensor(indices, undefined, 'int32'), axis, batchDims), (e: Error) => e instanceof tg.TegakiError && message.test(e.message), String(message));
  }
});
