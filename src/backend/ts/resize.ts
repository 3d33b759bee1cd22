// Reference image resizing as TF.js' resizeNearestNeighbor and resizeBilinear compute it with
// alignCorners and halfPixelCenters false (what UpSampling2D uses): output row oy samples
// source row oy·inH/outH — the nearest row below it, or the two around it weighted by distance.

import type { ResizeGeometry } from '../backend.js';

/** The source rows (or columns) output index o reads and the weight of the second one. */
function sourceOf(o: number, inSize: number, outSize: number, bilinear: boolean): [number, number, number] {
  const scale = inSize / outSize;
  const at = o * scale;
  if (!bilinear) return [Math.min(inSize - 1, Math.floor(at)), 0, 0];
  const low = Math.floor(at);
  return [low, Math.min(low + 1, inSize - 1), at - low];
}

/** fn(yIndex, xIndex, weight) for every (output, input) pair resize combines. */
function forEachSample(g: ResizeGeometry, fn: (yi: number, xi: number, weight: number) => void): void {
  const { batch, inH, inW, channels: C, outH, outW, bilinear } = g;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const [y0, y1, fy] = sourceOf(oy, inH, outH, bilinear);
      for (let ox = 0; ox < outW; ox++) {
        const [x0, x1, fx] = sourceOf(ox, inW, outW, bilinear);
        const yBase = ((b * outH + oy) * outW + ox) * C;
        const at = (iy: number, ix: number): number => ((b * inH + iy) * inW + ix) * C;
        const taps: [number, number][] = bilinear
          ? [[at(y0, x0), (1 - fy) * (1 - fx)], [at(y0, x1), (1 - fy) * fx], [at(y1, x0), fy * (1 - fx)], [at(y1, x1), fy * fx]]
          : [[at(y0, x0), 1]];
        for (const [xBase, weight] of taps) for (let c = 0; c < C; c++) fn(yBase + c, xBase + c, weight);
      }
    }
  }
}

export function resize(y: Float32Array, x: Float32Array, g: ResizeGeometry): void {
  y.fill(0, 0, g.batch * g.outH * g.outW * g.channels);
  forEachSample(g, (yi, xi, weight) => (y[yi]! += weight * x[xi]!));
}

export function resizeBackward(dx: Float32Array, dy: Float32Array, g: ResizeGeometry): void {
  dx.fill(0, 0, g.batch * g.inH * g.inW * g.channels);
  forEachSample(g, (yi, xi, weight) => (dx[xi]! += weight * dy[yi]!));
}
