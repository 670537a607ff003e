// Benchmark of the executors on one Pendulum-v1 quality sweep (the dcem and novas presets of `bench quality`,
// analytic physics, 10 seeds of 200 steps = 20 jobs; --quick: dcem, 4 seeds of 50 steps, one round):
//   inline, threads × 1 and × 2: throughput relative to inline, two rounds (the machine is shared: a round's
//     ratio shows the noise; the ratio of the median times is reported). Throughput counts the whole sweep,
//     thread start included; `s pool start` is the time until the last thread had loaded its modules and
//     backend (`cpu s pool start` the CPU time all threads spent on it, less noisy under load), and `jobs/s
//     after start` leaves it out (a warm pool). `code` is what the threads loaded: the worker bundle
//     (scripts/lib/compiled-worker.ts) or the sources; with a fresh bundle, a `threads × 2` row on the
//     sources runs too, for the start-up cost side by side. `cores used` is this process's CPU time over wall
//     time (all threads): below the worker count, other processes took the cores.
//   bullmq × 1, 2, 4 (and × 1, 2 with --quick): the same sweep through a private redis-server on loopback,
//     served by that many `diffmpc worker` processes started (warm) before the sweep; and its own cost per
//     job: `ping` jobs (they return at once) through one worker, the median time between consecutive
//     results of one run (steady state) and the median submit → result time of a one-job run (connecting
//     included). Skipped, with a note, when redis-server is not installed.
//   ceiling: the machine's own two-core scaling, the same pure-JS float loop (no tfjs, no jobs) in one thread
//     and in two at once: the throughput ratio no executor can beat on these cores.
// Every executor must return bit-identical results for the same seeds; the JSON records whether they did
// and the load per row. DESIGN.md targets: threads × 2 ≥ 1.8× inline on 2 cores; bullmq < 20 ms per job.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { lastValueFrom, toArray } from 'rxjs';
import { BullmqExecutor } from '../src/exec/bullmq.ts';
import { PING_COMMAND } from '../src/exec/ping.ts';
import type { JobSpec } from '../src/exec/job.ts';
import { initBackend } from '../src/tensor/backend.ts';
import { JOB_RUNNERS_ENTRY } from './api/jobs.ts';
import { threadCode } from './lib/compiled-worker.ts';
import { redisServerBinary, startRedisServer } from './lib/redis-server.ts';
import { spawnWorkers } from './lib/worker-procs.ts';
import { registerBenchSuite } from './lib/bench-suites.ts';
import { machineLoad, machineMeta } from './lib/machine-load.ts';
import { formatTable, saveReport, type Row } from './lib/report.ts';
import { planSweep, sweepSchema } from './lib/sweep-config.ts';
import { readSweepRecords, runSweep, type ExecutorName } from './lib/sweep-run.ts';
import './lib/sweep-jobs.ts';

export const EXECUTOR_TARGET = { threads2Ratio: 1.8, bullmqJobMs: 20 } as const;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : 0.5 * (s[s.length / 2 - 1]! + s[s.length / 2]!);
};

/** A float loop over a 32 KiB array (sin, multiply-add), `n` passes: CPU-bound work with no shared state. */
const CEILING_LOOP = `const { parentPort, workerData: n } = require('node:worker_threads');
let acc = 0; const a = new Float64Array(4096);
for (let k = 0; k < n; k++) for (let i = 0; i < a.length; i++) { a[i] = Math.sin(a[i] + i * 1e-3 + k) * 0.5 + acc * 1e-9; acc += a[i]; }
parentPort.postMessage(acc);`;

/** Wall ms of `threads` threads each running CEILING_LOOP's `n` passes at once. */
function ceilingRun(threads: number, n: number): Promise<number> {
  const t0 = performance.now();
  return Promise.all(Array.from({ length: threads }, () => new Promise<void>((resolve, reject) => {
    const w = new Worker(CEILING_LOOP, { eval: true, workerData: n });
    w.once('message', () => void w.terminate().then(() => resolve()));
    w.once('error', reject);
  }))).then(() => performance.now() - t0);
}

/** The machine's two-thread throughput ratio on CEILING_LOOP: 2·t(1 thread) / t(2 threads), median of rounds. */
async function scalingCeiling(rounds: number): Promise<number> {
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const one = await ceilingRun(1, 3000);
    const two = await ceilingRun(2, 3000);
    ratios.push((2 * one) / two);
  }
  return Number(median(ratios).toFixed(3));
}

export async function runExecutorBench(opts: { backends: string[]; quick: boolean; outDir: string }): Promise<string> {
  const backend = await initBackend(opts.backends.includes('wasm') ? 'wasm' : opts.backends[0]);
  const seeds = opts.quick ? 4 : 10;
  const steps = opts.quick ? 50 : 200;
  const rounds = opts.quick ? 1 : 2;
  const config = sweepSchema.parse({ grid: { env: 'Pendulum-v1', physics: 'analytic', solver: opts.quick ? 'dcem' : ['dcem', 'novas'] }, seeds, maxEpisodeSteps: steps });
  const plan = planSweep(config, '(bench executor)');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-executor-'));
  const bundled = threadCode([JOB_RUNNERS_ENTRY], backend.name).entry !== undefined;
  const variants: Array<{ executor: ExecutorName; workers: number; code: string }> = [
    { executor: 'inline', workers: 1, code: '' },
    { executor: 'threads', workers: 1, code: bundled ? 'bundle' : 'sources' },
    { executor: 'threads', workers: 2, code: bundled ? 'bundle' : 'sources' },
    ...(bundled ? [{ executor: 'threads' as const, workers: 2, code: 'sources' }] : []),
  ];
  const same = (r: Row, v: (typeof variants)[number]) => r.executor === v.executor && r.workers === v.workers && r.code === v.code;
  const bullWorkers = opts.quick ? [1, 2] : [1, 2, 4];
  const rows: Row[] = [];
  const results = new Map<string, string>();
  let bull: { rows: Row[]; overhead?: Row; note?: string } = { rows: [] };
  let ceiling = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      for (const v of variants) {
        const dir = path.join(tmp, `r${round}-${v.executor}-${v.workers}-${v.code}`);
        let ready = 0;
        let startS = 0;
        let startCpu = 0;
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const onThreadReady = () => {
          if (++ready !== v.workers) return;
          startS = (performance.now() - t0) / 1000;
          const c = process.cpuUsage(cpu0);
          startCpu = (c.user + c.system) / 1e6;
        };
        const out = await runSweep(plan, dir, { executor: v.executor, backend: backend.name, log: () => {}, ...(v.executor === 'threads' ? { workers: v.workers, onThreadReady, workerBundle: v.code === 'bundle' } : {}) });
        const s = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        if (out.failed.length) throw new Error(`bench executor: ${out.failed.length} job(s) failed under ${v.executor}: ${out.failed[0]!.error?.message}`);
        const recs = readSweepRecords(dir).sort((a, b) => a.id.localeCompare(b.id));
        results.set(dir, JSON.stringify(recs.map((x) => [x.id, x.result])));
        rows.push({ round, executor: v.executor, workers: v.workers, code: v.code, jobs: plan.jobs.length, 's total': Number(s.toFixed(2)), 's pool start': Number(startS.toFixed(2)), 'cpu s pool start': Number(startCpu.toFixed(2)), 'jobs/s': Number((plan.jobs.length / s).toFixed(3)), 'jobs/s after start': Number((plan.jobs.length / (s - startS)).toFixed(3)), 'cores used': Number(((cpu.user + cpu.system) / 1e6 / s).toFixed(2)), load: machineLoad() });
        console.error(formatTable([rows.at(-1)!]));
      }
    }
    bull = await bullmqRows(plan, tmp, backend.name, bullWorkers, opts.quick, results);
    ceiling = await scalingCeiling(opts.quick ? 3 : 5);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const identical = new Set(results.values()).size === 1;
  const med = (v: (typeof variants)[number], key: string) => median(rows.filter((r) => same(r, v)).map((r) => Number(r[key])));
  const summary: Row[] = variants.map((v) => ({
    executor: v.executor,
    workers: v.workers,
    code: v.code,
    'median s': med(v, 's total'),
    'median s pool start': Number(med(v, 's pool start').toFixed(2)),
    'median cpu s pool start': Number(med(v, 'cpu s pool start').toFixed(2)),
    'vs inline': Number((med(variants[0]!, 's total') / med(v, 's total')).toFixed(3)),
    'vs inline after start': Number((med(variants[0]!, 's total') / (med(v, 's total') - med(v, 's pool start'))).toFixed(3)),
    'round ratios': rows.filter((r) => same(r, v)).map((r) => (Number(rows.find((x) => x.round === r.round && x.executor === 'inline')!['s total']) / Number(r['s total'])).toFixed(2)).join(' '),
    'identical to inline': identical,
  }));
  const inlineS = med(variants[0]!, 's total');
  for (const r of bull.rows) Object.assign(r, { 'vs inline': Number((inlineS / Number(r['s total'])).toFixed(3)), 'identical to inline': identical });
  console.log(formatTable(rows));
  console.log(formatTable([...summary, ...bull.rows]));
  if (bull.overhead) console.log(formatTable([bull.overhead]));
  if (bull.note) console.log(bull.note);
  const two = summary.find((r) => r.executor === 'threads' && r.workers === 2)!;
  const src = bundled ? summary.find((r) => r.executor === 'threads' && r.workers === 2 && r.code === 'sources') : undefined;
  console.log(`threads × 2 / inline = ${two['vs inline']} (${two['vs inline after start']} after pool start; target ≥ ${EXECUTOR_TARGET.threads2Ratio} on 2 cores; this machine's own two-thread ceiling on a pure-JS loop: ${ceiling}; load ${machineLoad()}); results identical across executors and rounds: ${identical}`);
  console.log(`pool start (2 threads, ${two.code}): ${two['median s pool start']} s, ${two['median cpu s pool start']} CPU s${src ? `; on the sources: ${src['median s pool start']} s, ${src['median cpu s pool start']} CPU s` : ' (no fresh worker bundle: npm run build writes it)'}`);
  if (bull.overhead) console.log(`bullmq per job: ${bull.overhead['ms per job (steady)']} ms steady, ${bull.overhead['ms submit→result (1-job run)']} ms for a one-job run (target < ${EXECUTOR_TARGET.bullmqJobMs} ms)`);
  return saveReport('executor', [...summary, ...bull.rows, ...(bull.overhead ? [bull.overhead] : []), ...rows], { backend: backend.name, workerBundle: bundled, twoThreadCeiling: ceiling, quick: opts.quick, seeds, steps, rounds, identical, cells: plan.cells, jobs: plan.jobs.length, target: EXECUTOR_TARGET, ...(bull.note ? { bullmq: bull.note } : {}), ...machineMeta() }, opts.outDir);
}

/**
 * The bullmq rows: the sweep through `n` warm worker processes for each n of `counts` (results added to
 * `results` for the identity check), then the per-job cost on `ping` jobs through one worker.
 */
async function bullmqRows(plan: ReturnType<typeof planSweep>, tmp: string, backend: string, counts: number[], quick: boolean, results: Map<string, string>): Promise<{ rows: Row[]; overhead?: Row; note?: string }> {
  try {
    redisServerBinary();
  } catch (e) {
    return { rows: [], note: `bullmq rows skipped: ${(e as Error).message}` };
  }
  const redis = await startRedisServer();
  const rows: Row[] = [];
  try {
    let overhead: Row | undefined;
    for (const n of counts) {
      const queue = `bench-${n}`;
      const w = spawnWorkers(n, { redis: redis.url, queue, backend });
      try {
        await w.ready;
        const dir = path.join(tmp, `bullmq-${n}`);
        const t0 = performance.now();
        const out = await runSweep(plan, dir, { executor: 'bullmq', redis: redis.url, queue, backend, log: () => {} });
        const s = (performance.now() - t0) / 1000;
        if (out.failed.length) throw new Error(`bench executor: ${out.failed.length} job(s) failed under bullmq: ${out.failed[0]!.error?.message}`);
        const recs = readSweepRecords(dir).sort((a, b) => a.id.localeCompare(b.id));
        results.set(dir, JSON.stringify(recs.map((x) => [x.id, x.result])));
        rows.push({ executor: 'bullmq', workers: n, 'median s': Number(s.toFixed(2)), 's total': Number(s.toFixed(2)), 'jobs/s': Number((plan.jobs.length / s).toFixed(3)), load: machineLoad() });
        console.error(formatTable([rows.at(-1)!]));
        if (n === 1) overhead = await pingOverhead(redis.url, queue, quick);
      } finally {
        await w.stop();
      }
    }
    return { rows, ...(overhead ? { overhead } : {}) };
  } finally {
    await redis.dispose();
  }
}

/** Median ms between consecutive results of a run of ping jobs (one worker), and median submit → result of one-job runs. */
async function pingOverhead(url: string, queue: string, quick: boolean): Promise<Row> {
  const n = quick ? 50 : 200;
  const jobs: JobSpec[] = Array.from({ length: n }, (_, i) => ({ id: `ping-${i}`, command: PING_COMMAND, config: { i }, seed: i }));
  const times: number[] = [];
  await lastValueFrom(new BullmqExecutor({ redis: url, queue, log: () => {} }).run(jobs.slice(0, 10)).pipe(toArray())); // warm-up
  await new Promise<void>((resolve, reject) => new BullmqExecutor({ redis: url, queue, log: () => {} }).run(jobs).subscribe({ next: () => times.push(performance.now()), error: reject, complete: resolve }));
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  const single: number[] = [];
  for (let i = 0; i < (quick ? 5 : 20); i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => new BullmqExecutor({ redis: url, queue, log: () => {} }).run([{ id: 'one', command: PING_COMMAND, config: {}, seed: i }]).subscribe({ next: () => single.push(performance.now() - t0), error: reject, complete: resolve }));
  }
  return { executor: 'bullmq', workers: 1, 'ping jobs': n, 'ms per job (steady)': Number(median(gaps).toFixed(2)), 'ms per job (mean)': Number(((times.at(-1)! - times[0]!) / (n - 1)).toFixed(2)), 'ms submit→result (1-job run)': Number(median(single).toFixed(2)), load: machineLoad() };
}

registerBenchSuite({
  name: 'executor',
  summary: 'sweep throughput of threads (1, 2 workers) and bullmq (1, 2, 4 worker processes) vs inline on a 10-seed Pendulum-v1 quality sweep (target ≥ 1.8× with 2 threads), bullmq cost per job (target < 20 ms), results bit-identical',
  run: runExecutorBench,
});
