// `collectEpisodes()`: groups a transition stream into whole episodes, as arrays ready for plotting and
// checks: states s_0..s_T `[T+1][obsDim]`, actions a_0..a_{T-1} `[T][actDim]`, rewards `[T]` and the return.
// Episodes are keyed by index (vector rollouts interleave them) and emitted when they end; an episode still
// open when the source completes is dropped. `collectTransitions()` is the plain "everything as an array".
import { Observable, toArray, type OperatorFunction } from 'rxjs';
import type { Transition } from './types.ts';

export interface Episode {
  episode: number;
  env: number;
  /** `[T + 1][obsDim]`: s_0 … s_T. */
  states: Float32Array[];
  /** `[T][actDim]`. */
  actions: Float32Array[];
  /** `[T]`. */
  rewards: number[];
  /** Σ_t r_t. */
  return: number;
  terminated: boolean;
  truncated: boolean;
}

export function collectEpisodes(): OperatorFunction<Transition, Episode> {
  return (source) =>
    new Observable<Episode>((subscriber) => {
      const open = new Map<number, Episode>();
      return source.subscribe({
        next(tr) {
          let ep = open.get(tr.episode);
          if (!ep) {
            ep = { episode: tr.episode, env: tr.env, states: [tr.obs], actions: [], rewards: [], return: 0, terminated: false, truncated: false };
            open.set(tr.episode, ep);
          }
          ep.states.push(tr.nextObs);
          ep.actions.push(tr.action);
          ep.rewards.push(tr.reward);
          ep.return += tr.reward;
          if (tr.terminated || tr.truncated) {
            ep.terminated = tr.terminated;
            ep.truncated = tr.truncated;
            open.delete(tr.episode);
            subscriber.next(ep);
          }
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
}

/** Every transition of a finite stream, as one array. */
export function collectTransitions(): OperatorFunction<Transition, Transition[]> {
  return toArray<Transition>();
}
