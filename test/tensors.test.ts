// Tensors and the gradient API as a TF.js program uses them: creation from nested arrays (and the
// errors TF.js gives), reading, chained ops, memory calls, grad/grads/valueAndGrad(s),
// variableGrads, customGrad, gradients of gradients, and a training loop with
// optimizer.minimize that must end where TensorFlow.js ends.

import assert from 'node:assert/strict';
import test from 'node:test';
import * as tg from '../src/node.js';
import { checkClose } from './helpers/check.js';
import { tfjs } from './helpers/tfjs.js';

const tf = await tfjs();

test('tensor() from nested arrays, flat values with a shape, typed arrays; dtypes inferred as in TF.js', () => {
  const t = tg.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual([t.shape, t.dtype, t.size, t.rank], [[2, 3], 'float32', 6, 2]);
  assert.deepEqual(t.arraySync(), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(tg.tensor([1, 2, 3, 4], [2, 2]).arraySync(), [[1, 2], [3, 4]]);
  assert.equal(tg.tensor(Int32Array.from([1, 2])).dtype, 'int32');
  assert.equal(tg.tensor([true, false]).dtype, 'bool');
  assert.equal(tg.scalar(3).rank, 0);
  assert.equal(tg.scalar(3).arraySync(), 3);
  assert.deepEqual(tg.tensor1d([1, 2], 'int32').dataSync(), Int32Array.from([1, 2]));
  assert.deepEqual(tg.tensor4d(new Float32Array(4), [1, 2, 2, 1]).shape, [1, 2, 2, 1]);
  for (const [fn, message] of [
    [() => tg.tensor([[1, 2], [3]]), /element values\[1\] should have 2 elements, but has 1 elements/],
    [() => tg.tensor([1, 2, 3], [2, 2]), /based on the provided shape, \[2,2\], the tensor should have 4 values but has 3/],
    [() => tg.tensor2d([1, 2, 3]), /tensor2d requires values of rank 2; received rank 1 \(give the shape for flat values\)/],
    [() => tg.tensor([1, 'a' as unknown as number]), /values must be numbers or booleans; values\[1\] is "a"/],
    [() => tg.add(tg.tensor([1, 2]), tg.tensor([1, 2, 3])), /add: operands could not be broadcast together with shapes 2 and 3/],
    [() => tg.sum(tg.tensor([[1]]), 2), /sum: axis 2 is out of range for a tensor of rank 2/],
  ] as const) {
    assert.throws(fn, (e: Error) => e instanceof tg.TegakiError && message.test(e.message), String(message));
  }
});

test('dtypes of mixed inputs follow TF.js (a number is float32; int32 ÷ int32 floors)', () => {
  type Lib = typeof import('@tensorflow/tfjs');
  const cases: ((t: Lib) => import('@tensorflow/tfjs').Tensor)[] = [
    (t) => t.add(t.tensor1d([1, 2], 'int32'), 1),
    (t) => t.mul(t.tensor1d([1, 3], 'int32'), 0.5),
    (t) => t.add(t.tensor1d([1, 2], 'int32'), t.tensor1d([3, 4], 'int32')),
    (t) => t.div(t.tensor1d([7, -7], 'int32'), t.tensor1d([2, 2], 'int32')),
    (t) => t.div(t.tensor1d([7, 2], 'int32'), 2),
    (t) => t.sum(t.tensor1d([true, true, false], 'bool')),
    (t) => t.mean(t.tensor1d([1, 2], 'int32')),
    (t) => t.argMax(t.tensor2d([[1, 3], [4, 2]]), -1),
    (t) => t.cast(t.tensor1d([1.7, -1.7, 0]), 'int32'),
    (t) => t.cast(t.tensor1d([2, 0]), 'bool'),
  ];
  for (const c of cases) {
    const ours = c(tg as unknown as Lib) as unknown as tg.Tensor;
    const theirs = c(tf);
    assert.equal(ours.dtype, theirs.dtype, c.toString());
    assert.deepEqual(Array.from(ours.dataSync()), Array.from(theirs.dataSync()), c.toString());
  }
});

test('creation ops match TF.js', () => {
  const pairs: [tg.Tensor, import('@tensorflow/tfjs').Tensor][] = [
    [tg.zeros([2, 3]), tf.zeros([2, 3])],
    [tg.ones([2], 'int32'), tf.ones([2], 'int32')],
    [tg.fill([2, 2], 7), tf.fill([2, 2], 7)],
    [tg.range(0, 10, 3), tf.range(0, 10, 3)],
    [tg.range(5, 0, -2, 'int32'), tf.range(5, 0, -2, 'int32')],
    [tg.linspace(0, 1, 5), tf.linspace(0, 1, 5)],
    [tg.eye(3, 2), tf.eye(3, 2)],
    [tg.oneHot(tg.tensor1d([1, 0, 2], 'int32'), 3), tf.oneHot(tf.tensor1d([1, 0, 2], 'int32'), 3)],
    [tg.zerosLike(tg.tensor([[1, 2]])), tf.zerosLike(tf.tensor([[1, 2]]))],
  ];
  for (const [ours, theirs] of pairs) {
    assert.deepEqual([...ours.shape], theirs.shape);
    assert.equal(ours.dtype, theirs.dtype);
    checkClose(ours.dataSync(), theirs.dataSync() as Float32Array, 1e-6, `${theirs.shape}`);
  }
  // seeded random tensors repeat; their statistics are right
  const a = tg.randomNormal([2000], 1, 2, 'float32', 5);
  assert.deepEqual(a.dataSync(), tg.randomNormal([2000], 1, 2, 'float32', 5).dataSync());
  assert.ok(Math.abs((tg.mean(a).arraySync() as number) - 1) < 0.15);
  const u = tg.randomUniform([1000], -2, 3, 'float32', 9).dataSync();
  assert.ok(u.every((v) => v >= -2 && v < 3));
  assert.ok(tg.truncatedNormal([1000], 0, 1, 'float32', 1).dataSync().every((v) => Math.abs(v) <= 2));
});

test('reading a tensor: data, dataSync, array, arraySync, print, toString', async () => {
  const t = tg.tensor([[1.5, 2], [3, 4]]);
  assert.deepEqual(await t.data(), Float32Array.from([1.5, 2, 3, 4]));
  assert.deepEqual(await t.array(), [[1.5, 2], [3, 4]]);
  const copy = t.dataSync();
  copy[0] = 99;
  assert.equal(t.dataSync()[0], 1.5, 'dataSync returns a copy');
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => void lines.push(line);
  try {
    t.print();
  } finally {
    console.log = log;
  }
  assert.equal(lines.join('\n'), 'Tensor\n    [[1.5, 2],\n     [3  , 4]]');
  // TF.js' format, exactly
  const samples: [tg.Tensor, import('@tensorflow/tfjs').Tensor][] = [
    [tg.tensor([[1.5, -2, 100], [3, 4, 5.25]]), tf.tensor([[1.5, -2, 100], [3, 4, 5.25]])],
    [tg.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]), tf.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])],
    [tg.tensor([true, false]), tf.tensor([true, false])],
    [tg.tensor([0.1234567891, 1 / 3]), tf.tensor([0.1234567891, 1 / 3])],
    [tg.scalar(0.1), tf.scalar(0.1)],
    [tg.range(0, 50), tf.range(0, 50)],
    [tg.range(0, 150).reshape([30, 5]), tf.range(0, 150).reshape([30, 5])],
  ];
  for (const [ours, theirs] of samples) assert.equal(ours.toString(), theirs.toString());
  assert.equal(tg.tensor([1, 2], [2], 'int32').toString(true), tf.tensor([1, 2], [2], 'int32').toString(true));
});

test('chained methods: x.add(y).argMax(1), toFloat, reshape, and the memory calls of TF.js', async () => {
  const x = tg.tensor([[1, 5, 2], [7, 0, 3]]);
  assert.deepEqual(x.add(tg.tensor([0, 0, -10])).argMax(1).arraySync(), [1, 0]);
  assert.deepEqual(tg.oneHot(tg.tensor1d([1], 'int32'), 3).toFloat().dtype, 'float32');
  assert.deepEqual(x.reshape([3, 2]).sum(0).arraySync(), [3, 15]);
  assert.deepEqual(x.mean(1, true).shape, [2, 1]);
  const kept = tg.tidy(() => {
    const a = tg.tensor([1, 2]);
    return tg.keep(a.square());
  });
  assert.deepEqual(kept.arraySync(), [1, 4]);
  tg.dispose([kept]);
  assert.throws(() => kept.dataSync(), /is disposed/);
  assert.throws(() => tg.add(kept, 1), /argument 'a' is a disposed tensor/);
  assert.equal(tg.memory().unreliable, true);
  assert.equal(await tg.ready(), await tf.ready());
  assert.doesNotThrow(() => tg.util.assert(true, () => 'never'));
  assert.throws(() => tg.util.assert(1 > 2, () => 'one is not more than two'), /one is not more than two/);
  assert.equal(tg.util.sizeFromShape([2, 3, 4]), 24);
  const order = [1, 2, 3, 4, 5];
  tg.util.shuffle(order);
  assert.deepEqual([...order].sort(), [1, 2, 3, 4, 5]);
});

test('grad, grads, valueAndGrad(s) and variableGrads agree with TF.js', () => {
  const f = (x: tg.Tensor) => x.square().mul(3).add(x.sin()).sum();
  const tfF = (x: import('@tensorflow/tfjs').Tensor) => x.square().mul(3).add(x.sin()).sum();
  const x = [0.5, -1, 2];
  checkClose(tg.grad(f)(tg.tensor(x)).dataSync(), tf.grad(tfF)(tf.tensor(x)).dataSync() as Float32Array, 1e-6, 'grad');
  const { value, grad } = tg.valueAndGrad(f)(tg.tensor(x));
  assert.ok(Math.abs((value.arraySync() as number) - (tfF(tf.tensor(x)).arraySync() as number)) < 1e-5);
  checkClose(grad.dataSync(), tf.grad(tfF)(tf.tensor(x)).dataSync() as Float32Array, 1e-6, 'valueAndGrad');
  const g2 = tg.grads((a: tg.Tensor, b: tg.Tensor) => a.mul(b).add(b))([tg.tensor([1, 2]), tg.tensor([3, 4])]);
  assert.deepEqual(g2.map((g) => g.arraySync()), [[3, 4], [2, 3]]);
  const w = tg.variable(tg.tensor([1, -2]), true, 'grads-test-w');
  const b = tg.variable(tg.scalar(0.5), true, 'grads-test-b');
  const unused = tg.variable(tg.scalar(1), true, 'grads-test-unused');
  const vg = tg.variableGrads(() => w.mul(w).sum().add(b), [w, b, unused]);
  assert.deepEqual(Object.keys(vg.grads).sort(), ['grads-test-b', 'grads-test-w']);
  assert.deepEqual(vg.grads['grads-test-w']!.arraySync(), [2, -4]);
  assert.throws(() => tg.variableGrads(() => w.sum().mul(tg.tensor([1, 2])), [w]), /must be a scalar/);
  assert.throws(() => tg.grad(() => tg.scalar(1))(tg.tensor([1])), /cannot compute the gradient of y=f\(x\) with respect to argument 0/);
  [w, b, unused].forEach((v) => v.dispose());
});

test('gradients of gradients: d²/dx² x³ = 6x; through conv2d they are refused, not wrong', () => {
  const second = tg.grad(tg.grad((x: tg.Tensor) => x.pow(3).sum()));
  checkClose(second(tg.tensor([1, -2, 0.5])).dataSync(), [6, -12, 3], 1e-5, 'second derivative');
  const through = tg.grad(tg.grad((x: tg.Tensor) => tg.conv2d(x.reshape([1, 2, 2, 1]), tg.ones([1, 1, 1, 1]), 1, 'valid').square().sum()));
  assert.throws(() => through(tg.tensor([1, 2, 3, 4])), /Gradients of gradients through conv2d and pooling are not supported/);
});

test('customGrad replaces the recorded gradient', () => {
  const clipGradient = tg.customGrad((x, save) => {
    (save as (t: tg.Tensor[]) => void)([x as tg.Tensor]);
    return { value: (x as tg.Tensor).square(), gradFunc: (dy) => [dy.clipByValue(-1, 1)] };
  });
  assert.deepEqual(clipGradient(tg.tensor([3])).arraySync(), [9]);
  assert.deepEqual(tg.grad((x: tg.Tensor) => clipGradient(x).sum())(tg.tensor([3, -2])).arraySync(), [1, 1]);
});

test('a TF.js training loop (optimizer.minimize, a custom loss) ends where TensorFlow.js ends', () => {
  // y = 2x − 1 with noise-free data, learned by both libraries from the same start
  const xs = [[0], [1], [2], [3], [4], [5]];
  const ys = xs.map(([v]) => [2 * v! - 1]);
  for (const [name, make, makeTf] of [
    ['sgd(0.05)', () => tg.train.sgd(0.05), () => tf.train.sgd(0.05)],
    ['momentum(0.02, 0.9)', () => tg.train.momentum(0.02, 0.9), () => tf.train.momentum(0.02, 0.9)],
    ['adam(0.1)', () => tg.train.adam(0.1), () => tf.train.adam(0.1)],
    ['rmsprop(0.05)', () => tg.train.rmsprop(0.05), () => tf.train.rmsprop(0.05)],
  ] as const) {
    const w = tg.variable(tg.tensor([[0.3]]), true, `loop-w-${name}`);
    const b = tg.variable(tg.scalar(0.1), true, `loop-b-${name}`);
    const tw = tf.variable(tf.tensor([[0.3]]));
    const tb = tf.variable(tf.scalar(0.1));
    const optimizer = make();
    const tfOptimizer = makeTf();
    const x = tg.tensor(xs);
    const y = tg.tensor(ys);
    const losses: number[] = [];
    for (let step = 0; step < 25; step++) {
      const cost = optimizer.minimize(() => tg.matMul(x, w).add(b).sub(y).square().mean(), true, [w, b])!;
      losses.push(cost.arraySync() as number);
      tfOptimizer.minimize(() => tf.matMul(tf.tensor(xs), tw).add(tb).sub(tf.tensor(ys)).square().mean() as import('@tensorflow/tfjs').Scalar, false, [tw, tb]);
    }
    assert.ok(losses.at(-1)! < losses[0]!, `${name}: the loss falls`);
    checkClose([...w.dataSync(), ...b.dataSync()], [...tw.dataSync(), ...tb.dataSync()], 1e-4, `${name}: weights after 25 steps`);
    w.dispose();
    b.dispose();
  }
});

test('edge cases TF.js defines: scalar axes, counting down, float math on integers, subgradients at kinks', () => {
  type Lib = typeof import('@tensorflow/tfjs');
  const same = (name: string, f: (t: Lib) => import('@tensorflow/tfjs').Tensor) => {
    const ours = f(tg as unknown as Lib) as unknown as tg.Tensor;
    const theirs = f(tf);
    assert.equal(ours.dtype, theirs.dtype, `${name}: dtype`);
    assert.deepEqual([...ours.shape], theirs.shape, `${name}: shape`);
    checkClose(ours.dataSync(), theirs.dataSync() as Float32Array, 1e-6, name);
  };
  same('range counting down', (t) => t.range(5, 0));
  same('exp of int32', (t) => t.exp(t.tensor1d([1, 2], 'int32')));
  same('leakyRelu of int32', (t) => t.leakyRelu(t.tensor1d([-2, 3], 'int32')));
  same('logSoftmax of int32', (t) => t.logSoftmax(t.tensor1d([1, 2, 3], 'int32')));
  same('cosineDistance', (t) => t.losses.cosineDistance(t.tensor2d([[0.6, 0.8], [1, 0]]), t.tensor2d([[0.8, 0.6], [0, 1]]), 1));
  // gradients at the kinks, where TF.js picks a subgradient
  same('abs at 0', (t) => t.grad((x) => t.abs(x).sum())(t.tensor1d([0, 2, -1])));
  same('relu6 at 6', (t) => t.grad((x) => t.relu6(x).sum())(t.tensor1d([6, 0, 3])));
  same('selu at 0', (t) => t.grad((x) => t.selu(x).sum())(t.tensor1d([0, 1])));
  same('sigmoidCrossEntropy at logit 0', (t) => t.grad((x) => t.losses.sigmoidCrossEntropy(t.tensor1d([1, 0]), x, undefined, 0, t.Reduction.SUM))(t.tensor1d([0, 0])));
  same('gradient through an implicit int → float cast', (t) => t.grad((x) => t.mul(x, 2).sum())(t.tensor1d([1, 2], 'int32')));
  // matMul batches broadcast the numpy way: [2,1] × [1,3] batches
  const product = tg.matMul(tg.tensor([1, 2], [2, 1, 1, 1]), tg.tensor([10, 20, 30], [1, 3, 1, 1]));
  assert.deepEqual([...product.shape], [2, 3, 1, 1]);
  assert.deepEqual([...product.dataSync()], [10, 20, 30, 20, 40, 60]);
  for (const [fn, message] of [
    [() => tg.sum(tg.scalar(3), 0), /sum: axis 0 is out of range for a tensor of rank 0/],
    [() => tg.slice(tg.scalar(3), 0), /slice: cannot slice a scalar/],
    [() => tg.slice(tg.tensor([1, 2, 3]), [0, 0], [1, 1]), /begin \[0,0\] has more entries than the tensor's rank 1/],
    [() => tg.conv2d(tg.ones([1, 3, 3, 1]), tg.ones([2, 2, 1, 1]), 1, undefined as never), /conv2d: pad must be 'valid', 'same', a number/],
    [() => tg.ones([1, 3, 3, 1]).conv2d(tg.ones([2, 2, 1, 1]), 2, 'same', 'NHWC', 2), /conv2d: either strides or dilations must be 1/],
    [() => tg.tensor([[1, 2], [3, 4]], [4]), /the inferred shape \(2,2\) does not match the provided shape \(4\)/],
  ] as const) {
    assert.throws(fn, (e: Error) => e instanceof tg.TegakiError && message.test(e.message), String(message));
  }
});

test('variables: an optimizer step leaves earlier reshapes alone; non-trainable ones get no gradient', () => {
  const v = tg.variable(tg.tensor([1, 2]), true, 'edge-v');
  const view = v.reshape([2, 1]);
  tg.train.sgd(0.5).minimize(() => v.sum(), false, [v]);
  assert.deepEqual([...view.dataSync()], [1, 2], 'the reshape made before the step is unchanged, as in TF.js');
  assert.deepEqual([...v.dataSync()], [0.5, 1.5]);
  const frozen = tg.variable(tg.tensor([3]), false, 'edge-frozen');
  const w = tg.variable(tg.tensor([1]), true, 'edge-w');
  assert.deepEqual(Object.keys(tg.variableGrads(() => frozen.mul(w).sum(), [frozen, w]).grads), ['edge-w']);
  assert.throws(() => tg.train.sgd(0.1).minimize(() => frozen.sum(), false, [frozen]), /none of the variables in varList is trainable/);
  [v, frozen, w].forEach((x) => x.dispose());
});
