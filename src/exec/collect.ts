// Runs a list of jobs to completion and returns their results in the order of the list (not completion
// order), so an aggregate computed from them is the same under every executor. A job that failed (after its
// retries) is not dropped: the run rejects with a JobsFailedError naming every failed job and its error.
import { lastValueFrom, tap, toArray } from 'rxjs';
import type { Executor } from './executor.ts';
import type { Json, JobResult, JobSpec } from './job.ts';

export class JobsFailedError extends Error {
  override name = 'JobsFailedError';
  constructor(
    readonly failed: Array<Extract<JobResult, { ok: false }>>,
    total: number,
    what = 'job',
  ) {
    super(`${failed.length} of ${total} ${what}(s) failed: ${failed.map((f) => `${f.id} (after ${f.attempts} attempt(s)): ${f.error.message}`).join('; ')}`);
  }
}

export interface RunAllOptions {
  /** Called with each result as it arrives (completion order), e.g. for progress. */
  onResult?: (r: JobResult, done: number, total: number) => void;
  /** Names the jobs in the failure message, e.g. 'quality episode'. */
  what?: string;
}

/** Every job's result, index i the result of `jobs[i]`; rejects with JobsFailedError when any job failed. */
export async function runAll(executor: Executor, jobs: readonly JobSpec[], opts: RunAllOptions = {}): Promise<Json[]> {
  if (jobs.length === 0) return [];
  let done = 0;
  const results = await lastValueFrom(executor.run(jobs).pipe(tap((r) => opts.onResult?.(r, ++done, jobs.length)), toArray()));
  const byId = new Map(results.map((r) => [r.id, r]));
  const missing = jobs.filter((j) => !byId.has(j.id));
  if (missing.length) throw new Error(`executor ${executor.name}: no result for ${missing.length} job(s): ${missing.map((j) => j.id).join(', ')}`);
  const failed = jobs.map((j) => byId.get(j.id)!).filter((r): r is Extract<JobResult, { ok: false }> => !r.ok);
  if (failed.length) throw new JobsFailedError(failed, jobs.length, opts.what);
  return jobs.map((j) => (byId.get(j.id) as Extract<JobResult, { ok: true }>).result);
}
