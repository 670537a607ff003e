// Benchmark of the executors: throughput (jobs per second) of `threads` with 1 and 2 workers relative to
// `inline`, on one 10-seed Pendulum-v1 quality sweep (dcem preset, 200 steps, analytic physics; --quick: 4
// seeds of 50 steps), all measured in one run, one after another, each into a fresh sweep directory. Every
// executor must return bit-identical results for the same seeds; the JSON records whether they did and the
// machine load per row. DESIGN.md target: threads with 2 workers ≥ 1.8× inline on 2 cores.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../src/tensor/backend.ts';
import { registerBenchSuite } from './lib/bench-suites.ts';
import { machineLoad, machineMeta } from './lib/machine-load.ts';
import { formatTable, saveReport, type Row } from './lib/report.ts';
import { planSweep, sweepSchema } from './lib/sweep-config.ts';
import { readSweepRecords, runSweep, type ExecutorName } from './lib/sweep-run.ts';
import './lib/sweep-jobs.ts';

export const EXECUTOR_TARGET = { threads2Ratio: 1.8 } as const;

export async function runExecutorBench(opts: { backends: string[]; quick: boolean; outDir: string }): Promise<string> {
  const backend = await initBackend(opts.backends.includes('wasm') ? 'wasm' : opts.backends[0]);
  const seeds = opts.quick ? 4 : 10;
  const steps = opts.quick ? 50 : 200;
  const config = sweepSchema.parse({ grid: { env: 'Pendulum-v1', physics: 'analytic', solver: 'dcem' }, seeds, maxEpisodeSteps: steps });
  const plan = planSweep(config, '(bench executor)');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-executor-'));
  const runs: Array<{ executor: ExecutorName; workers?: number }> = [{ executor: 'inline' }, { executor: 'threads', workers: 1 }, { executor: 'threads', workers: 2 }];
  const rows: Row[] = [];
  const results: string[] = [];
  let inlineRate = 0;
  try {
    for (const [i, r] of runs.entries()) {
      const dir = path.join(tmp, `run${i}`);
      const t0 = performance.now();
      const out = await runSweep(plan, dir, { executor: r.executor, backend: backend.name, log: () => {}, ...(r.workers ? { workers: r.workers } : {}) });
      const s = (performance.now() - t0) / 1000;
      if (out.failed.length) throw new Error(`bench executor: ${out.failed.length} job(s) failed under ${r.executor}: ${out.failed[0]!.error?.message}`);
      const rate = plan.jobs.length / s;
      if (r.executor === 'inline') inlineRate = rate;
      const recs = readSweepRecords(dir).sort((a, b) => a.id.localeCompare(b.id));
      results.push(JSON.stringify(recs.map((x) => [x.id, x.result])));
      rows.push({
        executor: r.executor,
        workers: r.workers ?? 1,
        jobs: plan.jobs.length,
        's total': Number(s.toFixed(2)),
        'jobs/s': Number(rate.toFixed(3)),
        'vs inline': Number((rate / inlineRate).toFixed(3)),
        'identical to inline': results[i] === results[0],
        load: machineLoad(),
      });
      console.error(formatTable([rows.at(-1)!]));
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(formatTable(rows));
  const two = rows.find((r) => r.executor === 'threads' && r.workers === 2)!;
  console.log(`threads × 2 / inline = ${two['vs inline']} (target ≥ ${EXECUTOR_TARGET.threads2Ratio} on 2 cores); results identical: ${rows.every((r) => r['identical to inline'])}`);
  return saveReport('executor', rows, { backend: backend.name, quick: opts.quick, seeds, steps, cell: plan.cells[0], target: EXECUTOR_TARGET, ...machineMeta() }, opts.outDir);
}

registerBenchSuite({
  name: 'executor',
  summary: 'sweep throughput of threads (1 and 2 workers) vs inline on a 10-seed Pendulum-v1 sweep (target ≥ 1.8× with 2), results bit-identical',
  run: runExecutorBench,
});
