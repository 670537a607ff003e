// Running a sweep into its directory <out>/<name>/:
//   sweep.json        the config and its cells (rewritten on every run)
//   sweep.jsonl       one line per finished job (cell × seed): { id, cell, seed, ok, result | error, attempts, ms }
//   cells/<job id>/   a run directory per finished job: config.json + metrics.jsonl (one record per episode)
//   summary.json      per cell: mean ± std and the 95 % interval over seeds (scripts/lib/seed-stats.ts)
//   summary.png       each seed's return per cell with the mean ± σ band
//   sweep.lock        the pid of the process running the sweep (a second one is refused)
// A job's run directory is written before its sweep.jsonl line, and the line is what marks it finished: a run
// killed in between re-runs that job (overwriting its directory), so a re-run of the same sweep skips exactly
// the finished jobs and records each once. A torn last line (a kill during the append) is cut off.
import fs from 'node:fs';
import path from 'node:path';
import { lastValueFrom, tap } from 'rxjs';
import { createHash } from 'node:crypto';
import { redactRedisUrl } from '../../src/exec/bullmq-protocol.ts';
import type { Executor } from '../../src/exec/executor.ts';
import type { JobResult, JobSpec } from '../../src/exec/job.ts';
import { createExecutor } from './executor-options.ts';
import { appendJsonl, readJsonlRecords, truncateFile, writeFileAtomic, writeJsonAtomic } from '../../src/tensor/files.ts';
import { RunDir } from '../../src/train/run-dir.ts';
import { formatTable, type Row } from './report.ts';
import { seedStats, type SeedStats } from './seed-stats.ts';
import { plotSeedBands } from './sweep-plot.ts';
import type { SweepPlan } from './sweep-config.ts';
import type { ControlEpisodesResult } from './sweep-jobs.ts';

/** A registered executor kind (scripts/lib/executor-options.ts: inline, threads, bullmq). */
export type ExecutorName = string;

export interface SweepOptions {
  executor: ExecutorName;
  /** Pool size of `threads`. */
  workers?: number;
  retries?: number;
  /** Concrete backend name (each thread loads the same, so results match the inline run). */
  backend: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Limit of one job attempt under `threads` (the thread is terminated, the attempt fails). */
  timeoutMs?: number;
  /** Called when a pool thread is ready (threads only). */
  onThreadReady?: () => void;
  /** false: pool threads load the sources, never the worker bundle (threads only; default true). */
  workerBundle?: boolean;
  /** Module URLs (user envs, solvers, presets) each pool thread imports besides the sweep runners. */
  modules?: readonly string[];
  /** Redis of `bullmq` (redis://HOST:PORT) and the queue its workers serve. */
  redis?: string;
  queue?: string;
  /** Run key of `bullmq` results in Redis (default: derived from the sweep directory, so a re-run finds them). */
  run?: string;
}

/** The Redis run key of a sweep directory: its name and a hash of its absolute path. */
export function sweepRunKey(dir: string): string {
  const abs = path.resolve(dir);
  return `sweep-${path.basename(abs).replace(/[^\w.-]/g, '-').slice(0, 80)}-${createHash('sha256').update(abs).digest('hex').slice(0, 10)}`;
}

export interface SweepRecord {
  id: string;
  cell: string;
  seed: number;
  ok: boolean;
  result?: ControlEpisodesResult;
  error?: { message: string };
  attempts: number;
  ms: number;
  executor: string;
  time: string;
}

export interface CellSummary {
  cell: string;
  settings: SweepPlan['cells'][number]['settings'];
  seeds: number;
  finished: number;
  failed: number;
  /** Over seeds, of each seed's mean episode return; undefined while no seed has finished. */
  stats?: SeedStats;
}

/** The sweep's executor, built by the shared executor selection (pool threads import the job-runner entry and `modules`). */
export function makeExecutor(o: Pick<SweepOptions, 'executor' | 'workers' | 'retries' | 'backend' | 'signal' | 'modules' | 'timeoutMs' | 'onThreadReady' | 'workerBundle' | 'redis' | 'queue' | 'run' | 'log'>): Executor {
  const values = { ...(o.workers !== undefined ? { workers: o.workers } : {}), ...(o.redis ? { redis: o.redis } : {}), ...(o.queue ? { queue: o.queue } : {}) };
  return createExecutor(
    { name: o.executor, values },
    {
      backend: o.backend,
      modules: o.modules ?? [],
      ...(o.retries !== undefined ? { retries: o.retries } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      ...(o.onThreadReady ? { onThreadReady: o.onThreadReady } : {}),
      ...(o.workerBundle !== undefined ? { workerBundle: o.workerBundle } : {}),
      ...(o.run ? { run: o.run } : {}),
      ...(o.log ? { log: o.log } : {}),
    },
  );
}

/** The records of sweep.jsonl (a torn last line is cut off, with a note). */
export function readSweepRecords(dir: string, log: (s: string) => void = (s) => process.stderr.write(s + '\n')): SweepRecord[] {
  const f = path.join(dir, 'sweep.jsonl');
  const m = readJsonlRecords<SweepRecord>(f);
  if (m.tornBytes > 0) {
    log(`note: ${f}: dropping a torn last line (${m.tornBytes} bytes, from a write interrupted by a kill)`);
    truncateFile(f, m.ends[m.ends.length - 1] ?? 0);
  }
  return m.records;
}

const seedValue = (r: ControlEpisodesResult): number => r.episodes.reduce((a, e) => a + e.return, 0) / r.episodes.length;

/** Per cell of the plan: seeds finished and failed (the last record of a job counts) and the stats over seeds. */
export function summarize(plan: SweepPlan, records: readonly SweepRecord[]): CellSummary[] {
  const last = new Map<string, SweepRecord>();
  for (const r of records) if (!last.get(r.id)?.ok) last.set(r.id, r); // a finished job stays finished
  return plan.cells.map((c) => {
    const rs = plan.seeds.map((s) => last.get(`${c.key}-s${s}`)).filter((r): r is SweepRecord => r !== undefined);
    const ok = rs.filter((r) => r.ok);
    return {
      cell: c.key,
      settings: c.settings,
      seeds: plan.seeds.length,
      finished: ok.length,
      failed: rs.length - ok.length,
      ...(ok.length ? { stats: seedStats(ok.map((r) => seedValue(r.result!))) } : {}),
    };
  });
}

export function summaryRows(cells: CellSummary[]): Row[] {
  const f = (x: number | null | undefined) => (x === null || x === undefined ? '-' : x.toFixed(1));
  return cells.map((c, i) => ({
    '#': i + 1,
    env: c.settings.env,
    physics: c.settings.physics,
    solver: c.settings.solver,
    H: c.settings.horizon,
    N: c.settings.samples,
    iters: c.settings.iterations,
    solverConfig: JSON.stringify(c.settings.solverConfig),
    seeds: `${c.finished}/${c.seeds}`,
    failed: c.failed,
    'mean ± std': c.stats ? `${f(c.stats.mean)} ± ${f(c.stats.std)}` : '-',
    '95% interval': c.stats?.ci95 ? `[${f(c.stats.ci95[0])}, ${f(c.stats.ci95[1])}]` : '-',
  }));
}

/** summary.png: the seeds' returns per cell with the mean ± σ band (scripts/lib/sweep-plot.ts). */
function plotSummary(plan: SweepPlan, records: readonly SweepRecord[], file: string): boolean {
  const ok = new Map(records.filter((r) => r.ok).map((r) => [r.id, seedValue(r.result!)]));
  const cells = plan.cells.map((c) => ({ label: c.key, values: plan.seeds.flatMap((s) => (ok.has(`${c.key}-s${s}`) ? [ok.get(`${c.key}-s${s}`)!] : [])) }));
  if (cells.every((c) => c.values.length === 0)) return false;
  writeFileAtomic(file, plotSeedBands(cells, `sweep: return per cell over ${plan.seeds.length} seed(s)`));
  return true;
}

export interface SweepOutcome {
  dir: string;
  ran: number;
  skipped: number;
  failed: SweepRecord[];
  cells: CellSummary[];
  files: string[];
}

/**
 * Takes `dir`/sweep.lock (holding this pid) so two processes never run the same sweep at once (each would
 * run the jobs the other has not finished yet). A lock whose process is gone (killed) is taken over.
 */
export function lockSweep(dir: string): () => void {
  const f = path.join(dir, 'sweep.lock');
  for (let tries = 0; tries < 3; tries++) {
    try {
      fs.writeFileSync(f, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(f, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = Number(fs.readFileSync(f, 'utf8'));
    let alive = false;
    try {
      alive = Number.isInteger(pid) && pid > 0 && pid !== process.pid && process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (alive) throw new Error(`${dir}: another sweep (pid ${pid}) is running in this directory; wait for it or stop it (its finished jobs are kept)`);
    fs.rmSync(f, { force: true }); // stale: its process is gone
  }
  throw new Error(`${f}: could not take the lock; remove the file if no sweep is running`);
}

/** Runs the jobs of `plan` not yet finished in `dir`, then writes the summary and plot of the whole sweep. */
export async function runSweep(plan: SweepPlan, dir: string, opts: SweepOptions): Promise<SweepOutcome> {
  fs.mkdirSync(dir, { recursive: true });
  const unlock = lockSweep(dir);
  try {
    return await runUnlocked(plan, dir, opts);
  } finally {
    unlock();
  }
}

async function runUnlocked(plan: SweepPlan, dir: string, opts: SweepOptions): Promise<SweepOutcome> {
  const log = opts.log ?? ((s: string) => console.log(s));
  writeJsonAtomic(path.join(dir, 'sweep.json'), { config: plan.config, seeds: plan.seeds, cells: plan.cells });
  const done = new Set(readSweepRecords(dir, log).filter((r) => r.ok).map((r) => r.id));
  const pending = plan.jobs.filter((j) => !done.has(j.id));
  const byId = new Map<string, JobSpec>(pending.map((j) => [j.id, j]));
  const cellOf = new Map<string, string>(plan.cells.flatMap((c) => plan.seeds.map((s) => [`${c.key}-s${s}`, c.key] as const)));
  log(`sweep: ${plan.cells.length} cell(s) × ${plan.seeds.length} seed(s) = ${plan.jobs.length} jobs; ${done.size ? `${plan.jobs.length - pending.length} already finished, ` : ''}${pending.length} to run (${opts.executor}${opts.executor === 'threads' ? `, ${opts.workers ?? 'one per core'} workers` : ''}${opts.executor === 'bullmq' ? ` on ${redactRedisUrl(opts.redis!)}, queue "${opts.queue ?? 'diffmpc'}"` : ''})`);
  let finished = 0;
  const record = (r: JobResult) => {
    const job = byId.get(r.id)!;
    if (r.ok) {
      const result = r.result as unknown as ControlEpisodesResult;
      const run = RunDir.open(path.join(dir, 'cells'), r.id, { ...(job.config as object), seed: job.seed }, { overwrite: true });
      for (const e of result.episodes) run.log({ kind: 'episode', ...e });
      run.log({ kind: 'summary', meanReturn: seedValue(result), episodes: result.episodes.length, ms: r.ms });
    }
    const rec: SweepRecord = {
      id: r.id,
      cell: cellOf.get(r.id)!,
      seed: job.seed,
      ok: r.ok,
      ...(r.ok ? { result: r.result as unknown as ControlEpisodesResult } : { error: { message: r.error.message } }),
      attempts: r.attempts,
      ms: Math.round(r.ms),
      executor: opts.executor,
      time: new Date().toISOString(),
    };
    appendJsonl(path.join(dir, 'sweep.jsonl'), rec);
    finished++;
    log(`  [${finished}/${pending.length}] ${r.id}: ${r.ok ? `return ${seedValue(rec.result!).toFixed(1)}` : `FAILED after ${r.attempts} attempt(s): ${r.error.message}`} (${(r.ms / 1000).toFixed(1)} s)`);
  };
  if (pending.length > 0) await lastValueFrom(makeExecutor({ run: sweepRunKey(dir), ...opts }).run(pending).pipe(tap(record)), { defaultValue: undefined });
  const records = readSweepRecords(dir, log);
  const cells = summarize(plan, records);
  const files = [path.join(dir, 'sweep.jsonl'), path.join(dir, 'summary.json')];
  writeJsonAtomic(files[1]!, { cells, executor: opts.executor, backend: opts.backend });
  if (plotSummary(plan, records, path.join(dir, 'summary.png'))) files.push(path.join(dir, 'summary.png'));
  log(formatTable(summaryRows(cells)));
  const okIds = new Set(records.filter((r) => r.ok).map((r) => r.id));
  const failed = [...new Map(records.filter((r) => !r.ok && !okIds.has(r.id) && cellOf.has(r.id)).map((r) => [r.id, r])).values()];
  return { dir, ran: finished, skipped: plan.jobs.length - pending.length, failed, cells, files };
}
