// Tests of the projected-Newton box QP solver (src/solvers/qp/box.ts): random strictly convex problems with
// some bounds active, against the interior-point solver (pdipm.ts) with G = [I; −I] (1e-7, its tolerance) and
// against the KKT conditions (free gradients ≈ 0, clamped ones pointing outward); the same solution from any
// start; the unconstrained minimizer when no bound binds; an indefinite Q reported as 'non-pd-Q'; bad input.
import { describe, expect, it } from 'vitest';
import { boxInequalities, solveBoxQpBatch, solveBoxQpWithFallback } from '../../../src/solvers/qp/box.ts';
import { solveQpBatch } from '../../../src/solvers/qp/pdipm.ts';
import { packQp } from '../../../src/solvers/qp/problem.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { maxAbsDiff } from './fixture.ts';

/** B random problems: Q = LLᵀ/n + 0.05 I, p large enough that about half of the bounds bind. */
function randomBoxQp(rng: Rng, B: number, n: number) {
  const Q = new Float64Array(B * n * n), p = new Float64Array(B * n), L = new Float64Array(n * n);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n * n; i++) L[i] = rng.normal();
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = i === j ? 0.05 : 0;
        for (let k = 0; k < n; k++) s += (L[i * n + k]! * L[j * n + k]!) / n;
        Q[b * n * n + i * n + j] = s;
      }
      p[b * n + i] = 3 * rng.normal();
    }
  }
  const lo = Float64Array.from({ length: n }, (_, i) => -1 - 0.1 * (i % 3));
  const hi = Float64Array.from({ length: n }, (_, i) => 1 + 0.2 * (i % 2));
  return { Q, p, lo, hi };
}

describe('solveBoxQpBatch', () => {
  it('matches the interior-point solver and the KKT conditions on random problems with active bounds', () => {
    const rng = new Rng(3);
    for (const n of [1, 5, 20, 40]) {
      const B = 6;
      const { Q, p, lo, hi } = randomBoxQp(rng, B, n);
      const sol = solveBoxQpBatch({ B, n, Q, p, lo, hi });
      expect(sol.status).toEqual(new Array(B).fill('optimal'));
      const { G, h } = boxInequalities(lo, hi);
      const ref = solveQpBatch(packQp({ Q: { data: Q, shape: [B, n, n] }, p: { data: p, shape: [B, n] }, G: { data: G, shape: [2 * n, n] }, h: { data: h, shape: [2 * n] } }));
      expect(maxAbsDiff(sol.z, ref.z)).toBeLessThan(1e-7);
      let active = 0;
      for (let b = 0; b < B; b++) {
        for (let i = 0; i < n; i++) {
          const z = sol.z[b * n + i]!;
          let g = p[b * n + i]!;
          for (let j = 0; j < n; j++) g += Q[b * n * n + i * n + j]! * sol.z[b * n + j]!;
          expect(z).toBeGreaterThanOrEqual(lo[i]!);
          expect(z).toBeLessThanOrEqual(hi[i]!);
          if (z === lo[i]) expect(g).toBeGreaterThan(-1e-8);
          else if (z === hi[i]) expect(g).toBeLessThan(1e-8);
          else expect(Math.abs(g)).toBeLessThan(1e-8);
          active += z === lo[i] || z === hi[i] ? 1 : 0;
        }
      }
      if (n >= 5) expect(active).toBeGreaterThan(0);
    }
  });

  it('reaches the same solution from any start, in fewer iterations from a nearby one', () => {
    const rng = new Rng(4);
    const n = 30, B = 4;
    const { Q, p, lo, hi } = randomBoxQp(rng, B, n);
    const cold = solveBoxQpBatch({ B, n, Q, p, lo, hi });
    const far = solveBoxQpBatch({ B, n, Q, p, lo, hi, start: Float64Array.from({ length: B * n }, (_, i) => (i % 2 ? 5 : -5)) });
    const near = solveBoxQpBatch({ B, n, Q, p, lo, hi, start: Float64Array.from(cold.z, (v) => v + 1e-3) });
    expect(maxAbsDiff(cold.z, far.z)).toBeLessThan(1e-9);
    expect(maxAbsDiff(cold.z, near.z)).toBeLessThan(1e-9);
    for (let b = 0; b < B; b++) expect(near.iterations[b]!).toBeLessThanOrEqual(cold.iterations[b]!);
  });

  it('returns the unconstrained minimizer −Q⁻¹p when no bound binds', () => {
    const Q = Float64Array.from([4, 1, 1, 3]), p = Float64Array.from([1, 2]);
    const sol = solveBoxQpBatch({ B: 1, n: 2, Q, p, lo: Float64Array.of(-10, -10), hi: Float64Array.of(10, 10) });
    // Q⁻¹ = [3 −1; −1 4] / 11
    expect(maxAbsDiff(sol.z, [-(3 * 1 - 2) / 11, -(-1 + 4 * 2) / 11])).toBeLessThan(1e-14);
    expect(sol.status).toEqual(['optimal']);
  });

  it("reports an indefinite Q as 'non-pd-Q' and keeps z in the box", () => {
    const sol = solveBoxQpBatch({ B: 1, n: 2, Q: Float64Array.from([1, 0, 0, -1]), p: Float64Array.from([0.1, 0.1]), lo: Float64Array.of(-1, -1), hi: Float64Array.of(1, 1), start: Float64Array.of(0, 0) });
    expect(sol.status).toEqual(['non-pd-Q']);
    for (const v of sol.z) expect(Math.abs(v)).toBeLessThanOrEqual(1);
  });

  it('hands the problems it cannot solve to the interior-point solver (a semidefinite Q: an LP in one coordinate)', () => {
    // Problem 0: Q = diag(0, 2), p = (1, −1): z = (lo, ½); problem 1 strictly convex.
    const Q = Float64Array.from([0, 0, 0, 2, 2, 0, 0, 2]), p = Float64Array.from([1, -1, 0.5, 0.5]);
    const prob = { B: 2, n: 2, Q, p, lo: Float64Array.of(-1, -1), hi: Float64Array.of(1, 1) };
    expect(solveBoxQpBatch(prob).status).toEqual(['non-pd-Q', 'optimal']);
    const sol = solveBoxQpWithFallback(prob);
    expect(sol.fallback).toEqual([0]);
    expect(sol.status).toEqual(['optimal', 'optimal']);
    expect(maxAbsDiff(sol.z, [-1, 0.5, -0.25, -0.25])).toBeLessThan(1e-6);
  });

  it('rejects bad input naming the field', () => {
    const base = { B: 1, n: 2, Q: new Float64Array(4), p: new Float64Array(2), lo: Float64Array.of(-1, -1), hi: Float64Array.of(1, 1) };
    expect(() => solveBoxQpBatch({ ...base, Q: new Float64Array(3) })).toThrow(/Q must have \[B, n, n\] = 4/);
    expect(() => solveBoxQpBatch({ ...base, hi: Float64Array.of(1, -2) })).toThrow(/lo\[1\] = -1 exceeds hi\[1\] = -2/);
    expect(() => solveBoxQpBatch({ ...base, start: new Float64Array(5) })).toThrow(/start must have \[B, n\] = 2/);
    expect(() => solveBoxQpBatch(base, { tol: 0 })).toThrow(/BoxQpOptions.tol/);
    expect(() => solveBoxQpBatch(base, { maxIter: 0.5 })).toThrow(/BoxQpOptions.maxIter/);
  });
});
