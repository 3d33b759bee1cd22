// Image preprocessing and augmentation layers: each against a plain reference of Keras' formula
// written here (for the warps: Keras' transform matrices sampled as ImageProjectiveTransformV3
// does), TF.js where it has the layer or op, identity in inference, seeds, gradients (finite
// differences and fused vs tape), model.json round trips, and native vs TypeScript kernels.

import assert from 'node:assert/strict';
import test from 'node:test';
import type * as tfjs from '@tensorflow/tfjs';
import type { ColorGeometry, WarpFillMode, WarpGeometry, WarpInterpolation } from '../src/backend/backend.js';
import { loadNative } from '../src/backend/native/index.js';
import { tsBackend } from '../src/backend/ts/index.js';
import type { FusedLayer } from '../src/layers/fused.js';
import * as tg from '../src/node.js';
import { checkClose, checkGradient, uniformArray } from './helpers/check.js';
import { tfjs as loadTfjs } from './helpers/tfjs.js';

const { Random, Tensor, layers } = tg;
type Layer = FusedLayer;

// ---- the references ----

/** TensorFlow's MapCoordinate, written out from its definition. */
function refMap(c: number, len: number, mode: WarpFillMode): number {
  if (mode === 'constant') return c;
  if (mode === 'nearest') return Math.min(Math.max(c, 0), len - 1);
  if (len <= 1) return 0;
  if (mode === 'reflect') {
    const period = 2 * len;
    if (c < 0) {
      if (c < -period) c += period * Math.trunc(-c / period);
      c = c < -len ? c + period : -c - 1;
    } else if (c > len - 1) {
      c -= period * Math.trunc(c / period);
      if (c >= len) c = period - c - 1;
    }
  } else if (c < 0) c += len * (Math.trunc(-c / (len - 1)) + 1);
  else if (c > len - 1) c -= len * Math.trunc(c / (len - 1));
  return Math.min(Math.max(c, 0), len - 1);
}

/** ImageProjectiveTransformV3 on [B, H, W, C], one 8-number transform per image. */
function refWarp(x: Float32Array, [B, H, W, C]: number[], transforms: number[][], outH: number, outW: number, interpolation: WarpInterpolation, fillMode: WarpFillMode, fillValue = 0): Float32Array {
  const out = new Float32Array(B * outH * outW * C);
  const read = (b: number, y: number, xx: number, c: number): number => (y >= 0 && y < H && xx >= 0 && xx < W ? x[((b * H + y) * W + xx) * C + c]! : fillValue);
  for (let b = 0; b < B; b++) {
    const t = transforms[b]!;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const k = t[6]! * ox + t[7]! * oy + 1;
        const inX = refMap((t[0]! * ox + t[1]! * oy + t[2]!) / k, W, fillMode);
        const inY = refMap((t[3]! * ox + t[4]! * oy + t[5]!) / k, H, fillMode);
        for (let c = 0; c < C; c++) {
          let v: number;
          if (interpolation === 'nearest') {
            const round = (v: number) => Math.sign(v) * Math.round(Math.abs(v));
            v = read(b, round(inY), round(inX), c);
          } else {
            const x0 = Math.floor(inX);
            const y0 = Math.floor(inY);
            const top = (x0 + 1 - inX) * read(b, y0, x0, c) + (inX - x0) * read(b, y0, x0 + 1, c);
            const bottom = (x0 + 1 - inX) * read(b, y0 + 1, x0, c) + (inX - x0) * read(b, y0 + 1, x0 + 1, c);
            v = (y0 + 1 - inY) * top + (inY - y0) * bottom;
          }
          out[((b * outH + oy) * outW + ox) * C + c] = v;
        }
      }
    }
  }
  return out;
}

/** Keras' _compute_affine_matrix (degrees; centre at fractions of the pixel grid). */
function kerasAffine(angle: number, tx: number, ty: number, scale: number, h: number, w: number): number[] {
  const a = (angle * Math.PI) / 180;
  const cx = 0.5 * (w - 1);
  const cy = 0.5 * (h - 1);
  const a0 = scale * Math.cos(a);
  const a1 = -scale * Math.sin(a);
  const b0 = scale * Math.sin(a);
  const b1 = scale * Math.cos(a);
  return [a0, a1, tx + cx - cx * a0 - cy * a1, b0, b1, ty + cy - cx * b0 - cy * b1, 0, 0];
}

const SHAPE = [3, 9, 8, 2];
const IMAGES = uniformArray(3 * 9 * 8 * 2, 11, 0, 1);
const images = (): tg.Tensor => new Tensor(SHAPE, IMAGES.slice());
const built = <L extends Layer>(layer: L, shape = SHAPE.slice(1)): L => {
  layer.buildFor(shape, new Random(1));
  return layer;
};
const SAVED = { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const, modelTopologyBytes: 0, weightSpecsBytes: 0, weightDataBytes: 0 } };
const FILLS: WarpFillMode[] = ['reflect', 'wrap', 'constant', 'nearest'];

// ---- the kernel ----

test('affineTransform samples as ImageProjectiveTransformV3: every fill mode and interpolation, far outside too', async () => {
  const tf = await loadTfjs();
  const [B, H, W, C] = SHAPE as [number, number, number, number];
  // a rotation with zoom, a far shift (folds several times), a projective one, a resize to another size
  const transforms = [kerasAffine(33, 1.5, -2.25, 1.3, H, W), [1, 0, -23.5, 0, 1, 31.25, 0, 0], [0.9, 0.2, 1, -0.1, 1.1, -1, 0.01, -0.02]];
  for (const [outH, outW] of [[H, W], [5, 11]] as const) {
    for (const fillMode of FILLS) {
      for (const interpolation of ['bilinear', 'nearest'] as const) {
        const g: WarpGeometry = { batch: B, inH: H, inW: W, channels: C, outH, outW };
        const y = new Float32Array(B * outH * outW * C);
        tsBackend.affineTransform(y, IMAGES, Float32Array.from(transforms.flat()), g, interpolation, fillMode, 0.25);
        checkClose(y, refWarp(IMAGES, SHAPE, transforms.map((t) => [...Float32Array.from(t)]), outH, outW, interpolation, fillMode, 0.25), 1e-5, `${fillMode} ${interpolation} → ${outH}×${outW}`);
      }
    }
  }
  // TF.js' transform (its cpu kernel handles one image per call, and folds 'reflect' like TF within two image sizes)
  const t = kerasAffine(-20, 0.5, 1, 0.9, H, W);
  for (const fillMode of FILLS) {
    for (const interpolation of ['bilinear', 'nearest'] as const) {
      const image = IMAGES.slice(0, H * W * C);
      const theirs = tf.image.transform(tf.tensor4d(image, [1, H, W, C]), tf.tensor2d(t, [1, 8]), interpolation, fillMode, 0.5).dataSync();
      const ours = new Float32Array(H * W * C);
      tsBackend.affineTransform(ours, image, Float32Array.from(t), { batch: 1, inH: H, inW: W, channels: C, outH: H, outW: W }, interpolation, fillMode, 0.5);
      checkClose(ours, theirs, 1e-5, `TF.js transform, ${fillMode} ${interpolation}`);
    }
  }
});

test('affineTransformBackward is the transpose of the warp: <warp(x), dy> = <x, warp^T(dy)>', () => {
  const [B, H, W, C] = SHAPE as [number, number, number, number];
  const transforms = Float32Array.from([kerasAffine(33, 1.5, -2.25, 1.3, H, W), kerasAffine(-170, 0, 0, 0.7, H, W), [1, 0, -3, 0, 1, 2, 0, 0]].flat());
  for (const fillMode of FILLS) {
    for (const interpolation of ['bilinear', 'nearest'] as const) {
      const g: WarpGeometry = { batch: B, inH: H, inW: W, channels: C, outH: 6, outW: 7 };
      const y = new Float32Array(B * 6 * 7 * C);
      tsBackend.affineTransform(y, IMAGES, transforms, g, interpolation, fillMode, 0);
      const dy = uniformArray(y.length, 5);
      const dx = new Float32Array(IMAGES.length);
      tsBackend.affineTransformBackward(dx, dy, transforms, g, interpolation, fillMode);
      const lhs = y.reduce((s, v, i) => s + v * dy[i]!, 0);
      const rhs = IMAGES.reduce((s, v, i) => s + v * dx[i]!, 0);
      assert.ok(Math.abs(lhs - rhs) < 1e-4 * Math.max(1, Math.abs(lhs)), `${fillMode} ${interpolation}: ${lhs} vs ${rhs}`);
    }
  }
});

// ---- the random warps against Keras' formulas ----

/** The layer run with a seeded stream in training, and the reference given the same stream. */
function checkRandomWarp(label: string, make: (seed: number) => Layer, reference: (rng: tg.Random, x: Float32Array) => Float32Array): void {
  const layer = built(make(7));
  const y = layer.forward(images(), { training: true, rng: new Random(99) });
  checkClose(y.f32, reference(new Random(7), IMAGES), 1e-5, `${label}: fused forward vs Keras' formula`);
  const fresh = built(make(7));
  const viaCall = fresh.call(images(), { training: true }) as tg.Tensor;
  checkClose(viaCall.f32, y.f32, 1e-6, `${label}: call() draws the same as forward for the same seed`);
}

const B = SHAPE[0]!;
const H = SHAPE[1]!;
const W = SHAPE[2]!;
const draws = (rng: tg.Random, lower: number, upper: number): number[] => Array.from({ length: B }, () => rng.uniform(lower, upper));

test('randomRotation: angles in [−f, f]·360° about the centre, Keras matrix, fill modes', () => {
  for (const fillMode of FILLS) {
    checkRandomWarp(`rotation ${fillMode}`, (seed) => layers.randomRotation({ factor: 0.2, fillMode, fillValue: 0.5, seed }), (rng, x) => {
      const angles = draws(rng, -72, 72);
      return refWarp(x, SHAPE, angles.map((a) => kerasAffine(a, 0, 0, 1, H, W)), H, W, 'bilinear', fillMode, 0.5);
    });
  }
  checkRandomWarp('rotation [-0.1, 0.3] nearest', (seed) => layers.randomRotation({ factor: [0.3, -0.1], interpolation: 'nearest', seed }), (rng, x) =>
    refWarp(x, SHAPE, draws(rng, -36, 108).map((a) => kerasAffine(a, 0, 0, 1, H, W)), H, W, 'nearest', 'reflect'),
  );
});

test('randomTranslation: shifts of heightFactor·H and widthFactor·W', () => {
  checkRandomWarp('translation', (seed) => layers.randomTranslation({ heightFactor: 0.3, widthFactor: [-0.2, 0.5], fillMode: 'wrap', seed }), (rng, x) => {
    const dy = draws(rng, -0.3, 0.3);
    const dx = draws(rng, -0.2, 0.5);
    return refWarp(x, SHAPE, dy.map((v, b) => [1, 0, -dx[b]! * W, 0, 1, -v * H, 0, 0]), H, W, 'bilinear', 'wrap');
  });
});

test('randomZoom: zoom 1 + f about the centre; without widthFactor the aspect ratio is kept', () => {
  const zoom = (zx: number, zy: number) => [zx, 0, ((W - 1) / 2) * (1 - zx), 0, zy, ((H - 1) / 2) * (1 - zy), 0, 0];
  checkRandomWarp('zoom', (seed) => layers.randomZoom({ heightFactor: 0.4, seed }), (rng, x) => {
    const z = draws(rng, 0.6, 1.4);
    return refWarp(x, SHAPE, z.map((v) => zoom(v, v)), H, W, 'bilinear', 'reflect');
  });
  checkRandomWarp('zoom with widthFactor', (seed) => layers.randomZoom({ heightFactor: [-0.5, 0.1], widthFactor: 0.3, fillMode: 'constant', seed }), (rng, x) => {
    const zy = draws(rng, 0.5, 1.1);
    const zx = draws(rng, 0.7, 1.3);
    return refWarp(x, SHAPE, zy.map((v, b) => zoom(zx[b]!, v)), H, W, 'bilinear', 'constant');
  });
});

test('randomFlip: each image flipped with probability ½ (u ≤ 0.5), both ways on one draw', () => {
  const flip = (x: Float32Array, b: number, fx: boolean, fy: boolean, out: Float32Array) => {
    for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) for (let c = 0; c < 2; c++) out[((b * H + y) * W + xx) * 2 + c] = x[((b * H + (fy ? H - 1 - y : y)) * W + (fx ? W - 1 - xx : xx)) * 2 + c]!;
  };
  for (const mode of ['horizontal', 'vertical', 'horizontal_and_vertical'] as const) {
    checkRandomWarp(`flip ${mode}`, (seed) => layers.randomFlip({ mode, seed }), (rng, x) => {
      const out = new Float32Array(x.length);
      for (let b = 0; b < B; b++) {
        const f = rng.next() <= 0.5;
        flip(x, b, f && mode !== 'vertical', f && mode !== 'horizontal', out);
      }
      return out;
    });
  }
});

// ---- colour ----

test('randomContrast and randomBrightness: Keras formulas, clipped to valueRange', () => {
  const pixels = H * W;
  const contrast = built(layers.randomContrast({ factor: 0.5, valueRange: [0, 1], seed: 3 }));
  const rng = new Random(3);
  const expected = new Float32Array(IMAGES.length);
  for (let b = 0; b < B; b++) {
    const f = rng.uniform(0.5, 1.5);
    for (let c = 0; c < 2; c++) {
      let mean = 0;
      for (let p = 0; p < pixels; p++) mean += IMAGES[(b * pixels + p) * 2 + c]!;
      mean /= pixels;
      for (let p = 0; p < pixels; p++) {
        const i = (b * pixels + p) * 2 + c;
        expected[i] = Math.min(Math.max((IMAGES[i]! - mean) * f + mean, 0), 1);
      }
    }
  }
  checkClose(contrast.forward(images(), { training: true, rng: new Random(1) }).f32, expected, 1e-6, 'contrast');

  const brightness = built(layers.randomBrightness({ factor: [-0.2, 0.4], valueRange: [0, 2], seed: 4 }));
  const rng2 = new Random(4);
  const shifted = new Float32Array(IMAGES.length);
  for (let b = 0; b < B; b++) {
    const d = rng2.uniform(-0.2, 0.4) * 2;
    for (let i = b * pixels * 2; i < (b + 1) * pixels * 2; i++) shifted[i] = Math.min(Math.max(IMAGES[i]! + d, 0), 2);
  }
  checkClose(brightness.forward(images(), { training: true, rng: new Random(1) }).f32, shifted, 1e-6, 'brightness');
});

// ---- always-on layers vs TF.js ----

test('rescaling, resizing and centerCrop against TF.js (its layers where they agree with Keras, its resize ops with half-pixel centres)', async () => {
  const tf = await loadTfjs();
  const x = images();
  const theirs = (layer: tfjs.layers.Layer) => (layer.apply(tf.tensor4d(IMAGES, SHAPE as [number, number, number, number])) as tfjs.Tensor).dataSync();
  checkClose((layers.rescaling({ scale: 1 / 255, offset: -0.5 }).apply(x) as tg.Tensor).f32, theirs(tf.layers.rescaling({ scale: 1 / 255, offset: -0.5 })), 1e-7, 'rescaling');

  const t4 = tf.tensor4d(IMAGES, SHAPE as [number, number, number, number]);
  for (const [h, w] of [[5, 4], [13, 17], [9, 3]] as const) {
    const bilinear = built(layers.resizing({ height: h, width: w }));
    checkClose(bilinear.forward(x, { training: false, rng: new Random(1) }).f32, tf.image.resizeBilinear(t4, [h, w], false, true).dataSync(), 1e-5, `resize bilinear → ${h}×${w}`);
    const nearest = built(layers.resizing({ height: h, width: w, interpolation: 'nearest' }));
    checkClose(nearest.forward(x, { training: false, rng: new Random(1) }).f32, tf.image.resizeNearestNeighbor(t4, [h, w], false, true).dataSync(), 0, `resize nearest → ${h}×${w}`);
    // Keras' crop to the aspect ratio, then the resize
    const crop = built(layers.resizing({ height: h, width: w, cropToAspectRatio: true }));
    const ch = Math.max(Math.min(H, Math.trunc((W * h) / w)), 1);
    const cw = Math.max(Math.min(W, Math.trunc((H * w) / h)), 1);
    const box = t4.slice([0, Math.trunc((H - ch) / 2), Math.trunc((W - cw) / 2), 0], [-1, ch, cw, -1]);
    checkClose(crop.forward(x, { training: false, rng: new Random(1) }).f32, tf.image.resizeBilinear(box, [h, w], false, true).dataSync(), 1e-5, `resize with crop → ${h}×${w}`);
  }
  // where TF.js' Resizing layer and Keras agree: nearest ×2 with cropToAspectRatio (no align-corners grid)
  const up = tf.layers.resizing({ height: 18, width: 16, interpolation: 'nearest', cropToAspectRatio: true });
  checkClose(built(layers.resizing({ height: 18, width: 16, interpolation: 'nearest', cropToAspectRatio: true })).forward(x, { training: false, rng: new Random(1) }).f32, theirs(up), 0, 'TF.js Resizing layer');

  // centerCrop: TF.js' layer where it agrees (even differences ≥ 2), and the slice everywhere
  checkClose(built(layers.centerCrop({ height: 5, width: 4 })).forward(x, { training: false, rng: new Random(1) }).f32, theirs(tf.layers.centerCrop({ height: 5, width: 4 })), 0, 'TF.js CenterCrop layer');
  checkClose(built(layers.centerCrop({ height: 6, width: 7 })).forward(x, { training: false, rng: new Random(1) }).f32, t4.slice([0, 1, 0, 0], [-1, 6, 7, -1]).dataSync(), 0, 'centre crop, odd differences');
  // smaller than asked: crop to the aspect ratio, resize (Keras' smart_resize)
  const grown = built(layers.centerCrop({ height: 12, width: 6 })).forward(x, { training: false, rng: new Random(1) });
  checkClose(grown.f32, tf.image.resizeBilinear(t4.slice([0, 0, 2, 0], [-1, 9, 4, -1]), [12, 6], false, true).dataSync(), 1e-5, 'centerCrop up');
});

test('randomCrop: a random window while training (one per batch), the centred aspect crop resized in inference', async () => {
  const tf = await loadTfjs();
  const layer = built(layers.randomCrop({ height: 5, width: 6, seed: 8 }));
  const rng = new Random(8);
  const top = Math.trunc(rng.uniform(0, H - 5 + 1));
  const left = Math.trunc(rng.uniform(0, W - 6 + 1));
  const t4 = tf.tensor4d(IMAGES, SHAPE as [number, number, number, number]);
  checkClose(layer.forward(images(), { training: true, rng: new Random(1) }).f32, t4.slice([0, top, left, 0], [-1, 5, 6, -1]).dataSync(), 0, 'training window');
  // inference: crop 9×8 to the 5:6 ratio (6×8 → 6 rows from row 1... as Keras computes), then resize
  const ch = Math.max(Math.min(H, Math.trunc((W * 5) / 6)), 1);
  const cw = Math.max(Math.min(W, Math.trunc((H * 6) / 5)), 1);
  const expected = tf.image.resizeBilinear(t4.slice([0, Math.trunc((H - ch) / 2), Math.trunc((W - cw) / 2), 0], [-1, ch, cw, -1]), [5, 6], false, true).dataSync();
  checkClose(layer.forward(images(), { training: false, rng: new Random(1) }).f32, expected, 1e-5, 'inference');
});

// ---- modes, seeds, options ----

const RANDOM_LAYERS: [string, (seed?: number) => Layer][] = [
  ['randomRotation', (seed) => layers.randomRotation({ factor: 0.1, seed })],
  ['randomTranslation', (seed) => layers.randomTranslation({ heightFactor: 0.2, widthFactor: 0.2, seed })],
  ['randomZoom', (seed) => layers.randomZoom({ heightFactor: 0.2, seed })],
  ['randomFlip', (seed) => layers.randomFlip({ seed })],
  ['randomContrast', (seed) => layers.randomContrast({ factor: 0.5, valueRange: [0, 1], seed })],
  ['randomBrightness', (seed) => layers.randomBrightness({ factor: 0.3, valueRange: [0, 1], seed })],
];

test('random layers: identity in inference; a seed gives its own stream (same seed, same images); without one the caller\'s stream decides', () => {
  for (const [label, make] of RANDOM_LAYERS) {
    const x = images();
    assert.deepEqual([...built(make(1)).forward(x, { training: false, rng: new Random(1) }).f32], [...IMAGES], `${label}: inference forward`);
    assert.deepEqual([...(built(make(1)).call(x, { training: false }) as tg.Tensor).f32], [...IMAGES], `${label}: inference call`);
    const a = built(make(5)).forward(x, { training: true, rng: new Random(1) }).f32.slice();
    const b = built(make(5)).forward(x, { training: true, rng: new Random(2) }).f32.slice();
    assert.deepEqual([...a], [...b], `${label}: same seed, same output whatever the model's stream`);
    const c = built(make(6)).forward(x, { training: true, rng: new Random(1) }).f32;
    assert.notDeepEqual([...c], [...a], `${label}: another seed, another output`);
    const d = built(make()).forward(x, { training: true, rng: new Random(3) }).f32.slice();
    const e = built(make()).forward(x, { training: true, rng: new Random(3) }).f32;
    assert.deepEqual([...d], [...e], `${label}: unseeded layers follow the stream they are given`);
    assert.notDeepEqual([...d], [...IMAGES], `${label}: training changes the images`);
  }
});

test('options are validated with Keras-style messages quoting the value', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => layers.randomRotation({ factor: 1.5 }), /Received factor=1\.5\./],
    [() => layers.randomRotation({ factor: 0.1, fillMode: 'mirror' as never }), /Received fillMode="mirror"\./],
    [() => layers.randomRotation({ factor: 0.1, interpolation: 'bicubic' as never }), /Received interpolation="bicubic"\./],
    [() => layers.randomTranslation({ heightFactor: [0.1, 2], widthFactor: 0 }), /Received heightFactor=\[0\.1,2\]\./],
    [() => layers.randomZoom({ heightFactor: -1 }), /Received heightFactor=-1\./],
    [() => layers.randomFlip({ mode: 'diagonal' as never }), /Received mode="diagonal"\./],
    [() => layers.randomFlip({ seed: 1.5 }), /Received seed=1\.5\./],
    [() => layers.randomContrast({ factor: 2 }), /Received factor=2\./],
    [() => layers.randomBrightness({ factor: 0.1, valueRange: [0] as never }), /Received valueRange=\[0\]\./],
    [() => layers.resizing({ height: 0, width: 3 }), /Received height=0\./],
    [() => layers.resizing({ height: 3, width: 3, antialias: true as never }), /antialias=true is not supported/],
    [() => layers.centerCrop({ height: 3, width: 2.5 }), /Received width=2\.5\./],
    [() => layers.rescaling({ scale: 'x' as never }), /Received scale="x"\./],
    [() => layers.randomCrop({ height: 3, width: 3, interpolation: 'nearest' } as never), /interpolation/],
    [() => built(layers.randomZoom({ heightFactor: 0.1 }), [4, 4]), /expects images/],
  ];
  for (const [make, message] of cases) assert.throws(make, (err: unknown) => err instanceof tg.TegakiError && message.test(err.message) && !err.message.includes('\n'), String(message));
});

// ---- gradients ----

test('gradients (a layer not first in the model): finite differences through every warp and colour layer, fused backward equal to the tape', () => {
  const cases: [string, () => Layer][] = [
    ['rotation reflect', () => layers.randomRotation({ factor: 0.2, seed: 1 })],
    ['zoom constant', () => layers.randomZoom({ heightFactor: 0.3, fillMode: 'constant', fillValue: 0.3, seed: 2 })],
    ['translation wrap nearest', () => layers.randomTranslation({ heightFactor: 0.2, widthFactor: 0.3, fillMode: 'wrap', interpolation: 'nearest', seed: 3 })],
    ['flip', () => layers.randomFlip({ seed: 4 })],
    ['resizing with crop', () => layers.resizing({ height: 5, width: 9, cropToAspectRatio: true })],
    ['centerCrop', () => layers.centerCrop({ height: 6, width: 5 })],
    ['randomCrop', () => layers.randomCrop({ height: 6, width: 5, seed: 5 })],
    ['rescaling', () => layers.rescaling({ scale: 0.5, offset: 1 })],
    ['contrast', () => layers.randomContrast({ factor: 0.6, valueRange: [0.1, 0.9], seed: 6 })],
    ['brightness', () => layers.randomBrightness({ factor: 0.3, valueRange: [0, 1], seed: 7 })],
  ];
  for (const [label, make] of cases) {
    const x = images();
    const layer = built(make());
    const y = layer.forward(x, { training: true, rng: new Random(1) });
    const r = uniformArray(y.size, 9);
    const dx = layer.backward(new Tensor(y.shape, r)).f32.slice();
    // the tape: the same draws from a fresh layer with the same seed
    const tapeLayer = built(make());
    const viaTape = tg.grad((xx) => tg.sum(tg.mul(tapeLayer.call(xx, { training: true }) as tg.Tensor, new Tensor(y.shape, r))))(x);
    checkClose(viaTape.f32, dx, 1e-5, `${label}: fused backward vs the tape`);
    // finite differences: the draws are fixed by reseeding a fresh layer for every evaluation
    const loss = () => {
      const fresh = built(make());
      const out = fresh.forward(x, { training: true, rng: new Random(1) }).f32;
      return out.reduce((s, v, i) => s + v * r[i]!, 0);
    };
    checkGradient(label, loss, x.f32, dx, { eps: 1e-3, tol: 2e-2 });
  }
});

// ---- models: fused vs tape, round trips ----

function augmentedModel(seed: number, withSeeds: boolean): tg.Sequential {
  const model = tg.sequential({ seed });
  model.add(layers.conv2d({ filters: 2, kernelSize: 3, inputShape: SHAPE.slice(1), activation: 'relu' }));
  model.add(layers.randomRotation({ factor: 0.1, seed: withSeeds ? 1 : undefined }));
  model.add(layers.randomTranslation({ heightFactor: 0.1, widthFactor: 0.1, fillMode: 'constant', seed: withSeeds ? 2 : undefined }));
  model.add(layers.randomZoom({ heightFactor: 0.1, seed: withSeeds ? 3 : undefined }));
  model.add(layers.randomContrast({ factor: 0.2, valueRange: [0, 10], seed: withSeeds ? 4 : undefined }));
  model.add(layers.flatten());
  model.add(layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: tg.train.sgd(0.1), loss: 'sparseCategoricalCrossentropy' });
  return model;
}

test('a training step on the fused path equals the tape path (LayersModel) for the same weights and draws', async () => {
  const labels = new Tensor([3], [0, 1, 2]);
  const fused = augmentedModel(3, true);
  const input = tg.input({ shape: SHAPE.slice(1) });
  const graphLayers = augmentedModel(3, true).layers;
  let h = input as tg.SymbolicTensor;
  for (const l of graphLayers) h = l.apply(h) as tg.SymbolicTensor;
  const tape = tg.model({ inputs: input, outputs: h });
  tape.setWeights(fused.getWeights());
  tape.compile({ optimizer: tg.train.sgd(0.1), loss: 'sparseCategoricalCrossentropy' });
  await fused.fit(images(), labels, { epochs: 1, batchSize: 3, shuffle: false, verbose: 0 });
  await tape.fit(images(), labels, { epochs: 1, batchSize: 3, shuffle: false, verbose: 0 });
  fused.getWeights().forEach((w, i) => checkClose(w.f32, tape.getWeights()[i]!.f32, 1e-5, `weight ${i} after one step`));
  // unseeded layers draw from the model's stream: the same model seed reproduces the run
  const runs = await Promise.all([5, 5].map(async (seed) => {
    const model = augmentedModel(seed, false);
    await model.fit(images(), labels, { epochs: 2, batchSize: 3, verbose: 0 });
    return model.getWeights().map((w) => [...w.f32]);
  }));
  assert.deepEqual(runs[0], runs[1], 'same model seed, same training');
});

test('model.json round trip: tegaki ↔ tegaki with every layer (configs and seeds kept), TF.js ↔ tegaki for the layers TF.js has', async () => {
  const tf = await loadTfjs();
  const model = tg.sequential({ seed: 2 });
  model.add(layers.rescaling({ scale: 2, offset: -1, inputShape: SHAPE.slice(1) }));
  model.add(layers.randomFlip({ mode: 'horizontal_and_vertical', seed: 1 }));
  model.add(layers.randomRotation({ factor: [-0.1, 0.2], fillMode: 'constant', fillValue: 0.5, seed: 2 }));
  model.add(layers.randomTranslation({ heightFactor: 0.1, widthFactor: [0.1, 0.2], interpolation: 'nearest' }));
  model.add(layers.randomZoom({ heightFactor: 0.1, widthFactor: 0.2, fillMode: 'wrap', seed: 4 }));
  model.add(layers.randomContrast({ factor: [0.1, 0.3], seed: 5 }));
  model.add(layers.randomBrightness({ factor: 0.1, valueRange: [-1, 1] }));
  model.add(layers.randomCrop({ height: 7, width: 6, seed: 6 }));
  model.add(layers.resizing({ height: 10, width: 9, interpolation: 'nearest', cropToAspectRatio: true }));
  model.add(layers.centerCrop({ height: 8, width: 7 }));
  model.add(layers.flatten());
  model.add(layers.dense({ units: 2 }));
  let saved: tg.io.ModelArtifacts | null = null;
  await model.save(tg.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return SAVED;
  }));
  const json = JSON.stringify(saved!.modelTopology);
  assert.match(json, /"mode":"horizontal_and_vertical"/);
  assert.match(json, /"fill_mode":"constant","interpolation":"bilinear","fill_value":0.5,"seed":2/);
  assert.match(json, /"crop_to_aspect_ratio":true/);
  const loaded = tg.modelFromArtifacts(saved! as never, 'saved model');
  assert.deepEqual(loaded.layers.map((l) => l.getConfig()), model.layers.map((l) => l.getConfig()));
  checkClose((loaded.predict(images()) as tg.Tensor).f32, (model.predict(images()) as tg.Tensor).f32, 1e-6, 'predictions after loading');

  // TF.js builds and saves; tegaki loads and predicts the same, and the other way round
  const theirs = tf.sequential();
  theirs.add(tf.layers.rescaling({ scale: 0.5, offset: 0.25, inputShape: SHAPE.slice(1) }));
  // (TF.js' CenterCrop writes its output shape into its input's shape array: a conv in front
  // gives it an array of its own, so the model's input keeps its shape)
  theirs.add(tf.layers.conv2d({ filters: 2, kernelSize: 1 }));
  theirs.add(tf.layers.centerCrop({ height: 5, width: 4 }));
  theirs.add(tf.layers.flatten());
  theirs.add(tf.layers.dense({ units: 3 }));
  const expected = (theirs.predict(tf.tensor4d(IMAGES, SHAPE as [number, number, number, number])) as tfjs.Tensor).dataSync();
  let ours: tg.LayersModel | null = null;
  await theirs.save(tf.io.withSaveHandler(async (artifacts) => {
    ours = tg.modelFromArtifacts(artifacts as never, 'their model');
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  checkClose((ours!.predict(images()) as tg.Tensor).f32, expected, 1e-5, 'tegaki on the TF.js model');
  // TF.js' Resizing reports its output shape without the batch dimension, so TF.js cannot run it
  // inside a model; its config still loads here, read as TF.js writes it
  const theirConfig = tf.layers.resizing({ height: 18, width: 16, interpolation: 'nearest', cropToAspectRatio: true }).getConfig();
  const resizing = new layers.Resizing(theirConfig as never);
  assert.deepEqual(resizing.getConfig(), layers.resizing({ height: 18, width: 16, interpolation: 'nearest', cropToAspectRatio: true, name: resizing.name }).getConfig());
  await ours!.save(tg.io.withSaveHandler(async (artifacts) => {
    const back = await tf.loadLayersModel(tf.io.fromMemory(artifacts as never));
    checkClose((back.predict(tf.tensor4d(IMAGES, SHAPE as [number, number, number, number])) as tfjs.Tensor).dataSync(), expected, 1e-5, 'TF.js on the tegaki model');
    return SAVED;
  }));
});

// ---- native vs TypeScript ----

const { backend: native, reason } = loadNative();

test('native augmentation kernels equal the TypeScript reference (1 and 2 threads, guard cells untouched)', { skip: native ? false : `native addon not built (${reason})` }, () => {
  const threads = native!.getThreads();
  const guarded = (n: number) => {
    const full = new Float32Array(n + 34).fill(1234.5);
    return { view: full.subarray(17, 17 + n), check: (label: string) => assert.ok(full.subarray(0, 17).every((v) => v === 1234.5) && full.subarray(17 + n).every((v) => v === 1234.5), `${label}: guard cells`) };
  };
  try {
    for (const t of [1, 2]) {
      native!.setThreads(t);
      const batch = 5;
      const [inH, inW, C] = [11, 7, 3];
      const x = uniformArray(batch * inH * inW * C, 21, -1, 2);
      const transforms = Float32Array.from(Array.from({ length: batch }, (_, b) => (b === 4 ? [1, 0.1, -30, 0.05, 1, 40, 0.01, 0] : kerasAffine(b * 50 - 100, b - 2, 1.5, 0.8 + b * 0.1, inH, inW))).flat());
      for (const [outH, outW] of [[inH, inW], [6, 13]] as const) {
        const g: WarpGeometry = { batch, inH, inW, channels: C, outH, outW };
        for (const fillMode of FILLS) {
          for (const interpolation of ['bilinear', 'nearest'] as const) {
            const label = `${t} threads, ${fillMode} ${interpolation} → ${outH}×${outW}`;
            const yRef = new Float32Array(batch * outH * outW * C);
            tsBackend.affineTransform(yRef, x, transforms, g, interpolation, fillMode, -0.5);
            const y = guarded(yRef.length);
            native!.affineTransform(y.view, x, transforms, g, interpolation, fillMode, -0.5);
            checkClose(y.view, yRef, 1e-4, `forward, ${label}`);
            y.check(label);
            const dy = uniformArray(yRef.length, 22);
            const dxRef = new Float32Array(x.length);
            tsBackend.affineTransformBackward(dxRef, dy, transforms, g, interpolation, fillMode);
            const dx = guarded(x.length);
            dx.view.fill(7);
            native!.affineTransformBackward(dx.view, dy, transforms, g, interpolation, fillMode);
            checkClose(dx.view, dxRef, 1e-4, `backward, ${label}`);
            dx.check(label);
          }
        }
      }
      const cg: ColorGeometry = { batch, pixels: inH * inW, channels: C };
      const contrast = Float32Array.from([0.5, 1, 1.5, 0.2, 1.9]);
      const delta = Float32Array.from([0.1, -0.3, 0, 0.5, -1]);
      for (const [s, d] of [[contrast, null], [null, delta], [contrast, delta]] as const) {
        const label = `${t} threads, contrast ${s !== null}, delta ${d !== null}`;
        const yRef = new Float32Array(x.length);
        tsBackend.adjustColor(yRef, x, s, d, cg, -0.5, 1.5);
        const y = guarded(x.length);
        native!.adjustColor(y.view, x, s, d, cg, -0.5, 1.5);
        checkClose(y.view, yRef, 1e-5, `adjustColor, ${label}`);
        y.check(label);
        const dy = uniformArray(x.length, 23);
        const dxRef = new Float32Array(x.length);
        tsBackend.adjustColorBackward(dxRef, dy, x, s, d, cg, -0.5, 1.5);
        const dx = guarded(x.length);
        native!.adjustColorBackward(dx.view, dy, x, s, d, cg, -0.5, 1.5);
        checkClose(dx.view, dxRef, 1e-5, `adjustColorBackward, ${label}`);
        dx.check(label);
      }
    }
  } finally {
    native!.setThreads(threads);
  }
});

test('adjustColorBackward matches finite differences of adjustColor', () => {
  const g: ColorGeometry = { batch: 2, pixels: 5, channels: 2 };
  const x = uniformArray(20, 31, 0, 1);
  const contrast = Float32Array.from([0.7, 1.6]);
  const delta = Float32Array.from([0.05, -0.1]);
  const r = uniformArray(20, 32);
  const dx = new Float32Array(20);
  tsBackend.adjustColorBackward(dx, r, x, contrast, delta, g, 0.05, 0.95);
  const loss = () => {
    const y = new Float32Array(20);
    tsBackend.adjustColor(y, x, contrast, delta, g, 0.05, 0.95);
    return y.reduce((s, v, i) => s + v * r[i]!, 0);
  };
  checkGradient('adjustColor', loss, x, dx, { eps: 1e-3, tol: 2e-2 });
});
