// Executor semantics, for inline and threads alike: one result per job id (exactly once, in any completion
// order), errors reported with their message, bounded retries, a thread dying mid-job retried on a fresh
// thread, abort stops the run; duplicate ids are refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { InlineExecutor, ThreadsExecutor, type Executor, type ExecutorOptions, type JobResult, type JobSpec } from '../../src/exec/index.ts';
import './runners.fixture.ts';

const RUNNERS = new URL('./runners.fixture.ts', import.meta.url);
const makers: Record<string, (o: ExecutorOptions) => Executor> = {
  inline: (o) => new InlineExecutor(o),
  threads: (o) => new ThreadsExecutor({ ...o, workers: 2, modules: [RUNNERS], backend: 'cpu' }),
};
const collect = (e: Executor, jobs: JobSpec[]): Promise<JobResult[]> => lastValueFrom(e.run(jobs).pipe(toArray()));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'exec-'));

describe.each(Object.keys(makers))('%s executor', (kind) => {
  const make = makers[kind]!;

  it('records one result per job id, whatever the completion order', async () => {
    const jobs: JobSpec[] = Array.from({ length: 8 }, (_, i) => ({ id: `j${i}`, command: 'echo', config: { x: i, delayMs: (7 - i) * 15 }, seed: 100 + i }));
    const rs = await collect(make({}), jobs);
    expect(rs.map((r) => r.id).sort()).toEqual(jobs.map((j) => j.id).sort());
    for (const r of rs) {
      const i = Number(r.id.slice(1));
      expect(r).toMatchObject({ ok: true, attempts: 1, result: { x: i, seed: 100 + i, square: i * i } });
    }
  }, 60_000);

  it('reports a throwing job with its error after 1 + retries attempts, and still finishes the others', async () => {
    const jobs: JobSpec[] = [
      { id: 'bad', command: 'throw', config: {}, seed: 7 },
      { id: 'good', command: 'echo', config: { x: 3 }, seed: 0 },
      { id: 'unknown', command: 'no-such-runner', config: {}, seed: 0 },
    ];
    const rs = await collect(make({ retries: 2 }), jobs);
    const by = Object.fromEntries(rs.map((r) => [r.id, r]));
    expect(rs).toHaveLength(3);
    expect(by.bad).toMatchObject({ ok: false, attempts: 3, error: { message: 'boom 7' } });
    expect(by.good).toMatchObject({ ok: true, attempts: 1 });
    expect(by.unknown).toMatchObject({ ok: false });
    expect((by.unknown as { error: { message: string } }).error.message).toMatch(/unknown job command "no-such-runner"/);
  }, 60_000);

  it('retries a flaky job and succeeds within the bound, fails beyond it', async () => {
    const dir = tmp();
    const ok = await collect(make({ retries: 2 }), [{ id: 'f', command: 'flaky', config: { counter: path.join(dir, 'a'), failures: 2 }, seed: 0 }]);
    expect(ok[0]).toMatchObject({ ok: true, attempts: 3, result: { attempt: 3 } });
    const bad = await collect(make({ retries: 1 }), [{ id: 'f', command: 'flaky', config: { counter: path.join(dir, 'b'), failures: 2 }, seed: 0 }]);
    expect(bad[0]).toMatchObject({ ok: false, attempts: 2, error: { message: 'flaky attempt 2' } });
    expect(fs.readFileSync(path.join(dir, 'b'), 'utf8')).toBe('2');
  }, 60_000);

  it('refuses duplicate job ids before running anything', () => {
    const j = { id: 'x', command: 'echo', config: { x: 1 }, seed: 0 };
    expect(() => make({}).run([j, j])).toThrow(/"x" appears twice/);
  });

  it('completes at once on an empty job list', async () => {
    expect(await collect(make({}), [])).toEqual([]);
  });

  it('stops on abort with the reason, running no further jobs', async () => {
    const ac = new AbortController();
    const jobs: JobSpec[] = Array.from({ length: 20 }, (_, i) => ({ id: `j${i}`, command: 'echo', config: { x: i, delayMs: 50 }, seed: i }));
    const seen: string[] = [];
    const p = new Promise<void>((resolve, reject) => {
      make({ signal: ac.signal }).run(jobs).subscribe({
        next: (r) => {
          seen.push(r.id);
          if (seen.length === 2) ac.abort(new Error('stop now'));
        },
        error: reject,
        complete: resolve,
      });
    });
    await expect(p).rejects.toThrow('stop now');
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeLessThan(20);
  }, 60_000);
});

describe('threads executor', () => {
  it('retries a job whose thread died mid-job on a new thread; the result is recorded once', async () => {
    const dir = tmp();
    const ex = new ThreadsExecutor({ workers: 2, modules: [RUNNERS], backend: 'cpu', retries: 2 });
    const rs = await collect(ex, [
      { id: 'dies', command: 'exit', config: { counter: path.join(dir, 'c'), failures: 1 }, seed: 0 },
      { id: 'fine', command: 'echo', config: { x: 2 }, seed: 0 },
    ]);
    expect(rs).toHaveLength(2);
    expect(rs.find((r) => r.id === 'dies')).toMatchObject({ ok: true, attempts: 2, result: { attempt: 2 } });
  }, 60_000);

  it('reports a thread that keeps dying as a failed job with the reason', async () => {
    const dir = tmp();
    const ex = new ThreadsExecutor({ workers: 1, modules: [RUNNERS], backend: 'cpu', retries: 1 });
    const rs = await collect(ex, [{ id: 'dies', command: 'exit', config: { counter: path.join(dir, 'c'), failures: 5 }, seed: 0 }]);
    expect(rs[0]).toMatchObject({ ok: false, attempts: 2 });
    expect((rs[0] as { error: { message: string } }).error.message).toMatch(/worker thread died during the job: exit code 3/);
  }, 60_000);

  it('terminates a thread whose job exceeds timeoutMs, retries it within the bound and reports it failed; other jobs finish', async () => {
    const ex = new ThreadsExecutor({ workers: 2, modules: [RUNNERS], backend: 'cpu', retries: 1, timeoutMs: 300 });
    const rs = await collect(ex, [
      { id: 'hangs', command: 'hang', config: {}, seed: 0 },
      { id: 'a', command: 'echo', config: { x: 1 }, seed: 0 },
      { id: 'b', command: 'echo', config: { x: 2 }, seed: 0 },
    ]);
    expect(rs.map((r) => r.id).sort()).toEqual(['a', 'b', 'hangs']);
    const h = rs.find((r) => r.id === 'hangs')!;
    expect(h).toMatchObject({ ok: false, attempts: 2 });
    expect((h as { error: { message: string } }).error.message).toMatch(/timed out after 300 ms/);
    expect(() => new ThreadsExecutor({ modules: [], timeoutMs: 0 })).toThrow(/timeoutMs must be a positive number/);
  }, 60_000);

  it('fails the run with the reason when a runner module cannot load', async () => {
    const ex = new ThreadsExecutor({ workers: 1, modules: [new URL('./no-such-module.ts', import.meta.url)], backend: 'cpu' });
    await expect(collect(ex, [{ id: 'a', command: 'echo', config: { x: 1 }, seed: 0 }])).rejects.toThrow(/could not start: .*no-such-module/);
  }, 60_000);
});
