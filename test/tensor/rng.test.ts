// Seeded RNG: reproducibility, independence of split streams, distribution moments.
import { describe, expect, it } from 'vitest';
import { Rng, defaultRng, seedAll } from '../../src/tensor/rng.ts';

describe('Rng', () => {
  it('reproduces the same sequence bit for bit from the same seed', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xa = Array.from({ length: 100 }, () => a.nextU32());
    const xb = Array.from({ length: 100 }, () => b.nextU32());
    expect(xa).toEqual(xb);
    expect(new Rng(7).normalArray(50)).toEqual(new Rng(7).normalArray(50));
  });

  it('gives different sequences for different seeds', () => {
    expect(new Rng(1).normalArray(10)).not.toEqual(new Rng(2).normalArray(10));
  });

  it('has the moments of U(0,1) and N(0,1)', () => {
    const r = new Rng(3);
    const n = 200_000;
    let su = 0;
    let su2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      su += u;
      su2 += u * u;
    }
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(su2 / n - (su / n) ** 2).toBeCloseTo(1 / 12, 2);
    const z = r.normalArray(n);
    const m = z.reduce((a, b) => a + b, 0) / n;
    const v = z.reduce((a, b) => a + (b - m) ** 2, 0) / n;
    const k = z.reduce((a, b) => a + (b - m) ** 4, 0) / n / (v * v);
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(v - 1)).toBeLessThan(0.01);
    expect(Math.abs(k - 3)).toBeLessThan(0.05);
  });

  it('split streams are reproducible and do not repeat the parent', () => {
    const p1 = new Rng(9);
    const c1 = p1.split();
    const p2 = new Rng(9);
    const c2 = p2.split();
    expect(c1.normalArray(5)).toEqual(c2.normalArray(5));
    expect(p1.normalArray(5)).toEqual(p2.normalArray(5));
    expect(new Rng(9).split().normalArray(5)).not.toEqual(new Rng(9).normalArray(5));
  });

  it('int draws cover [0, n) uniformly', () => {
    const r = new Rng(5);
    const counts = new Array(4).fill(0);
    for (let i = 0; i < 40_000; i++) counts[r.int(4)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });

  it('seedAll resets the process-wide generator', () => {
    seedAll(11);
    const a = defaultRng().normalArray(3);
    seedAll(11);
    expect(defaultRng().normalArray(3)).toEqual(a);
  });

  it('rejects a non-finite seed', () => {
    expect(() => new Rng(Number.NaN)).toThrow(/seed must be a finite number/);
  });
});
