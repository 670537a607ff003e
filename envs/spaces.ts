// Box spaces (Gymnasium `spaces.Box`): the set { x ∈ R^n : low ≤ x ≤ high } with elementwise bounds that
// may be ±Infinity. Sampling follows Gymnasium: bounded coordinates are uniform U[low, high]; unbounded
// ones are standard normal N(0, 1); half-bounded ones are low + Exp(1) (or high − Exp(1)). Values are
// float32, shape `[n]` (flat; `shape` records the logical shape).
import type { BoxSpace } from './types.ts';
import { Rng, defaultRng } from '../src/tensor/rng.ts';

function toBounds(name: string, v: number | ArrayLike<number>, size: number): Float32Array {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new Error(`Box: ${name} is NaN; give a number or ±Infinity`);
    return new Float32Array(size).fill(v);
  }
  if (v.length !== size) throw new Error(`Box: ${name} has length ${v.length} but the space has ${size} entries; give ${size} bounds or one number`);
  const out = Float32Array.from(v);
  out.forEach((x, i) => {
    if (Number.isNaN(x)) throw new Error(`Box: ${name}[${i}] is NaN; give a number or ±Infinity`);
  });
  return out;
}

export class Box implements BoxSpace {
  readonly low: Float32Array;
  readonly high: Float32Array;
  readonly shape: readonly number[];
  readonly size: number;

  /**
   * `new Box(low, high)` with arrays of equal length, or `new Box(-1, 1, [3])` with scalar bounds and a shape.
   */
  constructor(low: number | ArrayLike<number>, high: number | ArrayLike<number>, shape?: readonly number[]) {
    const inferred = shape ?? (typeof low !== 'number' ? [low.length] : typeof high !== 'number' ? [high.length] : undefined);
    if (!inferred) throw new Error('Box: give a shape (e.g. new Box(-1, 1, [3])) when both bounds are scalars');
    if (inferred.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`Box: shape must be non-negative integers (got [${inferred}])`);
    this.shape = inferred.slice();
    this.size = inferred.reduce((a, b) => a * b, 1);
    this.low = toBounds('low', low, this.size);
    this.high = toBounds('high', high, this.size);
    this.low.forEach((lo, i) => {
      if (lo > this.high[i]!) throw new Error(`Box: low[${i}] = ${lo} exceeds high[${i}] = ${this.high[i]}; every low must be ≤ high`);
    });
  }

  /** A random element: uniform where bounded, normal where unbounded, shifted exponential where half-bounded. */
  sample(rng: Rng = defaultRng()): Float32Array {
    const out = new Float32Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i]!;
      const hi = this.high[i]!;
      const loFinite = Number.isFinite(lo);
      const hiFinite = Number.isFinite(hi);
      if (loFinite && hiFinite) out[i] = rng.uniformIn(lo, hi);
      else if (!loFinite && !hiFinite) out[i] = rng.normal();
      else {
        const e = -Math.log(1 - rng.uniform());
        out[i] = loFinite ? lo + e : hi - e;
      }
    }
    return out;
  }

  /** True when `x` has `size` entries, all finite-or-bounded numbers with low ≤ x ≤ high (NaN is never inside). */
  contains(x: ArrayLike<number>): boolean {
    if (!x || typeof x.length !== 'number' || x.length !== this.size) return false;
    for (let i = 0; i < this.size; i++) {
      const v = x[i];
      if (typeof v !== 'number' || Number.isNaN(v) || v < this.low[i]! || v > this.high[i]!) return false;
    }
    return true;
  }

  /** Elementwise clip into the box (Gymnasium's np.clip(action, low, high)); NaN is left for the caller to reject. */
  clip(x: ArrayLike<number>): Float64Array {
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = Math.min(Math.max(x[i]!, this.low[i]!), this.high[i]!);
    return out;
  }

  toString(): string {
    const fmt = (a: Float32Array) => `[${Array.from(a, (v) => (Number.isFinite(v) ? Number(v.toPrecision(4)) : v > 0 ? 'inf' : '-inf')).join(', ')}]`;
    return `Box(${fmt(this.low)}, ${fmt(this.high)}, shape [${this.shape.join(', ')}])`;
  }
}
