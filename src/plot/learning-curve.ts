// Learning curves over seeds: for each x (iteration, episode, environment steps) the mean
// μ(x) = (1/S) Σ_s y_s(x) and standard deviation σ(x) = √((1/S) Σ_s (y_s(x) − μ(x))²) over the S seeds that
// reached x, drawn as a line with a shaded μ ± σ band, one colour per method.
import type { ChartConfiguration } from 'chart.js';
import { renderChart, type ChartSize } from './renderer.ts';
import { axis, colorAt, plugins, series, targetLine, withAlpha } from './style.ts';

export interface LearningCurve {
  label: string;
  /** `[S][T_s]`: one row per seed (rows may differ in length; NaN marks a missing point). */
  seeds: ArrayLike<ArrayLike<number>>;
  /** `[T]` x values (default 1, 2, …). */
  x?: ArrayLike<number>;
}

export interface LearningCurveOptions extends ChartSize {
  curves: LearningCurve[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  target?: { label: string; value: number };
}

/** Per-index mean and (population) std over the rows that have a finite value there. */
export function meanStd(rows: readonly (readonly number[])[]): { mean: number[]; std: number[]; count: number[] } {
  const T = Math.max(0, ...rows.map((r) => r.length));
  const mean: number[] = [];
  const std: number[] = [];
  const count: number[] = [];
  for (let t = 0; t < T; t++) {
    const v = rows.map((r) => r[t]).filter((x): x is number => x !== undefined && Number.isFinite(x));
    const m = v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
    const s2 = v.reduce((a, b) => a + (b - m) * (b - m), 0) / Math.max(1, v.length);
    mean.push(v.length ? m : NaN);
    std.push(v.length ? Math.sqrt(s2) : NaN);
    count.push(v.length);
  }
  return { mean, std, count };
}

export function plotLearningCurve(o: LearningCurveOptions): Buffer {
  return renderChart(learningCurveChart(o), o);
}

/** The chart.js configuration of `plotLearningCurve` (also drawn live on a browser canvas). */
export function learningCurveChart(o: LearningCurveOptions): ChartConfiguration {
  if (!Array.isArray(o.curves) || o.curves.length === 0) {
    throw new Error('plotLearningCurve: curves must be a non-empty array of { label, seeds: [S][T] }');
  }
  const datasets: Record<string, unknown>[] = [];
  let xmin = Infinity;
  let xmax = -Infinity;
  o.curves.forEach((c, i) => {
    if (!c.seeds || c.seeds.length === 0) throw new Error(`plotLearningCurve: curves[${i}] ("${c.label}").seeds is empty; give one row per seed`);
    const rows = Array.from(c.seeds, (r, s) => series(`plotLearningCurve: curves[${i}].seeds[${s}]`, r, { gaps: true }));
    const { mean, std } = meanStd(rows);
    const x = c.x ? series(`plotLearningCurve: curves[${i}].x`, c.x) : mean.map((_, t) => t + 1);
    if (x.length < mean.length) throw new Error(`plotLearningCurve: curves[${i}].x has ${x.length} values but the longest seed has ${mean.length}`);
    xmin = Math.min(xmin, x[0]!);
    xmax = Math.max(xmax, x[mean.length - 1]!);
    const pts = (f: (t: number) => number) => mean.map((_, t) => ({ x: x[t]!, y: Number.isFinite(mean[t]!) ? f(t) : null }));
    const color = colorAt(i);
    const band = { borderWidth: 0, pointRadius: 0, borderColor: 'transparent', backgroundColor: withAlpha(color, 0.2) };
    // upper edge filled down to the lower edge (the next dataset), then the mean on top
    datasets.push({ label: `${c.label} +σ`, data: pts((t) => mean[t]! + std[t]!), fill: '+1', ...band });
    datasets.push({ label: `${c.label} −σ`, data: pts((t) => mean[t]! - std[t]!), fill: false, ...band });
    datasets.push({
      label: rows.length > 1 ? `${c.label} (mean ± std, ${rows.length} seeds)` : `${c.label} (1 seed)`,
      data: pts((t) => mean[t]!),
      borderColor: color,
      backgroundColor: color,
      borderWidth: 2.5,
      pointRadius: mean.length <= 40 ? 3 : 0,
      fill: false,
    });
  });
  if (o.target) datasets.push(targetLine(o.target.label, o.target.value, xmin, xmax, '#555555'));
  const config = {
    type: 'line',
    data: { datasets },
    options: {
      scales: { x: axis({ title: o.xLabel ?? 'iteration', min: xmin, max: xmax }), y: axis({ title: o.yLabel ?? 'return' }) },
      plugins: { ...plugins(o.title ?? 'Learning curve', (label) => !/ [+−]σ$/.test(label)), filler: { propagate: false } },
    },
  } as unknown as ChartConfiguration;
  return config;
}
