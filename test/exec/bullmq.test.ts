// The BullMQ executor over a real Redis (a private redis-server, append-only with fsync) and real
// `diffmpc worker` processes (cheap runners from fixtures/bullmq-runners.ts): 200 jobs across 4 workers give
// exactly 200 results; a failing job is reported with its error after its bounded attempts; a worker killed
// mid-job (SIGKILL) has its job retried on another worker and recorded once; an attempt that times out and
// returns later does not record a second result; a Redis restart mid-run loses nothing and the run
// completes; SIGTERM stops a worker after its running job and the producer's abort removes its waiting
// jobs; `diffmpc sweep --executor bullmq` records the same results as inline and marks a failing cell.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqExecutor, type BullmqOptions } from '../../src/exec/bullmq.ts';
import { runKeys } from '../../src/exec/bullmq-protocol.ts';
import type { JobResult, JobSpec } from '../../src/exec/job.ts';
import { initBackend } from '../../src/tensor/backend.ts';
import { planSweep, sweepSchema } from '../../scripts/lib/sweep-config.ts';
import { readSweepRecords, runSweep } from '../../scripts/lib/sweep-run.ts';
import '../../scripts/lib/sweep-jobs.ts';
import { REPO_ROOT } from '../helpers/reference.ts';
import { startRedisServer, type RedisServer } from '../helpers/redis.ts';

const FIXTURE = path.join(import.meta.dirname, 'fixtures/bullmq-runners.ts');
const QUEUE = `test-${process.pid}`;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-bullmq-'));

class WorkerProc {
  readonly proc: ChildProcess;
  out = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  constructor(url: string, queue: string) {
    this.proc = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/diffmpc.ts'), 'worker', '--redis', url, '--queue', queue, '--lock', '1.5', '--stalled-check', '0.5', '--import', FIXTURE, '--backend', 'cpu'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (d) => (this.out += d));
    this.proc.stderr!.on('data', (d) => (this.out += d));
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
  }
  get pid(): number {
    return this.proc.pid!;
  }
  async waitFor(re: RegExp, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!re.test(this.out)) {
      if (this.proc.exitCode !== null) throw new Error(`worker exited (${this.proc.exitCode}) before ${re}:\n${this.out}`);
      if (Date.now() > deadline) throw new Error(`worker: no ${re} within ${ms} ms:\n${this.out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function waitUntil(what: string, ok: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let redis: RedisServer;
let client: Redis;
const workers: WorkerProc[] = [];
const startWorker = async (queue = QUEUE) => {
  const w = new WorkerProc(redis.url, queue);
  workers.push(w);
  await w.waitFor(/ready on queue/, 90_000);
  return w;
};
const executor = (o: Partial<BullmqOptions> = {}) => new BullmqExecutor({ redis: redis.url, queue: QUEUE, reconcileMs: 300, log: () => {}, ...o });
const collect = (e: BullmqExecutor, jobs: JobSpec[]): Promise<JobResult[]> => lastValueFrom(e.run(jobs).pipe(toArray()));

beforeAll(async () => {
  redis = await startRedisServer({ persist: true });
  client = new Redis(redis.url, { maxRetriesPerRequest: null });
  client.on('error', () => {});
  await Promise.all([0, 1, 2, 3].map(() => startWorker()));
}, 180_000);

afterAll(async () => {
  for (const w of workers) if (w.proc.exitCode === null) w.proc.kill('SIGKILL');
  client?.disconnect();
  await redis?.dispose();
});

describe('bullmq executor on a real Redis with 4 worker processes', () => {
  it('200 small jobs across 4 workers give exactly 200 results, each recorded once', async () => {
    const jobs: JobSpec[] = Array.from({ length: 200 }, (_, i) => ({ id: `j${i}`, command: 'sum', config: { a: i, b: 1000, delayMs: 5 }, seed: i }));
    const ex = executor({ run: 'two-hundred' });
    const rs = await collect(ex, jobs);
    expect(rs).toHaveLength(200);
    expect(new Set(rs.map((r) => r.id)).size).toBe(200);
    for (const r of rs) expect(r).toMatchObject({ ok: true, attempts: 1, result: { sum: Number(r.id.slice(1)) + 1000, seed: Number(r.id.slice(1)) } });
    const keys = runKeys(QUEUE, 'two-hundred');
    expect(await client.hlen(keys.results)).toBe(200);
    expect(await client.xlen(keys.done)).toBe(200);
    const by = new Set(Object.values(await client.hgetall(keys.results)).map((v) => JSON.parse(v).worker));
    expect(by.size).toBeGreaterThan(1); // served by several processes
  }, 120_000);

  it('a failing job is reported with its error after 1 + retries attempts; the others finish', async () => {
    const d = tmp();
    const counter = path.join(d, 'n');
    const rs = await collect(executor({ retries: 2 }), [
      { id: 'bad', command: 'fail', config: { counter }, seed: 7 },
      { id: 'good', command: 'sum', config: { a: 1, b: 2 }, seed: 0 },
      { id: 'unknown', command: 'no-such-runner', config: {}, seed: 0 },
    ]);
    const by = Object.fromEntries(rs.map((r) => [r.id, r]));
    expect(rs).toHaveLength(3);
    expect(by.bad).toMatchObject({ ok: false, attempts: 3, error: { message: 'fail 7' } });
    expect(fs.readFileSync(counter, 'utf8')).toBe('3');
    expect(by.good).toMatchObject({ ok: true, result: { sum: 3 } });
    expect(by.unknown).toMatchObject({ ok: false, attempts: 3 });
    expect((by.unknown as { error: { message: string } }).error.message).toMatch(/unknown job command "no-such-runner"/);
  }, 60_000);

  it('a worker SIGKILLed mid-job: the job is retried on another worker and recorded once', async () => {
    const marker = path.join(tmp(), 'pids');
    const ex = executor({ run: 'kill' });
    const p = collect(ex, [{ id: 'held', command: 'hold', config: { marker, ms: 2500 }, seed: 0 }]);
    await waitUntil('the job to start', () => fs.existsSync(marker), 30_000);
    const first = Number(fs.readFileSync(marker, 'utf8').trim());
    const victim = workers.find((w) => w.pid === first)!;
    expect(victim).toBeDefined();
    victim.proc.kill('SIGKILL');
    const rs = await p;
    const pids = fs.readFileSync(marker, 'utf8').trim().split('\n').map(Number);
    expect(pids).toHaveLength(2);
    expect(pids[1]).not.toBe(first);
    expect(rs).toEqual([expect.objectContaining({ id: 'held', ok: true, attempts: 2, result: { pid: pids[1] } })]);
    const keys = runKeys(QUEUE, 'kill');
    expect(await client.xlen(keys.done)).toBe(1);
    workers.splice(workers.indexOf(victim), 1);
    await startWorker(); // back to 4
  }, 150_000);

  it('an attempt that times out and returns later does not record a second result', async () => {
    const counter = path.join(tmp(), 'n');
    const ex = executor({ run: 'late', timeoutMs: 400, retries: 1 });
    const rs = await collect(ex, [{ id: 'slow', command: 'late', config: { counter, slowMs: 1500 }, seed: 0 }]);
    expect(rs).toEqual([expect.objectContaining({ id: 'slow', ok: true, attempts: 2, result: { attempt: 2 } })]);
    // the first attempt returns ~1.1 s later and offers its result; it is refused
    await waitUntil('the late result to be offered', () => workers.some((w) => /slow: result after its timeout dropped/.test(w.out)), 20_000);
    const keys = runKeys(QUEUE, 'late');
    expect(await client.xlen(keys.done)).toBe(1);
    expect(JSON.parse((await client.hget(keys.results, 'slow'))!)).toMatchObject({ ok: true, result: { attempt: 2 } });
  }, 60_000);

  it('Redis restarted during a run: nothing recorded is lost and the run completes', async () => {
    const jobs: JobSpec[] = Array.from({ length: 60 }, (_, i) => ({ id: `r${i}`, command: 'sum', config: { a: i, b: 0, delayMs: 60 }, seed: i }));
    const seen: JobResult[] = [];
    let restarted = false;
    const done = new Promise<void>((resolve, reject) => {
      executor({ run: 'restart' }).run(jobs).subscribe({
        next: (r) => {
          seen.push(r);
          if (seen.length === 10 && !restarted) {
            restarted = true;
            void redis.restart().catch(reject);
          }
        },
        error: reject,
        complete: resolve,
      });
    });
    await done;
    expect(restarted).toBe(true);
    expect(seen.map((r) => r.id).sort()).toEqual(jobs.map((j) => j.id).sort());
    for (const r of seen) expect(r).toMatchObject({ ok: true, result: { sum: Number(r.id.slice(1)) } });
    const keys = runKeys(QUEUE, 'restart');
    expect(await client.hlen(keys.results)).toBe(60);
    expect(await client.xlen(keys.done)).toBe(60);
  }, 120_000);

  it('Redis losing its data mid-run (a restart without persistence): the lost jobs are enqueued again and the run completes', async () => {
    const jobs: JobSpec[] = Array.from({ length: 40 }, (_, i) => ({ id: `f${i}`, command: 'sum', config: { a: i, b: 1, delayMs: 60 }, seed: i }));
    const seen: JobResult[] = [];
    let flushed = false;
    const logs: string[] = [];
    await new Promise<void>((resolve, reject) => {
      executor({ run: 'flush', log: (l) => logs.push(l) }).run(jobs).subscribe({
        next: (r) => {
          seen.push(r);
          if (seen.length === 10 && !flushed) {
            flushed = true;
            void client.flushall().catch(reject);
          }
        },
        error: reject,
        complete: resolve,
      });
    });
    expect(flushed).toBe(true);
    expect(seen.map((r) => r.id).sort()).toEqual(jobs.map((j) => j.id).sort());
    for (const r of seen) expect(r).toMatchObject({ ok: true, result: { sum: Number(r.id.slice(1)) + 1 } });
    expect(logs.join('\n')).toMatch(/gone from Redis without a result .*enqueued again/);
  }, 120_000);

  it('SIGTERM: the worker finishes and records its running job, then exits 143; abort removes the waiting jobs', async () => {
    const queue = `${QUEUE}-term`;
    const w = await startWorker(queue);
    const marker = path.join(tmp(), 'pids');
    const ac = new AbortController();
    const seen: JobResult[] = [];
    const run = new Promise<unknown>((resolve) => {
      executor({ queue, run: 'term', signal: ac.signal }).run([
        { id: 'a', command: 'hold', config: { marker, ms: 1500 }, seed: 0 },
        { id: 'b', command: 'hold', config: { marker, ms: 1500 }, seed: 1 },
      ]).subscribe({ next: (r) => seen.push(r), error: resolve, complete: () => resolve('completed') });
    });
    await waitUntil('a job to start', () => fs.existsSync(marker), 30_000);
    w.proc.kill('SIGTERM');
    expect(await w.exited).toEqual({ code: 143, signal: null });
    expect(w.out).toMatch(/stopped \(1 result\(s\) recorded\)/);
    await waitUntil('the finished job', () => seen.length === 1, 10_000);
    expect(seen[0]).toMatchObject({ ok: true, result: { pid: w.pid } });
    ac.abort(new Error('stop the producer'));
    expect(String(await run)).toMatch(/stop the producer/);
    const q = new Queue(queue, { connection: client });
    expect(await q.getJobCounts('waiting', 'active', 'delayed', 'paused')).toEqual({ waiting: 0, active: 0, delayed: 0, paused: 0 });
    await q.close();
    expect(fs.readFileSync(marker, 'utf8').trim().split('\n')).toHaveLength(1);
  }, 120_000);

  it('an unreachable Redis is an error saying how to start one', async () => {
    const e = new BullmqExecutor({ redis: 'redis://127.0.0.1:1', connectTimeoutMs: 2000, log: () => {} });
    await expect(collect(e, [{ id: 'x', command: 'sum', config: { a: 1, b: 1 }, seed: 0 }])).rejects.toThrow(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1 .*redis-server --port 1/);
  }, 30_000);
});

describe('diffmpc sweep --executor bullmq', () => {
  const small = { grid: { env: 'Pendulum-v1', physics: 'analytic', solver: ['dcem', 'novas'], horizon: 5, samples: 40, iterations: 2, solverConfig: {} }, seeds: 2, maxEpisodeSteps: 15 };

  it('records the same results as inline, bit for bit; a re-run runs nothing', async () => {
    await initBackend('wasm');
    const plan = planSweep(sweepSchema.parse(small), '(test)');
    const [a, b] = [tmp(), tmp()];
    const quiet = { log: () => {}, backend: 'wasm' } as const;
    await runSweep(plan, a, { ...quiet, executor: 'inline' });
    const out = await runSweep(plan, b, { ...quiet, executor: 'bullmq', redis: redis.url, queue: QUEUE });
    expect(out.failed).toEqual([]);
    const results = (d: string) => Object.fromEntries(readSweepRecords(d).map((r) => [r.id, r.result]));
    expect(Object.keys(results(b)).sort()).toEqual(plan.jobs.map((j) => j.id).sort());
    expect(results(b)).toEqual(results(a));
    const again = await runSweep(plan, b, { ...quiet, executor: 'bullmq', redis: redis.url, queue: QUEUE });
    expect([again.ran, again.skipped]).toEqual([0, 4]);
  }, 180_000);

  it('a job failing on the workers marks its cell failed and the sweep finishes (exit 1)', async () => {
    const d = tmp();
    // the env is registered in the producer only (the workers were not started with --import pend.mjs)
    fs.writeFileSync(path.join(d, 'pend.mjs'), `import { register } from ${JSON.stringify(path.join(REPO_ROOT, 'envs/registry.ts'))};\nimport { PendulumEnv } from ${JSON.stringify(path.join(REPO_ROOT, 'envs/pendulum.ts'))};\nregister('ProducerOnly-v0', (o) => new PendulumEnv(o), { maxEpisodeSteps: 100, physics: 'analytic', g: 10, m: 1, l: 1, substeps: 4 });\n`);
    const cfg = path.join(d, 'only.json');
    fs.writeFileSync(cfg, JSON.stringify({ import: './pend.mjs', grid: { env: 'ProducerOnly-v0', solver: 'novas', horizon: 5, samples: 40, iterations: 2 }, seeds: 1, maxEpisodeSteps: 10 }));
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/diffmpc.ts'), 'sweep', cfg, '--out', path.join(d, 'out'), '--backend', 'cpu', '--executor', 'bullmq', '--redis', redis.url, '--queue', QUEUE, '--retries', '1'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout!.on('data', (x) => (out += x));
      p.stderr!.on('data', (x) => (out += x));
      p.on('exit', (code) => resolve({ code, out }));
    });
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/FAILED after 2 attempt\(s\): .*ProducerOnly-v0/);
    const recs = readSweepRecords(path.join(d, 'out', 'only'));
    expect(recs).toEqual([expect.objectContaining({ ok: false, attempts: 2, executor: 'bullmq' })]);
    const summary = JSON.parse(fs.readFileSync(path.join(d, 'out', 'only', 'summary.json'), 'utf8'));
    expect(summary.cells[0]).toMatchObject({ finished: 0, failed: 1 });
  }, 120_000);
});
