// `throttledProgress(ms, fn)`: progress reporting that does not slow the loop. Each value costs one counter
// increment and one clock read; `fn` runs on the first value, then at most once per `ms` (leading edge of each
// window, checked when a value arrives, so it also works inside a synchronous loop where timers cannot fire),
// and once more on completion with `done: true`. Values pass through unchanged. The clock is the scheduler's
// (default asyncScheduler, i.e. Date.now), so marble tests run it on virtual time.
import { asyncScheduler, Observable, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';

export interface Progress<T> {
  /** Values seen so far. */
  count: number;
  /** The latest value (undefined only when the source completed empty). */
  last: T | undefined;
  /** Time since subscription, ms. */
  elapsedMs: number;
  /** count / elapsed seconds (0 before any time has passed). */
  perSecond: number;
  /** True for the final report on completion. */
  done: boolean;
}

export function throttledProgress<T>(
  ms: number,
  fn: (p: Progress<T>) => void,
  scheduler: SchedulerLike = asyncScheduler,
): MonoTypeOperatorFunction<T> {
  if (!(typeof ms === 'number' && ms >= 0 && Number.isFinite(ms))) {
    throw new Error(`throttledProgress: ms must be a finite number ≥ 0 (got ${String(ms)})`);
  }
  if (typeof fn !== 'function') throw new Error('throttledProgress: fn must be a function receiving the progress record');
  return (source) =>
    new Observable<T>((subscriber) => {
      const t0 = scheduler.now();
      let count = 0;
      let last: T | undefined;
      let lastReport = -Infinity;
      const report = (now: number, done: boolean) => {
        const elapsedMs = now - t0;
        fn({ count, last, elapsedMs, perSecond: elapsedMs > 0 ? (count * 1000) / elapsedMs : 0, done });
      };
      return source.subscribe({
        next(v) {
          count++;
          last = v;
          const now = scheduler.now();
          if (now - lastReport >= ms) {
            lastReport = now;
            report(now, false);
          }
          subscriber.next(v);
        },
        error: (e) => subscriber.error(e),
        complete() {
          report(scheduler.now(), true);
          subscriber.complete();
        },
      });
    });
}
