// Line traces against time, e.g. the state x_t and action u_t of a closed-loop episode, with optional dashed
// target levels (x_goal) so tracking error is visible at a glance. `episodeTraces` turns a collected episode
// (src/streams/collect-episodes.ts) into per-dimension series. With `panels: true` every series gets its own
// y axis, stacked top to bottom over the shared time axis (chart.js stacked scales), so quantities of very
// different size (a position in m and a velocity of 0.01 m/step) each fill their panel; a target given a
// `series` index is drawn in that series' panel.
import type { ChartConfiguration } from 'chart.js';
import { renderChart, type ChartSize } from './renderer.ts';
import { axis, colorAt, plugins, points, series, targetLine, timeAxis } from './style.ts';

export interface Trace {
  label: string;
  /** `[T]`, NaN marks a gap. */
  values: ArrayLike<number>;
  color?: string;
}

export interface TracesOptions extends ChartSize {
  series: Trace[];
  /** Time stamps `[T]` (default 0, dt, 2 dt, …). */
  t?: ArrayLike<number>;
  dt?: number;
  /** Dashed levels; in panel mode `series` names the panel (index into `series`). */
  targets?: Array<{ label: string; value: number; color?: string; series?: number }>;
  /** One stacked y panel per series (default false: all on one axis). */
  panels?: boolean;
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

/** The chart.js configuration of `plotTraces`. */
export function tracesChart(o: TracesOptions): ChartConfiguration {
  if (!Array.isArray(o.series) || o.series.length === 0) {
    throw new Error('plotTraces: series must be a non-empty array of { label, values }');
  }
  const T = Math.max(...o.series.map((s) => s.values.length));
  const t = o.t ? series('plotTraces: t', o.t) : timeAxis(T, o.dt ?? 1);
  const datasets: Record<string, unknown>[] = o.series.map((s, i) => {
    const y = series(`plotTraces: series[${i}] ("${s.label}").values`, s.values, { gaps: true });
    if (y.length > t.length) throw new Error(`plotTraces: series[${i}] ("${s.label}") has ${y.length} values but t has ${t.length}`);
    const color = s.color ?? colorAt(i);
    return { label: s.label, data: points(t, y), borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 0, spanGaps: false, ...(o.panels ? { yAxisID: `y${i}` } : {}) };
  });
  const [x0, x1] = [t[0] ?? 0, t[t.length - 1] ?? 1];
  (o.targets ?? []).forEach((g, i) => {
    const line = targetLine(g.label, g.value, x0, x1, g.color ?? colorAt(o.series.length + i));
    if (o.panels) {
      if (g.series === undefined || !Number.isInteger(g.series) || g.series < 0 || g.series >= o.series.length) {
        throw new Error(`plotTraces: targets[${i}] ("${g.label}").series must be the index of a series (0..${o.series.length - 1}) when panels is true (got ${g.series})`);
      }
      line.yAxisID = `y${g.series}`;
    }
    datasets.push(line);
  });
  const yScales: Record<string, unknown> = o.panels
    ? // chart.js stacks the first-listed axis at the bottom: list the last series first so series 0 is on top
      Object.fromEntries(o.series.map((s, i) => [`y${i}`, { ...axis({ title: s.label }), stack: 'panels', stackWeight: 1, offset: true, position: 'left' }]).reverse())
    : { y: axis({ title: o.yLabel ?? 'value' }) };
  return {
    type: 'line',
    data: { datasets },
    options: {
      parsing: true,
      scales: {
        x: axis({ title: o.xLabel ?? (o.dt !== undefined ? 'time (s)' : 'step') }),
        ...yScales,
      },
      plugins: plugins(o.title ?? 'Traces'),
    },
  } as unknown as ChartConfiguration;
}

export function plotTraces(o: TracesOptions): Buffer {
  return renderChart(tracesChart(o), o);
}

/** Per-dimension series of an episode's states `[T+1][nx]` or actions `[T][nu]`, labelled by `labels`. */
export function episodeTraces(rows: ArrayLike<ArrayLike<number>>, labels: string[]): Trace[] {
  const n = rows.length ? rows[0]!.length : 0;
  if (labels.length !== n) throw new Error(`episodeTraces: labels has ${labels.length} names but the rows have ${n} dimensions; give one label per dimension`);
  return labels.map((label, d) => ({ label, values: Array.from({ length: rows.length }, (_, k) => rows[k]![d]!) }));
}
