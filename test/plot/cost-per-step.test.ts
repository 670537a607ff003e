// plotCostPerStep: single and labelled series, log axis, and the log-axis error for non-positive costs.
import { describe, expect, it } from 'vitest';
import { costPerStepChart, plotCostPerStep, quantile } from '../../src/plot/cost-per-step.ts';
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

  it('summarizes many episodes as mean and 10–90 % band (ragged lengths: over those still running), drawn and said so', async () => {
    type Ds = { label: string; data: Array<{ x: number; y: number | null }> };
    const costs = Array.from({ length: 25 }, (_, k) => ({ label: `episode ${k}`, values: Array.from({ length: k === 0 ? 3 : 40 }, (_, t) => (k % 2 ? 3 : 1) + 0 * t) }));
    const ds = (costPerStepChart({ costs }).data.datasets as unknown as Ds[]);
    expect(ds.map((d) => d.label)).toEqual(['10th–90th percentile over episodes', 'band low', 'mean over 25 episodes (those still running at t)']);
    const mean = ds[2]!.data.map((p) => p.y!);
    expect(mean[0]).toBeCloseTo((13 * 1 + 12 * 3) / 25, 9);
    expect(mean[10]).toBeCloseTo((12 * 1 + 12 * 3) / 24, 9); // episode 0 ended after 3 steps
    expect([ds[1]!.data[10]!.y, ds[0]!.data[10]!.y]).toEqual([1, 3]); // the band stays within the data (1 and 3), never below 0
    expect([quantile([0, 10], 0.1), quantile([1, 2, 3, 4, 5], 0.9), quantile([7], 0.5)]).toEqual([1, 4.6, 7]);
    const few = costPerStepChart({ costs: costs.slice(0, 5) }).data.datasets as unknown as Ds[];
    expect(few.map((d) => d.label)).toEqual(['episode 0', 'episode 1', 'episode 2', 'episode 3', 'episode 4']);
    const { data } = await pngPixels(plotCostPerStep({ costs, width: 500, height: 300 }));
    expect(countColor(data, PALETTE[0]!)).toBeGreaterThan(100); // the mean line
    expect(countColor(data, PALETTE[3]!)).toBe(0); // no 25-colour tangle
  });
});
