// rolloutCost's dispatch to a model's fused rollout (src/models/rollout.ts, fused-rollout.ts): the fused op at
// gradient depth ≤ 1, the generic loop inside nested gradients (where a host-computed backward would lose the second-order
// terms), observed through a smooth mock model that counts its calls.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../helpers/backend.ts';
import { rolloutCost, rolloutCostGeneric } from '../../src/models/rollout.ts';
import { hasFusedRollout } from '../../src/models/fused-rollout.ts';
import type { CostModel, DynamicsModel } from '../../src/models/types.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('rolloutCost dispatch', () => {
  it('uses the fused op at gradient depth ≤ 1 and the generic loop inside nested gradients', () => {
    // A smooth fused model (x' = x + u, cost x² + u²) whose fused path counts its calls, so the dispatch is
    // observable and the nested gradient is computable by tfjs on the generic path.
    let fusedCalls = 0;
    let stepCalls = 0;
    const model: DynamicsModel & { fusedRolloutCost: (c: CostModel, x: tf.Tensor, u: tf.Tensor) => tf.Tensor } = {
      stateDim: 1,
      actionDim: 1,
      step: (x, u) => (stepCalls++, tf.add(x, u)),
      variables: () => [],
      fusedRolloutCost: (c, x, u) => {
        fusedCalls++;
        const Hn = u.shape[1]!;
        return rolloutCostGeneric({ ...model, fusedRolloutCost: undefined } as unknown as DynamicsModel, c, x, u.reshape([x.shape[0]!, 1, Hn]), Hn).reshape([-1]);
      },
    };
    const quad: CostModel = { cost: (x, u) => tf.add(tf.sum(tf.square(x), 1), tf.sum(tf.square(u), 1)), variables: () => [] };
    expect(hasFusedRollout(model)).toBe(true);
    const x0 = tf.tensor2d([[0.5], [-1]]);
    const U = tf.tensor3d([0.1, 0.2, 0.3, -0.1, 0.4, 0.2], [2, 1, 3]);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      rolloutCost(model, quad, x0, U, 3);
      expect([fusedCalls, stepCalls]).toEqual([1, 3]);
      tf.grad((u: tf.Tensor) => tf.sum(rolloutCost(model, quad, x0, u, 3)))(U);
      expect([fusedCalls, stepCalls]).toEqual([2, 6]);
      const hv = tf.grad((x: tf.Tensor) => {
        const g = tf.grad((u: tf.Tensor) => tf.sum(rolloutCost(model, quad, x, u, 3)))(U);
        return tf.sum(g);
      })(x0);
      expect([fusedCalls, stepCalls]).toEqual([2, 9]);
      // ∂/∂x0 Σ_t ∂J/∂u_t: J = Σ_t x_t² + u_t², x_t = x0 + Σ_{s<t} u_s → Σ_{s} ∂J/∂u_s = 2u·1 + Σ_s Σ_{t>s} 2x_t.
      // Its x0 derivative is Σ_s #{t > s} · 2 = 2·(2 + 1 + 0) = 6.
      expect(Array.from(hv.dataSync())).toEqual([6, 6]);
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x0, U]);
  });
});
