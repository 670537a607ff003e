// rollout(): episode/step budgets, seeding (episode k resets with seed + k), sync and async controllers,
// 100k synchronous steps without stack overflow, unsubscription stopping the env, errors, tensor memory.
import * as tf from '@tensorflow/tfjs';
import { count, firstValueFrom, lastValueFrom, take, tap, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { episodeReturns } from '../../src/streams/episode-returns.ts';
import { rollout } from '../../src/streams/rollout.ts';
import type { Transition } from '../../src/streams/types.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { PointMass, pd } from './point-mass.ts';

const all = (o: import('rxjs').Observable<Transition>) => lastValueFrom(o.pipe(toArray()));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  await useTestBackend();
});

describe('rollout', () => {
  it('runs the requested episodes, chains s_{t+1} into the next step and truncates at maxEpisodeSteps', async () => {
    const env = new PointMass();
    const trs = await all(rollout(env, pd(), { episodes: 3, maxEpisodeSteps: 10, seed: 5 }));
    expect(trs).toHaveLength(30);
    expect(env.stepCount).toBe(30);
    expect(trs.map((t) => t.episode)).toEqual([...Array(10).fill(0), ...Array(10).fill(1), ...Array(10).fill(2)]);
    expect(trs.slice(0, 10).map((t) => t.t)).toEqual([...Array(10).keys()]);
    for (let i = 0; i < trs.length; i++) {
      const tr = trs[i]!;
      expect(tr.truncated).toBe(tr.t === 9);
      expect(tr.terminated).toBe(false);
      expect(tr.env).toBe(0);
      if (tr.t < 9) expect(Array.from(trs[i + 1]!.obs)).toEqual(Array.from(tr.nextObs));
      // the action is the controller's answer to this step's observation
      expect(tr.action[0]).toBeCloseTo(-tr.obs[0]! - 1.5 * tr.obs[1]!, 5);
    }
  });

  it('resets episode k with seed + k and reproduces a run from its seed', async () => {
    const env = new PointMass();
    const a = await all(rollout(env, pd(), { episodes: 4, maxEpisodeSteps: 5, seed: 100 }));
    expect(env.resets).toEqual([100, 101, 102, 103]);
    const b = await all(rollout(new PointMass(), pd(), { episodes: 4, maxEpisodeSteps: 5, seed: 100 }));
    expect(b.map((t) => Array.from(t.obs))).toEqual(a.map((t) => Array.from(t.obs)));
    const c = await all(rollout(new PointMass(), pd(), { episodes: 4, maxEpisodeSteps: 5, seed: 7 }));
    expect(c[0]!.obs[0]).not.toBe(a[0]!.obs[0]);
  });

  it('stops at the steps budget, marking the cut episode truncated', async () => {
    const env = new PointMass();
    const trs = await all(rollout(env, pd(), { steps: 25, maxEpisodeSteps: 10, seed: 0 }));
    expect(trs).toHaveLength(25);
    expect(env.stepCount).toBe(25);
    expect(trs.filter((t) => t.truncated).map((t) => [t.episode, t.t])).toEqual([[0, 9], [1, 9], [2, 4]]);
  });

  it('ends an episode on termination and resets the controller before each episode', async () => {
    const env = new PointMass(1.5);
    const resets: number[] = [];
    const push = { act: () => Float32Array.of(1), reset: (e?: { episode: number }) => resets.push(e!.episode) };
    const trs = await all(rollout(env, push, { episodes: 2, seed: 1 }));
    const ends = trs.filter((t) => t.terminated);
    expect(ends).toHaveLength(2);
    expect(trs.every((t) => !t.truncated)).toBe(true);
    expect(Math.abs(ends[0]!.nextObs[0]!)).toBeGreaterThan(1.5);
    expect(resets).toEqual([0, 1]);
  });

  it('gives the same transitions with an async controller as with a sync one', async () => {
    const sync = await all(rollout(new PointMass(), pd(), { episodes: 2, maxEpisodeSteps: 20, seed: 3 }));
    const p = pd();
    const asyncCtl = { act: async (s: Float32Array) => p.act(s) };
    const asy = await all(rollout(new PointMass(), asyncCtl, { episodes: 2, maxEpisodeSteps: 20, seed: 3 }));
    expect(asy.map((t) => [t.reward, t.episode, t.t])).toEqual(sync.map((t) => [t.reward, t.episode, t.t]));
  });

  it('runs 100k steps with a synchronous controller without overflowing the stack', async () => {
    const env = new PointMass();
    const n = await lastValueFrom(rollout(env, pd(), { steps: 100_000, maxEpisodeSteps: 200, seed: 0 }).pipe(count()));
    expect(n).toBe(100_000);
    expect(env.stepCount).toBe(100_000);
  });

  it('stops stepping the env on unsubscribe (take, and an unsubscribe from a timer)', async () => {
    const env = new PointMass();
    await lastValueFrom(rollout(env, pd(), { episodes: Infinity, maxEpisodeSteps: 50 }).pipe(take(7)));
    expect(env.stepCount).toBe(7);

    const env2 = new PointMass();
    const sub = rollout(env2, pd(), { episodes: Infinity, maxEpisodeSteps: 50, sliceMs: 2 }).subscribe();
    await sleep(40);
    sub.unsubscribe();
    const stopped = env2.stepCount;
    expect(stopped).toBeGreaterThan(0);
    await sleep(40);
    expect(env2.stepCount).toBe(stopped);
  });

  it('does not start before subscription and restarts from a fresh reset per subscription', async () => {
    const env = new PointMass();
    const r$ = rollout(env, pd(), { episodes: 1, maxEpisodeSteps: 5, seed: 9 });
    await sleep(5);
    expect(env.stepCount).toBe(0);
    const a = await all(r$);
    const b = await all(r$);
    expect(b.map((t) => t.reward)).toEqual(a.map((t) => t.reward));
  });

  it('reports bad input and controller failures with clear errors', async () => {
    const env = new PointMass();
    expect(() => rollout(env, pd(), { steps: 0 })).toThrow(/steps must be a positive integer/);
    expect(() => rollout(env, pd(), { seed: -1 })).toThrow(/seed must be a non-negative integer/);
    expect(() => rollout(env, {} as never)).toThrow(/act\(obs\)/);
    await expect(firstValueFrom(rollout(env, { act: () => Float32Array.of(1, 2) }))).rejects.toThrow(/length 2 .* needs 1/);
    await expect(firstValueFrom(rollout(env, { act: () => [NaN] }))).rejects.toThrow(/action\[0\] is NaN/);
    const leaky = tf.zeros([1]);
    await expect(firstValueFrom(rollout(env, { act: () => leaky as never }))).rejects.toThrow(/got a tf\.Tensor \(return tensor\.dataSync\(\)/);
    leaky.dispose();
    await expect(firstValueFrom(rollout(env, { act: () => tf.zeros([1]) as never }))).rejects.toThrow(/got a tf.Tensor \(return tensor.dataSync\(\)/);
    await expect(firstValueFrom(rollout(env, { act: async () => { throw new Error('boom'); } }))).rejects.toThrow('boom');
  });

  it('keeps tf.memory().numTensors flat over a 10k-step rollout with a tfjs controller', async () => {
    const K = tf.tensor2d([[1], [1.5]]); // u = −s K
    const ctl = {
      act: (s: Float32Array) => tf.tidy(() => tf.neg(tf.matMul(tf.tensor2d(s, [1, 2]), K)).dataSync() as Float32Array),
    };
    const before = tf.memory().numTensors;
    const samples: number[] = [];
    const n = await lastValueFrom(
      rollout(new PointMass(), ctl, { steps: 10_000, maxEpisodeSteps: 200, seed: 0 }).pipe(
        tap((tr) => {
          if (tr.t % 100 === 0) samples.push(tf.memory().numTensors);
        }),
        count(),
      ),
    );
    expect(n).toBe(10_000);
    expect(samples).toHaveLength(100);
    expect(new Set(samples)).toEqual(new Set([before]));
    expect(tf.memory().numTensors).toBe(before);
    K.dispose();
  });
});

describe('rollout on Pendulum-v1 (envs/pendulum.ts)', () => {
  it('runs TimeLimit-truncated 200-step episodes, reproducible from the seed', async (ctx) => {
    let api: typeof import('../../envs/api.ts');
    try {
      await import('../../envs/pendulum.ts');
      api = await import('../../envs/api.ts');
    } catch {
      ctx.skip();
      return;
    }
    // energy pumping, then PD near the top (θ = 0 upright; obs [cos θ, sin θ, θ̇])
    const swingUp = {
      act: (s: Float32Array) => {
        const th = Math.atan2(s[1]!, s[0]!);
        if (s[0]! > 0.9) return [Math.max(-2, Math.min(2, -12 * th - 2.5 * s[2]!))];
        const energy = 0.5 * s[2]! ** 2 - 15 * (1 - s[0]!);
        return [energy < 0 ? 2 * Math.sign(s[2]! || 1) : -Math.sign(s[2]!)];
      },
    };
    const run = () => lastValueFrom(rollout(api.make('Pendulum-v1', { physics: 'analytic' }), swingUp, { episodes: 3, seed: 0 }).pipe(episodeReturns(), toArray()));
    const a = await run();
    expect(a.map((r) => [r.episode, r.length, r.terminated])).toEqual([[0, 200, false], [1, 200, false], [2, 200, false]]);
    // the swing-up controller beats the −160 bar on average; a passive pendulum scores ≈ −1000 or worse
    expect(a.reduce((s, r) => s + r.return, 0) / a.length).toBeGreaterThan(-400);
    expect((await run()).map((r) => r.return)).toEqual(a.map((r) => r.return));
  });
});
