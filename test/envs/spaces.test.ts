// Box space: sampling (uniform, normal where unbounded, exponential where half-bounded), contains, clip,
// and clear errors for malformed bounds.
import { describe, expect, it } from 'vitest';
import { Box } from '../../envs/spaces.ts';
import { Rng } from '../../src/tensor/rng.ts';

describe('Box', () => {
  it('samples inside finite bounds, normals where unbounded, and reproducibly per seed', () => {
    const b = new Box([-1, 0, -Infinity, 2], [1, 0.5, Infinity, Infinity]);
    const rng = new Rng(0);
    const xs = Array.from({ length: 2000 }, () => b.sample(rng));
    for (const x of xs) {
      expect(b.contains(x)).toBe(true);
      expect(x[3]!).toBeGreaterThanOrEqual(2);
    }
    const col = (j: number) => xs.map((x) => x[j]!);
    const mean = (v: number[]) => v.reduce((a, c) => a + c, 0) / v.length;
    const unbounded = col(2);
    expect(Math.abs(mean(unbounded))).toBeLessThan(0.1);
    expect(Math.abs(mean(unbounded.map((v) => v * v)) - 1)).toBeLessThan(0.15);
    expect(Math.abs(mean(col(3)) - 3)).toBeLessThan(0.1); // 2 + Exp(1)
    expect(Math.abs(mean(col(0)))).toBeLessThan(0.05);
    expect(Array.from(b.sample(new Rng(4)))).toEqual(Array.from(b.sample(new Rng(4))));
  });

  it('contains rejects wrong length, NaN and out-of-bounds values; clip projects into the box', () => {
    const b = new Box(-2, 2, [2]);
    expect(b.contains([0, 2])).toBe(true);
    expect(b.contains([0, 2.1])).toBe(false);
    expect(b.contains([0])).toBe(false);
    expect(b.contains([NaN, 0])).toBe(false);
    expect(Array.from(b.clip([5, -Infinity]))).toEqual([2, -2]);
    expect(b.toString()).toBe('Box([-2, -2], [2, 2], shape [2])');
  });

  it('raises on malformed bounds with the field and the fix', () => {
    expect(() => new Box([0, 1], [1])).toThrow(/high has length 1 but the space has 2 entries/);
    expect(() => new Box([2], [1])).toThrow(/low\[0\] = 2 exceeds high\[0\] = 1/);
    expect(() => new Box(0, 1)).toThrow(/give a shape/);
    expect(() => new Box([NaN], [1])).toThrow(/low\[0\] is NaN/);
  });
});
