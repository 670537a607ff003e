// A batch of N environments stepped as one, the interface `vectorRollout` drives: observations as row-major
// `[k, obsDim]` Float32Arrays over any subset of sub-env indices (so finished sub-envs are not stepped and each
// episode k can be reset with its own seed), and `batchEnvs(envs)`, the adapter that turns an array of single
// envs, or a Gymnasium-style vector env exposing its copies as `.envs` (envs/vector-env.ts), into one.
// A natively batched env (e.g. N pendulums integrated as one tensor op) implements `BatchedEnv` directly.
import type { BoxSpace, Env, Info } from './env.ts';
import { sizeOf } from './options.ts';

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
 * Wraps N single envs (same observation and action sizes) as one `BatchedEnv`, stepping them in index order.
 * A Gymnasium-style vector env (`{ envs: Env[] }`, e.g. `makeVec` of envs/vector-env.ts) is driven through its
 * copies, bypassing its own unseeded auto-reset.
 */
export function batchEnvs(source: readonly Env[] | { readonly envs: readonly Env[] }): BatchedEnv {
  const envs = Array.isArray(source) ? source : (source as { envs?: readonly Env[] })?.envs;
  if (!Array.isArray(envs) || envs.length === 0) {
    throw new Error('batchEnvs: expected a non-empty array of envs (e.g. Array.from({ length: 8 }, () => make("Pendulum-v1"))) or a vector env with .envs');
  }
  const first = envs[0]!;
  const obsDim = sizeOf(first.observationSpace.shape);
  const actDim = sizeOf(first.actionSpace.shape);
  envs.forEach((e, i) => {
    const o = sizeOf(e.observationSpace.shape);
    const a = sizeOf(e.actionSpace.shape);
    if (o !== obsDim || a !== actDim) {
      throw new Error(
        `batchEnvs: envs[${i}] (${e.id}) has observation size ${o} and action size ${a} but envs[0] (${first.id}) has ${obsDim} and ${actDim}; all sub-envs must match`,
      );
    }
  });
  const checkIndex = (i: number) => {
    if (!Number.isInteger(i) || i < 0 || i >= envs.length) {
      throw new Error(`batchEnvs: sub-env index ${i} is out of range [0, ${envs.length})`);
    }
  };
  return {
    id: `vector(${envs.length}×${first.id})`,
    numEnvs: envs.length,
    observationSpace: first.observationSpace,
    actionSpace: first.actionSpace,
    resetAt(indices, seeds) {
      const obs = new Float32Array(indices.length * obsDim);
      const infos: Info[] = [];
      indices.forEach((i, k) => {
        checkIndex(i);
        const seed = seeds?.[k];
        const r = seed === undefined ? envs[i]!.reset() : envs[i]!.reset({ seed });
        obs.set(r.obs, k * obsDim);
        infos.push(r.info);
      });
      return { obs, infos };
    },
    stepAt(indices, actions) {
      if (actions.length !== indices.length * actDim) {
        throw new Error(`batchEnvs.stepAt: actions must be [${indices.length}, ${actDim}] row-major (length ${indices.length * actDim}) but has length ${actions.length}`);
      }
      const k = indices.length;
      const out: BatchedStepResult = {
        obs: new Float32Array(k * obsDim),
        reward: new Float64Array(k),
        terminated: new Uint8Array(k),
        truncated: new Uint8Array(k),
        infos: [],
      };
      indices.forEach((i, j) => {
        checkIndex(i);
        const r = envs[i]!.step(actions.slice(j * actDim, (j + 1) * actDim));
        out.obs.set(r.obs, j * obsDim);
        out.reward[j] = r.reward;
        out.terminated[j] = r.terminated ? 1 : 0;
        out.truncated[j] = r.truncated ? 1 : 0;
        out.infos.push(r.info);
      });
      return out;
    },
  };
}
