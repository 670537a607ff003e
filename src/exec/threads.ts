// The worker-thread executor: a pool of `workers` threads (default: the machine's cores), each with its own
// tensor backend (thread-worker.ts). Jobs are handed to idle threads one at a time; results stream back in
// completion order. A failed attempt, and a thread that dies mid-job (its uncaught error or exit), counts
// as one attempt: the job is queued again while attempts ≤ retries, else reported failed; a dead thread is
// replaced. With `timeoutMs`, a thread still busy after that long is terminated and its attempt fails (a
// result it might still send is ignored, so nothing is counted twice). A thread that cannot start (a runner module fails to import, the backend fails to load) fails
// the whole run, since every job would fail the same way. Unsubscribing or aborting terminates the threads.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { Observable } from 'rxjs';
import { checkRetries, type Executor, type ExecutorOptions } from './executor.ts';
import { checkJobs, type JobError, type JobResult, type JobSpec } from './job.ts';
import type { ThreadWorkerData } from './thread-worker.ts';
import { workerBootstrap } from './worker-bootstrap.ts';

export interface ThreadsOptions extends ExecutorOptions {
  /** Threads in the pool (default: available cores). */
  workers?: number;
  /** Modules (file URLs or package specifiers) each thread imports first: they register the job runners. */
  modules: readonly (string | URL)[];
  /**
   * The thread's entry module (default: thread-worker next to this file). A prebuilt bundle of thread-worker
   * that registers its runners itself (scripts/lib/compiled-worker.ts) starts several times faster than
   * TypeScript sources loaded through tsx.
   */
  entry?: string | URL;
  /** Backend each thread initializes (default 'wasm'). */
  backend?: string;
  /** Wall-clock limit of one attempt: a thread still busy after it is terminated and the attempt counts as failed. */
  timeoutMs?: number;
  /** Called each time a thread has loaded its modules and backend (e.g. to time the pool's start). */
  onThreadReady?: () => void;
}

export function defaultWorkers(): number {
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

const ENTRY = new URL(import.meta.url.endsWith('.ts') ? './thread-worker.ts' : './thread-worker.js', import.meta.url);

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: { job: JobSpec; attempts: number };
  timer?: ReturnType<typeof setTimeout>;
  /** performance.now() when the current job was handed over. */
  started?: number;
}

export class ThreadsExecutor implements Executor {
  readonly name = 'threads';
  readonly workers: number;
  private readonly retries: number;
  private readonly signal: AbortSignal | undefined;
  private readonly data: ThreadWorkerData;
  private readonly bootstrap: string;
  private readonly timeoutMs: number | undefined;
  private readonly onThreadReady: (() => void) | undefined;

  constructor(opts: ThreadsOptions) {
    const w = opts.workers ?? defaultWorkers();
    if (!Number.isInteger(w) || w < 1 || w > 256) throw new Error(`threads executor: workers must be an integer in 1..256 (got ${String(opts.workers)})`);
    this.workers = w;
    this.retries = checkRetries(opts.retries);
    this.signal = opts.signal;
    if (opts.timeoutMs !== undefined && !(Number.isFinite(opts.timeoutMs) && opts.timeoutMs > 0)) throw new Error(`threads executor: timeoutMs must be a positive number of milliseconds (got ${String(opts.timeoutMs)})`);
    this.timeoutMs = opts.timeoutMs;
    this.onThreadReady = opts.onThreadReady;
    this.data = { modules: opts.modules.map((m) => String(m)), backend: opts.backend ?? 'wasm' };
    this.bootstrap = workerBootstrap(String(opts.entry ?? ENTRY.href), this.data.modules);
  }

  run(jobs: readonly JobSpec[]): Observable<JobResult> {
    checkJobs(jobs);
    return new Observable<JobResult>((sub) => {
      const queue = jobs.map((job) => ({ job, attempts: 0 }));
      const slots = new Set<Slot>();
      let left = jobs.length;
      let closed = false;

      const close = () => {
        if (closed) return;
        closed = true;
        this.signal?.removeEventListener('abort', onAbort);
        for (const s of slots) {
          clearTimeout(s.timer);
          void s.worker.terminate();
        }
        slots.clear();
      };
      const fail = (e: unknown) => {
        if (closed) return;
        close();
        sub.error(e);
      };
      const onAbort = () => fail(this.signal!.reason ?? new Error('aborted'));

      const finish = (r: JobResult) => {
        left--;
        sub.next(r);
        if (left === 0) {
          close();
          sub.complete();
        }
      };
      /** One attempt of `entry` failed with `error`: retry or report. */
      const attemptFailed = (entry: { job: JobSpec; attempts: number }, error: JobError, ms: number) => {
        if (entry.attempts <= this.retries) queue.push(entry);
        else finish({ id: entry.job.id, ok: false, error, attempts: entry.attempts, ms });
      };
      const dispatch = (s: Slot) => {
        if (closed || !s.ready || s.job) return;
        const next = queue.shift();
        if (!next) return;
        next.attempts++;
        s.job = next;
        s.started = performance.now();
        s.worker.postMessage({ type: 'job', job: next.job });
        if (this.timeoutMs !== undefined) {
          const ms = this.timeoutMs;
          s.timer = setTimeout(() => {
            if (closed || s.job !== next) return;
            void s.worker.terminate();
            died(s, `timed out after ${ms} ms (the thread was terminated)`);
          }, ms);
        }
      };
      const dispatchAll = () => {
        for (const s of slots) dispatch(s);
        // threads lost to crashes are replaced while there is work they could take
        while (!closed && queue.length > 0 && slots.size < Math.min(this.workers, left)) spawn();
      };

      /** Thread `s` is gone (crashed, exited or timed out): its job's attempt failed; replace it if work remains. */
      const died = (s: Slot, why: string) => {
        if (closed || !slots.has(s)) return;
        clearTimeout(s.timer);
        slots.delete(s);
        const entry = s.job;
        s.job = undefined;
        if (!s.ready && !entry) return fail(new Error(`threads executor: a worker thread died before it was ready: ${why}`));
        if (entry) attemptFailed(entry, { message: `worker thread died during the job: ${why}` }, performance.now() - (s.started ?? 0));
        dispatchAll();
      };
      const spawn = () => {
        const worker = new Worker(this.bootstrap, { eval: true, workerData: this.data });
        const s: Slot = { worker, ready: false };
        slots.add(s);
        worker.on('message', (msg: { type: string; result?: JobResult; error?: JobError }) => {
          if (closed || !slots.has(s)) return; // a thread given up on (timed out) is not heard any more
          if (msg.type === 'ready') {
            s.ready = true;
            this.onThreadReady?.();
            dispatch(s);
          } else if (msg.type === 'init-error') {
            fail(new Error(`threads executor: a worker thread could not start: ${msg.error!.message}`));
          } else if (msg.type === 'result') {
            clearTimeout(s.timer);
            const entry = s.job!;
            s.job = undefined;
            const r = msg.result!;
            if (r.ok) finish({ ...r, attempts: entry.attempts });
            else attemptFailed(entry, r.error, r.ms);
            dispatchAll();
          }
        });
        worker.on('error', (e) => died(s, e instanceof Error ? e.message : String(e)));
        worker.on('exit', (code) => died(s, `exit code ${code}`));
      };

      this.signal?.addEventListener('abort', onAbort, { once: true });
      if (this.signal?.aborted) {
        onAbort();
        return close;
      }
      if (left === 0) {
        sub.complete();
        return close;
      }
      for (let i = 0; i < Math.min(this.workers, jobs.length); i++) spawn();
      return close;
    });
  }
}
