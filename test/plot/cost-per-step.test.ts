// plotCostPerStep: single and labelled series, log axis, and the log-axis error for non-positive costs.
import { describe, expect, it } from 'vitest';
import { plotCostPerStep } from '../../src/plot/cost-per-step.ts';
import { logTick, PALETTE } from '../../src/plot/style.ts';
import { countColor, pngInfo, pngPixels } from './images.ts';

describe('plotCostPerStep', () => {
  it('renders one or several cost series, linear or log', async () => {
    const c = Array.from({ length: 100 }, (_, t) => 10 * Math.exp(-t / 20) + 0.1);
    const one = plotCostPerStep({ costs: c, width: 500, height: 300 });
    expect(pngInfo(one)).toEqual({ isPng: true, width: 500, height: 300 });
    const two = plotCostPerStep({ costs: [{ label: 'a', values: c }, { label: 'b', values: c.map((v) => 2 * v) }], logY: true });
    expect(pngInfo(two)).toMatchObject({ isPng: true, width: 900, height: 500 });
    const { data } = await pngPixels(two);
    expect(countColor(data, PALETTE[1]!)).toBeGreaterThan(100);
  });

  it('refuses non-positive costs on a log axis and labels log ticks at 1-2-5 only', () => {
    expect(() => plotCostPerStep({ costs: [1, 0, 2], logY: true })).toThrow(/values ≤ 0.*logY: false/);
    expect([0.5, 1, 2, 3, 5, 10, 15, 20, 1e5].map(logTick)).toEqual(['0.5', '1', '2', '', '5', '10', '', '20', '1e5']);
  });
});
