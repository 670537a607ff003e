// PCA: points on a line give one component with all the variance; scores reconstruct the rows that lie in
// the plane; components are unit and orthogonal; bad shapes are named.
import { describe, expect, it } from 'vitest';
import { pca, pcaInverse } from '../../src/linalg/pca.ts';
import { Rng } from '../../src/tensor/rng.ts';

describe('pca', () => {
  it('finds the direction and variance of points on a line', () => {
    const p = pca(Float64Array.of(0, 0, 2, 2, 4, 4), 3, 2, 1);
    expect(Array.from(p.mean)).toEqual([2, 2]);
    expect(p.variances[0]).toBeCloseTo(8, 12); // Σ ‖x − m‖² / (M − 1) = (8 + 0 + 8) / 2
    expect(p.totalVariance).toBeCloseTo(8, 12);
    expect(Math.abs(p.components[0]!)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(p.components[0]! * p.components[1]!).toBeCloseTo(0.5, 12);
  });

  it('reconstructs rows of a 2-D plane in R⁶ from their scores, with orthonormal components', () => {
    const rng = new Rng(5);
    const n = 6, M = 50;
    const u = Array.from({ length: n }, () => rng.normal()), v = Array.from({ length: n }, () => rng.normal());
    const X = new Float64Array(M * n);
    for (let i = 0; i < M; i++) {
      const a = 3 * rng.normal(), b = rng.normal();
      for (let j = 0; j < n; j++) X[i * n + j] = 1 + a * u[j]! + b * v[j]!;
    }
    const p = pca(X, M, n, 2);
    let dot = 0, n0 = 0, n1 = 0;
    for (let j = 0; j < n; j++) {
      dot += p.components[j]! * p.components[n + j]!;
      n0 += p.components[j]! ** 2;
      n1 += p.components[n + j]! ** 2;
    }
    expect(Math.abs(dot)).toBeLessThan(1e-12);
    expect(n0).toBeCloseTo(1, 12);
    expect(n1).toBeCloseTo(1, 12);
    expect((p.variances[0]! + p.variances[1]!) / p.totalVariance).toBeCloseTo(1, 10);
    const Z = new Float64Array(M * 2);
    for (let i = 0; i < M; i++) for (let c = 0; c < 2; c++) for (let j = 0; j < n; j++) Z[i * 2 + c]! += p.components[c * n + j]! * (X[i * n + j]! - p.mean[j]!);
    const R = pcaInverse(p, Z);
    let err = 0;
    for (let i = 0; i < M * n; i++) err = Math.max(err, Math.abs(R[i]! - X[i]!));
    expect(err).toBeLessThan(1e-4); // float32 output
  });

  it('names bad shapes', () => {
    expect(() => pca(Float64Array.of(1, 2, 3), 1, 3, 1)).toThrow(/M ≥ 2/);
    expect(() => pca(Float64Array.of(1, 2, 3, 4), 2, 2, 3)).toThrow(/r must be an integer in \[1, n = 2\]/);
    expect(() => pcaInverse(pca(Float64Array.of(0, 0, 1, 1), 2, 2, 2), [1, 2, 3])).toThrow(/K·r/);
  });
});
