// The closed loop of N environments stepped in lockstep by one batched controller, as a cold RxJS stream of
// per-sub-env `Transition`s: at each step the controller maps the N observations `[N, obsDim]` to N actions
// `[N, actDim]` in one call (one MPC batch), every active sub-env steps once, and its transition is emitted
// (rows in index order). A sub-env whose episode ends is reset at once (auto-reset) with the next episode
// index k (seed + k), until `episodes` episodes have been started; it then idles (`active[i] = false`) while
// the others finish. Episode indices are assigned in start order, so with N = 1 the stream equals
// `rollout(env, ...)` transition for transition.
//
// Same loop as `rollout` (./loop.ts): constant stack, time-sliced, stops stepping on unsubscribe.
import { Observable } from 'rxjs';
import type { Env } from './env.ts';
import { cooperativeLoop, type StepResult } from './loop.ts';
import { resolveRolloutOptions, sizeOf, toAction } from './options.ts';
import type { ActionLike, BatchController, RolloutOptions, Transition } from './types.ts';
import { batchEnvs, isBatchedEnv, type BatchedEnv } from './batched-env.ts';

type BatchActions = ActionLike[] | Float32Array;

/**
 * `envs`: an array of envs, a Gymnasium-style vector env with `.envs` (both through `batchEnvs`), or a
 * `BatchedEnv`. Default budget: one episode per sub-env. `steps` counts batched steps.
 */
export function vectorRollout(
  envs: readonly Env[] | { readonly envs: readonly Env[] } | BatchedEnv,
  controller: BatchController,
  options: RolloutOptions = {},
): Observable<Transition> {
  const venv = isBatchedEnv(envs) ? envs : batchEnvs(envs as readonly Env[]);
  const N = venv.numEnvs;
  const o = resolveRolloutOptions('vectorRollout', options, N);
  if (!controller || typeof controller.actBatch !== 'function') {
    throw new Error('vectorRollout: controller must have an actBatch(obs[N], active[N]) method returning N actions');
  }
  const obsDim = sizeOf(venv.observationSpace.shape);
  const actDim = sizeOf(venv.actionSpace.shape);
  const where = `vectorRollout(${venv.id}): controller.actBatch(obs)`;

  /** Row i of the controller's answer, validated. */
  const actionRow = (acts: BatchActions, i: number): Float32Array => {
    if (Array.isArray(acts)) {
      if (acts.length !== N) throw new Error(`${where}: returned ${acts.length} actions but there are ${N} sub-envs; return one action per row`);
      return toAction(`${where} row ${i}`, acts[i], actDim);
    }
    if (!(acts instanceof Float32Array) || acts.length !== N * actDim) {
      throw new Error(
        `${where}: expected ${N} action rows or one Float32Array [N, actDim] = [${N}, ${actDim}] (length ${N * actDim}), got ${acts instanceof Float32Array ? `length ${acts.length}` : typeof acts}`,
      );
    }
    return toAction(`${where} row ${i}`, acts.subarray(i * actDim, (i + 1) * actDim), actDim);
  };

  return new Observable<Transition>((subscriber) => {
    const rows: Float32Array[] = Array.from({ length: N }, () => new Float32Array(obsDim));
    const active: boolean[] = new Array(N).fill(false);
    const episodeOf = new Int32Array(N).fill(-1);
    const tOf = new Int32Array(N);
    let started = 0;
    let stepsDone = 0;
    let initialised = false;

    /** Starts new episodes on `idx` (as many as the budget allows); the rest go idle. */
    const startEpisodes = (idx: number[]): void => {
      const starting: number[] = [];
      for (const i of idx) {
        if (started < o.episodes && stepsDone < o.steps) {
          episodeOf[i] = started++;
          tOf[i] = 0;
          active[i] = true;
          starting.push(i);
        } else {
          active[i] = false;
        }
      }
      if (starting.length === 0) return;
      const seeds = starting.map((i) => (o.seed === undefined ? undefined : o.seed + episodeOf[i]!));
      const r = venv.resetAt(starting, seeds);
      if (r.obs.length !== starting.length * obsDim) {
        throw new Error(`vectorRollout(${venv.id}): resetAt returned ${r.obs.length} observation values for ${starting.length} sub-envs × obsDim ${obsDim}`);
      }
      starting.forEach((i, k) => (rows[i] = r.obs.slice(k * obsDim, (k + 1) * obsDim)));
      controller.reset?.(starting);
    };

    const finish = (acts: BatchActions): boolean => {
      const idx: number[] = [];
      for (let i = 0; i < N; i++) if (active[i]) idx.push(i);
      const actions = idx.map((i) => actionRow(acts, i));
      const flat = new Float32Array(idx.length * actDim);
      actions.forEach((a, k) => flat.set(a, k * actDim));
      const r = venv.stepAt(idx, flat);
      stepsDone++;
      const budgetOut = stepsDone >= o.steps;
      const ended: number[] = [];
      for (let k = 0; k < idx.length; k++) {
        if (subscriber.closed) return false;
        const i = idx[k]!;
        const terminated = r.terminated[k] === 1;
        const cut = budgetOut || tOf[i]! + 1 >= o.maxEpisodeSteps;
        const tr: Transition = {
          obs: rows[i]!,
          action: actions[k]!,
          reward: r.reward[k]!,
          nextObs: r.obs.slice(k * obsDim, (k + 1) * obsDim),
          terminated,
          truncated: r.truncated[k] === 1 || (!terminated && cut),
          info: r.infos[k] ?? {},
          episode: episodeOf[i]!,
          t: tOf[i]!,
          env: i,
        };
        rows[i] = tr.nextObs;
        tOf[i]!++;
        if (tr.terminated || tr.truncated) ended.push(i);
        subscriber.next(tr);
      }
      if (subscriber.closed) return false;
      if (ended.length) startEpisodes(ended);
      if (budgetOut || !active.some(Boolean)) {
        subscriber.complete();
        return false;
      }
      return true;
    };

    const step = (): StepResult => {
      if (!initialised) {
        initialised = true;
        startEpisodes(Array.from({ length: N }, (_, i) => i));
      }
      const a = controller.actBatch(rows, active.slice());
      if (a && typeof (a as PromiseLike<BatchActions>).then === 'function') {
        return (a as PromiseLike<BatchActions>).then((acts) => (subscriber.closed ? false : finish(acts)));
      }
      return finish(a as BatchActions);
    };

    return cooperativeLoop(step, {
      sliceMs: o.sliceMs,
      isClosed: () => subscriber.closed,
      onError: (err) => subscriber.error(err),
    });
  });
}
