// The pendulum system definition (envs/systems/pendulum.ts) on plain numbers is Gymnasium's Pendulum-v1:
// over an episode of the analytic env (envs/pendulum.ts) from seeded starts, the definition's transition of
// the observation equals the env's next observation (float32 rounding) and its cost equals −reward.
import { describe, expect, it } from 'vitest';
import { PendulumEnv } from '../../../envs/pendulum.ts';
import { pendulumSystem } from '../../../envs/systems/pendulum.ts';
import { numberOps } from '../../../src/models/system/ops.ts';
import { Rng } from '../../../src/tensor/rng.ts';

describe('pendulum system definition', () => {
  it('steps and costs as the analytic Pendulum-v1 env over 100 steps from 3 seeds', () => {
    const p = pendulumSystem.params;
    for (const seed of [0, 1, 2]) {
      const env = new PendulumEnv({ physics: 'analytic' });
      let { obs } = env.reset({ seed });
      const rng = new Rng(seed + 10);
      for (let t = 0; t < 100; t++) {
        const u = rng.uniformIn(-2, 2);
        const x = Array.from(obs);
        const next = pendulumSystem.transition(x, [u], p, numberOps) as number[];
        const cost = pendulumSystem.cost(x, [u], p, numberOps) as number;
        const r = env.step(Float32Array.of(u));
        expect(cost).toBeCloseTo(-r.reward, 4);
        next.forEach((v, i) => expect(v, `seed ${seed} step ${t} x[${i}]`).toBeCloseTo(r.obs[i]!, 4));
        obs = r.obs;
      }
    }
  });
});
