// One small drawing interface with two back ends — SVG text for HTML reports, and a canvas for
// PNG files — so a chart is laid out once and comes out in both forms.

import { createRequire } from 'node:module';
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';

/** The bundled font (DejaVu Sans from @fontsource): text renders on machines with no fonts. */
export const FONT_FAMILY = 'TegakiSans';
let fontsRegistered = false;

function registerFonts(): void {
  if (fontsRegistered) return;
  const require = createRequire(import.meta.url);
  for (const weight of ['400', '700']) {
    GlobalFonts.registerFromPath(require.resolve(`@fontsource/dejavu-sans/files/dejavu-sans-latin-${weight}-normal.woff2`), FONT_FAMILY);
  }
  fontsRegistered = true;
}

export interface TextStyle {
  size: number;
  color?: string;
  bold?: boolean;
  align?: 'left' | 'center' | 'right';
  /** Rotate by -90° around the anchor (for y-axis titles). */
  vertical?: boolean;
}

export interface Drawing {
  readonly width: number;
  readonly height: number;
  rect(x: number, y: number, w: number, h: number, fill: string, stroke?: string): void;
  polyline(points: readonly [number, number][], stroke: string, width: number, dashed?: boolean): void;
  circle(x: number, y: number, r: number, fill: string): void;
  /** Text with its baseline at y. */
  text(x: number, y: number, text: string, style: TextStyle): void;
}

const escapeXml = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const num = (v: number): string => String(Math.round(v * 100) / 100);

export class SvgDrawing implements Drawing {
  private readonly parts: string[] = [];
  constructor(readonly width: number, readonly height: number) {}

  rect(x: number, y: number, w: number, h: number, fill: string, stroke?: string): void {
    this.parts.push(`<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" fill="${fill}"${stroke ? ` stroke="${stroke}"` : ''}/>`);
  }

  polyline(points: readonly [number, number][], stroke: string, width: number, dashed = false): void {
    const pts = points.map(([x, y]) => `${num(x)},${num(y)}`).join(' ');
    this.parts.push(`<polyline points="${pts}" fill="none" stroke="${stroke}" stroke-width="${width}"${dashed ? ' stroke-dasharray="6 4"' : ''} stroke-linejoin="round"/>`);
  }

  circle(x: number, y: number, r: number, fill: string): void {
    this.parts.push(`<circle cx="${num(x)}" cy="${num(y)}" r="${r}" fill="${fill}"/>`);
  }

  text(x: number, y: number, text: string, style: TextStyle): void {
    const anchor = { left: 'start', center: 'middle', right: 'end' }[style.align ?? 'left'];
    const rotate = style.vertical ? ` transform="rotate(-90 ${num(x)} ${num(y)})"` : '';
    this.parts.push(`<text x="${num(x)}" y="${num(y)}" font-size="${style.size}" fill="${style.color ?? '#222'}" text-anchor="${anchor}"${style.bold ? ' font-weight="bold"' : ''}${rotate}>${escapeXml(text)}</text>`);
  }

  /** Inline SVG for an HTML page; `standalone` adds the XML namespace a .svg file needs. */
  toString(standalone = false): string {
    const ns = standalone ? ' xmlns="http://www.w3.org/2000/svg"' : '';
    return `<svg${ns} viewBox="0 0 ${this.width} ${this.height}" width="${this.width}" height="${this.height}" font-family="DejaVu Sans, Verdana, sans-serif">${this.parts.join('')}</svg>`;
  }
}

export class CanvasDrawing implements Drawing {
  readonly canvas;
  readonly ctx: SKRSContext2D;

  constructor(readonly width: number, readonly height: number, background = '#ffffff') {
    registerFonts();
    this.canvas = createCanvas(width, height);
    this.ctx = this.canvas.getContext('2d');
    this.ctx.fillStyle = background;
    this.ctx.fillRect(0, 0, width, height);
  }

  rect(x: number, y: number, w: number, h: number, fill: string, stroke?: string): void {
    this.ctx.fillStyle = fill;
    this.ctx.fillRect(x, y, w, h);
    if (stroke) {
      this.ctx.strokeStyle = stroke;
      this.ctx.lineWidth = 1;
      this.ctx.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
    }
  }

  polyline(points: readonly [number, number][], stroke: string, width: number, dashed = false): void {
    if (points.length === 0) return;
    const ctx = this.ctx;
    ctx.strokeStyle = stroke;
    ctx.lineWidth = width;
    ctx.lineJoin = 'round';
    ctx.setLineDash(dashed ? [6, 4] : []);
    ctx.beginPath();
    points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
    ctx.stroke();
    ctx.setLineDash([]);
  }

  circle(x: number, y: number, r: number, fill: string): void {
    this.ctx.fillStyle = fill;
    this.ctx.beginPath();
    this.ctx.arc(x, y, r, 0, 2 * Math.PI);
    this.ctx.fill();
  }

  text(x: number, y: number, text: string, style: TextStyle): void {
    const ctx = this.ctx;
    ctx.save();
    ctx.font = `${style.bold ? 'bold ' : ''}${style.size}px ${FONT_FAMILY}`;
    ctx.fillStyle = style.color ?? '#222';
    ctx.textAlign = style.align ?? 'left';
    ctx.textBaseline = 'alphabetic';
    ctx.translate(x, y);
    if (style.vertical) ctx.rotate(-Math.PI / 2);
    ctx.fillText(text, 0, 0);
    ctx.restore();
  }

  /** Put an image (h×w×channels floats in [0, 1], ink dark on white) at (x, y), scaled up crisply. */
  image(x: number, y: number, pixels: Float32Array, h: number, w: number, channels: number, scale: number, invert: boolean): void {
    const data = this.ctx.createImageData(w * scale, h * scale);
    for (let py = 0; py < h * scale; py++) {
      for (let px = 0; px < w * scale; px++) {
        const src = (Math.floor(py / scale) * w + Math.floor(px / scale)) * channels;
        const dst = (py * w * scale + px) * 4;
        for (let c = 0; c < 3; c++) {
          const v = pixels[src + (channels === 1 ? 0 : c)]!;
          data.data[dst + c] = Math.round(255 * Math.min(Math.max(invert ? 1 - v : v, 0), 1));
        }
        data.data[dst + 3] = 255;
      }
    }
    this.ctx.putImageData(data, x, y);
  }

  png(): Buffer {
    return this.canvas.toBuffer('image/png');
  }
}
