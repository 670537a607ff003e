// Tests of the PSD projection (src/solvers/qp/psd-projection.ts): negative eigenvalues clipped, PSD input kept.
import { describe, expect, it } from 'vitest';
import { projectPsd } from '../../../src/solvers/qp/psd-projection.ts';
import { choleskyFactor } from '../../../src/linalg/cholesky.ts';
import { Rng } from '../../../src/tensor/rng.ts';

describe('projectPsd', () => {
  it('clips negative eigenvalues and keeps PSD matrices', () => {
    const a = Float64Array.from([1, 2, 2, 1]); // eigenvalues 3, −1 → projection ½[[3,3],[3,3]]·… = 1.5·[[1,1],[1,1]]
    projectPsd(a, 0, 2);
    expect(Array.from(a).map((v) => Number(v.toFixed(12)))).toEqual([1.5, 1.5, 1.5, 1.5]);
    const b = Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 1]);
    projectPsd(b, 0, 3);
    expect(Array.from(b).map((v) => Number(v.toFixed(12)))).toEqual([2, 1, 0, 1, 2, 0, 0, 0, 1]);
  });

  it('keeps a positive definite matrix bit for bit (its Cholesky factor exists, no decomposition)', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 10; trial++) {
      const k = 2 + (trial % 5);
      const L = Array.from({ length: k * k }, () => rng.normal());
      const a = new Float64Array(k * k);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
        let s = i === j ? 0.5 : 0;
        for (let e = 0; e < k; e++) s += L[i * k + e]! * L[j * k + e]!;
        a[i * k + j] = s;
      }
      const before = Float64Array.from(a);
      projectPsd(a, 0, k);
      expect(a).toEqual(before);
    }
  });

  it('random symmetric matrices become PSD and are unchanged by a second projection', () => {
    const rng = new Rng(8);
    for (let trial = 0; trial < 20; trial++) {
      const k = 2 + (trial % 5);
      const a = new Float64Array(k * k);
      for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) a[i * k + j] = a[j * k + i] = rng.normal();
      projectPsd(a, 0, k);
      const once = Float64Array.from(a);
      projectPsd(a, 0, k);
      for (let i = 0; i < k * k; i++) expect(Math.abs(a[i]! - once[i]!)).toBeLessThan(1e-10);
      // PSD: A + 1e-9 I has a Cholesky factor.
      for (let i = 0; i < k; i++) a[i * k + i]! += 1e-9;
      expect(choleskyFactor(a, 1, k).info[0]).toBe(0);
    }
  });
});
