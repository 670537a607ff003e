// Tests of policies/noise.ts: Gaussian and Ornstein–Uhlenbeck statistics, reset, registry and validation.
import { describe, expect, it } from 'vitest';
import { GaussianNoise, OrnsteinUhlenbeckNoise, makeNoise } from '../../policies/noise.ts';
import { Rng } from '../../src/tensor/rng.ts';

function stats(xs: number[]): { mean: number; variance: number; lag1: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  let c = 0;
  for (let i = 1; i < n; i++) c += (xs[i]! - mean) * (xs[i - 1]! - mean);
  return { mean, variance, lag1: c / (n - 1) / variance };
}

describe('OrnsteinUhlenbeckNoise', () => {
  it('has the stationary mean, variance σ²dt/(1−ρ²) and lag-1 autocorrelation ρ = 1 − θdt', () => {
    const ou = new OrnsteinUhlenbeckNoise({ dim: 1, theta: 0.15, sigma: 0.3, mu: 0.5, dt: 1, rng: new Rng(3) });
    for (let i = 0; i < 200; i++) ou.sample(); // burn-in
    const xs: number[] = [];
    for (let i = 0; i < 60_000; i++) xs.push(ou.sample()[0]!);
    const s = stats(xs);
    expect(ou.autocorrelation).toBeCloseTo(0.85, 12);
    expect(ou.stationaryVariance).toBeCloseTo((0.09 * 1) / (1 - 0.85 ** 2), 12);
    expect(s.mean).toBeGreaterThan(0.5 - 0.05);
    expect(s.mean).toBeLessThan(0.5 + 0.05);
    expect(Math.abs(s.variance / ou.stationaryVariance - 1)).toBeLessThan(0.08);
    expect(Math.abs(s.lag1 - 0.85)).toBeLessThan(0.02);
  });

  it('restarts at μ after reset and is reproducible from the seed', () => {
    const a = new OrnsteinUhlenbeckNoise({ dim: 3, sigma: 0.2, mu: 1, rng: new Rng(9) });
    const b = new OrnsteinUhlenbeckNoise({ dim: 3, sigma: 0.2, mu: 1, rng: new Rng(9) });
    const xa = [a.sample(), a.sample()];
    const xb = [b.sample(), b.sample()];
    expect(Array.from(xa[1]!)).toEqual(Array.from(xb[1]!));
    a.reset();
    const first = a.sample();
    // one step from μ: x = μ + σ√dt ξ, so the deviation is pure noise of size σ
    for (const v of first) expect(Math.abs(v - 1)).toBeLessThan(5 * 0.2);
  });

  it('rejects unstable parameters with a message naming the fix', () => {
    expect(() => new OrnsteinUhlenbeckNoise({ dim: 1, theta: 3, dt: 1 })).toThrow(/θ·dt must be < 2/);
    expect(() => new OrnsteinUhlenbeckNoise({ dim: 0 })).toThrow(/dim must be a positive integer/);
  });
});

describe('GaussianNoise', () => {
  it('is zero-mean with standard deviation σ and independent across draws', () => {
    const g = new GaussianNoise({ dim: 2, sigma: 0.4, rng: new Rng(1) });
    const xs: number[] = [];
    for (let i = 0; i < 20_000; i++) xs.push(...g.sample());
    const s = stats(xs.filter((_, i) => i % 2 === 0));
    expect(Math.abs(s.mean)).toBeLessThan(0.02);
    expect(Math.abs(Math.sqrt(s.variance) - 0.4)).toBeLessThan(0.02);
    expect(Math.abs(s.lag1)).toBeLessThan(0.03);
  });

  it('is built by name from the registry, unknown names listed', () => {
    expect(makeNoise('gaussian', { dim: 1 })).toBeInstanceOf(GaussianNoise);
    expect(makeNoise('ou', { dim: 1 })).toBeInstanceOf(OrnsteinUhlenbeckNoise);
    expect(() => makeNoise('pink', { dim: 1 })).toThrow(/makeNoise: unknown noise "pink"; registered: gaussian, ou/);
  });
});
