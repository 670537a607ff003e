// VectorEnv: lockstep stepping of N copies with batched Float32Array obs, per-env seeds seed + i,
// same-step auto-reset with the final obs in info, and shape errors.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../helpers/backend.ts';
import { make, makeVec, row, rows, stackRows, VectorEnv } from '../../envs/index.ts';
import { compileSystem } from '../../src/models/system/compile.ts';
import { pendulumSystem } from '../../envs/pendulum.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('VectorEnv', () => {
  it('batches obs [N * obsDim] with env i seeded by seed + i', () => {
    const vec = makeVec('Pendulum-v1', 4, { physics: 'analytic' });
    const { obs } = vec.reset({ seed: 10 });
    expect(obs).toBeInstanceOf(Float32Array);
    expect(obs.length).toBe(12);
    for (let i = 0; i < 4; i++) {
      const single = make('Pendulum-v1', { physics: 'analytic' });
      expect(Array.from(row(obs, i, 3))).toEqual(Array.from(single.reset({ seed: 10 + i }).obs));
    }
    const actions = Float32Array.of(-2, -1, 1, 2);
    const r = vec.step(actions);
    expect(r.obs.length).toBe(12);
    expect(r.rewards.length).toBe(4);
    for (let i = 0; i < 4; i++) {
      const single = make('Pendulum-v1', { physics: 'analytic' });
      single.reset({ seed: 10 + i });
      const s = single.step(Float32Array.of(actions[i]!));
      expect(Array.from(row(r.obs, i, 3))).toEqual(Array.from(s.obs));
      expect(r.rewards[i]).toBe(s.reward);
    }
    expect(rows(r.obs, 3)).toHaveLength(4);
    expect(Array.from(stackRows(rows(r.obs, 3)))).toEqual(Array.from(r.obs));
  });

  it('auto-resets finished copies in the same step and returns the final obs in info', () => {
    const vec = makeVec('Pendulum-v1', 3, { physics: 'analytic', maxEpisodeSteps: 2 });
    vec.reset({ seed: 0 });
    vec.step(new Float32Array(3));
    const r = vec.step(new Float32Array(3));
    expect(r.truncated).toEqual([true, true, true]);
    for (let i = 0; i < 3; i++) {
      const info = r.infos[i]!;
      expect(info.finalObs).toBeInstanceOf(Float32Array);
      expect(Array.from(info.finalObs as Float32Array)).not.toEqual(Array.from(row(r.obs, i, 3)));
    }
    // the copies keep running after the automatic reset
    expect(vec.step(new Float32Array(3)).truncated).toEqual([false, false, false]);
    // CartPole terminations auto-reset too: obs rows return to the reset box
    const cp = makeVec('CartPole-v1', 2, { physics: 'analytic' });
    cp.reset({ seed: 1 });
    let ended = false;
    for (let t = 0; t < 200 && !ended; t++) {
      const s = cp.step(Float32Array.of(1, 1));
      if (s.terminated[0]) {
        ended = true;
        expect(row(s.obs, 0, 4).every((v) => Math.abs(v) <= 0.05)).toBe(true);
        expect(Math.abs((s.infos[0]!.finalObs as Float32Array)[2]!)).toBeGreaterThan(0.2);
      }
    }
    expect(ended).toBe(true);
  });

  it('reproduces from one seed and rejects wrong action sizes and mixed spaces', () => {
    const run = () => {
      const v = makeVec('CartPoleSwingUp-v0', 3, { physics: 'matter' });
      v.reset({ seed: 5 });
      for (let t = 0; t < 5; t++) v.step(Float32Array.of(1, -1, 0.5));
      return Array.from(v.step(Float32Array.of(0, 0, 0)).obs);
    };
    expect(run()).toEqual(run());
    const v = makeVec('Pendulum-v1', 2);
    expect(() => v.step(new Float32Array(2))).toThrow(/call reset\(\) first/);
    v.reset({ seed: 0 });
    expect(() => v.step(new Float32Array(3))).toThrow(/actions has length 3 but needs N \* actDim = 2 \* 1 = 2/);
    expect(() => new VectorEnv([make('Pendulum-v1'), make('CartPole-v1')])).toThrow(/all copies must share spaces/);
    expect(() => makeVec('Pendulum-v1', 0)).toThrow(/n must be a positive integer/);
  });

  it('feeds a twin as one [N, obsDim] batch: the twin predicts the next batched obs of N analytic pendulums', () => {
    const N = 64;
    const vec = makeVec('Pendulum-v1', N, { physics: 'analytic' });
    const { dynamics } = compileSystem(pendulumSystem);
    let { obs } = vec.reset({ seed: 100 });
    for (let t = 0; t < 5; t++) {
      const actions = Float32Array.from({ length: N }, (_, i) => 2 * Math.sin(i + t));
      const pred = tf.tidy(() => dynamics.step(tf.tensor2d(obs, [N, vec.obsDim]), tf.tensor2d(actions, [N, vec.actDim])).dataSync() as Float32Array);
      obs = vec.step(actions).obs;
      for (let k = 0; k < obs.length; k++) expect(Math.abs(pred[k]! - obs[k]!)).toBeLessThan(1e-5);
    }
    dynamics.dispose();
  });
});
