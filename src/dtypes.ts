// The element types of tensors (TF.js' float32, int32 and bool) and the typed arrays that hold them.

export type Shape = readonly number[];
export type DataType = 'float32' | 'int32' | 'bool';
export type TypedArray = Float32Array | Int32Array | Uint8Array;
/** TF.js' rank names; tegaki does not check ranks in types. */
export type Rank = 'R0' | 'R1' | 'R2' | 'R3' | 'R4' | 'R5' | 'R6';

/** An empty typed array of the dtype's kind. */
export function typedArrayFor(dtype: DataType, size: number): TypedArray {
  return dtype === 'float32' ? new Float32Array(size) : dtype === 'int32' ? new Int32Array(size) : new Uint8Array(size);
}

export function isTypedArray(v: unknown): v is TypedArray {
  return v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array;
}

/** The dtype a typed array stores. */
export function dtypeOf(values: TypedArray): DataType {
  return values instanceof Float32Array ? 'float32' : values instanceof Int32Array ? 'int32' : 'bool';
}

