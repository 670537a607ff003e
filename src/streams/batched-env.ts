// A batch of N environments stepped as one, the interface `vectorRollout` drives: observations as row-major
// `[k, obsDim]` Float32Arrays over any subset of sub-env indices (so finished sub-envs are not stepped and each
// episode k can be reset with its own seed), and `batchEnvs(envs)`, the adapter that turns an array of single
// envs, or a Gymnasium-style vector env exposing its copies as `.envs`, into one (a `VectorEnv`,
// ./vector-env.ts, the one vector env, which implements both APIs).
// A natively batched env (e.g. N pendulums integrated as one tensor op) implements `BatchedEnv` directly.
import type { BoxSpace, Env, Info } from './env.ts';
import { VectorEnv } from './vector-env.ts';

export interface BatchedStepResult {
  /** `[k, obsDim]` row-major, rows in the order of the stepped indices. */
  obs: Float32Array;
  /** `[k]` (Float64, as rewards are JS numbers). */
  reward: Float64Array;
  /** `[k]`, 1 where the sub-env terminated. */
  terminated: Uint8Array;
  /** `[k]`, 1 where the sub-env was truncated. */
  truncated: Uint8Array;
  infos: Info[];
}

export interface BatchedEnv {
  readonly id: string;
  readonly numEnvs: number;
  /** Space of one sub-env's observation `[obsDim]`. */
  readonly observationSpace: BoxSpace;
  /** Space of one sub-env's action `[actDim]`. */
  readonly actionSpace: BoxSpace;
  /** Resets the sub-envs `indices` (seeds aligned with them); returns their observations `[k, obsDim]`. */
  resetAt(indices: readonly number[], seeds?: ReadonlyArray<number | undefined>): { obs: Float32Array; infos: Info[] };
  /** Steps the sub-envs `indices` with `actions` `[k, actDim]` (rows aligned with `indices`). */
  stepAt(indices: readonly number[], actions: Float32Array): BatchedStepResult;
}

/** True when `x` implements `BatchedEnv` (rather than being an array of envs). */
export function isBatchedEnv(x: unknown): x is BatchedEnv {
  return (
    typeof x === 'object' && x !== null && !Array.isArray(x) &&
    typeof (x as BatchedEnv).resetAt === 'function' && typeof (x as BatchedEnv).stepAt === 'function'
  );
}

/**
 * N single envs (same observation and action sizes) as one `BatchedEnv`: a `VectorEnv` (./vector-env.ts) over
 * them, stepping them in index order. A vector env (`{ envs: Env[] }`, e.g. `makeVec` of envs/vector-env.ts)
 * is driven through its copies, bypassing its own unseeded auto-reset.
 */
export function batchEnvs(source: readonly Env[] | { readonly envs: readonly Env[] }): BatchedEnv {
  if (source instanceof VectorEnv) return source;
  const envs = Array.isArray(source) ? source : (source as { envs?: readonly Env[] })?.envs;
  if (!Array.isArray(envs) || envs.length === 0) {
    throw new Error('batchEnvs: expected a non-empty array of envs (e.g. Array.from({ length: 8 }, () => make("Pendulum-v1"))) or a vector env with .envs');
  }
  return new VectorEnv(envs);
}
