// End-to-end test of policies/l2o/train.ts: DDPG on a tiny budget (10 episodes of 20 steps on random
// 2–4-D quadratics) yields a learned optimizer that decreases held-out quadratic instances by well over
// an order of magnitude in 30 steps, while the untrained policy does not decrease them. Seeded; the threshold
// fails for a policy that learned nothing (or learned to ascend).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainLearnedOptimizer } from '../../../policies/l2o/train.ts';
import { LearnedOptimizer } from '../../../policies/l2o/learned-optimizer.ts';
import { makeProblem } from '../../../policies/l2o/problems.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { useTestBackend } from '../../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

/** Mean over 3 held-out 3-D instances × 4 starts of log10 f_30 − log10 f_0. */
function heldOutLogImprovement(opt: LearnedOptimizer): number {
  const rng = new Rng(123);
  let total = 0;
  for (let k = 0; k < 3; k++) {
    const p = makeProblem('quadratic', 3, rng);
    const th = p.init(4, rng);
    const r = opt.run(p, th, 30);
    for (let b = 0; b < 4; b++) total += Math.log10(r.values[30]![b]! + 1e-8) - Math.log10(r.values[0]![b]! + 1e-8);
    tf.dispose([th, r.theta]);
    p.dispose();
  }
  return total / 12;
}

describe('trainLearnedOptimizer', () => {
  it('learns to decrease held-out quadratics on a tiny budget', () => {
    const logs: number[] = [];
    const { optimizer, log } = trainLearnedOptimizer({
      family: 'quadratic',
      dims: [2, 4],
      episodes: 10,
      steps: 20,
      runs: 4,
      hidden: [16, 16],
      ddpg: { criticHidden: [32, 32], batchSize: 64 },
      warmup: 128,
      seed: 1,
      onEpisode: (e) => logs.push(e.logImprovement),
    });
    expect(log.length).toBe(10);
    expect(logs.length).toBe(10);
    expect(log.at(-1)!.bufferSize).toBeGreaterThan(500);
    expect(optimizer.meta).toMatchObject({ family: 'quadratic', episodes: 10 });
    const untrained = new LearnedOptimizer({ hidden: [16, 16] });
    const trained = heldOutLogImprovement(optimizer);
    const baseline = heldOutLogImprovement(untrained);
    // the untrained policy's bias drifts (its adaptive scale grows along a constant slope): no decrease
    expect(baseline).toBeGreaterThan(-0.1);
    expect(trained).toBeLessThan(-0.7);
    optimizer.dispose();
    untrained.dispose();
  });

  it('rejects bad budgets naming the field', () => {
    expect(() => trainLearnedOptimizer({ family: 'quadratic', dims: [2], episodes: 0, steps: 5 })).toThrow(/episodes must be a positive integer/);
    expect(() => trainLearnedOptimizer({ family: 'quadratic', dims: [], episodes: 1, steps: 5 })).toThrow(/dims must list at least one/);
  });

  it('with the explorer ensemble its buffer also holds the explorers’ transitions', () => {
    const { optimizer, log } = trainLearnedOptimizer({
      family: 'rastrigin',
      dims: [3],
      episodes: 1,
      steps: 5,
      runs: 2,
      hidden: [8],
      ddpg: { criticHidden: [8], batchSize: 16 },
      warmup: 10_000,
      explorers: { count: 2 },
      seed: 3,
    });
    // learner 2 runs × 3 coords + explorers 2 × 3 coords, per step, 5 steps
    expect(log[0]!.bufferSize).toBe(5 * (6 + 6));
    expect(log[0]!.envSteps).toBe(5 * (2 + 2));
    optimizer.dispose();
  });
});
