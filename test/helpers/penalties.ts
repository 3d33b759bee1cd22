// Programs shared by the regularizer and constraint tests: a dense and a conv model written once in
// TF.js' idiom (run under @tensorflow/tfjs and tegaki alike), their data, and the model.json round
// trip both ways.

import assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import * as tg from '../../src/node.js';
import { checkClose, uniformArray } from './check.js';
import { tfjs as loadTfjs } from './tfjs.js';

export const tf = await loadTfjs();
export type Lib = typeof tfjs;
export const ours = tg as unknown as Lib;

export const N = 24;
export const BATCH = 8;
const IMAGES = uniformArray(N * 6 * 6, 51);
const LABELS = Array.from({ length: N }, (_, i) => (IMAGES[i * 36]! + IMAGES[i * 36 + 20]! > 0 ? 0 : IMAGES[i * 36 + 7]! > 0 ? 1 : 2));

export type Kind = 'dense' | 'conv';
/** Options of the model's first layer (a dense or conv layer) and of its last (a dense softmax). */
export type LayerOptions = (t: Lib) => { first?: Record<string, unknown>; last?: Record<string, unknown> };

export const inputShapeOf = (kind: Kind): number[] => (kind === 'dense' ? [36] : [6, 6, 1]);

/** The inputs and one-hot labels (samples from..to). */
export function data(t: Lib, kind: Kind, from = 0, to = N): { xs: tfjs.Tensor; ys: tfjs.Tensor } {
  const xs = t.tensor(IMAGES.slice(from * 36, to * 36), [to - from, ...inputShapeOf(kind)]);
  return { xs, ys: t.oneHot(t.tensor1d(LABELS.slice(from, to), 'int32'), 3).toFloat() };
}

/** A model: dense (tanh), or conv (relu) → flatten, then dense softmax; a Sequential or the same as tf.model. */
export function buildModel(t: Lib, kind: Kind, functional: boolean, options: LayerOptions): tfjs.LayersModel {
  const { first = {}, last = {} } = options(t);
  const shape = inputShapeOf(kind);
  const firstArgs = { name: 'first', ...(functional ? {} : { inputShape: shape }), ...first };
  const layers: tfjs.layers.Layer[] = [
    kind === 'dense' ? t.layers.dense({ units: 5, activation: 'tanh', ...firstArgs }) : t.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu', ...firstArgs }),
    ...(kind === 'conv' ? [t.layers.flatten({ name: 'flat' })] : []),
    t.layers.dense({ units: 3, activation: 'softmax', name: 'last', ...last }),
  ];
  if (!functional) return t.sequential({ layers });
  const input = t.input({ shape });
  let h: tfjs.SymbolicTensor = input;
  for (const layer of layers) h = layer.apply(h) as tfjs.SymbolicTensor;
  return t.model({ inputs: input, outputs: h });
}

export const weightsOf = (m: tfjs.LayersModel): number[][] => m.getWeights().map((w) => Array.from(w.dataSync()));

/** Set a model's weights from arrays (TF.js and tegaki alike). */
export function setWeights(t: Lib, model: tfjs.LayersModel, values: number[][]): void {
  model.setWeights(values.map((w, i) => t.tensor(w, model.getWeights()[i]!.shape)));
}

/** Per-batch losses and the final weights compared with a tolerance; returns the largest relative difference. */
export function compareRuns(mine: { losses: number[]; weights: number[][] }, theirs: { losses: number[]; weights: number[][] }, label: string, tol = 1e-4): number {
  const a = checkClose(mine.losses, theirs.losses, tol, `${label}: loss of each batch`);
  const b = checkClose(mine.weights.flat(), theirs.weights.flat(), tol, `${label}: trained weights`);
  return Math.max(a, b);
}

/** Whether tegaki's Sequential trained on its fused kernels: count the first layer's forward() calls. */
export function countFusedForwards(model: tfjs.LayersModel): () => number {
  const layer = model.layers[0] as unknown as { forward: (...args: unknown[]) => unknown };
  let calls = 0;
  const forward = layer.forward.bind(layer);
  layer.forward = (...args) => {
    calls++;
    return forward(...args);
  };
  return () => calls;
}

/** The artifacts a model (TF.js' or tegaki's) saves, through io.withSaveHandler. */
export async function artifactsOf(t: Lib, model: tfjs.LayersModel): Promise<tfjs.io.ModelArtifacts> {
  let saved: tfjs.io.ModelArtifacts | null = null;
  await model.save(t.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved!;
}

/** The layers' configs as model.json holds them (snake_case). */
export function topologyLayers(artifacts: tfjs.io.ModelArtifacts): { class_name: string; config: Record<string, unknown> }[] {
  return ((artifacts.modelTopology as { config: { layers: unknown } }).config.layers) as { class_name: string; config: Record<string, unknown> }[];
}

/**
 * TF.js' model → tegaki and tegaki's → TF.js through model.json: both libraries load each file to
 * a model that predicts the same (loading writes the weights, which applies their constraints in
 * both), and the loaded layers' config entries `keys` equal TF.js' own.
 */
export async function roundTrips(theirs: tfjs.LayersModel, mine: tfjs.LayersModel, kind: Kind, keys: string[]): Promise<{ loadedByUs: tfjs.LayersModel; loadedByThem: tfjs.LayersModel }> {
  const predictions = (model: tfjs.LayersModel, t: Lib): Float32Array => (model.predict(data(t, kind).xs) as tfjs.Tensor).dataSync() as Float32Array;
  const load = async (artifacts: tfjs.io.ModelArtifacts) => ({
    byUs: tg.modelFromArtifacts(artifacts as never, 'a saved model') as unknown as tfjs.LayersModel,
    byThem: await tf.loadLayersModel(tf.io.fromMemory(artifacts)),
  });
  const theirFile = await load(await artifactsOf(tf, theirs));
  checkClose(predictions(theirFile.byUs, ours), predictions(theirFile.byThem, tf), 1e-5, 'tegaki and TF.js on TF.js\' model.json');
  const ourFile = await load(await artifactsOf(ours, mine));
  checkClose(predictions(ourFile.byThem, tf), predictions(ourFile.byUs, ours), 1e-5, 'TF.js and tegaki on tegaki\'s model.json');
  const loadedByUs = theirFile.byUs;
  const loadedByThem = ourFile.byThem;
  const configs = (m: tfjs.LayersModel): unknown => JSON.parse(JSON.stringify(m.layers.filter((l) => 'kernelInitializer' in l.getConfig()).map((l) => Object.fromEntries(keys.map((k) => [k, l.getConfig()[k]])))));
  const expected = configs(theirs);
  for (const [label, model] of [['tegaki loading TF.js\' file', loadedByUs], ['TF.js loading tegaki\'s file', loadedByThem], ['tegaki\'s own', mine]] as const) {
    assert.deepEqual(configs(model), expected, `${label}: the configs equal TF.js'`);
  }
  return { loadedByUs, loadedByThem };
}
