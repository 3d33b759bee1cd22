// "Look inside": each convolution's feature maps as a grid of small images and each dense
// layer's units as a strip of cells, labelled like summary() ("conv2d (None, 26, 26, 32)").

import type { LayerActivation } from './engine.js';
import { colormap, drawGray, el } from './render.js';

/** Pixels per feature-map pixel, so that a 3×3 map is as visible as a 26×26 one. */
function tileScale(size: number): number {
  return Math.max(2, Math.round(48 / size));
}

/** All channels of an (H, W, C) output as a grid, each map scaled to its own maximum. */
function featureGrid(a: LayerActivation): HTMLCanvasElement {
  const [h, w, c] = a.dims as [number, number, number];
  const scale = tileScale(Math.max(h, w));
  const cols = Math.min(c, 16);
  const rows = Math.ceil(c / cols);
  const gap = 2;
  const canvas = el('canvas', 'feature-grid');
  canvas.width = cols * (w * scale + gap) - gap;
  canvas.height = rows * (h * scale + gap) - gap;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const img = ctx.createImageData(w * scale, h * scale);
  for (let ch = 0; ch < c; ch++) {
    let max = 0;
    for (let i = 0; i < h * w; i++) max = Math.max(max, a.values[i * c + ch]!);
    for (let y = 0; y < h * scale; y++) {
      for (let x = 0; x < w * scale; x++) {
        const v = a.values[(Math.floor(y / scale) * w + Math.floor(x / scale)) * c + ch]!;
        const [r, g, b] = colormap(max > 0 ? v / max : 0);
        img.data.set([r, g, b, 255], (y * w * scale + x) * 4);
      }
    }
    ctx.putImageData(img, (ch % cols) * (w * scale + gap), Math.floor(ch / cols) * (h * scale + gap));
  }
  return canvas;
}

/** A dense layer's units as coloured cells (the output layer's as labelled probabilities). */
function unitStrip(a: LayerActivation, classNames: readonly string[] | null): HTMLElement {
  const strip = el('div', classNames ? 'unit-strip output' : 'unit-strip');
  let max = 0;
  for (const v of a.values) max = Math.max(max, v);
  a.values.forEach((v, i) => {
    const [r, g, b] = colormap(max > 0 ? v / max : 0);
    const cell = el('span', 'unit', classNames ? classNames[i] ?? String(i) : '');
    cell.style.background = `rgb(${r | 0}, ${g | 0}, ${b | 0})`;
    if (classNames && v / max > 0.55) cell.style.color = '#111';
    cell.title = `unit ${i}: ${v.toFixed(3)}`;
    strip.append(cell);
  });
  return strip;
}

export function renderInside(target: HTMLElement, input: Float32Array | null, layers: LayerActivation[], classNames: readonly string[]): void {
  target.replaceChildren();
  if (!input) {
    target.append(el('p', 'notice', 'Draw a digit or upload a photo first.'));
    return;
  }
  const first = el('section', 'layer card');
  first.dataset['layer'] = 'input';
  const view = el('canvas', 'pixelated input-small');
  drawGray(view, input, 28, 28);
  first.append(el('h3', 'layer-label', 'input (None, 28, 28, 1)'), view);
  target.append(first);
  layers.forEach((a, i) => {
    const isConv = a.dims.length === 3 && a.className === 'Conv2D';
    const isDense = a.className === 'Dense';
    if (!isConv && !isDense) return;
    const section = el('section', `layer card ${isConv ? 'conv' : 'dense'}`);
    section.dataset['layer'] = a.name;
    const label = el('h3', 'layer-label', `${a.name} ${a.shape}`);
    const units = isConv ? `${a.dims[2]} feature maps of ${a.dims[0]}×${a.dims[1]}` : `${a.dims[0]} units`;
    section.append(label, el('p', 'hint', units), isConv ? featureGrid(a) : unitStrip(a, i === layers.length - 1 ? classNames : null));
    target.append(section);
  });
}
