// Cart-pole twins, compileSystem of cartPoleSystem and cartPoleSwingUpSystem: one batched tfjs step equals one
// analytic env step to 1e-5 (balance at u ∈ {0, 1}, swing-up for any u); the swing-up cost equals −reward
// without the track penalty; tfjs gradients w.r.t. state, action and each physical parameter match central
// finite differences; the generated fused kernels pass checkSystem (values and gradients vs the tfjs twin and
// Float64 central differences) at non-default parameters, with and without the penalty, past its onset; no
// tensor leaks. The swing-up planning cost adds the track penalty.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../helpers/backend.ts';
import { CartPoleEnv, cartPoleSystem } from '../../envs/cartpole.ts';
import { CartPoleSwingUpEnv, DEFAULT_TRACK_PENALTY, cartPoleSwingUpSystem, defineCartPoleSwingUp } from '../../envs/cartpole-swingup.ts';
import { compileSystem } from '../../src/models/system/compile.ts';
import { checkSystem } from '../../src/models/system/check.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { directional, expectClose, variableDerivative } from '../models/finite-difference.ts';
import { MPC } from '../../controllers/mpc.ts';
import '../../src/solvers/dcem.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('cart-pole twins', () => {
  it('balance twin equals the analytic CartPole-v1 step at u ∈ {0, 1}', () => {
    const env = new CartPoleEnv({ physics: 'analytic' });
    const { dynamics } = env.model();
    const rng = new Rng(2);
    const R = 32;
    const states = Array.from({ length: R }, () => ({ x: rng.uniformIn(-2, 2), xDot: rng.uniformIn(-2, 2), theta: rng.uniformIn(-0.2, 0.2), thetaDot: rng.uniformIn(-2, 2) }));
    const us = Array.from({ length: R }, (_, i) => i % 2);
    const before = tf.memory().numTensors;
    const next = tf.tidy(() => dynamics.step(tf.tensor2d(states.map((s) => [s.x, s.xDot, s.theta, s.thetaDot])), tf.tensor2d(us, [R, 1])).arraySync() as number[][]);
    expect(tf.memory().numTensors).toBe(before);
    states.forEach((s, i) => {
      env.reset({ seed: 0 });
      env.setState(s);
      env.step(Float32Array.of(us[i]!));
      const e = env.getState();
      [e.x, e.xDot, e.theta, e.thetaDot].forEach((v, j) => expect(Math.abs(next[i]![j]! - v)).toBeLessThan(1e-5));
    });
    dynamics.dispose();
  });

  it('swing-up twin equals the analytic env step; its cost equals −reward with trackPenalty: false, −reward + w·relu(|x| − x_soft)² by default', () => {
    const env = new CartPoleSwingUpEnv({ physics: 'analytic' });
    const { dynamics, cost: planning } = env.model();
    // The env's twin plans with the track penalty; without it the cost is exactly −reward.
    const exact = compileSystem(defineCartPoleSwingUp({ trackPenalty: false }));
    const cost = exact.cost;
    const rng = new Rng(3);
    const R = 32;
    const states = Array.from({ length: R }, () => ({ x: rng.uniformIn(-2, 2), xDot: rng.uniformIn(-2, 2), theta: rng.uniformIn(-Math.PI, Math.PI), thetaDot: rng.uniformIn(-5, 5) }));
    const us = Array.from({ length: R }, () => rng.uniformIn(-1.5, 1.5));
    const x = states.map((s) => [s.x, s.xDot, Math.cos(s.theta), Math.sin(s.theta), s.thetaDot]);
    const [next, c, cp] = tf.tidy(() => {
      const xt = tf.tensor2d(x);
      const ut = tf.tensor2d(us, [R, 1]);
      return [dynamics.step(xt, ut).arraySync() as number[][], cost.cost(xt, ut, 0).arraySync() as number[], planning.cost(xt, ut, 0).arraySync() as number[]];
    });
    const { weight, softLimit } = DEFAULT_TRACK_PENALTY;
    expect(states.some((s) => Math.abs(s.x) > softLimit)).toBe(true);
    states.forEach((s, i) => {
      env.reset({ seed: 0 });
      env.setState(s);
      const r = env.step(Float32Array.of(us[i]!));
      r.obs.forEach((v, j) => expect(Math.abs(next[i]![j]! - v)).toBeLessThan(1e-5));
      expect(Math.abs(c[i]! + r.reward)).toBeLessThan(1e-5);
      const pen = weight * Math.max(Math.abs(s.x) - softLimit, 0) ** 2;
      expect(Math.abs(cp[i]! - (-r.reward + pen))).toBeLessThan(1e-5);
    });
    dynamics.dispose();
    exact.dynamics.dispose();
  });

  it('gradients w.r.t. state, action and massCart/massPole/halfLength/gravity match central differences', () => {
    const rng = new Rng(4);
    const R = 8;
    for (const kind of ['balance', 'swingup'] as const) {
      const { dynamics, cost } = kind === 'balance' ? compileSystem(cartPoleSystem, { params: { massCart: 1.3, halfLength: 0.4 } }) : compileSystem(cartPoleSwingUpSystem, { params: { massPole: 0.15, gravity: 9 } });
      const th = rng.uniformArray(R, -1, 1);
      const x =
        kind === 'balance'
          ? tf.tensor2d(Array.from(th, (t) => [rng.uniformIn(-1, 1), rng.uniformIn(-1, 1), t, rng.uniformIn(-1, 1)]))
          : tf.tensor2d(Array.from(th, (t) => [rng.uniformIn(-1, 1), rng.uniformIn(-1, 1), Math.cos(t), Math.sin(t), rng.uniformIn(-1, 1)]));
      const u = tf.tensor2d(Array.from({ length: R }, () => [kind === 'balance' ? rng.uniformIn(0.1, 0.9) : rng.uniformIn(-0.9, 0.9)]));
      const W = rng.normalTensor([R, dynamics.stateDim]);
      const loss = (xx: tf.Tensor, uu: tf.Tensor) => tf.add(tf.sum(tf.mul(dynamics.step(xx, uu), W)), tf.sum(cost.cost(xx, uu, 0))) as tf.Scalar;
      expectClose(`${kind} d/dx`, directional((xx) => loss(xx, u), x, rng, 1e-2), 3e-3);
      expectClose(`${kind} d/du`, directional((uu) => loss(x, uu), u, rng, 1e-2), 3e-3);
      expect(dynamics.variables()).toHaveLength(4);
      const names = ['massCart', 'massPole', 'halfLength', 'gravity'];
      dynamics.variables().forEach((v, i) => expectClose(`${kind} d/d${names[i]}`, variableDerivative(() => loss(x, u), v, 1e-2), 3e-3));
      tf.dispose([x, u, W]);
      dynamics.dispose();
    }
  });

  it('the track penalty keeps an MPC-driven cart on the track where −reward alone drives it off', () => {
    // Cart at x = 1.6 m rushing right at 2 m/s: planning on −reward chases the pole tip and leaves the track.
    const run = (trackPenalty: boolean) => {
      const env = new CartPoleSwingUpEnv({ physics: 'analytic' });
      const { dynamics, cost } = compileSystem(trackPenalty ? cartPoleSwingUpSystem : defineCartPoleSwingUp({ trackPenalty: false }));
      const mpc = new MPC({ model: dynamics, cost, horizon: 25, solver: 'dcem', solverConfig: { elites: 10 }, bounds: [-1, 1], iterations: 3, samples: 100, seed: 1 });
      env.reset({ seed: 0 });
      let obs = env.setState({ x: 1.6, xDot: 2.0, theta: 0.3, thetaDot: 0 });
      let terminated = false;
      for (let t = 0; t < 40 && !terminated; t++) ({ obs, terminated } = env.step(mpc.act(obs) as Float32Array));
      dynamics.dispose();
      env.close();
      return terminated;
    };
    expect(run(true)).toBe(false);
    expect(run(false)).toBe(true);
  });

  it('the generated kernels pass checkSystem at non-default parameters (balance, swing-up with and without the penalty)', () => {
    const params = { massCart: 1.2, massPole: 0.15, halfLength: 0.45, gravity: 9.5 };
    // swing-up rows all round the circle and across the track, beyond the penalty onset |x| = 1.5
    const swingState = (rng: Rng) => {
      const th = rng.uniformIn(-Math.PI, Math.PI);
      return [rng.uniformIn(-2.2, 2.2), rng.uniformIn(-2, 2), Math.cos(th), Math.sin(th), rng.uniformIn(-4, 4)];
    };
    const balanceState = (rng: Rng) => [rng.uniformIn(-1, 1), rng.uniformIn(-1, 1), rng.uniformIn(-0.3, 0.3), rng.uniformIn(-1, 1)];
    for (const [def, sampleState] of [
      [cartPoleSystem, balanceState],
      [cartPoleSwingUpSystem, swingState],
      [defineCartPoleSwingUp({ trackPenalty: false }), swingState],
    ] as const) {
      const sys = compileSystem(def, { params });
      expect(checkSystem(sys, { rows: 12, horizon: 15, seed: 5, sampleState }), def.name).toEqual([]);
      sys.dynamics.dispose();
    }
  });

  it('starts from wrong parameters for system identification and validates config', () => {
    const { dynamics } = compileSystem(cartPoleSystem, { params: { massPole: 0.2, halfLength: 0.7 }, trainable: ['massPole', 'halfLength'] });
    expect(dynamics.values().massPole).toBeCloseTo(0.2, 6);
    expect(dynamics.variables()).toEqual([dynamics.params.massPole, dynamics.params.halfLength]);
    expect(() => defineCartPoleSwingUp({ trackPenalty: { weight: -1, softLimit: 1.5 } })).toThrow(/trackPenalty.weight must be a finite number ≥ 0/);
    expect(() => defineCartPoleSwingUp({ trackPenalty: { weight: 1, softLimit: NaN } })).toThrow(/trackPenalty.softLimit/);
    expect(() => defineCartPoleSwingUp({ poleLength: 0 })).toThrow(/poleLength must be a positive/);
    expect(() => tf.tidy(() => dynamics.step(tf.zeros([3, 5]), tf.zeros([3, 1])))).toThrow(/x: expected shape \[R, 4\]/);
    dynamics.dispose();
  });
});
