// Image grids with a caption under each image: the tutorial's prediction grid (blue when right,
// red when wrong, "8 (3)" = predicted 8, truly 3) and the gallery of confident mistakes.

import { TegakiError } from '../errors.js';
import { sizeOf, type Shape } from '../tensor.js';
import { CanvasDrawing } from './draw.js';

export const RIGHT_COLOR = '#1f5fd1';
export const WRONG_COLOR = '#d62728';
const SUBCAPTION_COLOR = '#666666';

export interface GridCell {
  /** One image, height × width × channels, values in [0, 1]. */
  pixels: Float32Array;
  caption: string;
  color: string;
  /** A smaller second line, e.g. a probability. */
  subcaption?: string;
}

export interface GridOptions {
  /** Images per row. Default 10. */
  cols?: number;
  /** Pixels per image pixel. Default 3. */
  scale?: number;
  /** Draw grayscale images as dark ink on white (like the tutorial's plots). Default true. */
  invert?: boolean;
  title?: string;
}

export interface CellBox {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Where the caption's text sits: its centre x and baseline y. */
  captionX: number;
  captionY: number;
  captionHeight: number;
}

export interface GridLayout {
  width: number;
  height: number;
  cols: number;
  rows: number;
  cells: CellBox[];
}

/** Sides beyond this are past what PNG encoders and browsers handle well (Skia's own limit is 32767). */
export const MAX_IMAGE_SIDE = 16384;

const PAD = 8;
const CAPTION_SIZE = 16;
const SUBCAPTION_SIZE = 12;
const TITLE_SIZE = 18;

export function gridLayout(count: number, imageShape: Shape, options: GridOptions, captionChars: number, subcaptions: boolean): GridLayout {
  const scale = options.scale ?? 3;
  const cols = Math.max(1, Math.min(options.cols ?? 10, count));
  const rows = Math.ceil(count / cols);
  const imageW = imageShape[1]! * scale;
  const imageH = imageShape[0]! * scale;
  const width = Math.max(imageW, Math.ceil(captionChars * CAPTION_SIZE * 0.62)) + 2 * PAD;
  const captionHeight = CAPTION_SIZE + 8 + (subcaptions ? SUBCAPTION_SIZE + 4 : 0);
  const height = imageH + captionHeight + 2 * PAD;
  const top = options.title ? TITLE_SIZE + 16 : 0;
  const cells: CellBox[] = [];
  for (let i = 0; i < count; i++) {
    const x = (i % cols) * width;
    const y = top + Math.floor(i / cols) * height;
    cells.push({ x, y, width, height, captionX: x + width / 2, captionY: y + PAD + imageH + CAPTION_SIZE + 4, captionHeight });
  }
  return { width: cols * width, height: top + rows * height, cols, rows, cells };
}

/** Draw the cells in a grid; returns the PNG and where each cell went. */
export function imageGrid(cells: readonly GridCell[], imageShape: Shape, options: GridOptions = {}): { png: Buffer; layout: GridLayout } {
  const [h, w, channels] = imageShape as [number, number, number];
  const scale = options.scale ?? 3;
  const captionChars = Math.max(1, ...cells.map((c) => c.caption.length), ...cells.map((c) => (c.subcaption?.length ?? 0) * 0.75));
  const layout = gridLayout(Math.max(cells.length, 1), imageShape, options, captionChars, cells.some((c) => c.subcaption));
  if (layout.width > MAX_IMAGE_SIDE || layout.height > MAX_IMAGE_SIDE) {
    throw new TegakiError(`A grid of ${cells.length} images in ${layout.cols} columns would be ${layout.width}×${layout.height} pixels, over the ${MAX_IMAGE_SIDE}-pixel limit: show fewer images (--count) or more per row (--cols).`);
  }
  const drawing = new CanvasDrawing(layout.width, layout.height);
  if (options.title) drawing.text(PAD, TITLE_SIZE + 6, options.title, { size: TITLE_SIZE, bold: true });
  const invert = (options.invert ?? true) && channels === 1;
  cells.forEach((cell, i) => {
    const box = layout.cells[i]!;
    const imageX = box.x + Math.round((box.width - w * scale) / 2);
    drawing.image(imageX, box.y + PAD, cell.pixels, h, w, channels, scale, invert);
    drawing.rect(imageX, box.y + PAD, w * scale, h * scale, 'rgba(0,0,0,0)', '#d0d0d0');
    drawing.text(box.captionX, box.captionY, cell.caption, { size: CAPTION_SIZE, bold: true, color: cell.color, align: 'center' });
    if (cell.subcaption) drawing.text(box.captionX, box.captionY + SUBCAPTION_SIZE + 4, cell.subcaption, { size: SUBCAPTION_SIZE, color: SUBCAPTION_COLOR, align: 'center' });
  });
  return { png: drawing.png(), layout };
}

export interface PredictionGridInput {
  /** Images [n, h, w, c] in [0, 1], one after another. */
  images: Float32Array;
  imageShape: Shape;
  predicted: ArrayLike<number>;
  truth: ArrayLike<number>;
  classNames: readonly string[];
  /** Which samples to show, in order. Default: the first `count`. */
  order?: ArrayLike<number>;
  /** Default 30. */
  count?: number;
  /** Show only wrong predictions. Default false. */
  onlyMistakes?: boolean;
}

/** The tutorial's grid: each image with its predicted label, blue when right, red "8 (3)" when wrong. */
export function predictionGrid(input: PredictionGridInput, options: GridOptions = {}): { png: Buffer; layout: GridLayout; shown: number[] } {
  const { predicted, truth, classNames, count = 30, onlyMistakes = false } = input;
  const n = predicted.length;
  const order = input.order ?? Array.from({ length: n }, (_, i) => i);
  const shown: number[] = [];
  for (let k = 0; k < order.length && shown.length < count; k++) {
    const i = order[k]!;
    if (!onlyMistakes || predicted[i] !== truth[i]) shown.push(i);
  }
  const size = sizeOf(input.imageShape);
  const cells = shown.map((i): GridCell => {
    const right = predicted[i] === truth[i];
    const name = (c: number) => classNames[c] ?? String(c);
    return {
      pixels: input.images.subarray(i * size, (i + 1) * size),
      caption: right ? name(predicted[i]!) : `${name(predicted[i]!)} (${name(truth[i]!)})`,
      color: right ? RIGHT_COLOR : WRONG_COLOR,
    };
  });
  return { ...imageGrid(cells, input.imageShape, options), shown };
}
