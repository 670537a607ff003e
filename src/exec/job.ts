// Jobs and their runners. A job is a JSON description `{ id, command, config, seed }`; the layer that knows
// how to run a command registers a runner for it, `(config, seed) → JSON result`, in `jobRunners`. An
// executor looks the runner up in the process (or worker) that runs the job, so only JSON crosses threads,
// processes or machines.
import { Registry } from '../tensor/registry.ts';

/** JSON values (what a job's config and result may hold). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface JobSpec {
  /** Unique within one `run`; the result is recorded under it exactly once. */
  id: string;
  /** Name of a registered runner. */
  command: string;
  config: Json;
  seed: number;
}

export interface JobError {
  message: string;
  stack?: string;
}

/** The outcome of one job: its result, or the error of its last attempt. `ms` is the last attempt's wall time. */
export type JobResult =
  | { id: string; ok: true; result: Json; attempts: number; ms: number }
  | { id: string; ok: false; error: JobError; attempts: number; ms: number };

export type JobRunner = (config: Json, seed: number, opts: { signal?: AbortSignal }) => Promise<Json>;

/** Runners by command name. */
export const jobRunners = new Registry<JobRunner>({ kind: 'job command', emptyHint: 'import the module that registers the runner (e.g. scripts/lib/sweep-jobs.ts)' });

export function registerJobRunner(command: string, runner: JobRunner, opts: { replace?: boolean } = {}): void {
  jobRunners.register(command, runner, opts);
}

export function toJobError(e: unknown): JobError {
  if (e instanceof Error) return { message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
  return { message: String(e) };
}

/** Refuses a job list an executor cannot run exactly once: a malformed job or a repeated id. */
export function checkJobs(jobs: readonly JobSpec[]): void {
  const seen = new Set<string>();
  jobs.forEach((j, i) => {
    if (!j || typeof j.id !== 'string' || j.id.length === 0) throw new Error(`jobs[${i}].id: expected a non-empty string`);
    if (typeof j.command !== 'string' || j.command.length === 0) throw new Error(`jobs[${i}] ("${j.id}").command: expected a runner name`);
    if (!Number.isSafeInteger(j.seed)) throw new Error(`jobs[${i}] ("${j.id}").seed: expected an integer (got ${String(j.seed)})`);
    if (seen.has(j.id)) throw new Error(`jobs[${i}].id: "${j.id}" appears twice; every job needs its own id (results are keyed by it)`);
    seen.add(j.id);
  });
}

/**
 * Runs one job in this process with up to `1 + retries` attempts; a runner error becomes a failed result
 * (never a throw), an aborted signal stops between attempts.
 */
export async function runJobHere(job: JobSpec, retries: number, signal?: AbortSignal): Promise<JobResult> {
  let attempts = 0;
  for (;;) {
    attempts++;
    const t0 = performance.now();
    try {
      signal?.throwIfAborted();
      const result = await jobRunners.get(job.command, `job "${job.id}"`)(job.config, job.seed, signal ? { signal } : {});
      return { id: job.id, ok: true, result, attempts, ms: performance.now() - t0 };
    } catch (e) {
      if (signal?.aborted) throw signal.reason ?? e;
      if (attempts > retries) return { id: job.id, ok: false, error: toJobError(e), attempts, ms: performance.now() - t0 };
    }
  }
}
