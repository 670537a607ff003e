// plotEpisodeReturns and movingAverage: returns from numbers or {return} records, the trailing average.
import { describe, expect, it } from 'vitest';
import { movingAverage, plotEpisodeReturns } from '../../src/plot/episode-returns.ts';
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
});
