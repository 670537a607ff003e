// `episodeReturns()`: reduces a transition stream to one record per finished episode, the undiscounted
// return G = Σ_t r_t, its length T and how it ended. Episodes are keyed by their index, so the interleaved
// transitions of a vector rollout are summed per sub-env episode; records come out in finishing order.
// An episode still running when the source completes is not emitted.
import { Observable, type OperatorFunction } from 'rxjs';
import type { Transition } from './types.ts';

export interface EpisodeReturn {
  episode: number;
  /** Sub-env that ran the episode (0 for a single env). */
  env: number;
  /** Σ_t r_t. */
  return: number;
  /** Number of steps T. */
  length: number;
  /** True when the episode ended in a terminal state, false when truncated. */
  terminated: boolean;
}

export function episodeReturns(): OperatorFunction<Transition, EpisodeReturn> {
  return (source) =>
    new Observable<EpisodeReturn>((subscriber) => {
      const open = new Map<number, { ret: number; len: number }>();
      return source.subscribe({
        next(tr) {
          const acc = open.get(tr.episode) ?? { ret: 0, len: 0 };
          acc.ret += tr.reward;
          acc.len += 1;
          if (tr.terminated || tr.truncated) {
            open.delete(tr.episode);
            subscriber.next({ episode: tr.episode, env: tr.env, return: acc.ret, length: acc.len, terminated: tr.terminated });
          } else {
            open.set(tr.episode, acc);
          }
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
}
