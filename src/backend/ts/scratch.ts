// Grow-only scratch buffers for the reference kernels: no allocation per step once warm.

const buffers = new Map<string, Float32Array>();

/** A buffer of at least n floats for the named purpose; its contents are not preserved. */
export function scratch(name: string, n: number): Float32Array {
  let buf = buffers.get(name);
  if (!buf || buf.length < n) {
    buf = new Float32Array(n);
    buffers.set(name, buf);
  }
  return buf;
}
