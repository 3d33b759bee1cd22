// matMul (rank 2, or batched over leading dimensions that match or broadcast) and dot, on the
// backend's GEMM. The gradients are matMuls again, with the transposes TF.js uses.

import { TegakiError } from '../errors.js';
import { sizeOf, Tensor, type Shape } from '../tensor.js';
import { reshape, sumTo, type Input } from './arithmetic.js';
import { broadcastShapes, castRaw, compute, convert, kernels } from './convert.js';
import { record } from './engine.js';

/** TF.js' matMul: a·b with either side transposed; rank > 2 multiplies matrix by matrix over the leading dimensions. */
export function matMul(a: Input, b: Input, transposeA = false, transposeB = false): Tensor {
  let x = convert(a, 'a', 'matMul');
  let y = convert(b, 'b', 'matMul');
  if (x.rank < 2 || y.rank < 2) throw new TegakiError(`matMul: both inputs need rank 2 or more; received ranks ${x.rank} and ${y.rank}.`);
  if (x.dtype !== 'float32') x = castRaw(x, 'float32');
  if (y.dtype !== 'float32') y = castRaw(y, 'float32');
  const [xr, xc] = x.shape.slice(-2) as [number, number];
  const [yr, yc] = y.shape.slice(-2) as [number, number];
  const m = transposeA ? xc : xr;
  const k = transposeA ? xr : xc;
  const k2 = transposeB ? yc : yr;
  const n = transposeB ? yr : yc;
  if (k !== k2) throw new TegakiError(`matMul: inner dimensions must match: a is [${x.shape}]${transposeA ? ' transposed' : ''}, b is [${y.shape}]${transposeB ? ' transposed' : ''} (${k} vs ${k2}).`);
  const batchShape = broadcastShapes(x.shape.slice(0, -2), y.shape.slice(0, -2), 'matMul');
  const batches = sizeOf(batchShape);
  const xBatch = batchIndexer(x.shape.slice(0, -2), batchShape);
  const yBatch = batchIndexer(y.shape.slice(0, -2), batchShape);
  const out = compute([...batchShape, m, n], 'float32', (o) => {
    const be = kernels();
    for (let i = 0; i < batches; i++) {
      const xi = xBatch(i);
      const yi = yBatch(i);
      const xa = x.f32.subarray(xi * m * k, (xi + 1) * m * k);
      const yb = y.f32.subarray(yi * k * n, (yi + 1) * k * n);
      be.matmul(o.f32.subarray(i * m * n, (i + 1) * m * n), xa, yb, m, n, k, { transA: transposeA, transB: transposeB });
    }
  });
  const X = x;
  const Y = y;
  record([X, Y], out, (dy) => {
    const [da, db] = !transposeA && !transposeB ? [matMul(dy, Y, false, true), matMul(X, dy, true, false)]
      : !transposeA && transposeB ? [matMul(dy, Y, false, false), matMul(dy, X, true, false)]
      : transposeA && !transposeB ? [matMul(Y, dy, false, true), matMul(X, dy, false, false)]
      : [matMul(Y, dy, true, true), matMul(dy, X, true, true)];
    return [sumTo(da!, X.shape), sumTo(db!, Y.shape)];
  });
  return out;
}

/** Which matrix of a batch of `shape` the i-th matrix of the broadcast batch `full` multiplies. */
function batchIndexer(shape: Shape, full: Shape): (i: number) => number {
  const padded = [...new Array<number>(full.length - shape.length).fill(1), ...shape];
  let stride = 1;
  const strides = new Array<number>(full.length);
  for (let d = full.length - 1; d >= 0; d--) {
    strides[d] = padded[d] === 1 ? 0 : stride;
    stride *= padded[d]!;
  }
  return (i) => {
    let index = 0;
    for (let d = full.length - 1; d >= 0; d--) {
      index += (i % full[d]!) * strides[d]!;
      i = Math.floor(i / full[d]!);
    }
    return index;
  };
}

/** TF.js' dot: vector·vector, matrix·vector, vector·matrix or matrix·matrix. */
export function dot(a: Input, b: Input): Tensor {
  const x = convert(a, 'a', 'dot');
  const y = convert(b, 'b', 'dot');
  if (x.rank < 1 || x.rank > 2 || y.rank < 1 || y.rank > 2) throw new TegakiError(`dot: inputs must be rank 1 or 2; received ${x.rank} and ${y.rank}.`);
  const x2 = x.rank === 1 ? reshape(x, [1, x.size]) : x;
  const y2 = y.rank === 1 ? reshape(y, [y.size, 1]) : y;
  const product = matMul(x2, y2);
  if (x.rank === 1 && y.rank === 1) return reshape(product, []);
  if (x.rank === 1) return reshape(product, [product.shape[1]!]);
  if (y.rank === 1) return reshape(product, [product.shape[0]!]);
  return product;
}
