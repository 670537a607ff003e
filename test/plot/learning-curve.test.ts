// plotLearningCurve and meanStd: per-x mean and population std over seeds (ragged rows, NaN ignored), the
// shaded band is drawn, errors for empty input.
import { describe, expect, it } from 'vitest';
import { meanStd, plotLearningCurve } from '../../src/plot/learning-curve.ts';
import { PALETTE } from '../../src/plot/style.ts';
import { countColor, pngInfo, pngPixels } from './images.ts';

describe('plotLearningCurve', () => {
  it('computes mean and std over the seeds present at each x', () => {
    const r = meanStd([[1, 2, 3], [3, 4], [NaN, 6, 9]]);
    expect(r.mean).toEqual([2, 4, 6]);
    expect(r.count).toEqual([2, 3, 2]);
    expect(r.std[0]).toBeCloseTo(1, 12);
    expect(r.std[1]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(r.std[2]).toBeCloseTo(3, 12);
  });

  it('draws the mean line and a translucent ±σ band', async () => {
    const seeds = [0, 1, 2].map((s) => Array.from({ length: 30 }, (_, k) => -1000 * Math.exp(-k / 8) + 80 * Math.sin(k + s)));
    const png = plotLearningCurve({ curves: [{ label: 'dcem', seeds }], width: 600, height: 400 });
    expect(pngInfo(png)).toEqual({ isPng: true, width: 600, height: 400 });
    const { data } = await pngPixels(png);
    expect(countColor(data, PALETTE[0]!)).toBeGreaterThan(100);
    // band: 20 % of #0072B2 over white ≈ (204, 227, 240)
    expect(countColor(data, '#cce3f0', 6)).toBeGreaterThan(500);
    expect(() => plotLearningCurve({ curves: [{ label: 'x', seeds: [] }] })).toThrow(/curves\[0\] \("x"\)\.seeds is empty/);
  });
});
