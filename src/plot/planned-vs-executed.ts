// Planned vs. executed trajectories of receding-horizon control: the executed state x_t as a thick line and,
// for a few decision times k, the open-loop plan x̂_{k..k+H} the controller made at k as a thin faded line
// starting at t = k, so model error and re-planning show up as the gap between the two. The x axis spans the
// executed episode only: plans made near its end are cut at the last executed step.
import type { ChartConfiguration } from 'chart.js';
import { renderChart, type ChartSize } from './renderer.ts';
import { axis, breakWraps, colorAt, plugins, points, series, timeAxis, withAlpha } from './style.ts';

export interface Plan {
  /** Decision step k (the plan's first value is the prediction for t = k). */
  start: number;
  /** `[H + 1]` predicted values x̂_k … x̂_{k+H}. */
  values: ArrayLike<number>;
}

export interface PlannedVsExecutedOptions extends ChartSize {
  /** `[T]` executed values of one state (or action) dimension. */
  executed: ArrayLike<number>;
  plans: Plan[];
  dt?: number;
  label?: string;
  title?: string;
  yLabel?: string;
  target?: number;
  /** Period of a wrapping quantity (2π for an angle): lines break where it wraps instead of jumping. */
  period?: number;
}

/** The chart.js configuration of `plotPlannedVsExecuted`. */
export function plannedVsExecutedChart(o: PlannedVsExecutedOptions): ChartConfiguration {
  const ex = series('plotPlannedVsExecuted: executed', o.executed);
  if (!Array.isArray(o.plans)) throw new Error('plotPlannedVsExecuted: plans must be an array of { start, values }');
  const dt = o.dt ?? 1;
  const name = o.label ?? 'state';
  const x1 = Math.max(1, ex.length - 1) * dt;
  const datasets: Record<string, unknown>[] = [
    { label: `executed ${name}`, data: breakWraps(points(timeAxis(ex.length, dt), ex), o.period), borderColor: colorAt(0), backgroundColor: colorAt(0), borderWidth: 3, pointRadius: 0, order: 0 },
  ];
  o.plans.forEach((p, i) => {
    if (!Number.isInteger(p.start) || p.start < 0) throw new Error(`plotPlannedVsExecuted: plans[${i}].start must be a non-negative integer step (got ${p.start})`);
    const v = series(`plotPlannedVsExecuted: plans[${i}].values`, p.values);
    datasets.push({
      label: 'planned (at decision step)',
      data: breakWraps(points(timeAxis(v.length, dt, p.start * dt), v).filter((q) => q.x <= x1 + 1e-9 * dt), o.period),
      borderColor: withAlpha(colorAt(1), 0.75),
      backgroundColor: colorAt(1),
      borderWidth: 1.5,
      pointRadius: 0,
      order: 1,
    });
    datasets.push({ label: 'decision point', data: [{ x: p.start * dt, y: v[0] }], pointRadius: 3.5, borderColor: colorAt(1), backgroundColor: colorAt(1), showLine: false, order: 1 });
  });
  if (o.target !== undefined) {
    datasets.push({ label: 'target', data: [{ x: 0, y: o.target }, { x: x1, y: o.target }], borderColor: '#555555', borderDash: [8, 5], borderWidth: 2, pointRadius: 0 });
  }
  // one legend entry per kind: the first dataset carrying each label
  const firstIndex = new Map<string, number>();
  datasets.forEach((d, i) => {
    if (!firstIndex.has(String(d.label))) firstIndex.set(String(d.label), i);
  });
  return {
    type: 'line',
    data: { datasets },
    options: {
      scales: { x: axis({ title: o.dt !== undefined ? 'time (s)' : 'step', min: 0, max: x1 }), y: axis({ title: o.yLabel ?? name }) },
      plugins: plugins(o.title ?? 'Planned vs. executed', (label, i) => label !== 'decision point' && firstIndex.get(label) === i),
    },
  } as unknown as ChartConfiguration;
}

export function plotPlannedVsExecuted(o: PlannedVsExecutedOptions): Buffer {
  return renderChart(plannedVsExecutedChart(o), o);
}
