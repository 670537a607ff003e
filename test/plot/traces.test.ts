// plotTraces/episodeTraces: PNG of the requested size with the series colours drawn, per-dimension series
// from episode rows, errors naming the field.
import { describe, expect, it } from 'vitest';
import { episodeTraces, plotTraces } from '../../src/plot/traces.ts';
import { PALETTE } from '../../src/plot/style.ts';
import { countColor, pngInfo, pngPixels } from './images.ts';

describe('plotTraces', () => {
  it('draws each series and the target line into a PNG of the requested size', async () => {
    const states = Array.from({ length: 51 }, (_, t) => Float32Array.of(Math.cos(t / 8), Math.sin(t / 8)));
    const png = plotTraces({ series: episodeTraces(states, ['x', 'v']), targets: [{ label: 'x goal', value: 0.5 }], dt: 0.05, width: 640, height: 360 });
    expect(pngInfo(png)).toEqual({ isPng: true, width: 640, height: 360 });
    const { data } = await pngPixels(png);
    expect(countColor(data, PALETTE[0]!)).toBeGreaterThan(100);
    expect(countColor(data, PALETTE[1]!)).toBeGreaterThan(100);
    expect(countColor(data, PALETTE[2]!)).toBeGreaterThan(50); // the dashed target
  });

  it('splits episode rows into one series per dimension and checks labels and values', () => {
    expect(episodeTraces([Float32Array.of(1, 2), Float32Array.of(3, 4)], ['a', 'b'])).toEqual([
      { label: 'a', values: [1, 3] },
      { label: 'b', values: [2, 4] },
    ]);
    expect(() => episodeTraces([Float32Array.of(1, 2)], ['a'])).toThrow(/labels has 1 names but the rows have 2/);
    expect(() => plotTraces({ series: [] })).toThrow(/non-empty array/);
    expect(() => plotTraces({ series: [{ label: 'u', values: [1, Infinity] }] })).toThrow(/series\[0\] \("u"\)\.values\[1\] is Infinity/);
  });

  it('stacks one panel per series when asked, with each target in the panel it names', async () => {
    const draw = (panels: boolean) => plotTraces({ series: [{ label: 'p', values: [0, 0.5, 1] }, { label: 'v', values: [0.01, -0.01, 0.01] }], targets: [{ label: 'goal', value: 0.45, series: 0 }], panels, width: 400, height: 400 });
    /** Rows (below the legend) holding pixels of v's colour. */
    const vRows = async (png: Buffer) => {
      const { data, width, height } = await pngPixels(png);
      let rows = 0;
      for (let y = 80; y < height; y++) if (countColor(data.subarray(4 * y * width, 4 * (y + 1) * width), PALETTE[1]!) > 0) rows++;
      return rows;
    };
    expect(await vRows(draw(true))).toBeGreaterThan(60); // the tiny v fills its own panel
    expect(await vRows(draw(false))).toBeLessThan(10); // on p's axis it is a flat line
    expect(() => plotTraces({ series: [{ label: 'p', values: [0, 1] }], targets: [{ label: 'goal', value: 1 }], panels: true })).toThrow(/targets\[0\] \("goal"\)\.series must be the index of a series/);
  });
});
