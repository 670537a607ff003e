// Tests of policies/l2o/baselines.ts: SGD against the closed form on a quadratic, Adam's first step
// (±lr per coordinate after bias correction), ε-greedy SGD restarts and budget.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAdam, runEpsGreedySgd, runSgd } from '../../../policies/l2o/baselines.ts';
import type { Problem } from '../../../policies/l2o/problems.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { useTestBackend } from '../../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

/** f(θ) = ½ Σ θ_i², ∇f = θ. */
const bowl: Problem = {
  family: 'bowl',
  dim: 2,
  f: (x) => tf.tidy(() => tf.mul(0.5, tf.sum(tf.square(x), 1))),
  grad: (x) => x.clone(),
  init: (B, rng) => rng.uniformTensor([B, 2], 5, 6),
  dispose: () => {},
};

describe('baseline optimizers', () => {
  it('SGD contracts a unit quadratic by (1 − η) per step', () => {
    const th = tf.tensor2d([[2, -4]]);
    const { values } = runSgd(bowl, th, 3, 0.5);
    expect(values.length).toBe(4);
    // f_t = f_0 (1 − η)^{2t}
    for (let t = 0; t <= 3; t++) expect(values[t]![0]!).toBeCloseTo(10 * 0.25 ** t, 5);
    th.dispose();
  });

  it('Adam moves every coordinate by lr on its first step', () => {
    const th = tf.tensor2d([[2, -4]]);
    const { values } = runAdam(bowl, th, 1, 0.5);
    // θ1 = (1.5, −3.5) → f = ½ (2.25 + 12.25)
    expect(values[1]![0]!).toBeCloseTo(7.25, 4);
    th.dispose();
  });

  it('ε-greedy SGD restarts from fresh points within the same step budget and leaks nothing', () => {
    const th = tf.tensor2d([[0.1, 0.1]]);
    const before = tf.memory().numTensors;
    const { values } = runEpsGreedySgd(bowl, th, 8, { lr: 0.5, restarts: 4, epsilon: 0, stepScale: 0.5, rng: new Rng(2) });
    expect(values.length).toBe(9);
    // restarts at t = 2, 4, 6 jump back up to the init region [5, 6]² (f ≥ 25)
    for (const t of [2, 4, 6]) expect(values[t]![0]!).toBeGreaterThan(25);
    expect(values[1]![0]!).toBeLessThan(values[0]![0]!);
    expect(tf.memory().numTensors).toBe(before);
    th.dispose();
  });
});
