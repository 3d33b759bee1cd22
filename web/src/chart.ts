// A small line chart on a canvas: the running curve per batch plus a dot per finished epoch.

export interface Series {
  label: string;
  color: string;
  points: [number, number][];
  dots?: boolean;
}

export function drawChart(canvas: HTMLCanvasElement, series: Series[], options: { xMax: number; yMin?: number; yMax?: number; xLabel: string }): void {
  const ratio = window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth || canvas.width;
  const cssHeight = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(cssWidth * ratio)) {
    canvas.width = Math.round(cssWidth * ratio);
    canvas.height = Math.round(cssHeight * ratio);
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, cssWidth, cssHeight);
  const pad = { left: 48, right: 12, top: 12, bottom: 34 };
  const w = cssWidth - pad.left - pad.right;
  const h = cssHeight - pad.top - pad.bottom;
  const all = series.flatMap((s) => s.points.map((p) => p[1]));
  const yMin = options.yMin ?? Math.min(0, ...all);
  const yMax = options.yMax ?? Math.max(1e-6, ...all) * 1.05;
  const xMax = Math.max(options.xMax, 1e-6);
  const px = (x: number): number => pad.left + (x / xMax) * w;
  const py = (y: number): number => pad.top + h - ((y - yMin) / (yMax - yMin)) * h;

  ctx.font = '12px system-ui, sans-serif';
  ctx.strokeStyle = '#e3e6ec';
  ctx.fillStyle = '#667';
  ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = yMin + ((yMax - yMin) * i) / 4;
    ctx.beginPath();
    ctx.moveTo(pad.left, py(y));
    ctx.lineTo(pad.left + w, py(y));
    ctx.stroke();
    ctx.textAlign = 'right';
    ctx.fillText(y.toFixed(yMax < 2 ? 2 : 1), pad.left - 6, py(y) + 4);
  }
  ctx.textAlign = 'center';
  for (let e = 0; e <= Math.floor(xMax); e++) ctx.fillText(String(e), px(e), pad.top + h + 16);
  ctx.fillText(options.xLabel, pad.left + w / 2, pad.top + h + 30);

  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = 2;
    if (s.dots) {
      for (const [x, y] of s.points) {
        ctx.beginPath();
        ctx.arc(px(x), py(y), 4, 0, 2 * Math.PI);
        ctx.fill();
      }
    } else {
      ctx.beginPath();
      s.points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(px(x), py(y)) : ctx.lineTo(px(x), py(y))));
      ctx.stroke();
    }
  }
  // legend
  let lx = pad.left + 8;
  ctx.textAlign = 'left';
  for (const s of series) {
    ctx.fillStyle = s.color;
    ctx.fillRect(lx, pad.top + 4, 10, 10);
    ctx.fillStyle = '#334';
    ctx.fillText(s.label, lx + 14, pad.top + 13);
    lx += ctx.measureText(s.label).width + 32;
  }
}
