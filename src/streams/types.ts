// The records and controller contracts of the reactive closed loop (src/streams): one Gymnasium step
// (s_t, a_t, r_t, s_{t+1}, terminated, truncated) tagged with its episode and time index, the single-env
// controller a_t = π(s_t) and the batched controller [N, actDim] = π([N, obsDim]).
import type { Info } from './env.ts';

/**
 * One environment step as emitted by `rollout` and `vectorRollout`. obs/action/nextObs are copies owned by the
 * stream (the env and controller may reuse their buffers); treat them as read-only, as `obs` of step t + 1 is the
 * same array as `nextObs` of step t.
 */
export interface Transition {
  /** s_t `[obsDim]`. */
  obs: Float32Array;
  /** a_t `[actDim]` as returned by the controller. */
  action: Float32Array;
  /** r_t. */
  reward: number;
  /** s_{t+1} `[obsDim]`. */
  nextObs: Float32Array;
  /** The MDP reached a terminal state (no bootstrapping past it). */
  terminated: boolean;
  /** The episode was cut from outside the MDP (time limit, `maxEpisodeSteps`, the rollout's `steps` budget). */
  truncated: boolean;
  info: Info;
  /** Episode index within the subscription, 0-based; unique across the sub-envs of a vector rollout. */
  episode: number;
  /** Step index t within the episode, 0-based. */
  t: number;
  /** Sub-env index (always 0 for a single-env rollout). */
  env: number;
}

/** An action as a controller may return it: a Float32Array or any array of numbers. */
export type ActionLike = Float32Array | ArrayLike<number>;

/** A single-env controller a_t = π(s_t); `act` may be synchronous or return a promise. */
export interface Controller {
  act(obs: Float32Array): ActionLike | Promise<ActionLike>;
  /** Called before the first action of every episode (e.g. to clear an MPC warm start). */
  reset?(episode?: { episode: number; seed?: number }): void;
}

/**
 * A batched controller for N sub-envs: `obs` holds N rows `[obsDim]` (rows of finished sub-envs keep their last
 * observation, so row i always belongs to sub-env i), `active[i]` says whether row i's action will be used.
 * Returns N actions, as an array of rows or one row-major Float32Array `[N * actDim]`.
 */
export interface BatchController {
  actBatch(
    obs: Float32Array[],
    active: readonly boolean[],
  ): ActionLike[] | Float32Array | Promise<ActionLike[] | Float32Array>;
  /** Called with the rows whose sub-env starts a new episode, before the action for that episode's first step. */
  reset?(rows: number[]): void;
}

/** Budget and seeding shared by `rollout` and `vectorRollout`. */
export interface RolloutOptions {
  /**
   * Total step budget (a step of a vector rollout steps every active sub-env once). When it runs out mid-episode
   * the last transition is marked `truncated`. Default Infinity.
   */
  steps?: number;
  /** Number of episodes to run (default 1 per env when `steps` is not given, else Infinity). */
  episodes?: number;
  /** Episode k resets with seed `seed + k`; without a seed, resets are unseeded. */
  seed?: number;
  /** Truncates every episode after this many steps (for envs without a TimeLimit). Default Infinity. */
  maxEpisodeSteps?: number;
  /**
   * The loop runs synchronously for at most this many milliseconds, then yields to the event loop
   * (timers, I/O, unsubscription from other tasks) before continuing. Default 10.
   */
  sliceMs?: number;
}
