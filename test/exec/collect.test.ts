// runAll: results come back in the order of the job list whatever the completion order, a failed job is
// reported by id with its error (never dropped), and an executor that loses a job is an error naming it.
import { Observable, from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { JobsFailedError, runAll } from '../../src/exec/collect.ts';
import type { Executor } from '../../src/exec/executor.ts';
import type { JobResult, JobSpec } from '../../src/exec/job.ts';

const jobs: JobSpec[] = ['a', 'b', 'c'].map((id, i) => ({ id, command: 'x', config: null, seed: i }));
/** An executor that answers with `results` in the given (completion) order. */
const fake = (results: JobResult[]): Executor => ({ name: 'fake', run: (): Observable<JobResult> => from(results) });
const ok = (id: string, v: number): JobResult => ({ id, ok: true, result: v, attempts: 1, ms: 1 });

describe('runAll', () => {
  it('orders results as the job list, not as they completed', async () => {
    const seen: string[] = [];
    const r = await runAll(fake([ok('c', 3), ok('a', 1), ok('b', 2)]), jobs, { onResult: (x, done, total) => seen.push(`${x.id} ${done}/${total}`) });
    expect(r).toEqual([1, 2, 3]);
    expect(seen).toEqual(['c 1/3', 'a 2/3', 'b 3/3']);
  });

  it('rejects with every failed job named, after all have finished', async () => {
    const err = await runAll(fake([ok('a', 1), { id: 'b', ok: false, error: { message: 'boom' }, attempts: 2, ms: 1 }, ok('c', 3)]), jobs, { what: 'piece' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobsFailedError);
    expect((err as JobsFailedError).message).toBe('1 of 3 piece(s) failed: b (after 2 attempt(s)): boom');
    expect((err as JobsFailedError).failed.map((f) => f.id)).toEqual(['b']);
  });

  it('a job without a result is an error naming it', async () => {
    await expect(runAll(fake([ok('a', 1), ok('c', 3)]), jobs)).rejects.toThrow('executor fake: no result for 1 job(s): b');
  });

  it('no jobs: no run', async () => {
    const never: Executor = { name: 'never', run: () => { throw new Error('ran'); } };
    expect(await runAll(never, [])).toEqual([]);
  });
});
