// Stage cost c_t = c(x_t, u_t) (or reward r_t) per time step of one or more episodes, optionally on a log
// axis, to see where a controller spends its cost (swing-up transient vs. steady state). Many episodes are
// unreadable as lines, so with more than `maxLines` series (or `summarize: true`) the chart shows, per step t,
// the mean μ_t over the episodes that reached t and a band from their 10th to 90th percentile (linear
// interpolation between order statistics; unlike μ ± σ it never leaves the range of the data, e.g. below a
// cost of 0), and says so in the legend.
import type { ChartConfiguration } from 'chart.js';
import { renderChart, type ChartSize } from './renderer.ts';
import { axis, colorAt, plugins, points, series, timeAxis, withAlpha } from './style.ts';

export interface CostPerStepOptions extends ChartSize {
  /** One series `[T]` or several labelled ones (episodes may differ in length). */
  costs: ArrayLike<number> | Array<{ label: string; values: ArrayLike<number> }>;
  dt?: number;
  logY?: boolean;
  title?: string;
  yLabel?: string;
  /** Above this many series, draw their mean and 10–90 % band instead of one line each (default 5). */
  maxLines?: number;
  /** Force (true) or forbid (false) the summary. */
  summarize?: boolean;
  /** What a series is, for the summary legend (default 'episodes'). */
  seriesNoun?: string;
}

/** Whether `plotCostPerStep` summarizes `n` series as mean and percentile band. */
export function summarizesSeries(n: number, o: Pick<CostPerStepOptions, 'maxLines' | 'summarize'> = {}): boolean {
  return o.summarize ?? n > (o.maxLines ?? 5);
}

/** The q-quantile (q ∈ [0, 1]) of ascending `sorted` values, interpolating between order statistics. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const i = Math.floor(h);
  const j = Math.min(sorted.length - 1, i + 1);
  return sorted[i]! + (h - i) * (sorted[j]! - sorted[i]!);
}

/** Per step t over the rows that reach t: mean, 10th and 90th percentile, and how many rows. */
export function stepSummary(rows: readonly (readonly number[])[]): { mean: number[]; lo: number[]; hi: number[]; count: number[] } {
  const T = Math.max(0, ...rows.map((r) => r.length));
  const out = { mean: [] as number[], lo: [] as number[], hi: [] as number[], count: [] as number[] };
  for (let t = 0; t < T; t++) {
    const v = rows.filter((r) => t < r.length).map((r) => r[t]!).sort((a, b) => a - b);
    out.mean.push(v.reduce((a, b) => a + b, 0) / v.length);
    out.lo.push(quantile(v, 0.1));
    out.hi.push(quantile(v, 0.9));
    out.count.push(v.length);
  }
  return out;
}

export const BAND_LABEL = '10th–90th percentile';

/** The chart.js configuration of `plotCostPerStep`. */
export function costPerStepChart(o: CostPerStepOptions): ChartConfiguration {
  const list = Array.isArray(o.costs) && o.costs.length > 0 && typeof o.costs[0] === 'object'
    ? (o.costs as Array<{ label: string; values: ArrayLike<number> }>)
    : [{ label: 'cost', values: o.costs as ArrayLike<number> }];
  const rows = list.map((s, i) => {
    const y = series(`plotCostPerStep: costs${list.length > 1 ? `[${i}]` : ''}`, s.values);
    if (o.logY && y.some((v) => v <= 0)) {
      throw new Error(`plotCostPerStep: costs${list.length > 1 ? `[${i}]` : ''} has values ≤ 0, which a log axis cannot show; pass logY: false`);
    }
    return y;
  });
  const dt = o.dt ?? 1;
  const line = (label: string, y: readonly number[], color: string) => ({
    label,
    data: points(timeAxis(y.length, dt), y),
    borderColor: color,
    backgroundColor: color,
    borderWidth: 2,
    pointRadius: y.length <= 60 ? 2.5 : 0,
    stepped: 'before',
  });
  let datasets: Record<string, unknown>[];
  if (summarizesSeries(rows.length, o)) {
    const { mean, lo, hi } = stepSummary(rows);
    const t = timeAxis(mean.length, dt);
    const noun = o.seriesNoun ?? 'episodes';
    const ragged = rows.some((r) => r.length !== mean.length);
    const band = { pointRadius: 0, borderWidth: 0, borderColor: 'transparent', backgroundColor: withAlpha(colorAt(0), 0.22), stepped: 'before' };
    datasets = [
      { ...band, label: `${BAND_LABEL} over ${noun}`, data: points(t, hi), fill: '+1' },
      { ...band, label: 'band low', data: points(t, lo), fill: false },
      { ...line(`mean over ${rows.length} ${noun}${ragged ? ' (those still running at t)' : ''}`, mean, colorAt(0)), pointRadius: 0, borderWidth: 2.5 },
    ];
  } else {
    datasets = list.map((s, i) => line(s.label, rows[i]!, colorAt(i)));
  }
  return {
    type: 'line',
    data: { datasets },
    options: {
      scales: {
        x: axis({ title: o.dt !== undefined ? 'time (s)' : 'step' }),
        y: axis({ title: o.yLabel ?? 'cost per step', type: o.logY ? 'logarithmic' : 'linear' }),
      },
      plugins: { ...plugins(o.title ?? 'Cost per step', (l) => l !== 'band low'), filler: { propagate: false } },
    },
  } as unknown as ChartConfiguration;
}

export function plotCostPerStep(o: CostPerStepOptions): Buffer {
  return renderChart(costPerStepChart(o), o);
}
