// Inner-solver convergence: per iteration i the mean μ_i and standard deviation σ_i of the objective over the
// N candidate samples, and the best sample min_j f(x_j), for one problem b of the batch (SolverTrace from
// src/solvers/types.ts, arrays [iters][B]). Several solvers can be compared on one chart.
import type { ChartConfiguration } from 'chart.js';
import type { SolverTrace } from '../solvers/types.ts';
import { renderChart, type ChartSize } from './renderer.ts';
import { axis, colorAt, plugins, withAlpha } from './style.ts';

export interface SolverTraceOptions extends ChartSize {
  traces: Array<{ label: string; trace: SolverTrace }>;
  /** Which problem of the batch to show (default 0). */
  batchIndex?: number;
  logY?: boolean;
  title?: string;
}

/** Column b of `[iters][B]`, with a clear error when b is out of range. */
function column(name: string, m: number[][], b: number): number[] {
  return m.map((row, i) => {
    const v = row[b];
    if (v === undefined) throw new Error(`plotSolverTrace: ${name}[${i}] has ${row.length} batch entries; batchIndex ${b} is out of range`);
    if (!Number.isFinite(v)) throw new Error(`plotSolverTrace: ${name}[${i}][${b}] is ${v}; traces must be finite`);
    return v;
  });
}

export function plotSolverTrace(o: SolverTraceOptions): Buffer {
  return renderChart(solverTraceChart(o), o);
}

/** The chart.js configuration of `plotSolverTrace` (also drawn live on a browser canvas). */
export function solverTraceChart(o: SolverTraceOptions): ChartConfiguration {
  if (!Array.isArray(o.traces) || o.traces.length === 0) throw new Error('plotSolverTrace: traces must be a non-empty array of { label, trace }');
  const b = o.batchIndex ?? 0;
  const datasets: Record<string, unknown>[] = [];
  o.traces.forEach(({ label, trace }, k) => {
    if (!trace || !Array.isArray(trace.mean) || !Array.isArray(trace.std)) {
      throw new Error(`plotSolverTrace: traces[${k}] ("${label}").trace must be a SolverTrace { mean, std, best } of [iters][B]`);
    }
    const mu = column(`traces[${k}].trace.mean`, trace.mean, b);
    const sd = column(`traces[${k}].trace.std`, trace.std, b);
    const best = Array.isArray(trace.best) && trace.best.length ? column(`traces[${k}].trace.best`, trace.best, b) : undefined;
    const it = mu.map((_, i) => i + 1);
    const color = colorAt(k);
    const floor = o.logY ? Math.min(...mu.filter((v) => v > 0), ...(best ?? []).filter((v) => v > 0)) / 10 : -Infinity;
    const band = { borderWidth: 0, pointRadius: 0, borderColor: 'transparent', backgroundColor: withAlpha(color, 0.18) };
    datasets.push({ label: `${label} +σ`, data: it.map((x, i) => ({ x, y: mu[i]! + sd[i]! })), fill: '+1', ...band });
    datasets.push({ label: `${label} −σ`, data: it.map((x, i) => ({ x, y: Math.max(floor, mu[i]! - sd[i]!) })), fill: false, ...band });
    datasets.push({ label: `${label}: mean ± σ over samples`, data: it.map((x, i) => ({ x, y: mu[i]! })), borderColor: color, backgroundColor: color, borderWidth: 2.5, pointRadius: 3 });
    if (best) {
      datasets.push({ label: `${label}: best sample`, data: it.map((x, i) => ({ x, y: best[i]! })), borderColor: color, backgroundColor: color, borderDash: [6, 4], borderWidth: 2, pointRadius: 2 });
    }
  });
  const config = {
    type: 'line',
    data: { datasets },
    options: {
      scales: { x: axis({ title: 'iteration' }), y: axis({ title: 'objective f(x)', type: o.logY ? 'logarithmic' : 'linear' }) },
      plugins: { ...plugins(o.title ?? `Solver trace (problem ${b})`, (l) => !/ [+−]σ$/.test(l)), filler: { propagate: false } },
    },
  } as unknown as ChartConfiguration;
  return config;
}
