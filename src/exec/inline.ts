// The inline executor: runs the jobs one after another in this process (the reference every other executor
// must reproduce bit for bit).
import { Observable } from 'rxjs';
import { checkRetries, type Executor, type ExecutorOptions } from './executor.ts';
import { checkJobs, runJobHere, type JobResult, type JobSpec } from './job.ts';

export class InlineExecutor implements Executor {
  readonly name = 'inline';
  private readonly retries: number;
  private readonly signal: AbortSignal | undefined;

  constructor(opts: ExecutorOptions = {}) {
    this.retries = checkRetries(opts.retries);
    this.signal = opts.signal;
  }

  run(jobs: readonly JobSpec[]): Observable<JobResult> {
    checkJobs(jobs);
    return new Observable<JobResult>((sub) => {
      const stop = new AbortController();
      const onAbort = () => stop.abort(this.signal!.reason);
      this.signal?.addEventListener('abort', onAbort, { once: true });
      if (this.signal?.aborted) onAbort();
      (async () => {
        for (const job of jobs) {
          if (stop.signal.aborted) throw stop.signal.reason;
          sub.next(await runJobHere(job, this.retries, stop.signal));
        }
      })().then(
        () => sub.complete(),
        (e) => sub.error(e),
      );
      return () => {
        this.signal?.removeEventListener('abort', onAbort);
        if (!stop.signal.aborted) stop.abort(new Error('unsubscribed'));
      };
    });
  }
}
