// Vectorized env (Gymnasium `SyncVectorEnv`): N copies stepped in lockstep in one process. Observations are
// batched row-major as one Float32Array `[N * obsDim]` (row i = env i), actions likewise `[N * actDim]`,
// rewards Float64Array `[N]`, terminated/truncated boolean[] `[N]`.
// Seeding: reset({ seed }) seeds env i with seed + i (Gymnasium's convention), so one seed reproduces the
// whole batch. Auto-reset (Gymnasium ≤ 0.29 "same-step" mode): when env i ends (terminated or truncated),
// it is reset at once; its row of the returned obs is the first obs of the new episode, and infos[i] holds
// `finalObs` (the last obs of the finished episode) and `finalInfo`.
import type { Env, Info } from './types.ts';
import type { Box } from './spaces.ts';
import { make, type MakeOptions } from './registry.ts';

export interface VectorStep {
  /** `[N * obsDim]` */
  obs: Float32Array;
  /** `[N]` */
  rewards: Float64Array;
  terminated: boolean[];
  truncated: boolean[];
  infos: Info[];
}

/** Row i of a batched buffer `[N * dim]` (a view, no copy). */
export function row(batch: Float32Array, i: number, dim: number): Float32Array {
  return batch.subarray(i * dim, (i + 1) * dim);
}

/** Splits a batched buffer into N row views. */
export function rows(batch: Float32Array, dim: number): Float32Array[] {
  if (batch.length % dim !== 0) throw new Error(`rows: buffer of length ${batch.length} is not a multiple of the row size ${dim}`);
  return Array.from({ length: batch.length / dim }, (_, i) => row(batch, i, dim));
}

/** Stacks N equal-length rows into one batched buffer `[N * dim]`. */
export function stackRows(list: ArrayLike<number>[]): Float32Array {
  const dim = list[0]?.length ?? 0;
  const out = new Float32Array(list.length * dim);
  list.forEach((r, i) => {
    if (r.length !== dim) throw new Error(`stackRows: row ${i} has length ${r.length} but row 0 has ${dim}`);
    out.set(r, i * dim);
  });
  return out;
}

export class VectorEnv {
  readonly envs: Env[];
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly actDim: number;
  private started = false;

  constructor(envs: Env[]) {
    if (envs.length === 0) throw new Error('VectorEnv: give at least one env');
    this.envs = envs;
    this.numEnvs = envs.length;
    this.obsDim = envs[0]!.observationSpace.low.length;
    this.actDim = envs[0]!.actionSpace.low.length;
    envs.forEach((e, i) => {
      if (e.observationSpace.low.length !== this.obsDim || e.actionSpace.low.length !== this.actDim) {
        throw new Error(`VectorEnv: env ${i} (${e.id}) has obs/action sizes ${e.observationSpace.low.length}/${e.actionSpace.low.length} but env 0 has ${this.obsDim}/${this.actDim}; all copies must share spaces`);
      }
    });
  }

  /** The spaces of one copy. */
  get singleObservationSpace(): Box {
    return this.envs[0]!.observationSpace as Box;
  }
  get singleActionSpace(): Box {
    return this.envs[0]!.actionSpace as Box;
  }

  /** Resets every copy; with a seed, env i gets seed + i. Returns obs `[N * obsDim]`. */
  reset(opts: { seed?: number } = {}): { obs: Float32Array; infos: Info[] } {
    const obs = new Float32Array(this.numEnvs * this.obsDim);
    const infos: Info[] = [];
    this.envs.forEach((e, i) => {
      const r = e.reset(opts.seed === undefined ? {} : { seed: opts.seed + i });
      obs.set(r.obs, i * this.obsDim);
      infos.push(r.info);
    });
    this.started = true;
    return { obs, infos };
  }

  /** Steps every copy with its row of `actions` `[N * actDim]`; finished copies auto-reset. */
  step(actions: ArrayLike<number>): VectorStep {
    if (!this.started) throw new Error('VectorEnv.step: call reset() first');
    if (actions.length !== this.numEnvs * this.actDim) {
      throw new Error(`VectorEnv.step: actions has length ${actions.length} but needs N * actDim = ${this.numEnvs} * ${this.actDim} = ${this.numEnvs * this.actDim} (row i = env i)`);
    }
    const obs = new Float32Array(this.numEnvs * this.obsDim);
    const rewards = new Float64Array(this.numEnvs);
    const terminated: boolean[] = [];
    const truncated: boolean[] = [];
    const infos: Info[] = [];
    const a = Float32Array.from(actions);
    this.envs.forEach((e, i) => {
      const r = e.step(row(a, i, this.actDim));
      rewards[i] = r.reward;
      terminated.push(r.terminated);
      truncated.push(r.truncated);
      if (r.terminated || r.truncated) {
        const again = e.reset();
        obs.set(again.obs, i * this.obsDim);
        infos.push({ ...again.info, finalObs: r.obs, finalInfo: r.info });
      } else {
        obs.set(r.obs, i * this.obsDim);
        infos.push(r.info);
      }
    });
    return { obs, rewards, terminated, truncated, infos };
  }

  close(): void {
    for (const e of this.envs) e.close?.();
  }
}

/** N copies of a registered env (each through make(), so each has its TimeLimit). */
export function makeVec(id: string, n: number, options: MakeOptions = {}): VectorEnv {
  if (!Number.isInteger(n) || n < 1) throw new Error(`makeVec(${id}): n must be a positive integer (got ${n})`);
  return new VectorEnv(Array.from({ length: n }, () => make(id, options)));
}
