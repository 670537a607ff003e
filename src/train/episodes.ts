// Runs whole episodes of a controller in an env through the reactive loop (src/streams) and returns them,
// optionally recording every transition into a replay buffer. An aborted `signal` stops stepping at once
// (the rollout is unsubscribed) and rejects with `signal.reason`.
import { Observable, lastValueFrom, toArray } from 'rxjs';
import type { Env } from '../streams/env.ts';
import { collectEpisodes, type Episode } from '../streams/collect-episodes.ts';
import { recordTo } from '../streams/record-to.ts';
import { rollout } from '../streams/rollout.ts';
import type { Controller } from '../streams/types.ts';
import type { ReplayBuffer } from './replay-buffer.ts';

export async function runEpisodes(
  env: Env,
  controller: Controller,
  opts: { episodes: number; seed: number; maxEpisodeSteps?: number; buffer?: ReplayBuffer; signal?: AbortSignal },
): Promise<Episode[]> {
  opts.signal?.throwIfAborted();
  const source = rollout(env, controller, {
    episodes: opts.episodes,
    seed: opts.seed,
    ...(opts.maxEpisodeSteps !== undefined ? { maxEpisodeSteps: opts.maxEpisodeSteps } : {}),
  });
  const recorded = opts.buffer ? source.pipe(recordTo(opts.buffer)) : source;
  const stoppable = opts.signal ? untilAborted(recorded, opts.signal) : recorded;
  return lastValueFrom(stoppable.pipe(collectEpisodes(), toArray()));
}

/** Mirrors `source` and errors with `signal.reason` (unsubscribing the source) when `signal` aborts. */
export function untilAborted<T>(source: Observable<T>, signal: AbortSignal): Observable<T> {
  return new Observable<T>((sub) => {
    if (signal.aborted) {
      sub.error(signal.reason);
      return;
    }
    const onAbort = () => sub.error(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const inner = source.subscribe(sub);
    return () => {
      signal.removeEventListener('abort', onAbort);
      inner.unsubscribe();
    };
  });
}

/** Mean and standard deviation of the episode returns. */
export function returnStats(episodes: Episode[]): { mean: number; std: number; min: number; max: number } {
  const r = episodes.map((e) => e.return);
  const mean = r.reduce((a, b) => a + b, 0) / Math.max(1, r.length);
  const std = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, r.length));
  return { mean, std, min: Math.min(...r), max: Math.max(...r) };
}
