// The drawing pad: strokes from mouse, pen or touch (pointer events), undo and clear, and the
// drawing turned into the 28×28 MNIST-style input with the shared digit preprocessing.

import { preprocessDigit, type GrayImage } from '../../src/data/digits.js';

type Point = [number, number];

export class DrawingPad {
  private readonly strokes: Point[][] = [];
  private current: Point[] | null = null;
  private readonly ctx: CanvasRenderingContext2D;

  /** onChange runs after every change of the drawing (at most once per frame while drawing). */
  constructor(readonly canvas: HTMLCanvasElement, private readonly onChange: () => void) {
    this.ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    canvas.style.touchAction = 'none'; // the finger draws instead of scrolling the page
    canvas.addEventListener('pointerdown', (e) => this.begin(e));
    canvas.addEventListener('pointermove', (e) => this.extend(e));
    canvas.addEventListener('pointerup', () => this.end());
    canvas.addEventListener('pointercancel', () => this.end());
    this.redraw();
  }

  get isEmpty(): boolean {
    return this.strokes.length === 0;
  }

  private point(e: PointerEvent): Point {
    const r = this.canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * this.canvas.width) / r.width, ((e.clientY - r.top) * this.canvas.height) / r.height];
  }

  private begin(e: PointerEvent): void {
    this.canvas.setPointerCapture(e.pointerId);
    this.current = [this.point(e)];
    this.strokes.push(this.current);
    this.changed();
  }

  private extend(e: PointerEvent): void {
    if (!this.current) return;
    // coalesced events keep fast pen strokes smooth
    for (const ev of e.getCoalescedEvents?.() ?? [e]) this.current.push(this.point(ev));
    this.changed();
  }

  private end(): void {
    this.current = null;
  }

  undo(): void {
    this.strokes.pop();
    this.changed();
  }

  clear(): void {
    this.strokes.length = 0;
    this.changed();
  }

  private frame = 0;
  private changed(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.redraw();
      this.onChange();
    });
  }

  private redraw(): void {
    const { ctx, canvas } = this;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.strokeStyle = '#fff';
    ctx.fillStyle = '#fff';
    // MNIST strokes are about a tenth of the digit's height
    ctx.lineWidth = canvas.width / 14;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const stroke of this.strokes) {
      ctx.beginPath();
      ctx.moveTo(...stroke[0]!);
      if (stroke.length === 1) ctx.arc(stroke[0]![0], stroke[0]![1], ctx.lineWidth / 2, 0, 2 * Math.PI);
      for (const p of stroke.slice(1)) ctx.lineTo(...p);
      if (stroke.length === 1) ctx.fill();
      else ctx.stroke();
    }
  }

  /** The drawing as the model's 28×28 input in [0, 1], or null when nothing is drawn. */
  toInput(): GrayImage | null {
    if (this.isEmpty) return null;
    const { width, height } = this.canvas;
    const rgba = this.ctx.getImageData(0, 0, width, height).data;
    const gray = new Float32Array(width * height);
    for (let i = 0; i < gray.length; i++) gray[i] = rgba[i * 4]! / 255;
    // already white ink on clean black: no inverting, no lighting to flatten
    return preprocessDigit({ width, height, data: gray }, { invert: false, flattenLighting: false });
  }
}
