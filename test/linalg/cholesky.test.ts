// Float64 Cholesky factor and solve: hand-checked cases, random SPD batches (residual < 1e-10),
// shared matrices, per-batch reporting of non-positive-definite input, and the SIMD kernel's factors equal
// to the JavaScript loop's bit for bit.
import { describe, expect, it } from 'vitest';
import { CHOLESKY_SIMD_MIN_N, choleskyFactor, choleskyInPlace, choleskySolveFactored } from '../../src/linalg/cholesky.ts';
import { setDenseKernels } from '../../src/linalg/dense-kernels.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { matVecResidual, randomSpd } from './helpers.ts';

describe('choleskyFactor / choleskySolveFactored', () => {
  it(`factors from n = ${CHOLESKY_SIMD_MIN_N} by the SIMD kernel with the JavaScript loop's bits and failure indices`, () => {
    const n = CHOLESKY_SIMD_MIN_N + 5, B = 6;
    const A = randomSpd(new Rng(3), B, n);
    A[2 * n * n + 7 * n + 7] = -50; // batch element 2 fails at pivot 7
    const run = (on: boolean) => {
      const was = setDenseKernels(on);
      try {
        return choleskyFactor(A, B, n);
      } finally {
        setDenseKernels(was);
      }
    };
    const a = run(true), b = run(false);
    expect(Array.from(a.info)).toEqual(Array.from(b.info));
    expect(a.info[2]).toBe(8);
    expect(Array.from(a.L).every((v, i) => Object.is(v, b.L[i]))).toBe(true);
  });

  it('factors a hand-checked 3x3 matrix', () => {
    // A = L Lᵀ with L = [[2,0,0],[6,1,0],[-8,5,3]]  (the classic example)
    const A = Float64Array.of(4, 12, -16, 12, 37, -43, -16, -43, 98);
    const { L, info } = choleskyFactor(A, 1, 3);
    expect(info[0]).toBe(0);
    expect(Array.from(L)).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
    // A x = b with x = [1, 2, 3]: b = A x
    const x = choleskySolveFactored(L, 1, Float64Array.of(4 + 24 - 48, 12 + 74 - 129, -16 - 86 + 294), 1, 3, 1);
    expect(Array.from(x).map((v) => +v.toFixed(12))).toEqual([1, 2, 3]);
  });

  it('solves random SPD batches with residual below 1e-10', () => {
    const rng = new Rng(1);
    for (const n of [1, 2, 5, 17, 40]) {
      const B = 16;
      const m = 3;
      const A = randomSpd(rng, B, n);
      const b = new Float64Array(B * n * m).map(() => rng.normal());
      const { L, info } = choleskyFactor(A, B, n);
      expect(Array.from(info).every((v) => v === 0)).toBe(true);
      const x = choleskySolveFactored(L, B, b, B, n, m);
      expect(matVecResidual(A, B, x, b, B, n, m)).toBeLessThan(1e-10);
    }
  });

  it('broadcasts one shared factor over a batch of right-hand sides', () => {
    const rng = new Rng(2);
    const n = 6;
    const A = randomSpd(rng, 1, n);
    const b = new Float64Array(10 * n).map(() => rng.normal());
    const { L } = choleskyFactor(A, 1, n);
    const x = choleskySolveFactored(L, 1, b, 10, n, 1);
    expect(matVecResidual(A, 1, x, b, 10, n, 1)).toBeLessThan(1e-10);
  });

  it('reports non-positive-definite matrices per batch element with the failing pivot, never NaN', () => {
    const good = Float64Array.of(2, 1, 1, 2);
    const indefinite = Float64Array.of(1, 2, 2, 1); // eigenvalues 3, −1
    const nan = Float64Array.of(1, 0, 0, Number.NaN);
    const A = new Float64Array([...good, ...indefinite, ...nan]);
    const { L, info } = choleskyFactor(A, 3, 2);
    expect(Array.from(info)).toEqual([0, 2, 2]);
    expect(L.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('choleskyInPlace factors a block at an offset, keeps its upper triangle and names the failing pivot', () => {
    const A = Float64Array.of(4, 12, -16, 12, 37, -43, -16, -43, 98);
    const a = Float64Array.of(7, ...A, 7);
    expect(choleskyInPlace(a, 1, 3)).toBe(0);
    expect(Array.from(a)).toEqual([7, 2, 12, -16, 6, 1, -43, -8, 5, 3, 7]);
    // Pivot 1 (row 2 in 1-based terms) is 1 − 2² < 0; choleskyFactor reports the same row.
    const bad = Float64Array.of(1, 2, 2, 1);
    expect(choleskyInPlace(Float64Array.from(bad), 0, 2)).toBe(2);
    expect(choleskyFactor(bad, 1, 2).info[0]).toBe(2);
    expect(choleskyInPlace(Float64Array.of(Number.NaN), 0, 1)).toBe(1);
  });
});
