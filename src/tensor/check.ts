// Input validation shared by every public entry point: shapes, ragged nested arrays, non-finite values.
//
// Errors name the argument, the expected shape (with symbolic dims such as `[B, n, n]`) and what was
// received, so a user can fix the call without reading the source.
import * as tf from '@tensorflow/tfjs';
// Side effect: zero gradients of the boolean kernels (second-order autodiff through clipping), registered by
// the first import of the tensor layer's checks, which every differentiable path makes.
import './boolean-grads.ts';
// Side effect: input-saving gradients of Tanh, Sigmoid, Exp, Elu, Softmax and Pow, so they differentiate again.
import './higher-order-grads.ts';

/** A dimension spec: a fixed size, a symbolic name bound on first use (e.g. 'B', 'n'), or null (any). */
export type Dim = number | string | null;

export class ShapeError extends Error {
  override name = 'ShapeError';
}

export class NonFiniteError extends Error {
  override name = 'NonFiniteError';
}

function fmt(shape: readonly Dim[]): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/**
 * Checks `shape` against `expected`, binding symbolic dims in `bindings` (shared across calls so that, e.g.,
 * `n` in Q `[B, n, n]` and p `[B, n]` must agree). Returns the bindings.
 */
export function checkShape(
  name: string,
  shape: readonly number[],
  expected: readonly Dim[],
  bindings: Record<string, number> = {},
): Record<string, number> {
  const fail = (why: string): never => {
    throw new ShapeError(`${name}: expected shape ${fmt(expected)} but got ${fmt(shape)}${why ? ` (${why})` : ''}`);
  };
  if (shape.length !== expected.length) fail(`rank ${shape.length}, expected rank ${expected.length}`);
  expected.forEach((d, i) => {
    const got = shape[i]!;
    if (d === null) return;
    if (typeof d === 'number') {
      if (got !== d) fail(`dimension ${i} is ${got}, expected ${d}`);
      return;
    }
    const bound = bindings[d];
    if (bound === undefined) bindings[d] = got;
    else if (bound !== got) fail(`dimension ${i} ("${d}") is ${got} but ${d} = ${bound} elsewhere`);
  });
  return bindings;
}

/** Shape check for a tensor; see `checkShape`. */
export function assertShape(
  name: string,
  t: tf.Tensor,
  expected: readonly Dim[],
  bindings: Record<string, number> = {},
): Record<string, number> {
  return checkShape(name, t.shape, expected, bindings);
}

/** A short description of a non-number for error messages: `the string "a"`, `undefined`, `an object`. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)}`;
  if (v === null || v === undefined || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v === 'bigint' ? 'the bigint ' : ''}${String(v)}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return `${typeof v === 'object' ? 'an object' : `a ${typeof v}`}`;
}

/**
 * Throws if any element is not a number, or is NaN or ±Infinity, naming the argument and the first offending
 * flat index.
 */
export function assertFinite(name: string, data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (typeof v !== 'number') {
      throw new NonFiniteError(`${name}: entry ${i} is ${describeValue(v)}, not a number; all entries must be finite numbers`);
    }
    if (!Number.isFinite(v)) {
      throw new NonFiniteError(`${name}: contains ${v} at flat index ${i}; all entries must be finite numbers`);
    }
  }
}

/** Nested JS array of numbers (any depth) or a typed array. */
export type NestedNumbers = number | ArrayLike<number> | ReadonlyArray<NestedNumbers>;

/** Infers the shape of a nested array, throwing on ragged rows or non-numbers. */
export function nestedShape(name: string, value: unknown): number[] {
  const shape: number[] = [];
  let v: unknown = value;
  while (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const len = (v as ArrayLike<unknown>).length;
    shape.push(len);
    if (len === 0) break;
    v = (v as ArrayLike<unknown>)[0];
  }
  const walk = (x: unknown, depth: number, pathStr: string): void => {
    if (depth === shape.length) {
      if (typeof x !== 'number') {
        if (depth === 0) throw new ShapeError(`${name}: expected numbers (a number, nested array, typed array or tensor) but got ${describeValue(x)}`);
        if (Array.isArray(x) || ArrayBuffer.isView(x)) {
          throw new ShapeError(`${name}${pathStr}: ragged array, an array where a number was expected (shape inferred ${fmt(shape)} from the first entries)`);
        }
        throw new ShapeError(`${name}${pathStr}: expected a number but got ${describeValue(x)}`);
      }
      return;
    }
    if (!(Array.isArray(x) || ArrayBuffer.isView(x))) {
      const got = typeof x === 'number' ? `the number ${x} (ragged array` : `${describeValue(x)} (`;
      throw new ShapeError(`${name}${pathStr}: expected an array of length ${shape[depth]} but got ${got}; shape inferred ${fmt(shape)} from the first entries)`);
    }
    const arr = x as ArrayLike<unknown>;
    if (arr.length !== shape[depth]) {
      throw new ShapeError(
        `${name}${pathStr}: ragged array, length ${arr.length} but expected ${shape[depth]} (all rows must have the same length; shape inferred ${fmt(shape)})`,
      );
    }
    if (depth + 1 === shape.length && ArrayBuffer.isView(x)) return;
    for (let i = 0; i < arr.length; i++) walk(arr[i], depth + 1, `${pathStr}[${i}]`);
  };
  walk(value, 0, '');
  return shape;
}

/** A dense Float64 array with its shape (row-major). */
export interface F64 {
  data: Float64Array;
  shape: number[];
}

/**
 * Converts a nested array, typed array + shape, or tensor to Float64 row-major data, checking the shape
 * against `expected` and that all values are finite.
 */
export function toF64(
  name: string,
  value: NestedNumbers | tf.Tensor | F64,
  expected?: readonly Dim[],
  bindings: Record<string, number> = {},
): F64 {
  let out: F64;
  if (value instanceof tf.Tensor) {
    out = { data: Float64Array.from(value.dataSync() as Float32Array), shape: value.shape.slice() };
  } else if (typeof value === 'object' && value !== null && 'data' in value && 'shape' in value) {
    const v = value as F64;
    const size = v.shape.reduce((a, b) => a * b, 1);
    if (v.data.length !== size) {
      throw new ShapeError(`${name}: data has ${v.data.length} entries but shape ${fmt(v.shape)} needs ${size}`);
    }
    out = { data: v.data instanceof Float64Array ? v.data : Float64Array.from(v.data), shape: v.shape.slice() };
  } else {
    const shape = nestedShape(name, value);
    const flat = new Float64Array(shape.reduce((a, b) => a * b, 1));
    let k = 0;
    const fill = (x: unknown): void => {
      if (typeof x === 'number') flat[k++] = x;
      else for (let i = 0; i < (x as ArrayLike<unknown>).length; i++) fill((x as ArrayLike<unknown>)[i]);
    };
    fill(value);
    out = { data: flat, shape };
  }
  if (expected) checkShape(name, out.shape, expected, bindings);
  assertFinite(name, out.data);
  return out;
}
