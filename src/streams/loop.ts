// A cooperative step loop: runs `step()` over and over without recursion, synchronously for at most `sliceMs`
// milliseconds at a time, then yields one macrotask (setImmediate, else setTimeout 0) so that timers, I/O and
// unsubscriptions triggered from other tasks get to run. A step may return a promise (an async controller);
// the loop then continues inside that promise's callback, each on a fresh stack.
//
// Why not RxJS `expand` or recursive `next` feedback: a synchronous feedback loop (obs → act → step → obs)
// built from nested subscriptions grows the call stack with every step and overflows after ~10⁴ steps; `expand`
// with `asapScheduler` avoids that but schedules a microtask per step, which never lets timers run (so
// `takeUntil(timer(...))` could not stop a long rollout) and costs an allocation chain per step. A plain
// `while` loop with time-sliced macrotask yields is constant-stack, fast for synchronous controllers and still
// responsive.

/** Continue flag: true to run another step, false when the loop is finished. */
export type StepResult = boolean | PromiseLike<boolean>;

export interface LoopOptions {
  /** Longest synchronous stretch before yielding to the event loop, in ms. */
  sliceMs: number;
  /** Polled before every step; the loop stops as soon as it returns true. */
  isClosed(): boolean;
  /** Receives an exception thrown by a step or a rejected step promise; the loop stops. */
  onError(err: unknown): void;
}

type Handle = { cancel(): void };

function yieldMacrotask(fn: () => void): Handle {
  if (typeof setImmediate === 'function') {
    const h = setImmediate(fn);
    return { cancel: () => clearImmediate(h) };
  }
  const h = setTimeout(fn, 0);
  return { cancel: () => clearTimeout(h) };
}

function isThenable(x: unknown): x is PromiseLike<boolean> {
  return typeof x === 'object' && x !== null && typeof (x as PromiseLike<boolean>).then === 'function';
}

/** Starts the loop on the next macrotask; returns a function that stops it (no step runs after it). */
export function cooperativeLoop(step: () => StepResult, opts: LoopOptions): () => void {
  let cancelled = false;
  let pending: Handle | undefined;
  const stopped = () => cancelled || opts.isClosed();
  const schedule = () => {
    pending = yieldMacrotask(() => {
      pending = undefined;
      run(performance.now() + opts.sliceMs);
    });
  };
  const run = (sliceEnd: number): void => {
    try {
      while (!stopped()) {
        const r = step();
        if (isThenable(r)) {
          r.then(
            (cont) => {
              if (!cont || stopped()) return;
              if (performance.now() >= sliceEnd) schedule();
              else run(sliceEnd);
            },
            (err) => {
              if (!stopped()) opts.onError(err);
            },
          );
          return;
        }
        if (!r) return;
        if (performance.now() >= sliceEnd) {
          schedule();
          return;
        }
      }
    } catch (err) {
      if (!stopped()) opts.onError(err);
    }
  };
  schedule();
  return () => {
    cancelled = true;
    pending?.cancel();
    pending = undefined;
  };
}
