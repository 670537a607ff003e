// ReduceLROnPlateau: PyTorch's rule (mode min, relative threshold): a cut after more than `patience`
// non-improving steps, the bad-step count reset by an improvement and by a cut, cooldown, min lr, bad input.
import { describe, expect, it } from 'vitest';
import { ReduceLROnPlateau } from '../../src/train/lr-plateau.ts';

describe('ReduceLROnPlateau', () => {
  it('cuts the rate after patience + 1 steps without improvement, as torch does', () => {
    const s = new ReduceLROnPlateau({ lr: 1, patience: 2, factor: 0.5 });
    // improvement, then three non-improving steps: the third exceeds patience 2.
    expect([10, 11, 12].map((m) => s.step(m))).toEqual([1, 1, 1]);
    expect(s.step(10)).toBe(0.5);
    // the count restarts after a cut: two more bad steps keep the rate, the third cuts again.
    expect([10, 10].map((m) => s.step(m))).toEqual([0.5, 0.5]);
    expect(s.step(10)).toBe(0.25);
    expect(s.state().cuts).toBe(2);
  });

  it('an improvement resets the count; an improvement smaller than the relative threshold does not count', () => {
    const s = new ReduceLROnPlateau({ lr: 1, patience: 1, factor: 0.5, threshold: 0.1 });
    s.step(10);
    s.step(11); // bad 1
    s.step(8); // improves by 20 %: reset
    expect(s.step(9)).toBe(1); // bad 1
    expect(s.step(7.5)).toBe(0.5); // 7.5 > 8·0.9 = 7.2: not an improvement, bad 2 > 1
  });

  it('honours cooldown and the minimum rate, and skips cuts below eps', () => {
    const s = new ReduceLROnPlateau({ lr: 1, patience: 0, factor: 0.5, cooldown: 1, minLr: 0.3 });
    s.step(1);
    expect(s.step(1)).toBe(0.5); // bad 1 > 0
    expect(s.step(1)).toBe(0.5); // cooldown step: bad reset
    expect(s.step(1)).toBe(0.3); // floored at minLr
    expect(s.step(1)).toBe(0.3);
    expect(s.step(1)).toBe(0.3); // 0.3 − 0.3 ≤ eps: no further cut
    expect(s.state().cuts).toBe(2);
  });

  it('rejects bad settings and a NaN metric by name', () => {
    expect(() => new ReduceLROnPlateau({ lr: 0 })).toThrow(/lr must be a positive number/);
    expect(() => new ReduceLROnPlateau({ lr: 1, factor: 1 })).toThrow(/factor must be in \(0, 1\)/);
    expect(() => new ReduceLROnPlateau({ lr: 1, patience: 1.5 })).toThrow(/patience must be an integer/);
    expect(() => new ReduceLROnPlateau({ lr: 1 }).step(NaN)).toThrow(/metric is NaN/);
  });
});
