// plotEpisodeReturns and movingAverage: returns from numbers or {return} records, the trailing average.
import { describe, expect, it } from 'vitest';
import { episodeReturnsChart, movingAverage, plotEpisodeReturns } from '../../src/plot/episode-returns.ts';
import { pngInfo } from './images.ts';

describe('plotEpisodeReturns', () => {
  it('computes a trailing moving average that grows its window over the first episodes', () => {
    expect(movingAverage([1, 2, 3, 4, 5], 2)).toEqual([1, 1.5, 2.5, 3.5, 4.5]);
    expect(movingAverage([4, 2], 5)).toEqual([4, 3]);
  });

  it('renders numbers or episodeReturns() records, and rejects empty input', () => {
    const png = plotEpisodeReturns({ returns: [-900, -700, -400, -200, -150], target: { label: 'bar', value: -160 }, width: 400, height: 300 });
    expect(pngInfo(png)).toEqual({ isPng: true, width: 400, height: 300 });
    const rec = plotEpisodeReturns({ returns: [{ return: -5 }, { return: -3 }], window: 1 });
    expect(pngInfo(rec).isPng).toBe(true);
    expect(() => plotEpisodeReturns({ returns: [] })).toThrow(/returns is empty/);
    expect(() => plotEpisodeReturns({ returns: [1, NaN] })).toThrow(/returns\[1\] is NaN/);
  });

  it('numbers episodes from 0 with integer ticks, as every other plot and log does', () => {
    const c = episodeReturnsChart({ returns: [-5, -4, -3], target: { label: 'bar', value: -4 } }) as unknown as {
      data: { datasets: Array<{ data: Array<{ x: number }> }> };
      options: { scales: { x: { min: number; max: number; ticks: { precision?: number } } } };
    };
    expect(c.data.datasets[0]!.data.map((p) => p.x)).toEqual([0, 1, 2]);
    expect(c.data.datasets.at(-1)!.data.map((p) => p.x)).toEqual([0, 2]);
    expect([c.options.scales.x.min, c.options.scales.x.max, c.options.scales.x.ticks.precision]).toEqual([0, 2, 0]);
    const one = episodeReturnsChart({ returns: [1] }) as unknown as { options: { scales: { x: { min: number; max: number } } } };
    expect([one.options.scales.x.min, one.options.scales.x.max]).toEqual([0, 1]);
  });
});
