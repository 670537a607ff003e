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
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      su += u;
      su2 += u * u;
    }
    expect(outside).toBe(0);
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

  it('normal draws follow N(0, 1) in the body and the tails (Kolmogorov–Smirnov, tail masses)', () => {
    // Φ via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7).
    const erf = (x: number): number => {
      const s = Math.sign(x);
      const t = 1 / (1 + 0.3275911 * Math.abs(x));
      const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
      return s * y;
    };
    const phi = (x: number): number => 0.5 * (1 + erf(x / Math.SQRT2));
    const n = 400_000;
    const z = Float64Array.from(new Rng(21).normalArray(n)).sort();
    let d = 0;
    for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(phi(z[i]!) - i / n), Math.abs(phi(z[i]!) - (i + 1) / n));
    // KS critical value at α = 0.001 is 1.95/√n ≈ 0.0031.
    expect(d).toBeLessThan(1.95 / Math.sqrt(n));
    // Tail masses: strip edges, the wedge path (|z| ≈ 1–2.5) and the tail beyond R = 3.44 (P = 5.8e-4 two-sided).
    for (const [c, p] of [[1, 0.3173], [2, 0.0455], [3, 0.0027], [3.44262, 5.76e-4]] as const) {
      const count = z.filter((x) => Math.abs(x) > c).length;
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(count - n * p)).toBeLessThan(4 * sd);
    }
    expect(z[n - 1]!).toBeGreaterThan(3.44262);
    expect(z[0]!).toBeLessThan(-3.44262);
  });

  it('normalArray and uniformArray give the same draws as repeated normal() and uniform()', () => {
    const a = new Rng(5).normalArray(20_000);
    const r = new Rng(5);
    expect(a).toEqual(Float32Array.from({ length: a.length }, () => r.normal()));
    const u = new Rng(8).uniformArray(1000, -2, 3);
    const q = new Rng(8);
    expect(u).toEqual(Float32Array.from({ length: u.length }, () => -2 + 5 * q.uniform()));
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
