// A layer against TF.js' own layer of the same config (forward on both of our paths, dL/dx and
// dL/dW on the same weights), and model.json round trips with TF.js in both directions.

import assert from 'node:assert/strict';
import * as tg from '../../src/node.js';
import { Random, Tensor } from '../../src/node.js';
import type { FusedLayer } from '../../src/layers/fused.js';
import type { ModelArtifacts } from '../../src/io/types.js';
import { add, mul, sum } from '../../src/ops/arithmetic.js';
import { ones } from '../../src/ops/creation.js';
import { gradientsOf } from '../../src/ops/engine.js';
import { checkClose, checkGradient, dot, maxAbs, uniformArray } from './check.js';
import { tfjs } from './tfjs.js';

type TF = Awaited<ReturnType<typeof tfjs>>;
type TfModel = ReturnType<TF['sequential']>;
/** A TF.js layer. */
export type TfLayer = TfModel['layers'][number];

/** Tolerances of test/tfjs-parity.test.ts, relative to the largest reference value. */
export const FORWARD_TOL = 1e-5;
export const GRAD_TOL = 1e-4;

/** The worst relative difference seen per kind, for a test's closing report. */
export const worst: Record<string, number> = {};
function compare(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, label: string, kind: string): void {
  worst[kind] = Math.max(worst[kind] ?? 0, checkClose(a, b, tol, label));
}

export interface InteropOptions {
  batch?: number;
  /** Input values; default uniform in [-2, 2). */
  input?: Float32Array;
  /** Weight values per weight; default uniform in [-0.5, 0.5). */
  weights?: Float32Array[];
  /** Compare outputs only (for a TF.js layer TF.js cannot differentiate). Default false. */
  forwardOnly?: boolean;
}

/**
 * Builds ours and theirs for inputShape with the same weights and compares, with L = Σ y·R:
 * y from forward() (the fused kernels) and from call() (ops on the tape), dL/dx and every dL/dW
 * from backward() and from the tape, against TF.js' apply and its gradients.
 */
export async function checkAgainstTfjsLayer(label: string, ours: FusedLayer, theirs: TfLayer, inputShape: number[], options: InteropOptions = {}): Promise<void> {
  const tf = await tfjs();
  const batch = options.batch ?? 3;
  ours.buildFor(inputShape, new Random(1));
  ours.weights.forEach((w, i) => w.value.f32.set(options.weights?.[i] ?? uniformArray(w.value.size, 10 + i, -0.5, 0.5)));
  const x = new Tensor([batch, ...inputShape], options.input ?? uniformArray(batch * inputShape.reduce((a, b) => a * b, 1), 2, -2, 2));
  const y = ours.forward(x, { training: false, rng: new Random(0) });
  const forward = Float32Array.from(y.f32);
  const r = uniformArray(y.size, 3);
  const dx = Float32Array.from(ours.backward(new Tensor(y.shape, r)).f32);

  const xt = tf.tensor(x.f32, x.shape as number[]);
  theirs.apply(xt);
  if (ours.weights.length > 0) theirs.setWeights(ours.weights.map((w) => tf.tensor(w.value.f32, w.value.shape as number[])));
  const rt = tf.tensor(r, y.shape as number[]);
  const f = (input: ReturnType<TF['tensor']>) => tf.sum(tf.mul(theirs.apply(input) as ReturnType<TF['tensor']>, rt));
  const expected = (theirs.apply(xt) as ReturnType<TF['tensor']>).dataSync();
  assert.deepEqual([y.shape[0], ...ours.outputShape], (theirs.apply(xt) as ReturnType<TF['tensor']>).shape, `${label}: output shape`);
  compare(forward, expected, FORWARD_TOL, `${label} forward`, 'forward');
  compare((ours.call(x) as Tensor).f32, expected, FORWARD_TOL, `${label} call()`, 'forward');
  if (options.forwardOnly) return;
  compare(dx, tf.grad(f)(xt).dataSync(), GRAD_TOL, `${label} dL/dx`, 'gradient');
  const variables = theirs.trainableWeights.map((w) => w.read() as ReturnType<TF['variable']>);
  const theirGrads = variables.length > 0 ? tf.variableGrads(() => f(xt) as ReturnType<TF['scalar']>, variables).grads : {};
  ours.weights.forEach((w, i) => compare(w.grad.f32, theirGrads[variables[i]!.name]!.dataSync(), GRAD_TOL, `${label} dL/d${w.name}`, 'gradient'));

  // the tape path: call() as functional models and custom code train it
  const sources = [x, ...ours.weights.map((w) => w.value)];
  const tape = gradientsOf(() => sum(mul(ours.call(x) as Tensor, new Tensor(y.shape, r))), sources, undefined, (t) => ones(t.shape), add);
  compare(tape.grads[0]!.f32, tf.grad(f)(xt).dataSync(), GRAD_TOL, `${label} call() dL/dx`, 'gradient');
  ours.weights.forEach((w, i) => compare(tape.grads[i + 1]!.f32, theirGrads[variables[i]!.name]!.dataSync(), GRAD_TOL, `${label} call() dL/d${w.name}`, 'gradient'));
}

async function artifactsOf(save: (handler: { save: (a: ModelArtifacts) => Promise<unknown> }) => Promise<unknown>): Promise<ModelArtifacts> {
  let kept: ModelArtifacts | null = null;
  await save({ save: async (artifacts: ModelArtifacts) => {
    kept = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  } });
  return kept!;
}

/** tegaki saves model; TF.js loads the model.json and predicts the same for x. Returns TF.js' model. */
export async function tfjsLoadsOurs(label: string, model: tg.LayersModel | tg.Sequential, x: Tensor): Promise<TfModel> {
  const tf = await tfjs();
  const artifacts = await artifactsOf((h) => model.save(h as never));
  const theirs = (await tf.loadLayersModel(tf.io.fromMemory(artifacts as never))) as TfModel;
  const expected = (model.predict(x) as Tensor).f32;
  compare((theirs.predict(tf.tensor(x.f32, x.shape as number[])) as ReturnType<TF['tensor']>).dataSync(), expected, FORWARD_TOL, `${label}: TF.js predicts what we predict`, 'round trip');
  return theirs;
}

/** TF.js saves theirs; tegaki loads the model.json and predicts the same for x. Returns our model. */
export async function weLoadTfjs(label: string, theirs: TfModel, x: Tensor): Promise<tg.LayersModel> {
  const tf = await tfjs();
  const artifacts = await artifactsOf((h) => theirs.save(h as never));
  const ours = await tg.loadLayersModel(tg.io.fromMemory(artifacts));
  const expected = (theirs.predict(tf.tensor(x.f32, x.shape as number[])) as ReturnType<TF['tensor']>).dataSync();
  compare((ours.predict(x) as Tensor).f32, expected, FORWARD_TOL, `${label}: we predict what TF.js predicts`, 'round trip');
  return ours;
}

/**
 * The same layers trained two epochs by Sequential.fit (the fused kernels) and by a functional
 * model (call() on the tape) from the same weights: the weights after training agree.
 */
export async function checkFusedEqualsTape(label: string, makeLayers: () => tg.layers.Layer[], inputShape: number[], classes = 3): Promise<void> {
  const n = 12;
  const x = new Tensor([n, ...inputShape], uniformArray(n * inputShape.reduce((a, b) => a * b, 1), 31, -1, 1));
  const labels = new Tensor([n], Float32Array.from({ length: n }, (_, i) => i % classes));
  const fused = tg.sequential({ seed: 3, layers: makeLayers() });
  fused.build(inputShape);
  const input = tg.input({ shape: inputShape });
  let out = input;
  for (const layer of makeLayers()) out = layer.apply(out) as tg.SymbolicTensor;
  const tape = tg.model({ inputs: input, outputs: out, seed: 3 });
  tape.setWeights(fused.getWeights());
  for (const model of [fused, tape]) {
    model.compile({ optimizer: tg.train.sgd(0.1), loss: 'sparseCategoricalCrossentropy' });
    await model.fit(x, labels, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  }
  const theirs = tape.getWeights();
  fused.getWeights().forEach((w, i) => compare(w.f32, theirs[i]!.f32, GRAD_TOL, `${label}: weight ${i} after training, fused vs tape`, 'fused vs tape'));
}

/**
 * dL/dx and every dL/dW of layer's fused backward against central differences, with L = Σ y·R.
 * In training the random stream is reseeded for every forward, so noise layers draw the same noise.
 */
export function checkFusedGradients(label: string, layer: FusedLayer, inputShape: number[], options: InteropOptions & { training?: boolean } = {}): void {
  const batch = options.batch ?? 3;
  layer.buildFor(inputShape, new Random(1));
  layer.weights.forEach((w, i) => w.value.f32.set(options.weights?.[i] ?? uniformArray(w.value.size, 40 + i, -0.7, 0.7)));
  const x = new Tensor([batch, ...inputShape], options.input ?? uniformArray(batch * inputShape.reduce((a, b) => a * b, 1), 41, -2, 2));
  const run = () => layer.forward(x, { training: options.training ?? false, rng: new Random(42) });
  const y = run();
  const r = uniformArray(y.size, 43);
  const dx = Float32Array.from(layer.backward(new Tensor(y.shape, r)).f32);
  const dw = layer.weights.map((w) => Float32Array.from(w.grad.f32));
  assert.ok(maxAbs(dx) > 0, `${label}: dL/dx is all zeros`);
  const loss = () => dot(run().f32, r);
  worst['finite differences'] = Math.max(worst['finite differences'] ?? 0, checkGradient(`${label} dL/dx`, loss, x.f32, dx));
  layer.weights.forEach((w, i) => {
    worst['finite differences'] = Math.max(worst['finite differences']!, checkGradient(`${label} dL/d${w.name}`, loss, w.value.f32, dw[i]!));
  });
}
