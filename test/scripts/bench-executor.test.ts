// `diffmpc bench executor --quick`: runs inline, threads × 1 and × 2, bullmq × 1 and × 2 worker processes
// (a private redis-server) on the same sweep, and the bullmq cost per ping job; saves JSON whose rows carry
// the load and whose results were bit-identical across the executors (no timing assertions: the machine
// is shared).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExecutorBench } from '../../scripts/bench-executor.ts';

describe('bench executor', () => {
  it('saves throughput ratios per worker count and records identical results', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-executor-test-'));
    const file = await runExecutorBench({ backends: ['wasm'], quick: true, outDir: out });
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(path.basename(file)).toBe('executor.json');
    expect(json.meta.identical).toBe(true);
    expect(json.meta.loadavg).toHaveLength(3);
    // the machine's own two-thread scaling on a pure-JS loop, measured beside the executors
    expect(json.meta.twoThreadCeiling).toBeGreaterThan(0.5);
    expect(json.meta.twoThreadCeiling).toBeLessThan(4);
    const summary = json.rows.filter((r: Record<string, unknown>) => r.round === undefined);
    const ratios = summary.filter((r: Record<string, unknown>) => r['vs inline'] !== undefined);
    // with a fresh worker bundle the threads load it, and a second `threads × 2` row loads the sources
    const code = json.meta.workerBundle ? 'bundle' : 'sources';
    expect(ratios.map((r: Record<string, unknown>) => [r.executor, r.workers, r.code])).toEqual([['inline', 1, ''], ['threads', 1, code], ['threads', 2, code], ...(json.meta.workerBundle ? [['threads', 2, 'sources']] : []), ['bullmq', 1, undefined], ['bullmq', 2, undefined]]);
    for (const r of ratios.filter((r: Record<string, unknown>) => r.executor === 'threads')) expect(r['median cpu s pool start']).toBeGreaterThan(0);
    for (const r of ratios) expect(Number.isFinite(r['vs inline']) && r['vs inline'] > 0).toBe(true);
    const overhead = summary.find((r: Record<string, unknown>) => r['ms per job (steady)'] !== undefined);
    for (const k of ['ms per job (steady)', 'ms per job (mean)', 'ms submit→result (1-job run)']) expect(Number.isFinite(overhead[k]) && overhead[k] > 0, k).toBe(true);
    for (const r of json.rows.filter((r: Record<string, unknown>) => r.round !== undefined)) expect(typeof r.load).toBe('number');
  }, 300_000);
});
