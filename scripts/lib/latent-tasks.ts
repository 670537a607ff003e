// The cart-pole tasks of `diffmpc dcem-latent`, by name. Each gives the system definition planned over (its
// compiled twin is the planner's model), and an env for closed-loop episodes started at a row of the
// paper's state layout [x, ẋ, cos θ, sin θ, θ̇]:
//   cartpole-dx  the paper's task: mpc.pytorch's CartpoleDx (±100 N, dt 0.05: H 20 is 1 s) with
//                cartpole_emb.py's reward cos θ − 0.1x² − 10⁻⁵F² (envs/systems/cartpole-dx.ts)
//   swingup      CartPoleSwingUp-v0's twin (±10 N, dt 0.02: H 20 is 0.4 s), PETS' tip-distance reward and the
//                planning definition's track penalty; episodes on the env's analytic physics
import { CartPoleSwingUpEnv, cartPoleSwingUpSystem } from '../../envs/cartpole-swingup.ts';
import { systemEnv } from '../../envs/system-env.ts';
import { CARTPOLE_DX_FORCE, cartpoleDxEnvSpec, cartpoleDxSystem } from '../../envs/systems/cartpole-dx.ts';
import type { Env } from '../../envs/types.ts';
import type { SystemDefinition } from '../../src/models/system/definition.ts';
import { Registry } from '../../src/tensor/registry.ts';

export interface LatentTask {
  summary: string;
  /** Planned over; actions in [−1, 1]. */
  system: SystemDefinition<string>;
  /** A fresh env at state row `s` `[5]` = [x, ẋ, cos θ, sin θ, θ̇], and its first observation. */
  envAt(s: Float32Array, seed: number): { env: Env; obs: Float32Array };
  /** What an action a ∈ [−1, 1] is, for the plots' axes. */
  actionLabel: string;
}

export const latentTasks = new Registry<LatentTask>({ kind: 'dcem-latent task' });

latentTasks.register('cartpole-dx', {
  summary: "the paper's: mpc.pytorch CartpoleDx (±100 N, dt 0.05), reward cos θ − 0.1x² − 1e-5F²",
  system: cartpoleDxSystem as SystemDefinition<string>,
  envAt(s, seed) {
    const env = systemEnv('CartpoleDx-v0', cartpoleDxSystem, cartpoleDxEnvSpec);
    env.reset({ seed });
    return { env, obs: env.setState(s) };
  },
  actionLabel: `action (force / ${CARTPOLE_DX_FORCE} N)`,
});

latentTasks.register('swingup', {
  summary: 'CartPoleSwingUp-v0 (±10 N, dt 0.02), PETS tip-distance reward, track penalty in planning',
  system: cartPoleSwingUpSystem as SystemDefinition<string>,
  envAt(s, seed) {
    const env = new CartPoleSwingUpEnv({ physics: 'analytic' });
    env.reset({ seed });
    return { env, obs: env.setState({ x: s[0]!, xDot: s[1]!, theta: Math.atan2(s[3]!, s[2]!), thetaDot: s[4]! }) };
  },
  actionLabel: 'action (force / 10 N)',
});
