// The cart-pole of DCEM's latent-embedding experiment (envs/systems/cartpole-dx.ts): one step equals
// mpc.pytorch's CartpoleDx written out independently (θ by atan2, Euler step, cos/sin again) for random
// states and forces, the cost is −rew_step of facebookresearch/dcem, the compiled definition passes
// checkSystem, and the env built from it passes checkEnv.
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../../helpers/backend.ts';
import { checkEnv, systemEnv } from '../../../envs/index.ts';
import { CARTPOLE_DX_FORCE, cartpoleDxEnvSpec, cartpoleDxSystem } from '../../../envs/systems/cartpole-dx.ts';
import { checkSystem } from '../../../src/models/system/check.ts';
import { compileSystem } from '../../../src/models/system/compile.ts';
import { numberOps } from '../../../src/models/system/ops.ts';
import { Rng } from '../../../src/tensor/rng.ts';

beforeAll(async () => {
  await useTestBackend();
});

/** mpc.pytorch CartpoleDx.forward on one state [x, ẋ, cos θ, sin θ, θ̇] with force u (N). */
function referenceStep([x, dx, cos, sin, dth]: number[], u: number): number[] {
  const g = 9.8, mc = 1, mp = 0.1, l = 0.5, dt = 0.05;
  const total = mp + mc, pml = mp * l;
  u = Math.min(100, Math.max(-100, u));
  let th = Math.atan2(sin!, cos!);
  const cartIn = (u + pml * dth! ** 2 * sin!) / total;
  const thAcc = (g * sin! - cos! * cartIn) / (l * (4 / 3 - (mp * cos! ** 2) / total));
  const xAcc = cartIn - (pml * thAcc * cos!) / total;
  const x2 = x! + dt * dx!, dx2 = dx! + dt * xAcc;
  th += dt * dth!;
  return [x2, dx2, Math.cos(th), Math.sin(th), dth! + dt * thAcc];
}

describe('cartpole-dx (DCEM §5.2 cart-pole)', () => {
  it('steps as mpc.pytorch CartpoleDx and costs −rew_step', () => {
    const rng = new Rng(4);
    for (let k = 0; k < 50; k++) {
      const x = Array.from(cartpoleDxEnvSpec.initial(rng, cartpoleDxSystem.params));
      x[1] = rng.uniformIn(-3, 3);
      x[4] = rng.uniformIn(-8, 8);
      const a = rng.uniformIn(-1.2, 1.2);
      const got = cartpoleDxSystem.transition(x, [a], cartpoleDxSystem.params, numberOps) as number[];
      const want = referenceStep(x, CARTPOLE_DX_FORCE * a);
      got.forEach((v, i) => expect(v, `state ${k}, entry ${i}`).toBeCloseTo(want[i]!, 10));
      const F = CARTPOLE_DX_FORCE * Math.min(1, Math.max(-1, a));
      const rew = x[2]! - 0.1 * x[0]! ** 2 - 1e-5 * F * F;
      expect(cartpoleDxSystem.cost(x, [a], cartpoleDxSystem.params, numberOps) as number).toBeCloseTo(-rew, 12);
    }
  });

  it('passes checkSystem compiled and checkEnv as an env', () => {
    const sys = compileSystem(cartpoleDxSystem);
    expect(checkSystem(sys, { seed: 2 })).toEqual([]);
    sys.dynamics.dispose();
    expect(checkEnv(systemEnv('CartpoleDx-v0', cartpoleDxSystem, cartpoleDxEnvSpec), { maxSteps: 100 })).toEqual([]);
  });
});
