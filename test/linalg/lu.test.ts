// Float64 LU with partial pivoting: hand-checked pivoting, random general batches (residual < 1e-10),
// transposed solves, singular detection per batch element.
import { describe, expect, it } from 'vitest';
import { luFactor, luSolveFactored } from '../../src/linalg/lu.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { matVecResidual, randomGeneral } from './helpers.ts';

function transpose(A: Float64Array, B: number, n: number): Float64Array {
  const T = new Float64Array(A.length);
  for (let b = 0; b < B; b++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) T[b * n * n + j * n + i] = A[b * n * n + i * n + j]!;
  return T;
}

describe('luFactor / luSolveFactored', () => {
  it('pivots on a zero leading entry (hand-checked)', () => {
    // A = [[0, 1], [2, 3]]: P swaps the rows, L = [[1,0],[0,1]], U = [[2,3],[0,1]].
    const f = luFactor(Float64Array.of(0, 1, 2, 3), 1, 2);
    expect(f.info[0]).toBe(0);
    expect(Array.from(f.piv)).toEqual([1, 0]);
    expect(Array.from(f.LU)).toEqual([2, 3, 0, 1]);
    // A x = [1, 8] → x = [2.5, 1]
    const x = luSolveFactored(f, 1, Float64Array.of(1, 8), 1, 2, 1);
    expect(Array.from(x)).toEqual([2.5, 1]);
  });

  it('solves random general batches, plain and transposed, with residual below 1e-10', () => {
    const rng = new Rng(3);
    for (const n of [1, 3, 8, 30]) {
      const B = 12;
      const m = 2;
      const A = randomGeneral(rng, B, n);
      const b = new Float64Array(B * n * m).map(() => rng.normal());
      const f = luFactor(A, B, n);
      expect(Array.from(f.info).every((v) => v === 0)).toBe(true);
      const x = luSolveFactored(f, B, b, B, n, m);
      expect(matVecResidual(A, B, x, b, B, n, m)).toBeLessThan(1e-10);
      const xt = luSolveFactored(f, B, b, B, n, m, true);
      expect(matVecResidual(transpose(A, B, n), B, xt, b, B, n, m)).toBeLessThan(1e-10);
    }
  });

  it('shares one factorization across a batch of right-hand sides', () => {
    const rng = new Rng(4);
    const n = 5;
    const A = randomGeneral(rng, 1, n);
    const b = new Float64Array(7 * n).map(() => rng.normal());
    const x = luSolveFactored(luFactor(A, 1, n), 1, b, 7, n, 1);
    expect(matVecResidual(A, 1, x, b, 7, n, 1)).toBeLessThan(1e-10);
  });

  it('flags singular and non-finite matrices per batch element', () => {
    const ok = Float64Array.of(1, 2, 3, 4);
    const singular = Float64Array.of(1, 2, 2, 4);
    const inf = Float64Array.of(1, Infinity, 0, 1);
    const f = luFactor(new Float64Array([...ok, ...singular, ...inf]), 3, 2);
    expect(Array.from(f.info)).toEqual([0, 2, 1]);
  });
});
