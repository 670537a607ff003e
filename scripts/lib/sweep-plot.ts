// summary.png of a sweep: for each cell (x = its # in the summary table) the return of every seed as a dot,
// the mean over seeds as a bar marker and the seed band mean ± σ as a vertical segment (the 95 % interval of
// the mean is in summary.json). Drawn with src/plot's renderer and style.
import type { ChartConfiguration } from 'chart.js';
import { renderChart } from '../../src/plot/renderer.ts';
import { axis, colorAt, plugins, withAlpha } from '../../src/plot/style.ts';
import { seedStats } from './seed-stats.ts';

/**
 * @param cells `[C]` per cell its label and the values of its finished seeds `[S_c]` (may be empty)
 * @returns PNG bytes
 */
export function plotSeedBands(cells: ReadonlyArray<{ label: string; values: readonly number[] }>, title: string): Buffer {
  if (cells.length === 0) throw new Error('plotSeedBands: no cells');
  const dots: Array<{ x: number; y: number }> = [];
  const means: Array<{ x: number; y: number }> = [];
  const bands: Array<{ x: number; y: number | null }> = [];
  cells.forEach((c, i) => {
    const x = i + 1;
    for (const v of c.values) dots.push({ x, y: v });
    if (c.values.length === 0) return;
    const s = seedStats(c.values);
    means.push({ x, y: s.mean });
    const sd = s.std ?? 0;
    bands.push({ x, y: s.mean - sd }, { x, y: s.mean + sd }, { x, y: null });
  });
  const color = colorAt(0);
  const config = {
    type: 'line',
    data: {
      datasets: [
        { label: 'mean ± σ over seeds', data: bands, borderColor: withAlpha(color, 0.45), borderWidth: 10, pointRadius: 0, spanGaps: false, fill: false },
        { label: 'mean', data: means, showLine: false, pointStyle: 'line', pointRadius: 14, pointBorderWidth: 3, borderColor: color, backgroundColor: color },
        { label: 'seed', data: dots, showLine: false, pointRadius: 3, borderColor: colorAt(1), backgroundColor: colorAt(1) },
      ],
    },
    options: {
      scales: {
        x: axis({ title: 'cell (# in the summary table)', min: 0.5, max: cells.length + 0.5, integer: true }),
        y: axis({ title: 'return (mean over the episodes of a seed)' }),
      },
      plugins: plugins(title),
    },
  } as unknown as ChartConfiguration;
  return renderChart(config);
}
