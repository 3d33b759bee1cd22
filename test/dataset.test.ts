// tf.data pipelines written once in TensorFlow.js' idiom and run twice — on @tensorflow/tfjs and on
// tegaki with only the namespace swapped — must give the same elements (tensors compared by dtype,
// shape and values) and the same sizes, shuffle order aside. Shuffle is checked on its own: a seed
// repeats an order, every order is a permutation, and an element moves only as far as the buffer lets it.

import assert from 'node:assert/strict';
import test from 'node:test';
import type * as tfjs from '@tensorflow/tfjs';
import * as tg from '../src/node.js';
import { tfjs as loadTfjs } from './helpers/tfjs.js';

const tf = await loadTfjs();
type Lib = typeof tfjs;
type Dataset = tfjs.data.Dataset<tfjs.TensorContainer>;
const ours = tg as unknown as Lib;

/** An element with tensors replaced by { dtype, shape, values }, so two libraries' elements compare. */
function plain(x: unknown): unknown {
  if (x instanceof tf.Tensor || x instanceof tg.Tensor) return { dtype: x.dtype, shape: [...x.shape], values: Array.from(x.dataSync() as ArrayLike<number>) };
  if (Array.isArray(x)) return x.map(plain);
  if (x !== null && typeof x === 'object' && !ArrayBuffer.isView(x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
  return x;
}

async function run(lib: Lib, pipeline: (t: Lib) => Dataset): Promise<{ size: number | null; elements: unknown[] }> {
  const dataset = pipeline(lib);
  return { size: dataset.size, elements: (await dataset.toArray()).map(plain) };
}

/**
 * The pipeline gives TF.js' elements and size on tegaki; `size` is tegaki's where TF.js 4.22's
 * disagrees with the elements it gives.
 */
async function sameAsTfjs(label: string, pipeline: (t: Lib) => Dataset, size?: { tfjs: number | null; tegaki: number | null }): Promise<void> {
  const theirs = await run(tf, pipeline);
  const mine = await run(ours, pipeline);
  assert.deepEqual(mine.elements, theirs.elements, `${label}: elements`);
  assert.deepEqual([theirs.size, mine.size], size ? [size.tfjs, size.tegaki] : [theirs.size, theirs.size], `${label}: sizes (TF.js, tegaki)`);
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
/** Labelled points as a TF.js program keeps them: one { xs, ys } object per example. */
const examples = (t: Lib) => range(7).map((i) => ({ xs: t.tensor1d([i, -i, i / 2]), ys: t.oneHot(t.tensor1d([i % 3], 'int32'), 3).reshape([3]) }));

test('batch: numbers, numeric arrays, tensors and nested { xs, ys } objects, with and without the small last batch', async () => {
  await sameAsTfjs('numbers', (t) => t.data.array(range(8)).batch(3));
  await sameAsTfjs('numbers, smallLastBatch false', (t) => t.data.array(range(8)).batch(3, false));
  await sameAsTfjs('nested arrays', (t) => t.data.array([[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]]).batch(2));
  await sameAsTfjs('booleans and int32 tensors', (t) => t.data.array([true, false, true]).batch(2).concatenate(t.data.array([t.tensor1d([1, 2], 'int32'), t.tensor1d([3, 4], 'int32')]).batch(2)));
  await sameAsTfjs('typed arrays', (t) => t.data.array([new Float32Array([1, 2]), new Float32Array([3, 4]), new Int32Array([5, 6])]).take(2).batch(2));
  await sameAsTfjs('{ xs, ys }', (t) => t.data.array(examples(t)).batch(3));
  await sameAsTfjs('{ xs, ys }, smallLastBatch false', (t) => t.data.array(examples(t)).batch(3, false));
  await sameAsTfjs('deeper objects', (t) => t.data.array(range(5).map((i) => ({ xs: { image: t.fill([2, 2], i), extra: [i, i * i] }, ys: i % 2 }))).batch(2));
  await sameAsTfjs('a batch of batches', (t) => t.data.array(range(12)).batch(2).batch(3));
});

test('repeat, take and skip, with absent, negative, zero and infinite counts', async () => {
  const numbers = (t: Lib) => t.data.array(range(5, 10));
  await sameAsTfjs('repeat(2)', (t) => numbers(t).repeat(2));
  await sameAsTfjs('repeat(0)', (t) => numbers(t).repeat(0));
  await sameAsTfjs('repeat().take(12)', (t) => numbers(t).repeat().take(12));
  await sameAsTfjs('repeat(-1).skip(3).take(4)', (t) => numbers(t).repeat(-1).skip(3).take(4));
  await sameAsTfjs('take(2), take(0), take(9), take(Infinity)', (t) => numbers(t).take(2).concatenate(numbers(t).take(0)).concatenate(numbers(t).take(9)).concatenate(numbers(t).take(Infinity)));
  await sameAsTfjs('skip(2), skip(0), skip(9)', (t) => numbers(t).skip(2).concatenate(numbers(t).skip(0)).concatenate(numbers(t).skip(9)));
  await sameAsTfjs('repeat then batch', (t) => t.data.array(examples(t)).repeat(2).batch(4));
  // all five elements, which TF.js miscounts
  await sameAsTfjs('take(-1)', (t) => numbers(t).take(-1), { tfjs: -1, tegaki: 5 });
  await sameAsTfjs('take()', (t) => numbers(t).take(undefined as never), { tfjs: null, tegaki: 5 });
  await sameAsTfjs('skip(-1)', (t) => numbers(t).skip(-1), { tfjs: 0, tegaki: 5 });
  await sameAsTfjs('skip()', (t) => numbers(t).skip(undefined as never), { tfjs: 0, tegaki: 5 });
  const infinite = tg.data.array(range(3)).repeat();
  assert.deepEqual([infinite.size, infinite.skip(2).size, infinite.batch(2).size, infinite.take(4).size], [Infinity, Infinity, Infinity, 4]);
  assert.equal(infinite.skip(Infinity).size, 0, 'skipping everything of an endless dataset ends at once (TF.js: NaN, and never ends)');
  assert.deepEqual(await infinite.skip(Infinity).toArray(), []);
  assert.deepEqual(await tg.data.generator(function* () {}).repeat().toArray(), [], 'an empty pass ends an endless repeat');
});

test('zip of arrays and objects (nested too) ends with the shortest dataset', async () => {
  await sameAsTfjs('array', (t) => t.data.zip([t.data.array(range(3)), t.data.array([{ a: 4 }, { a: 5 }, { a: 6 }, { a: 7 }])]));
  await sameAsTfjs('array, batched', (t) => t.data.zip([t.data.array(range(5)), t.data.array(range(5, 10))]).batch(2));
  await sameAsTfjs('object of datasets, batched', (t) => t.data.zip({ xs: t.data.array([[1, 2], [3, 4], [5, 6]]), ys: t.data.array([t.scalar(0), t.scalar(1), t.scalar(2)]) }).batch(2));
  // TF.js counts only the datasets at the top of the structure, and a dataset of unknown size as 0
  await sameAsTfjs('nested', (t) => t.data.zip({ a: [t.data.array(range(2)), t.data.array(range(3, 6))], b: { c: t.data.array(range(4, 8)) } }), { tfjs: null, tegaki: 2 });
  await sameAsTfjs('with a generator', (t) => t.data.zip([t.data.array(range(3)), t.data.generator(function* () { yield 1; })]), { tfjs: 0, tegaki: null });
  assert.equal(tg.data.zip({ a: tg.data.array(range(3)), b: tg.data.array(range(3)).repeat() }).size, 3);
});

test('generators (sync, async, hand-written iterators) start anew on every pass', async () => {
  function* numbers() {
    for (let i = 0; i < 5; i++) yield i;
  }
  async function* examplesLater(t: Lib) {
    for (const e of examples(t)) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      yield e;
    }
  }
  const counter = () => {
    let i = 0;
    return { next: () => (i < 4 ? { value: i++, done: false } : { value: i, done: true }) };
  };
  await sameAsTfjs('function*', (t) => t.data.generator(numbers).batch(2));
  await sameAsTfjs('function*, repeated', (t) => t.data.generator(numbers).repeat(2));
  await sameAsTfjs('async function* of { xs, ys }', (t) => t.data.generator(() => examplesLater(t)).batch(3));
  await sameAsTfjs('a function returning an iterator', (t) => t.data.generator(counter as never).map((x: tfjs.TensorContainer) => (x as number) * 10));
  const dataset = tg.data.generator(numbers);
  assert.deepEqual([await dataset.toArray(), await dataset.toArray()], [range(5), range(5)]);
});

test('map, mapAsync, filter, concatenate, prefetch, forEachAsync and iterator()', async () => {
  await sameAsTfjs('map to { xs, ys } then batch', (t) => t.data.array(range(6)).map((i) => ({ xs: t.tensor1d([i, i + 1]).mul(2), ys: i % 2 })).batch(4));
  await sameAsTfjs('map over { xs, ys }', (t) => t.data.array(examples(t)).map((e) => ({ xs: (e as { xs: tfjs.Tensor }).xs.square(), ys: (e as { ys: tfjs.Tensor }).ys })));
  await sameAsTfjs('mapAsync', (t) => t.data.array(range(4)).mapAsync(async (x) => t.scalar(x as number).add(1)));
  await sameAsTfjs('filter', (t) => t.data.array(range(10)).filter((x) => (x as number) % 3 === 0));
  await sameAsTfjs('filter of an endless dataset', (t) => t.data.array(range(10)).repeat().filter((x) => (x as number) % 3 === 0).take(5));
  await sameAsTfjs('concatenate with a generator', (t) => t.data.array(range(2)).concatenate(t.data.generator(function* () { yield 7; yield 8; })));
  await sameAsTfjs('prefetch', (t) => t.data.array(examples(t)).prefetch(3).batch(2));
  for (const lib of [tf, ours]) {
    const seen: unknown[] = [];
    assert.equal(await lib.data.array(range(3)).forEachAsync((x) => void seen.push(x)), undefined);
    assert.deepEqual(seen, range(3));
    const iterator = await lib.data.array(range(2)).iterator();
    const reads = [await iterator.next(), await iterator.next(), await iterator.next()];
    assert.deepEqual(reads.map((r) => [r.done, r.done ? 'end' : r.value]), [[false, 0], [false, 1], [true, 'end']]);
    // a training loop may dispose each batch; the next pass still has its data
    const tensors = lib.data.array([lib.tensor1d([1, 2]), lib.tensor1d([3, 4])]);
    await tensors.forEachAsync((x) => lib.dispose(x as tfjs.Tensor));
    assert.deepEqual((await tensors.toArray()).map(plain), [plain(lib.tensor1d([1, 2])), plain(lib.tensor1d([3, 4]))]);
  }
});

test('a training loop reads batches with next(), for await, and prefetched async work in order', async () => {
  const batches = tg.data.zip({ xs: tg.data.array(range(10).map((i) => tg.tensor1d([i, i]))), ys: tg.data.array(range(10)) }).shuffle(10, 3).batch(4);
  const iterator = await batches.iterator();
  const sizes: number[] = [];
  for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
    const { xs, ys } = r.value as { xs: tg.Tensor; ys: tg.Tensor };
    sizes.push(xs.shape[0]!);
    assert.deepEqual(Array.from(xs.dataSync()).filter((_, k) => k % 2 === 0), Array.from(ys.dataSync()), 'shuffling keeps xs with its ys');
  }
  assert.deepEqual(sizes, [4, 4, 2]);
  let passes = 0;
  for await (const batch of tg.data.array(range(5)).batch(2)) passes += (batch as tg.Tensor).shape[0]!;
  assert.equal(passes, 5);
  let running = 0;
  let most = 0;
  const slow = tg.data.array(range(8)).mapAsync(async (x) => {
    most = Math.max(most, ++running);
    await new Promise((resolve) => setTimeout(resolve, (8 - x) * 2));
    running--;
    return x * 10;
  });
  assert.deepEqual(await slow.prefetch(4).toArray(), range(8).map((x) => x * 10));
  assert.ok(most > 1, `prefetch runs async transforms concurrently (at most ${most} at once)`);
});

/** Throws unless every element comes out at most bufferSize − 1 places before its place in the input. */
function checkWindow(order: number[], bufferSize: number): void {
  assert.deepEqual([...order].sort((a, b) => a - b), range(order.length), 'a permutation');
  order.forEach((original, position) => assert.ok(original <= position + bufferSize - 1, `element ${original} came out at ${position}, too early for a buffer of ${bufferSize}`));
}

test('shuffle: a seed repeats the order, every order is a permutation within the buffer, as in TF.js', async () => {
  const order = (dataset: tg.data.Dataset) => dataset.toArray() as Promise<number[]>;
  const numbers = tg.data.array(range(40));
  assert.deepEqual(await order(numbers.shuffle(8, 42)), await order(numbers.shuffle(8, 42)), 'same seed, same order');
  assert.deepEqual(await order(numbers.shuffle(8, 'abc')), await order(numbers.shuffle(8, 'abc')), 'string seeds too');
  assert.notDeepEqual(await order(numbers.shuffle(8, 42)), await order(numbers.shuffle(8, 43)), 'another seed, another order');
  assert.deepEqual(await order(numbers.shuffle(1, 5)), range(40), 'a buffer of one keeps the order');
  for (const bufferSize of [2, 5, 40, 100]) {
    const mine = await order(numbers.shuffle(bufferSize, bufferSize));
    checkWindow(mine, bufferSize);
    assert.notDeepEqual(mine, range(40), 'it shuffles');
    checkWindow((await tf.data.array(range(40)).shuffle(bufferSize, 'seed').toArray()) as number[], bufferSize);
  }
  const reshuffled = numbers.shuffle(40, 7);
  const passes = [await order(reshuffled), await order(reshuffled)];
  assert.notDeepEqual(passes[0], passes[1], 'a new order each pass');
  const again = numbers.shuffle(40, 7);
  assert.deepEqual([await order(again), await order(again)], passes, 'the orders of successive passes repeat with the seed');
  const fixed = numbers.shuffle(40, undefined, false);
  assert.deepEqual(await order(fixed), await order(fixed), 'reshuffleEachIteration false: one order for every pass');
  assert.equal(numbers.shuffle(4).size, 40);
});

test('wrong arguments are refused with one line naming the argument', async () => {
  const numbers = tg.data.array(range(4));
  const refusals: [() => unknown, RegExp][] = [
    [() => numbers.batch(0), /^batch: batchSize must be a positive integer, received 0\.$/],
    [() => numbers.batch(2.5), /batch: batchSize must be a positive integer, received 2\.5/],
    [() => numbers.shuffle(undefined as never), /shuffle: bufferSize must be a positive integer, received undefined \(to shuffle the whole dataset, give its size, 4\)/],
    [() => numbers.shuffle(0), /shuffle: bufferSize must be a positive integer, received 0/],
    [() => numbers.shuffle(3, {} as never), /shuffle: seed must be a string or a number/],
    [() => numbers.prefetch(undefined as never), /prefetch: bufferSize must be a positive integer/],
    [() => numbers.take(1.5), /take: count must be an integer .* received 1\.5/],
    [() => numbers.skip(NaN), /skip: count must be an integer .* received NaN/],
    [() => numbers.repeat('2' as never), /repeat: count must be an integer .* received "2"/],
    [() => numbers.map(5 as never), /map: transform must be a function, received 5/],
    [() => numbers.filter(undefined as never), /filter: predicate must be a function, received undefined/],
    [() => numbers.concatenate([1] as never), /concatenate: dataset must be a Dataset, received \[1\]/],
    [() => tg.data.array(5 as never), /array: items must be an array of elements, received 5/],
    [() => tg.data.zip(5 as never), /zip: datasets must be an array or an object of datasets, received 5/],
    [() => tg.data.zip({ a: numbers, b: [numbers, 3] } as never), /zip: datasets\.b\[1\] is 3, not a Dataset/],
    [() => tg.data.generator((function* () { yield 1; })() as never), /generator: received an iterator; give the function that makes one/],
  ];
  for (const [make, message] of refusals) assert.throws(make, (e: Error) => e instanceof tg.TegakiError && message.test(e.message) && !e.message.includes('\n'), String(message));
  const failures: [tg.data.Dataset, RegExp][] = [
    [tg.data.array([{ xs: tg.tensor1d([1, 2]) }, { xs: tg.tensor1d([3]) }]).batch(2), /^batch: element\.xs of row 1 is float32 of shape \[1\], but float32 of shape \[2\] in row 0\.$/],
    [tg.data.array([{ xs: 1 }, { ys: 2 }]).batch(2), /batch: row 1 has no element\.xs/],
    [tg.data.array(['a', 'b']).batch(2), /batch: element is "a"; batch takes tensors, numbers/],
    [tg.data.array([{ label: null }] as never).batch(1), /batch: element\.label is null/],
    [tg.data.array(range(2)).map((async (x: number) => x) as never), /map: the transform returned a Promise; use mapAsync/],
    [tg.data.generator((() => 5) as never), /generator: the function returned 5, not an iterator/],
    [tg.data.array(range(2)).repeat(), /toArray: the dataset repeats forever; take\(count\) first/],
  ];
  for (const [dataset, message] of failures) await assert.rejects(dataset.toArray(), (e: Error) => e instanceof tg.TegakiError && message.test(e.message), String(message));
});

test('arrays of tensors ([xs, ys]) are batched per entry, where TF.js makes a tensor without values', async () => {
  const pairs = tg.data.zip([tg.data.array(range(3).map((i) => tg.tensor1d([i, i]))), tg.data.array(range(3).map((i) => tg.scalar(i * 10)))]);
  const [first] = (await pairs.batch(2).toArray()) as tg.Tensor[][];
  assert.deepEqual(first!.map(plain), [plain(tg.tensor2d([[0, 0], [1, 1]])), plain(tg.tensor1d([0, 10]))]);
  const [broken] = (await tf.data.array([[tf.scalar(1), tf.scalar(2)], [tf.scalar(3), tf.scalar(4)]]).batch(2).toArray()) as tfjs.Tensor[];
  assert.deepEqual([broken!.shape, broken!.dataSync().length], [[2, 2], 0]);
});
