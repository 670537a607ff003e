// plotPlannedVsExecuted: executed line and plans drawn (both colours present), plan validation.
import { describe, expect, it } from 'vitest';
import { plotPlannedVsExecuted } from '../../src/plot/planned-vs-executed.ts';
import { PALETTE } from '../../src/plot/style.ts';
import { countColor, pngInfo, pngPixels } from './images.ts';

describe('plotPlannedVsExecuted', () => {
  it('draws the executed trajectory and every plan from its decision step', async () => {
    const ex = Array.from({ length: 60 }, (_, t) => Math.exp(-t / 15));
    const plans = [0, 15, 30].map((k) => ({ start: k, values: Array.from({ length: 11 }, (_, j) => Math.exp(-(k + j) / 12)) }));
    const png = plotPlannedVsExecuted({ executed: ex, plans, target: 0, width: 640, height: 360 });
    expect(pngInfo(png)).toEqual({ isPng: true, width: 640, height: 360 });
    const { data } = await pngPixels(png);
    expect(countColor(data, PALETTE[0]!)).toBeGreaterThan(200);
    expect(countColor(data, PALETTE[1]!, 40)).toBeGreaterThan(30);
  });

  it('rejects a plan with a bad start', () => {
    expect(() => plotPlannedVsExecuted({ executed: [1, 2], plans: [{ start: -1, values: [1] }] })).toThrow(/plans\[0\]\.start must be a non-negative integer/);
  });
});
