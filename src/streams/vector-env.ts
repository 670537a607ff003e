// The one vector env: N copies of an env stepped in one process, in two APIs over the same copies.
// - Gymnasium `SyncVectorEnv` (`reset`, `step`): observations batched row-major as one Float32Array
//   `[N * obsDim]` (row i = env i), actions likewise `[N * actDim]`, rewards Float64Array `[N]`,
//   terminated/truncated boolean[] `[N]`. reset({ seed }) seeds env i with seed + i (Gymnasium's convention),
//   so one seed reproduces the whole batch. Auto-reset (Gymnasium ≤ 0.29 "same-step" mode): when env i ends
//   (terminated or truncated) it is reset at once; its row of the returned obs is the first obs of the new
//   episode, and infos[i] holds `finalObs` (the last obs of the finished episode) and `finalInfo`.
// - `BatchedEnv` (`resetAt`, `stepAt`, ./batched-env.ts), which `vectorRollout` drives: any subset of copies,
//   each reset with its own seed, no auto-reset (the loop resets finished copies with the next episode's seed).
// envs/vector-env.ts adds `makeVec(id, n)` (N registered envs) and re-exports this module.
import type { BatchedEnv, BatchedStepResult } from './batched-env.ts';
import type { BoxSpace, Env, Info } from './env.ts';
import { sizeOf } from './options.ts';

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

export class VectorEnv implements BatchedEnv {
  readonly envs: Env[];
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly actDim: number;
  /** `vector(N×id)` of copy 0. */
  readonly id: string;
  private started = false;

  constructor(envs: readonly Env[]) {
    if (envs.length === 0) throw new Error('VectorEnv: give at least one env');
    this.envs = envs as Env[];
    this.numEnvs = envs.length;
    const first = envs[0]!;
    this.obsDim = sizeOf(first.observationSpace.shape);
    this.actDim = sizeOf(first.actionSpace.shape);
    this.id = `vector(${envs.length}×${first.id})`;
    envs.forEach((e, i) => {
      const o = sizeOf(e.observationSpace.shape);
      const a = sizeOf(e.actionSpace.shape);
      if (o !== this.obsDim || a !== this.actDim) {
        throw new Error(
          `VectorEnv: envs[${i}] (${e.id}) has observation size ${o} and action size ${a} but envs[0] (${first.id}) has ${this.obsDim} and ${this.actDim}; all copies must share spaces (observation and action sizes must match)`,
        );
      }
    });
  }

  /** The spaces of one copy. */
  get singleObservationSpace(): BoxSpace {
    return this.envs[0]!.observationSpace;
  }
  get singleActionSpace(): BoxSpace {
    return this.envs[0]!.actionSpace;
  }
  /** `BatchedEnv`: the space of one copy's observation `[obsDim]` (as `singleObservationSpace`). */
  get observationSpace(): BoxSpace {
    return this.singleObservationSpace;
  }
  /** `BatchedEnv`: the space of one copy's action `[actDim]` (as `singleActionSpace`). */
  get actionSpace(): BoxSpace {
    return this.singleActionSpace;
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

  private checkIndex(where: string, i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.numEnvs) {
      throw new Error(`VectorEnv.${where}: sub-env index ${i} is out of range [0, ${this.numEnvs})`);
    }
  }

  /** Resets the copies `indices` (seeds aligned with them); returns their observations `[k, obsDim]`. */
  resetAt(indices: readonly number[], seeds?: ReadonlyArray<number | undefined>): { obs: Float32Array; infos: Info[] } {
    const obs = new Float32Array(indices.length * this.obsDim);
    const infos: Info[] = [];
    indices.forEach((i, k) => {
      this.checkIndex('resetAt', i);
      const seed = seeds?.[k];
      const r = seed === undefined ? this.envs[i]!.reset() : this.envs[i]!.reset({ seed });
      obs.set(r.obs, k * this.obsDim);
      infos.push(r.info);
    });
    return { obs, infos };
  }

  /** Steps the copies `indices` with `actions` `[k, actDim]` (rows aligned with `indices`); no auto-reset. */
  stepAt(indices: readonly number[], actions: Float32Array): BatchedStepResult {
    const actDim = this.actDim;
    if (actions.length !== indices.length * actDim) {
      throw new Error(`VectorEnv.stepAt: actions must be [${indices.length}, ${actDim}] row-major (length ${indices.length * actDim}) but has length ${actions.length}`);
    }
    const k = indices.length;
    const out: BatchedStepResult = {
      obs: new Float32Array(k * this.obsDim),
      reward: new Float64Array(k),
      terminated: new Uint8Array(k),
      truncated: new Uint8Array(k),
      infos: [],
    };
    indices.forEach((i, j) => {
      this.checkIndex('stepAt', i);
      const r = this.envs[i]!.step(actions.slice(j * actDim, (j + 1) * actDim));
      out.obs.set(r.obs, j * this.obsDim);
      out.reward[j] = r.reward;
      out.terminated[j] = r.terminated ? 1 : 0;
      out.truncated[j] = r.truncated ? 1 : 0;
      out.infos.push(r.info);
    });
    return out;
  }

  close(): void {
    for (const e of this.envs) e.close?.();
  }
}
