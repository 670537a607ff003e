// Benchmark of the executors: throughput (jobs per second) of `threads` with 1 and 2 workers relative to
// `inline`, on one 10-seed Pendulum-v1 quality sweep (dcem preset, 200 steps, analytic physics; --quick: 4
// seeds of 50 steps, one round). The three run in turn, each into a fresh sweep directory, for two rounds
// (the machine is shared: a round's ratio shows the noise, the ratio of the median times is reported).
// Throughput counts the whole sweep, thread start included; `s pool start` is the time until the last thread
// had loaded its modules and backend, and `jobs/s after start` leaves it out. `cores used` is the process's
// CPU time over wall time (all threads): below the worker count, other processes took the cores. Every executor must return
// bit-identical results for the same seeds; the JSON records whether they did and the load per row.
// DESIGN.md target: threads with 2 workers ≥ 1.8× inline on 2 cores.
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

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : 0.5 * (s[s.length / 2 - 1]! + s[s.length / 2]!);
};

export async function runExecutorBench(opts: { backends: string[]; quick: boolean; outDir: string }): Promise<string> {
  const backend = await initBackend(opts.backends.includes('wasm') ? 'wasm' : opts.backends[0]);
  const seeds = opts.quick ? 4 : 10;
  const steps = opts.quick ? 50 : 200;
  const rounds = opts.quick ? 1 : 2;
  const config = sweepSchema.parse({ grid: { env: 'Pendulum-v1', physics: 'analytic', solver: 'dcem' }, seeds, maxEpisodeSteps: steps });
  const plan = planSweep(config, '(bench executor)');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-executor-'));
  const variants: Array<{ executor: ExecutorName; workers: number }> = [{ executor: 'inline', workers: 1 }, { executor: 'threads', workers: 1 }, { executor: 'threads', workers: 2 }];
  const rows: Row[] = [];
  const results = new Map<string, string>();
  try {
    for (let round = 0; round < rounds; round++) {
      for (const v of variants) {
        const dir = path.join(tmp, `r${round}-${v.executor}-${v.workers}`);
        let ready = 0;
        let startS = 0;
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const onThreadReady = () => {
          if (++ready === v.workers) startS = (performance.now() - t0) / 1000;
        };
        const out = await runSweep(plan, dir, { executor: v.executor, backend: backend.name, log: () => {}, ...(v.executor === 'threads' ? { workers: v.workers, onThreadReady } : {}) });
        const s = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        if (out.failed.length) throw new Error(`bench executor: ${out.failed.length} job(s) failed under ${v.executor}: ${out.failed[0]!.error?.message}`);
        const recs = readSweepRecords(dir).sort((a, b) => a.id.localeCompare(b.id));
        results.set(dir, JSON.stringify(recs.map((x) => [x.id, x.result])));
        rows.push({ round, executor: v.executor, workers: v.workers, jobs: plan.jobs.length, 's total': Number(s.toFixed(2)), 's pool start': Number(startS.toFixed(2)), 'jobs/s': Number((plan.jobs.length / s).toFixed(3)), 'jobs/s after start': Number((plan.jobs.length / (s - startS)).toFixed(3)), 'cores used': Number(((cpu.user + cpu.system) / 1e6 / s).toFixed(2)), load: machineLoad() });
        console.error(formatTable([rows.at(-1)!]));
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const identical = new Set(results.values()).size === 1;
  const med = (v: (typeof variants)[number], key: string) => median(rows.filter((r) => r.executor === v.executor && r.workers === v.workers).map((r) => Number(r[key])));
  const summary: Row[] = variants.map((v) => ({
    executor: v.executor,
    workers: v.workers,
    'median s': med(v, 's total'),
    'vs inline': Number((med(variants[0]!, 's total') / med(v, 's total')).toFixed(3)),
    'vs inline after start': Number((med(variants[0]!, 's total') / (med(v, 's total') - med(v, 's pool start'))).toFixed(3)),
    'round ratios': rows.filter((r) => r.executor === v.executor && r.workers === v.workers).map((r) => (Number(rows.find((x) => x.round === r.round && x.executor === 'inline')!['s total']) / Number(r['s total'])).toFixed(2)).join(' '),
    'identical to inline': identical,
  }));
  console.log(formatTable(rows));
  console.log(formatTable(summary));
  const two = summary.find((r) => r.executor === 'threads' && r.workers === 2)!;
  console.log(`threads × 2 / inline = ${two['vs inline']} (target ≥ ${EXECUTOR_TARGET.threads2Ratio} on 2 cores; load ${machineLoad()}); results identical across executors and rounds: ${identical}`);
  return saveReport('executor', [...summary, ...rows], { backend: backend.name, quick: opts.quick, seeds, steps, rounds, identical, cell: plan.cells[0], target: EXECUTOR_TARGET, ...machineMeta() }, opts.outDir);
}

registerBenchSuite({
  name: 'executor',
  summary: 'sweep throughput of threads (1 and 2 workers) vs inline on a 10-seed Pendulum-v1 sweep (target ≥ 1.8× with 2), results bit-identical',
  run: runExecutorBench,
});
