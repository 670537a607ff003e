// MountainCar twin, compileSystem(mountainCarSystem): equals the env step (including the left wall);
// tfjs gradients w.r.t. state, action, power and gravity match central differences away from the clips; the
// generated fused kernel passes checkSystem (values and gradients vs the tfjs twin and Float64 central
// differences) from states across the track, at the wall and near the goal.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../helpers/backend.ts';
import { MountainCarContinuousEnv, mountainCarSystem } from '../../envs/mountain-car-continuous.ts';
import { compileSystem } from '../../src/models/system/compile.ts';
import { checkSystem } from '../../src/models/system/check.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { directional, expectClose, variableDerivative } from '../models/finite-difference.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('mountain-car twin', () => {
  it('equals env steps along a rollout that hits the left wall', () => {
    const env = new MountainCarContinuousEnv();
    const { dynamics } = env.model();
    let obs = env.reset({ seed: 1 }).obs;
    let hitWall = false;
    for (let t = 0; t < 150; t++) {
      const u = obs[1]! < 0 ? -1 : 0.6; // pump energy, hitting the left wall before the goal
      const pred = tf.tidy(() => dynamics.step(tf.tensor2d([Array.from(obs)]), tf.tensor2d([[u]])).dataSync() as Float32Array);
      const r = env.step(Float32Array.of(u));
      obs = r.obs;
      expect(Math.abs(pred[0]! - obs[0]!)).toBeLessThan(1e-5);
      expect(Math.abs(pred[1]! - obs[1]!)).toBeLessThan(1e-6);
      if (obs[0]! <= -1.2 + 1e-6) hitWall = true;
      if (r.terminated) break;
    }
    expect(hitWall).toBe(true);
    dynamics.dispose();
  });

  it('gradients w.r.t. state, action, power and gravity match central differences', () => {
    const { dynamics, cost } = compileSystem(mountainCarSystem, { params: { power: 0.002 } });
    const rng = new Rng(0);
    const x = tf.tensor2d(Array.from({ length: 8 }, () => [rng.uniformIn(-1, 0.3), rng.uniformIn(-0.03, 0.03)]));
    const u = tf.tensor2d(Array.from({ length: 8 }, () => [rng.uniformIn(-0.9, 0.9)]));
    const W = rng.normalTensor([8, 2]);
    const loss = (xx: tf.Tensor, uu: tf.Tensor) => tf.add(tf.sum(tf.mul(dynamics.step(xx, uu), W)), tf.sum(cost.cost(xx, uu, 0))) as tf.Scalar;
    expectClose('d/dx', directional((xx) => loss(xx, u), x, rng, 1e-4), 5e-3);
    expectClose('d/du', directional((uu) => loss(x, uu), u, rng, 2e-2), 5e-3);
    // the parameters act through the dynamics only; the O(100) goal bonus would drown a float32 difference
    const dynLoss = () => tf.sum(tf.mul(dynamics.step(x, u), W)) as tf.Scalar;
    const names = ['power', 'gravity'];
    dynamics.variables().forEach((v, i) => expectClose(`d/d${names[i]}`, variableDerivative(dynLoss, v, 1e-4), 5e-3, 1e-3));
    tf.dispose([x, u, W]);
    dynamics.dispose();
  });

  it('the generated kernel passes checkSystem across the track, at the left wall and near the goal', () => {
    const sys = compileSystem(mountainCarSystem, { params: { power: 0.0018, gravity: 0.0024 } });
    const sampleState = (rng: Rng) => {
      const k = rng.uniformIn(0, 3);
      if (k < 1) return [-1.2, rng.uniformIn(-0.07, 0)]; // at the wall, moving into it
      if (k < 2) return [rng.uniformIn(0.3, 0.55), rng.uniformIn(-0.02, 0.04)]; // near the goal bonus
      return [rng.uniformIn(-1.1, 0.5), rng.uniformIn(-0.05, 0.05)];
    };
    expect(checkSystem(sys, { rows: 12, horizon: 12, seed: 2, sampleState })).toEqual([]);
    sys.dynamics.dispose();
  });
});
