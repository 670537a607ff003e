// The learned energy landscape of energy-based regression (src/train/energy-regression.ts) as a PNG: a heatmap
// of E_θ(x, y) on a grid, normalized per column x to ẽ(x, y) = (E − min_y E) / (max_y E − min_y E) so that
// each column's minimizer shows as its darkest cell, with the ground truth y = x·sin x, the prediction
// ŷ(x) = argmin_y E_θ(x, y) computed by the solver, and the training points drawn on top. The heatmap is a
// scatter of square points coloured by a viridis ramp (piecewise-linear through 5 anchors of matplotlib's
// viridis), one point per grid cell.
import type { ChartConfiguration } from 'chart.js';
import { renderChart, type ChartSize } from './renderer.ts';
import { axis, plugins, series } from './style.ts';

const VIRIDIS: Array<[number, number, number]> = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** Viridis colour for t ∈ [0, 1] (clamped). */
export function viridis(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 1)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - i;
  const c = VIRIDIS[i]!.map((a, k) => Math.round(a + f * (VIRIDIS[i + 1]![k]! - a)));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

export interface EnergyLandscapeOptions extends ChartSize {
  /** Grid `[nx]` and `[ny]`. */
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  /** E_θ on the grid, row-major `[nx][ny]` (flattened, nx·ny values). */
  energy: ArrayLike<number>;
  /** Predictions ŷ(xs) `[nx]`. */
  yhat: ArrayLike<number>;
  /** Ground truth at xs `[nx]`. */
  truth: ArrayLike<number>;
  /** Training points (optional). */
  trainX?: ArrayLike<number>;
  trainY?: ArrayLike<number>;
  title?: string;
}

/** Per-column min–max normalization of a row-major `[nx][ny]` grid. */
export function normalizeColumns(energy: ArrayLike<number>, nx: number, ny: number): Float64Array {
  const out = new Float64Array(nx * ny);
  for (let i = 0; i < nx; i++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = 0; j < ny; j++) {
      const e = energy[i * ny + j]!;
      lo = Math.min(lo, e);
      hi = Math.max(hi, e);
    }
    for (let j = 0; j < ny; j++) out[i * ny + j] = (energy[i * ny + j]! - lo) / Math.max(hi - lo, 1e-12);
  }
  return out;
}

export function plotEnergyLandscape(o: EnergyLandscapeOptions): Buffer {
  const xs = series('plotEnergyLandscape: xs', o.xs);
  const ys = series('plotEnergyLandscape: ys', o.ys);
  const nx = xs.length;
  const ny = ys.length;
  const energy = series('plotEnergyLandscape: energy', o.energy, { length: nx * ny });
  const yhat = series('plotEnergyLandscape: yhat', o.yhat, { length: nx });
  const truth = series('plotEnergyLandscape: truth', o.truth, { length: nx });
  const width = o.width ?? 700;
  const height = o.height ?? 500;
  const norm = normalizeColumns(energy, nx, ny);
  const cells: Array<{ x: number; y: number }> = [];
  const colors: string[] = [];
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      cells.push({ x: xs[i]!, y: ys[j]! });
      colors.push(viridis(norm[i * ny + j]!));
    }
  }
  // chart.js draws a 'rect' point as a square of side √2·radius: size it to cover one grid step (the chart
  // area is at most ~90% of the canvas), so neighbouring cells overlap slightly instead of leaving gaps
  const cell = Math.max(1, Math.ceil((0.9 * Math.max(width / nx, height / ny)) / Math.SQRT2));
  const yMin = ys[0]!;
  const yMax = ys[ny - 1]!;
  const clampY = (v: number) => Math.min(yMax, Math.max(yMin, v));
  const datasets: Record<string, unknown>[] = [
    {
      type: 'line',
      label: 'ŷ(x) = argmin_y E(x, y)',
      data: xs.map((x, i) => ({ x, y: clampY(yhat[i]!) })),
      borderColor: '#D55E00',
      backgroundColor: '#D55E00',
      borderWidth: 3,
      pointRadius: 0,
      fill: false,
    },
    {
      type: 'line',
      label: 'y = x sin x',
      data: xs.map((x, i) => ({ x, y: truth[i]! })),
      borderColor: '#ffffff',
      backgroundColor: '#ffffff',
      borderWidth: 2,
      borderDash: [6, 4],
      pointRadius: 0,
      fill: false,
    },
  ];
  if (o.trainX && o.trainY) {
    const tx = series('plotEnergyLandscape: trainX', o.trainX);
    const ty = series('plotEnergyLandscape: trainY', o.trainY, { length: tx.length });
    datasets.push({
      type: 'scatter',
      label: 'training points',
      data: tx.map((x, i) => ({ x, y: ty[i]! })),
      pointRadius: 2.5,
      pointBackgroundColor: '#ffffff',
      pointBorderColor: '#000000',
      borderWidth: 1,
    });
  }
  datasets.push({
    type: 'scatter',
    label: 'energy per column (viridis: purple = low, yellow = high)',
    data: cells,
    pointStyle: 'rect',
    pointRadius: cell,
    pointHoverRadius: cell,
    pointBackgroundColor: colors,
    pointBorderWidth: 0,
    backgroundColor: viridis(0.1),
    borderColor: viridis(0.1),
  });
  const config = {
    type: 'scatter',
    data: { datasets },
    options: {
      scales: {
        x: axis({ title: 'x', min: xs[0]!, max: xs[nx - 1]! }),
        y: axis({ title: 'y', min: yMin, max: yMax }),
      },
      plugins: plugins(o.title ?? 'Learned energy E_θ(x, y)'),
    },
  } as unknown as ChartConfiguration;
  return renderChart(config, { width, height });
}
