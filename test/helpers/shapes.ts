// A small folder dataset drawn in the test: circles, squares and triangles of random size, place,
// colour and rotation, some as RGB JPEGs and some as gray PNGs of different sizes.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { Random } from '../../src/node.js';

export const SHAPES = ['circle', 'square', 'triangle'] as const;

export function writeShapes(dir: string, perClass: number, seed = 1): void {
  const rng = new Random(seed);
  for (const shape of SHAPES) {
    mkdirSync(join(dir, shape), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const side = [32, 40, 48][i % 3]!;
      const canvas = createCanvas(side, side);
      const g = canvas.getContext('2d');
      g.fillStyle = `rgb(${rng.int(60)},${rng.int(60)},${rng.int(60)})`;
      g.fillRect(0, 0, side, side);
      g.fillStyle = `rgb(${160 + rng.int(95)},${160 + rng.int(95)},${160 + rng.int(95)})`;
      const r = side * rng.uniform(0.22, 0.38);
      const cx = side / 2 + rng.uniform(-0.1, 0.1) * side;
      const cy = side / 2 + rng.uniform(-0.1, 0.1) * side;
      g.translate(cx, cy);
      g.rotate(rng.uniform(0, Math.PI / 2));
      g.beginPath();
      if (shape === 'circle') g.arc(0, 0, r, 0, 2 * Math.PI);
      else if (shape === 'square') g.rect(-r * 0.85, -r * 0.85, r * 1.7, r * 1.7);
      else for (let k = 0; k < 3; k++) g[k === 0 ? 'moveTo' : 'lineTo'](r * 1.1 * Math.cos((2 * Math.PI * k) / 3), r * 1.1 * Math.sin((2 * Math.PI * k) / 3));
      g.closePath();
      g.fill();
      const jpeg = i % 2 === 0;
      writeFileSync(join(dir, shape, `${shape}-${i}.${jpeg ? 'jpg' : 'png'}`), jpeg ? canvas.toBuffer('image/jpeg') : canvas.toBuffer('image/png'));
    }
  }
}
