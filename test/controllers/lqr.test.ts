// LQR (controllers/lqr.ts) on the envs' differentiable twins, closing the loop on the envs' analytic physics:
// it holds Pendulum-v1 upright from a small offset, balances CartPoleSwingUp-v0 from near upright, balances
// CartPole-v1 (whose cost ignores the action, so R comes from the floor), and refuses a point that is not an
// equilibrium or a non-finite observation with a message naming it.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LQRController } from '../../controllers/lqr.ts';
import { CartPoleEnv } from '../../envs/cartpole.ts';
import { CartPoleSwingUpEnv } from '../../envs/cartpole-swingup.ts';
import { PendulumEnv } from '../../envs/pendulum.ts';
import { compileSystem } from '../../src/models/system/compile.ts';
import { mountainCarSystem } from '../../envs/mountain-car-continuous.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(useTestBackend);

/** Runs `steps` closed-loop steps and returns the observations visited. */
function closedLoop(env: { step(a: Float32Array): { obs: Float32Array; terminated: boolean } }, lqr: LQRController, obs0: Float32Array, steps: number): Float32Array[] {
  const seen = [obs0];
  let obs = obs0;
  for (let t = 0; t < steps; t++) {
    const r = env.step(lqr.act(obs));
    expect(r.terminated).toBe(false);
    obs = r.obs;
    seen.push(obs);
  }
  return seen;
}

describe('LQRController', () => {
  it('holds Pendulum-v1 upright from a 0.3 rad offset (analytic physics, cost Hessian weights)', () => {
    const env = new PendulumEnv({ physics: 'analytic' });
    env.reset({ seed: 0 });
    const twin = env.model();
    const lqr = new LQRController({ model: twin.dynamics, cost: twin.cost, xStar: [1, 0, 0], uStar: [0], bounds: [[-2], [2]] });
    expect(lqr.K.every(Number.isFinite)).toBe(true);
    const seen = closedLoop(env, lqr, env.setState(0.3, 0), 150);
    const last = seen[seen.length - 1]!;
    // θ → 0: cos θ → 1, sin θ → 0, θ̇ → 0 (an unstabilized pendulum falls over within ~1 s).
    expect(Math.abs(Math.atan2(last[1]!, last[0]!))).toBeLessThan(1e-2);
    expect(Math.abs(last[2]!)).toBeLessThan(1e-2);
    tf.dispose([...twin.dynamics.variables()]);
  });

  it('balances CartPoleSwingUp-v0 from near upright (linearized at [0, 0, 1, 0, 0])', () => {
    const env = new CartPoleSwingUpEnv({ physics: 'analytic' });
    env.reset({ seed: 0 });
    const twin = env.model();
    const lqr = new LQRController({ model: twin.dynamics, cost: twin.cost, xStar: [0, 0, 1, 0, 0], uStar: [0], bounds: [[-1], [1]] });
    const seen = closedLoop(env, lqr, env.setState({ x: 0.1, xDot: 0, theta: 0.1, thetaDot: 0 }), 300);
    const last = seen[seen.length - 1]!;
    expect(Math.abs(Math.atan2(last[3]!, last[2]!))).toBeLessThan(0.02);
    for (const o of seen) expect(Math.abs(o[0]!)).toBeLessThan(2.4);
  });

  it('balances CartPole-v1 for 500 steps although its cost ignores the action (R from the floor)', () => {
    const env = new CartPoleEnv({ physics: 'analytic' });
    env.reset({ seed: 1 });
    const twin = env.model();
    // u* = 0.5 is zero force in the twin's relaxation F = F_mag·(2u − 1).
    const lqr = new LQRController({ model: twin.dynamics, cost: twin.cost, xStar: [0, 0, 0, 0], uStar: [0.5], bounds: [[0], [1]] });
    expect(lqr.K.every(Number.isFinite)).toBe(true);
    const seen = closedLoop(env, lqr, env.setState({ x: 0.02, xDot: 0, theta: 0.04, thetaDot: 0 }), 500);
    for (const o of seen) expect(Math.abs(o[2]!)).toBeLessThan(0.2095);
  });

  it('refuses a point that is not an equilibrium (MountainCar at x = 0 rolls), naming f(xStar, uStar) − xStar', () => {
    const twin = compileSystem(mountainCarSystem);
    expect(() => new LQRController({ model: twin.dynamics, cost: twin.cost, xStar: [0, 0], uStar: [0] })).toThrow(/not an equilibrium.*f\(xStar, uStar\) − xStar/);
  });

  it('refuses a non-finite observation and a non-finite xStar by name', () => {
    const env = new PendulumEnv({ physics: 'analytic' });
    const twin = env.model();
    const lqr = new LQRController({ model: twin.dynamics, cost: twin.cost, xStar: [1, 0, 0], uStar: [0] });
    expect(() => lqr.act([1, 0, NaN])).toThrow(/LQR\.act: observation/);
    expect(() => new LQRController({ model: twin.dynamics, cost: twin.cost, xStar: [1, 0, Infinity], uStar: [0] })).toThrow(/LQR xStar/);
  });
});
