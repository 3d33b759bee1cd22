// MNIST-style preprocessing for photos and drawings of digits. MNIST digits are white on black,
// size-normalised into a 20×20 box (aspect kept) and centred by their centre of mass in 28×28; a
// phone photo is dark ink on light, unevenly lit, noisy paper. This turns the one into the other.
// Pure TypeScript on gray pixels (no decoding here), so the browser app uses it too.

/** A grayscale image, values in [0, 1], row-major. */
export interface GrayImage {
  width: number;
  height: number;
  data: Float32Array;
}

export interface DigitOptions {
  /** Output side. Default 28 (MNIST). */
  size?: number;
  /** Side of the box the digit is scaled into. Default 20 (MNIST). */
  box?: number;
  /** 'auto' (default) decides from the paper's brightness; true when the ink is darker than the paper. */
  invert?: boolean | 'auto';
  /** Remove uneven lighting and paper texture (photos). Default true; drawings can skip it. */
  flattenLighting?: boolean;
}

/** Median of a sample of the pixels: the paper's level, since paper covers most of a digit photo. */
function median(data: Float32Array): number {
  const step = Math.max(1, Math.floor(data.length / 20000));
  const sample: number[] = [];
  for (let i = 0; i < data.length; i += step) sample.push(data[i]!);
  sample.sort((a, b) => a - b);
  return sample[Math.floor(sample.length / 2)]!;
}

/** Separable min (erosion) or max filter over a (2r+1)² window, clamped at the borders. */
function rankFilter(img: GrayImage, r: number, pick: (a: number, b: number) => number, init: number): Float32Array {
  const { width: w, height: h, data } = img;
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = init;
      for (let k = Math.max(0, x - r); k <= Math.min(w - 1, x + r); k++) v = pick(v, data[y * w + k]!);
      tmp[y * w + x] = v;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = init;
      for (let k = Math.max(0, y - r); k <= Math.min(h - 1, y + r); k++) v = pick(v, tmp[k * w + x]!);
      out[y * w + x] = v;
    }
  }
  return out;
}

/** Box blur with radius r (separable running sums). */
function boxBlur(data: Float32Array, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      const x0 = Math.max(0, x - r), x1 = Math.min(w - 1, x + r);
      for (let k = x0; k <= x1; k++) s += data[y * w + k]!;
      tmp[y * w + x] = s / (x1 - x0 + 1);
    }
  }
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r), y1 = Math.min(h - 1, y + r);
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = y0; k <= y1; k++) s += tmp[k * w + x]!;
      out[y * w + x] = s / (y1 - y0 + 1);
    }
  }
  return out;
}

/**
 * The slowly varying paper level under the ink: a min filter wider than a stroke, then a blur,
 * computed at low resolution (lighting has no fine detail) and scaled back up bilinearly.
 */
function estimateBackground(img: GrayImage): Float32Array {
  const { width: w, height: h } = img;
  const f = Math.max(1, Math.ceil(Math.max(w, h) / 96));
  const small = resizeArea(img, Math.max(1, Math.round(w / f)), Math.max(1, Math.round(h / f)));
  const r = Math.max(2, Math.round(Math.max(small.width, small.height) / 24));
  const level = boxBlur(rankFilter(small, r, Math.min, Infinity), small.width, small.height, r);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(Math.max((y + 0.5) / f - 0.5, 0), small.height - 1);
    const y0 = Math.floor(sy), y1 = Math.min(y0 + 1, small.height - 1), ty = sy - y0;
    for (let x = 0; x < w; x++) {
      const sx = Math.min(Math.max((x + 0.5) / f - 0.5, 0), small.width - 1);
      const x0 = Math.floor(sx), x1 = Math.min(x0 + 1, small.width - 1), tx = sx - x0;
      const top = level[y0 * small.width + x0]! * (1 - tx) + level[y0 * small.width + x1]! * tx;
      const bottom = level[y1 * small.width + x0]! * (1 - tx) + level[y1 * small.width + x1]! * tx;
      out[y * w + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

/** Otsu's threshold over [0, 1]: the level that best splits ink from background. */
export function otsuThreshold(data: Float32Array): number {
  const bins = 256;
  const hist = new Float64Array(bins);
  for (const v of data) hist[Math.min(bins - 1, Math.max(0, Math.floor(v * bins)))]!++;
  const total = data.length;
  let sumAll = 0;
  for (let i = 0; i < bins; i++) sumAll += i * hist[i]!;
  let sumB = 0, weightB = 0, best = 0, bestBetween = -1;
  for (let i = 0; i < bins; i++) {
    weightB += hist[i]!;
    if (weightB === 0) continue;
    const weightF = total - weightB;
    if (weightF === 0) break;
    sumB += i * hist[i]!;
    const meanB = sumB / weightB;
    const meanF = (sumAll - sumB) / weightF;
    const between = weightB * weightF * (meanB - meanF) ** 2;
    if (between > bestBetween) {
      bestBetween = between;
      best = i;
    }
  }
  return (best + 1) / bins;
}

/** Connected components (8-neighbour) of a mask: a label per pixel (0 = none) and each label's size. */
function components(mask: Uint8Array, w: number, h: number): { labels: Int32Array; sizes: number[] } {
  const labels = new Int32Array(w * h);
  const sizes = [0];
  const stack: number[] = [];
  for (let start = 0; start < w * h; start++) {
    if (!mask[start] || labels[start]) continue;
    const label = sizes.length;
    let size = 0;
    labels[start] = label;
    stack.push(start);
    while (stack.length) {
      const p = stack.pop()!;
      size++;
      const px = p % w, py = (p - px) / w;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = px + dx, ny = py + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const q = ny * w + nx;
          if (mask[q] && !labels[q]) {
            labels[q] = label;
            stack.push(q);
          }
        }
      }
    }
    sizes.push(size);
  }
  return { labels, sizes };
}

/**
 * Ink as bright values on a black background: inverted when the paper is lighter than the ink,
 * with uneven lighting and paper texture removed and specks of noise dropped.
 */
export function extractInk(img: GrayImage, options: DigitOptions = {}): GrayImage {
  const { width: w, height: h } = img;
  const invert = options.invert === undefined || options.invert === 'auto' ? median(img.data) > 0.5 : options.invert;
  let ink = invert ? img.data.map((v) => 1 - v) : img.data.slice();
  if (options.flattenLighting ?? true) {
    // The paper level varies slowly across the photo while strokes are thin: a min filter wider
    // than a stroke erases the ink and leaves the lighting, which is smoothed and subtracted.
    const background = estimateBackground({ width: w, height: h, data: ink });
    ink = ink.map((v, i) => Math.max(0, v - background[i]!));
  }
  let max = 0;
  for (const v of ink) max = Math.max(max, v);
  if (max <= 0) return { width: w, height: h, data: new Float32Array(w * h) };
  ink = ink.map((v) => v / max);
  // Otsu separates ink from what is left of paper noise; keep the soft edges above it
  const threshold = Math.max(otsuThreshold(ink), 0.15);
  const mask = new Uint8Array(w * h);
  for (let i = 0; i < ink.length; i++) mask[i] = ink[i]! >= threshold ? 1 : 0;
  const { labels, sizes } = components(mask, w, h);
  const largest = Math.max(0, ...sizes);
  // specks far smaller than the main stroke are noise; parts of a digit (the bar of a 5) are not
  const keep = sizes.map((s) => s >= largest * 0.08);
  const out = new Float32Array(w * h);
  for (let i = 0; i < ink.length; i++) {
    if (labels[i] && keep[labels[i]!]) out[i] = Math.min(1, (ink[i]! - threshold * 0.5) / (1 - threshold * 0.5));
  }
  return { width: w, height: h, data: out };
}

/** Bounding box of non-zero pixels, or null for an empty image. */
export function inkBox(img: GrayImage, level = 0): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = img.width, y0 = img.height, x1 = -1, y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[y * img.width + x]! > level) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/** Area-averaging resize (anti-aliased, like MNIST's own normalisation). */
export function resizeArea(img: GrayImage, width: number, height: number): GrayImage {
  const out = new Float32Array(width * height);
  const sx = img.width / width;
  const sy = img.height / height;
  for (let oy = 0; oy < height; oy++) {
    const fy0 = oy * sy, fy1 = (oy + 1) * sy;
    for (let ox = 0; ox < width; ox++) {
      const fx0 = ox * sx, fx1 = (ox + 1) * sx;
      let sum = 0;
      for (let y = Math.floor(fy0); y < Math.ceil(fy1); y++) {
        const wy = Math.min(fy1, y + 1) - Math.max(fy0, y);
        for (let x = Math.floor(fx0); x < Math.ceil(fx1); x++) {
          const wx = Math.min(fx1, x + 1) - Math.max(fx0, x);
          sum += img.data[Math.min(y, img.height - 1) * img.width + Math.min(x, img.width - 1)]! * wx * wy;
        }
      }
      out[oy * width + ox] = sum / (sx * sy);
    }
  }
  return { width, height, data: out };
}

/** Centre of mass (x, y) of the pixel values. */
export function centreOfMass(img: GrayImage): [number, number] {
  let total = 0, cx = 0, cy = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const v = img.data[y * img.width + x]!;
      total += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  return total > 0 ? [cx / total, cy / total] : [img.width / 2, img.height / 2];
}

/** Grow ink by r pixels (max filter): thin pen strokes would vanish when a big photo shrinks to 20 px. */
function thicken(img: GrayImage, r: number): GrayImage {
  return r < 1 ? img : { ...img, data: rankFilter(img, r, Math.max, -Infinity) };
}

/** MNIST strokes are about 2–3 px wide in the 20-px box. */
const TARGET_STROKE = 2.2;

/** Mean stroke width of the ink ≈ 2·area / perimeter of the mask. */
function strokeWidth(img: GrayImage): number {
  const { width: w, height: h, data } = img;
  let area = 0, edges = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (data[y * w + x]! <= 0.5) continue;
      area++;
      if (x === 0 || data[y * w + x - 1]! <= 0.5) edges++;
      if (x === w - 1 || data[y * w + x + 1]! <= 0.5) edges++;
      if (y === 0 || data[(y - 1) * w + x]! <= 0.5) edges++;
      if (y === h - 1 || data[(y + 1) * w + x]! <= 0.5) edges++;
    }
  }
  return edges > 0 ? (4 * area) / edges : 0;
}

/**
 * A photo or drawing of one digit → the 28×28 image an MNIST model expects: white ink on black,
 * fitted into 20×20 with its aspect kept, centred by centre of mass. Returns null when no ink is found.
 */
export function preprocessDigit(img: GrayImage, options: DigitOptions = {}): GrayImage | null {
  const size = options.size ?? 28;
  const box = options.box ?? 20;
  const ink = extractInk(img, options);
  const bounds = inkBox(ink);
  if (!bounds) return null;
  let crop: GrayImage = { width: bounds.x1 - bounds.x0, height: bounds.y1 - bounds.y0, data: new Float32Array((bounds.x1 - bounds.x0) * (bounds.y1 - bounds.y0)) };
  for (let y = 0; y < crop.height; y++) {
    crop.data.set(ink.data.subarray((bounds.y0 + y) * ink.width + bounds.x0, (bounds.y0 + y) * ink.width + bounds.x1), y * crop.width);
  }
  const scale = box / Math.max(crop.width, crop.height);
  const stroke = strokeWidth(crop) * scale;
  if (stroke < TARGET_STROKE) {
    const grow = Math.round((TARGET_STROKE / scale - strokeWidth(crop)) / 2);
    // pad so strokes at the crop's edge can grow outwards
    crop = thicken(pad(crop, grow), grow);
  }
  const s = box / Math.max(crop.width, crop.height);
  const fitted = resizeArea(crop, Math.max(1, Math.round(crop.width * s)), Math.max(1, Math.round(crop.height * s)));
  let max = 0;
  for (const v of fitted.data) max = Math.max(max, v);
  const data = fitted.data.map((v) => Math.min(1, v / (max * 0.9)));
  const digit = { ...fitted, data };
  const [cx, cy] = centreOfMass(digit);
  const offsetX = Math.round(size / 2 - cx);
  const offsetY = Math.round(size / 2 - cy);
  const out = new Float32Array(size * size);
  for (let y = 0; y < digit.height; y++) {
    for (let x = 0; x < digit.width; x++) {
      const tx = x + offsetX, ty = y + offsetY;
      if (tx >= 0 && ty >= 0 && tx < size && ty < size) out[ty * size + tx] = digit.data[y * digit.width + x]!;
    }
  }
  return { width: size, height: size, data: out };
}

function pad(img: GrayImage, r: number): GrayImage {
  const w = img.width + 2 * r, h = img.height + 2 * r;
  const data = new Float32Array(w * h);
  for (let y = 0; y < img.height; y++) data.set(img.data.subarray(y * img.width, (y + 1) * img.width), (y + r) * w + r);
  return { width: w, height: h, data };
}
