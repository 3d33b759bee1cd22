// Drawing results: probability bars, gray images and activation maps on canvases.

/** Dark blue → teal → yellow, like viridis: activation strength readable at a glance. */
const STOPS: [number, number, number][] = [
  [13, 8, 60],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

export function colormap(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [STOPS[i]!, STOPS[i + 1]!];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text = ''): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text) e.textContent = text;
  return e;
}

/** A gray image (values in [0, 1]) into a canvas of its own size; CSS scales it up. */
export function drawGray(canvas: HTMLCanvasElement, pixels: ArrayLike<number>, width: number, height: number): void {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const v = Math.round(Math.min(1, Math.max(0, pixels[i]!)) * 255);
    img.data.set([v, v, v, 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
}

/** The predicted class in large type and a bar per class, the winner highlighted. */
export function renderPrediction(target: HTMLElement, probabilities: ArrayLike<number>, classNames: readonly string[]): void {
  target.replaceChildren();
  let best = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i]! > probabilities[best]!) best = i;
  const head = el('div', 'predicted');
  head.append(el('span', 'predicted-class', classNames[best] ?? String(best)), el('span', 'predicted-p', `${(probabilities[best]! * 100).toFixed(1)}%`));
  head.dataset['predicted'] = classNames[best] ?? String(best);
  const bars = el('div', 'bars');
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i]!;
    const row = el('div', i === best ? 'bar best' : 'bar');
    const track = el('span', 'bar-track');
    const fill = el('span', 'bar-fill');
    fill.style.width = `${(p * 100).toFixed(1)}%`;
    track.append(fill);
    row.append(el('span', 'bar-label', classNames[i] ?? String(i)), track, el('span', 'bar-value', `${(p * 100).toFixed(1)}%`));
    bars.append(row);
  }
  target.append(head, bars);
}

export function renderEmpty(target: HTMLElement, message: string): void {
  target.replaceChildren(el('p', 'hint', message));
}
