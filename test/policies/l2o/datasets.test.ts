// Tests of policies/l2o/datasets.ts: Iris's stratified seeded split and standardisation, two spirals.
import { describe, expect, it } from 'vitest';
import { irisSplit, twoSpirals, type LabelledData } from '../../../policies/l2o/datasets.ts';

function classCounts(d: LabelledData): number[] {
  const c = new Array<number>(d.classes).fill(0);
  for (const y of d.y) c[y]!++;
  return c;
}

function featureMoments(d: LabelledData): { mean: number[]; sd: number[] } {
  const mean = Array.from({ length: d.d }, (_, j) => d.x.filter((_, k) => k % d.d === j).reduce((a, b) => a + b, 0) / d.n);
  const sd = mean.map((m, j) => Math.sqrt(d.x.filter((_, k) => k % d.d === j).reduce((a, b) => a + (b - m) ** 2, 0) / d.n));
  return { mean, sd };
}

describe('iris split', () => {
  it('is stratified (40 / 10 per class), seeded, and standardised by the training set', () => {
    const a = irisSplit(0);
    expect([a.train.n, a.test.n, a.train.d, a.train.classes]).toEqual([120, 30, 4, 3]);
    expect(classCounts(a.train)).toEqual([40, 40, 40]);
    expect(classCounts(a.test)).toEqual([10, 10, 10]);
    const m = featureMoments(a.train);
    for (const v of m.mean) expect(Math.abs(v)).toBeLessThan(1e-5);
    for (const v of m.sd) expect(v).toBeCloseTo(1, 4);
    expect(Array.from(irisSplit(0).test.x)).toEqual(Array.from(a.test.x));
    expect(Array.from(irisSplit(1).test.x)).not.toEqual(Array.from(a.test.x));
    expect(() => irisSplit(0, 1)).toThrow(/testFraction must lie in \(0, 1\)/);
  });
});

describe('two spirals', () => {
  it('draws n points per class for train and test, seeded, standardised', () => {
    const s = twoSpirals(3, 50);
    expect([s.train.n, s.test.n, s.train.d, s.train.classes]).toEqual([100, 100, 2, 2]);
    expect(classCounts(s.train)).toEqual([50, 50]);
    expect(Array.from(twoSpirals(3, 50).train.x)).toEqual(Array.from(s.train.x));
    expect(Array.from(s.test.x)).not.toEqual(Array.from(s.train.x));
    for (const v of featureMoments(s.train).sd) expect(v).toBeCloseTo(1, 4);
    expect(() => twoSpirals(0, 0)).toThrow(/perClass must be a positive integer/);
  });
});
