// A tensor as text, in TF.js' print format: values to 7 decimals, columns padded to one width,
// long dimensions cut to their first and last three entries around '...'.

import type { DataType, Shape, TypedArray } from './dtypes.js';

/** Dimensions longer than this are shown in part. */
const MAX_SHOWN = 20;
/** Entries shown at each end of a dimension cut short. */
const ENDS = 3;

function valueText(v: number, dtype: DataType): string {
  if (dtype === 'bool') return v === 0 ? 'false' : 'true';
  return String(parseFloat(v.toFixed(7)));
}

/** Lines of one sub-tensor of `shape` starting at `offset`; `last` says whether a separator follows. */
function lines(values: TypedArray, shape: Shape, offset: number, dtype: DataType, widths: number[], last: boolean): string[] {
  const size = shape[0]!;
  if (shape.length === 1) {
    const cell = (i: number): string => valueText(values[offset + i]!, dtype).padEnd(widths[i] ?? 0);
    const shown = size > MAX_SHOWN
      ? [...Array.from({ length: ENDS }, (_, i) => cell(i)), '...', ...Array.from({ length: ENDS }, (_, i) => cell(size - ENDS + i))]
      : Array.from({ length: size }, (_, i) => cell(i));
    return [`[${shown.join(', ')}]`];
  }
  const stride = shape.slice(1).reduce((a, b) => a * b, 1);
  const rows = size > MAX_SHOWN ? [...Array.from({ length: ENDS }, (_, i) => i), -1, ...Array.from({ length: ENDS }, (_, i) => size - ENDS + i)] : Array.from({ length: size }, (_, i) => i);
  const out: string[] = [];
  for (const r of rows) {
    if (r < 0) out.push('...');
    else out.push(...lines(values, shape.slice(1), offset + r * stride, dtype, widths, r === size - 1));
  }
  const comma = shape.length === 2 ? ',' : '';
  out[0] = `[${size > 0 ? out[0] + comma : ''}`;
  for (let i = 1; i < out.length - 1; i++) out[i] = ` ${out[i]}${comma}`;
  out[out.length - 1] = ` ${out[out.length - 1]}]${last ? '' : `,${'\n'.repeat(shape.length - 1)}`}`;
  return out;
}

export function formatTensor(values: TypedArray, shape: Shape, dtype: DataType, verbose: boolean): string {
  const head = ['Tensor'];
  if (verbose) head.push(`  dtype: ${dtype}`, `  rank: ${shape.length}`, `  shape: [${shape}]`, '  values:');
  let body: string[];
  if (shape.length === 0) body = [dtype === 'bool' ? valueText(values[0]!, dtype) : String(values[0])];
  else {
    // one width per column of the last dimension, over every row
    const cols = shape[shape.length - 1]!;
    const widths = new Array<number>(cols).fill(0);
    if (shape.length > 1) for (let i = 0; i < values.length; i++) widths[i % cols] = Math.max(widths[i % cols]!, valueText(values[i]!, dtype).length);
    body = lines(values, shape, 0, dtype, widths, true);
  }
  return [...head, body.map((l) => `    ${l}`).join('\n')].join('\n');
}
