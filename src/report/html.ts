// Self-contained HTML reports: every image embedded, every style inline, nothing fetched — the file
// opens offline straight from disk.

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export { escapeHtml };

export const pngDataUri = (png: Buffer): string => `data:image/png;base64,${png.toString('base64')}`;

export function img(png: Buffer, alt: string): string {
  return `<img src="${pngDataUri(png)}" alt="${escapeHtml(alt)}">`;
}

/** A table from a header row and body rows; cells are text unless marked raw. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[], className = ''): string {
  const th = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${className}"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

const STYLE = `
body { font-family: "DejaVu Sans", Verdana, system-ui, sans-serif; margin: 0; color: #222; background: #f6f7f9; }
header { background: #14213d; color: #fff; padding: 18px 32px; }
header h1 { margin: 0; font-size: 24px; } header p { margin: 4px 0 0; color: #c9d3e6; }
main { max-width: 1180px; margin: 0 auto; padding: 12px 32px 40px; }
section { background: #fff; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.08); padding: 16px 22px; margin: 18px 0; overflow-x: auto; }
h2 { font-size: 18px; margin: 0 0 12px; color: #14213d; }
.cards { display: flex; gap: 14px; flex-wrap: wrap; }
.card { background: #f0f4fb; border-radius: 8px; padding: 10px 16px; min-width: 120px; }
.card b { display: block; font-size: 22px; color: #1f5fd1; } .card span { font-size: 12px; color: #555; }
table { border-collapse: collapse; font-size: 13px; } th, td { padding: 4px 10px; text-align: right; border-bottom: 1px solid #eee; }
th:first-child, td:first-child { text-align: left; } thead th { border-bottom: 2px solid #ccc; }
pre { background: #f4f4f4; padding: 10px; border-radius: 6px; font-size: 12px; line-height: 1.35; }
img { max-width: 100%; image-rendering: pixelated; } svg { max-width: 100%; height: auto; }
.legend span { display: inline-block; margin-right: 16px; } .right { color: #1f5fd1; font-weight: bold; } .wrong { color: #d62728; font-weight: bold; }
a { color: #1f5fd1; }
`;

export interface Section {
  title: string;
  /** Trusted HTML (built by this module's helpers or escaped by the caller). */
  html: string;
}

export function page(title: string, subtitle: string, sections: readonly Section[]): string {
  const body = sections.map((s) => `<section><h2>${escapeHtml(s.title)}</h2>\n${s.html}\n</section>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><header><h1>${escapeHtml(title)}</h1><p>${escapeHtml(subtitle)}</p></header>
<main>
${body}
</main></body></html>
`;
}

export function cards(items: readonly [string, string][]): string {
  return `<div class="cards">${items.map(([label, value]) => `<div class="card"><b>${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`).join('')}</div>`;
}
