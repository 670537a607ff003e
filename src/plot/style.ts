// The shared look of every chart: a colour-blind-safe categorical palette (Okabe & Ito, 2008), axis, title
// and legend options with readable sizes, dashed target lines, and input checks for numeric series that name
// the offending field.

/** Okabe–Ito palette (black last). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];

export function colorAt(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/** `#rrggbb` → `rgba(r, g, b, alpha)`. */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  return `rgba(${parseInt(m[1]!, 16)}, ${parseInt(m[2]!, 16)}, ${parseInt(m[3]!, 16)}, ${alpha})`;
}

export interface AxisSpec {
  title: string;
  type?: 'linear' | 'logarithmic';
  min?: number;
  max?: number;
  /** Integer ticks only (episode indices). */
  integer?: boolean;
}

/** A linear/log axis with a title and light grid. */
export function axis(spec: AxisSpec): Record<string, unknown> {
  return {
    type: spec.type ?? 'linear',
    min: spec.min,
    max: spec.max,
    title: { display: true, text: spec.title, font: { size: 15 } },
    grid: { color: '#e6e6e6' },
    ticks: { font: { size: 13 }, ...(spec.integer ? { precision: 0, callback: (v: number | string) => (Number.isInteger(Number(v)) ? String(v) : '') } : {}), ...(spec.type === 'logarithmic' ? { callback: (v: number | string) => logTick(Number(v)) } : {}) },
  };
}

/** Log-axis tick label: only 1, 2 and 5 × 10^k, without trailing zeros; '' hides the others. */
export function logTick(v: number): string {
  if (!(v > 0)) return '';
  const e = Math.floor(Math.log10(v) + 1e-9);
  const m = v / 10 ** e;
  const r = Math.round(m);
  if (Math.abs(m - r) > 1e-6 || ![1, 2, 5].includes(r)) return '';
  return Math.abs(e) >= 4 ? `${r}e${e}` : String(Number(v.toPrecision(6)));
}

/** Title, legend and layout plugins options. `legendFilter` hides legend items (e.g. band edges); it must be pure. */
export function plugins(title: string | undefined, legendFilter?: (label: string, datasetIndex: number) => boolean): Record<string, unknown> {
  return {
    title: { display: Boolean(title), text: title ?? '', font: { size: 18, weight: 'bold' }, padding: { top: 6, bottom: 10 } },
    legend: {
      display: true,
      position: 'top',
      labels: {
        font: { size: 13 },
        boxWidth: 28,
        // legend in dataset order, whatever the drawing order (`order`) of markers drawn on top
        sort: (a: { datasetIndex?: number }, b: { datasetIndex?: number }) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0),
        ...(legendFilter ? { filter: (item: { text: string; datasetIndex?: number }) => legendFilter(item.text, item.datasetIndex ?? -1) } : {}),
      },
    },
  };
}

/** Checks a numeric series: array-like of finite numbers (NaN allowed only when `gaps`); returns a plain array. */
export function series(name: string, v: unknown, opts: { gaps?: boolean; length?: number } = {}): number[] {
  if (!(Array.isArray(v) || ArrayBuffer.isView(v))) {
    throw new Error(`${name}: expected an array of numbers (got ${v === null ? 'null' : typeof v})`);
  }
  const arr = Array.from(v as ArrayLike<number>);
  if (opts.length !== undefined && arr.length !== opts.length) {
    throw new Error(`${name}: expected ${opts.length} values to match the x axis but got ${arr.length}`);
  }
  arr.forEach((x, i) => {
    if (typeof x !== 'number' || (!Number.isFinite(x) && !(opts.gaps && Number.isNaN(x)))) {
      throw new Error(`${name}[${i}] is ${String(x)}; values must be finite numbers${opts.gaps ? ' (NaN marks a gap)' : ''}`);
    }
  });
  return arr;
}

/** x/y pairs for chart.js, NaN becoming null (a gap in the line). */
export function points(x: readonly number[], y: readonly number[]): Array<{ x: number; y: number | null }> {
  return y.map((v, i) => ({ x: x[i]!, y: Number.isNaN(v) ? null : v }));
}

/**
 * Breaks a line of a periodic quantity (an angle, `period` 2π) where it wraps: between consecutive points whose
 * values differ by more than half a period a gap point (y null) is inserted, so the chart shows two line ends
 * at ±π instead of a vertical stroke across the plot.
 */
export function breakWraps<P extends { x: number; y: number | null }>(pts: P[], period: number | undefined): Array<P | { x: number; y: null }> {
  if (period === undefined) return pts;
  if (!(period > 0)) throw new Error(`breakWraps: period must be a positive number (got ${period})`);
  const out: Array<P | { x: number; y: null }> = [];
  pts.forEach((p, i) => {
    const q = pts[i - 1];
    if (q && q.y !== null && p.y !== null && Math.abs(p.y - q.y) > period / 2) out.push({ x: (p.x + q.x) / 2, y: null });
    out.push(p);
  });
  return out;
}

/** 0, dt, 2 dt, … (n values). */
export function timeAxis(n: number, dt = 1, t0 = 0): number[] {
  return Array.from({ length: n }, (_, i) => t0 + i * dt);
}

/** A dashed horizontal line dataset across [x0, x1] (a target or a reference level). */
export function targetLine(label: string, value: number, x0: number, x1: number, color = '#555555'): Record<string, unknown> {
  if (!Number.isFinite(value)) throw new Error(`target "${label}": value must be a finite number (got ${value})`);
  return {
    label,
    data: [{ x: x0, y: value }, { x: x1, y: value }],
    borderColor: color,
    backgroundColor: color,
    borderDash: [8, 5],
    borderWidth: 2,
    pointRadius: 0,
    fill: false,
    order: -1, // drawn over the data, so a trace sitting on its target does not hide it
  };
}
