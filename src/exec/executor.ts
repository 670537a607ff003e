// The executor interface: `run(jobs)` streams one JobResult per job, in completion order, and completes once
// every job has a result. A job that throws is retried up to `retries` times and then reported as failed; it
// never ends or hangs the stream. Unsubscribing (or aborting `signal`) stops the executor: no new attempt
// starts and, for worker pools, the workers are terminated.
import type { Observable } from 'rxjs';
import type { JobResult, JobSpec } from './job.ts';

export interface Executor {
  readonly name: string;
  run(jobs: readonly JobSpec[]): Observable<JobResult>;
}

export interface ExecutorOptions {
  /** Extra attempts after a failed one (default 1). */
  retries?: number;
  /** Aborting stops the run: the stream errors with the signal's reason. */
  signal?: AbortSignal;
}

/** Default bounded retry count. */
export const DEFAULT_RETRIES = 1;

export function checkRetries(retries: number | undefined): number {
  const r = retries ?? DEFAULT_RETRIES;
  if (!Number.isInteger(r) || r < 0 || r > 100) throw new Error(`executor: retries must be an integer in 0..100 (got ${String(retries)})`);
  return r;
}
