// Return G_k = Σ_t r_t of each episode k = 0, 1, … (0-based, as episodes are numbered everywhere) as points, with a trailing moving average over `window` episodes,
// (1/w) Σ_{j=k−w+1..k} G_j, and an optional dashed target level (e.g. the −160 pendulum bar).
import type { ChartConfiguration } from 'chart.js';
import { renderChart, type ChartSize } from './renderer.ts';
import { axis, colorAt, plugins, series, targetLine } from './style.ts';

export interface EpisodeReturnsOptions extends ChartSize {
  /** Returns in episode order, as numbers or `{ return }` records (src/streams/episode-returns.ts). */
  returns: ArrayLike<number> | Array<{ return: number }>;
  /** Moving-average window (default: min(10, ⌈K/5⌉); 1 disables). */
  window?: number;
  target?: { label: string; value: number };
  title?: string;
  yLabel?: string;
}

/** Trailing moving average with a window that grows from 1 up to `w` over the first episodes. */
export function movingAverage(x: readonly number[], w: number): number[] {
  let s = 0;
  return x.map((v, i) => {
    s += v;
    if (i >= w) s -= x[i - w]!;
    return s / Math.min(i + 1, w);
  });
}

/** The chart.js configuration of `plotEpisodeReturns` (x: episode index k = 0 … K−1, integer ticks). */
export function episodeReturnsChart(o: EpisodeReturnsOptions): ChartConfiguration {
  const raw = Array.isArray(o.returns) && o.returns.length > 0 && typeof o.returns[0] === 'object'
    ? (o.returns as Array<{ return: number }>).map((r) => r.return)
    : (o.returns as ArrayLike<number>);
  const g = series('plotEpisodeReturns: returns', raw);
  if (g.length === 0) throw new Error('plotEpisodeReturns: returns is empty; run at least one episode');
  const w = o.window ?? Math.min(10, Math.ceil(g.length / 5));
  if (!Number.isInteger(w) || w < 1) throw new Error(`plotEpisodeReturns: window must be a positive integer (got ${w})`);
  const k = g.map((_, i) => i);
  const last = Math.max(1, g.length - 1);
  const datasets: Record<string, unknown>[] = [
    {
      label: 'episode return',
      data: g.map((y, i) => ({ x: k[i], y })),
      showLine: false,
      pointRadius: 4,
      clip: false,
      borderColor: colorAt(0),
      backgroundColor: colorAt(0),
    },
  ];
  if (w > 1) {
    datasets.push({
      label: `moving average (${w})`,
      data: movingAverage(g, w).map((y, i) => ({ x: k[i], y })),
      borderColor: colorAt(1),
      backgroundColor: colorAt(1),
      borderWidth: 2.5,
      pointRadius: 0,
    });
  }
  if (o.target) datasets.push(targetLine(o.target.label, o.target.value, 0, last, colorAt(2)));
  return {
    type: 'line',
    data: { datasets },
    options: {
      scales: { x: axis({ title: 'episode', min: 0, max: last, integer: true }), y: axis({ title: o.yLabel ?? 'return  (sum of rewards)' }) },
      plugins: plugins(o.title ?? 'Return per episode'),
    },
  } as unknown as ChartConfiguration;
}

export function plotEpisodeReturns(o: EpisodeReturnsOptions): Buffer {
  return renderChart(episodeReturnsChart(o), o);
}
