// Cyclic-Jacobi eigen-decomposition: a hand-checked 2×2, random symmetric matrices (A V = V Λ, VᵀV = I,
// descending λ, A = V Λ Vᵀ), a repeated eigenvalue, the offset, and non-finite input named by its entry.
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/linalg/symmetric-eigen.ts';
import { Rng } from '../../src/tensor/rng.ts';

function randomSymmetric(rng: Rng, k: number): Float64Array {
  const A = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = i; j < k; j++) A[i * k + j] = A[j * k + i] = rng.normal();
  return A;
}

describe('symmetricEigen', () => {
  it('decomposes [[2, 1], [1, 2]] into λ = 3, 1 with eigenvectors (1, ±1)/√2', () => {
    const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect(values[0]).toBeCloseTo(3, 14);
    expect(values[1]).toBeCloseTo(1, 14);
    expect(Math.abs(vectors[0]!)).toBeCloseTo(Math.SQRT1_2, 14);
    expect(vectors[0]! * vectors[2]!).toBeCloseTo(0.5, 14); // first column ∝ (1, 1)
    expect(vectors[1]! * vectors[3]!).toBeCloseTo(-0.5, 14); // second column ∝ (1, −1)
  });

  it('satisfies A V = V Λ, VᵀV = I and A = V Λ Vᵀ on random matrices, λ descending', () => {
    const rng = new Rng(3);
    for (const k of [1, 3, 8, 20]) {
      const A = randomSymmetric(rng, k);
      const { values: L, vectors: V } = symmetricEigen(A, k);
      for (let j = 1; j < k; j++) expect(L[j]!).toBeLessThanOrEqual(L[j - 1]!);
      let res = 0, orth = 0, rec = 0;
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          let av = 0, vtv = 0, vlv = 0;
          for (let e = 0; e < k; e++) {
            av += A[i * k + e]! * V[e * k + j]!;
            vtv += V[e * k + i]! * V[e * k + j]!;
            vlv += V[i * k + e]! * L[e]! * V[j * k + e]!;
          }
          res = Math.max(res, Math.abs(av - V[i * k + j]! * L[j]!));
          orth = Math.max(orth, Math.abs(vtv - (i === j ? 1 : 0)));
          rec = Math.max(rec, Math.abs(vlv - A[i * k + j]!));
        }
      }
      expect(res, `k = ${k}`).toBeLessThan(1e-12);
      expect(orth, `k = ${k}`).toBeLessThan(1e-12);
      expect(rec, `k = ${k}`).toBeLessThan(1e-12);
    }
  });

  it('handles a repeated eigenvalue and reads from an offset', () => {
    const a = Float64Array.of(99, 5, 0, 0, 0, 5, 0, 0, 0, 1);
    const { values, vectors } = symmetricEigen(a, 3, 1);
    expect(Array.from(values)).toEqual([5, 5, 1]);
    expect(Math.abs(vectors[8]!)).toBe(1);
    expect(a[0]).toBe(99);
  });

  it('names a non-finite entry', () => {
    expect(() => symmetricEigen(Float64Array.of(1, NaN, NaN, 1), 2)).toThrow(/entry \(0, 1\) is NaN/);
  });
});
