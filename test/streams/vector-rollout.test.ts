// vectorRollout(): equivalence with rollout at N = 1, auto-reset with seed + k in start order, the active
// mask and idle sub-envs, both action layouts, a native BatchedEnv, a Gymnasium-style vector env (envs/vector-env.ts),
// unsubscription, errors.
import { lastValueFrom, take, toArray, type Observable } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rollout } from '../../src/streams/rollout.ts';
import type { Transition } from '../../src/streams/types.ts';
import type { BatchedEnv } from '../../src/streams/batched-env.ts';
import { vectorRollout } from '../../src/streams/vector-rollout.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { box, PointMass, pd } from './point-mass.ts';

const all = (o: Observable<Transition>) => lastValueFrom(o.pipe(toArray()));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pdBatch = (calls?: Array<{ rows: number; active: boolean[] }>) => ({
  actBatch: (obs: Float32Array[], active: readonly boolean[]) => {
    calls?.push({ rows: obs.length, active: [...active] });
    return obs.map((s) => pd().act(s));
  },
});

beforeAll(async () => {
  await useTestBackend();
});

describe('vectorRollout', () => {
  it('equals rollout transition for transition with one sub-env', async () => {
    const opts = { episodes: 3, maxEpisodeSteps: 12, seed: 21 };
    const single = await all(rollout(new PointMass(), pd(), opts));
    const vec = await all(vectorRollout([new PointMass()], pdBatch(), opts));
    const strip = (t: Transition) => [Array.from(t.obs), Array.from(t.action), t.reward, Array.from(t.nextObs), t.terminated, t.truncated, t.episode, t.t];
    expect(vec.map(strip)).toEqual(single.map(strip));
  });

  it('steps N envs in lockstep, auto-resets finished ones with seed + k and idles them when the budget is spent', async () => {
    const envs = [new PointMass(), new PointMass(), new PointMass()];
    const calls: Array<{ rows: number; active: boolean[] }> = [];
    const trs = await all(vectorRollout(envs, pdBatch(calls), { episodes: 5, maxEpisodeSteps: 4, seed: 50 }));
    // episodes 0,1,2 start on envs 0,1,2; after 4 steps episodes 3,4 start on envs 0,1 and env 2 idles
    expect(envs.map((e) => e.resets)).toEqual([[50, 53], [51, 54], [52]]);
    expect(trs).toHaveLength(5 * 4);
    expect(calls).toHaveLength(8);
    expect(calls.every((c) => c.rows === 3)).toBe(true);
    expect(calls[4]!.active).toEqual([true, true, false]);
    expect(trs.slice(0, 3).map((t) => [t.env, t.episode, t.t])).toEqual([[0, 0, 0], [1, 1, 0], [2, 2, 0]]);
    for (let k = 0; k < 5; k++) {
      const ep = trs.filter((t) => t.episode === k);
      expect(ep.map((t) => t.t)).toEqual([0, 1, 2, 3]);
      expect(ep[3]!.truncated).toBe(true);
      expect(new Set(ep.map((t) => t.env)).size).toBe(1);
    }
    expect(envs.map((e) => e.stepCount)).toEqual([8, 8, 4]);
  });

  it('accepts a row-major Float32Array [N * actDim] and resets the controller rows that start episodes', async () => {
    const envs = [new PointMass(1.2), new PointMass(1.2)];
    const resets: number[][] = [];
    const ctl = {
      actBatch: (obs: Float32Array[]) => Float32Array.from(obs, () => 1),
      reset: (rows: number[]) => resets.push(rows),
    };
    const trs = await all(vectorRollout(envs, ctl, { episodes: 4, maxEpisodeSteps: 100, seed: 0 }));
    expect(resets[0]).toEqual([0, 1]);
    expect(resets.flat().sort()).toEqual([0, 0, 1, 1]);
    expect(trs.filter((t) => t.terminated)).toHaveLength(4);
  });

  it('drives a native BatchedEnv and stops stepping it on unsubscribe', async () => {
    let stepped = 0;
    const venv: BatchedEnv = {
      id: 'counter×4',
      numEnvs: 4,
      observationSpace: box([-Infinity], [Infinity]),
      actionSpace: box([-1], [1]),
      resetAt: (idx) => ({ obs: new Float32Array(idx.length), infos: idx.map(() => ({})) }),
      stepAt: (idx, a) => {
        stepped += idx.length;
        return {
          obs: Float32Array.from(a),
          reward: Float64Array.from(a),
          terminated: new Uint8Array(idx.length),
          truncated: new Uint8Array(idx.length),
          infos: idx.map(() => ({})),
        };
      },
    };
    const ctl = { actBatch: (obs: Float32Array[]) => obs.map((s) => Float32Array.of(s[0]! + 1)) };
    const first = await lastValueFrom(vectorRollout(venv, ctl, { episodes: Infinity }).pipe(take(8), toArray()));
    expect(first.map((t) => t.reward)).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
    expect(stepped).toBe(8);
    const sub = vectorRollout(venv, ctl, { episodes: Infinity, sliceMs: 2 }).subscribe();
    await sleep(30);
    sub.unsubscribe();
    const at = stepped;
    await sleep(30);
    expect(stepped).toBe(at);
  });

  it('reports mismatched envs and malformed batched actions', async () => {
    const odd = new PointMass();
    Object.defineProperty(odd, 'actionSpace', { value: box([-1, -1], [1, 1]) });
    expect(() => vectorRollout([new PointMass(), odd], pdBatch())).toThrow(/envs\[1\].*action size 2.*must match/);
    expect(() => vectorRollout([], pdBatch())).toThrow(/non-empty array/);
    const bad = { actBatch: () => [Float32Array.of(0)] };
    await expect(all(vectorRollout([new PointMass(), new PointMass()], bad))).rejects.toThrow(/returned 1 actions but there are 2 sub-envs/);
    const flat = { actBatch: () => new Float32Array(3) };
    await expect(all(vectorRollout([new PointMass(), new PointMass()], flat))).rejects.toThrow(/\[2, 1\] \(length 2\)/);
  });
});

describe('vectorRollout with the envs/ vector env and Pendulum-v1', () => {
  it('drives makeVec("Pendulum-v1", 3) through its copies with seed + k per episode', async (ctx) => {
    let api: typeof import('../../envs/api.ts');
    try {
      await import('../../envs/pendulum.ts');
      api = await import('../../envs/api.ts');
    } catch {
      ctx.skip();
      return;
    }
    const venv = api.makeVec('Pendulum-v1', 3, { physics: 'analytic', maxEpisodeSteps: 20 });
    const ctl = { actBatch: (obs: Float32Array[]) => obs.map((s) => [Math.max(-2, Math.min(2, -2 * s[1]! - 0.5 * s[2]!))]) };
    const trs = await all(vectorRollout(venv, ctl, { episodes: 4, seed: 10 }));
    expect(trs).toHaveLength(4 * 20);
    const single = await all(rollout(api.make('Pendulum-v1', { physics: 'analytic', maxEpisodeSteps: 20 }), { act: (s) => ctl.actBatch([s])[0]! }, { episodes: 4, seed: 10 }));
    const byEpisode = (xs: Transition[]) => [0, 1, 2, 3].map((k) => xs.filter((t) => t.episode === k).reduce((a, t) => a + t.reward, 0));
    const v = byEpisode(trs);
    const s = byEpisode(single);
    v.forEach((g, k) => expect(g).toBeCloseTo(s[k]!, 6));
    expect(trs.filter((t) => t.truncated)).toHaveLength(4);
  });
});
