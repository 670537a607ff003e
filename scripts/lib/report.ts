// Benchmark reporting: aligned text tables on stdout and the same rows saved as JSON (atomically).
import path from 'node:path';
import { writeJsonAtomic } from '../../src/tensor/files.ts';

export type Row = Record<string, string | number | boolean | null>;

/** Formats rows as an aligned text table with the given column order. */
export function formatTable(rows: Row[], columns?: string[]): string {
  if (rows.length === 0) return '(no rows)';
  const cols = columns ?? Object.keys(rows[0]!);
  const cell = (v: unknown): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v ?? ''));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padStart(widths[i]!)).join('  ');
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n');
}

/** Prints the table and writes `{ name, date, meta, rows }` to `<dir>/<name>.json`; returns the path. */
export function saveReport(name: string, rows: Row[], meta: Record<string, unknown> = {}, dir = 'bench-results'): string {
  const file = path.resolve(dir, `${name}.json`);
  writeJsonAtomic(file, { name, date: new Date().toISOString(), meta, rows });
  return file;
}

/** Median wall time (ms) of `fn` over `reps` runs after `warmup` runs. */
export async function timeMs(fn: () => unknown | Promise<unknown>, reps = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)]!;
}
