// Cart-pole twins: one batched step equals one analytic env step to 1e-5 (balance at u ∈ {0, 1}, swing-up
// for any u); the swing-up cost equals −reward; gradients w.r.t. state, action and each physical parameter
// match central finite differences; no tensor leaks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../helpers/backend.ts';
import { cartPoleModel, cartPoleSwingUpModel } from '../../src/models/cartpole.ts';
import { CartPoleEnv } from '../../envs/cartpole.ts';
import { CartPoleSwingUpEnv } from '../../envs/cartpole-swingup.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { directional, expectClose, variableDerivative } from './finite-difference.ts';

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

  it('swing-up twin equals the analytic env step and its cost equals −reward', () => {
    const env = new CartPoleSwingUpEnv({ physics: 'analytic' });
    const { dynamics, cost } = env.model();
    const rng = new Rng(3);
    const R = 32;
    const states = Array.from({ length: R }, () => ({ x: rng.uniformIn(-2, 2), xDot: rng.uniformIn(-2, 2), theta: rng.uniformIn(-Math.PI, Math.PI), thetaDot: rng.uniformIn(-5, 5) }));
    const us = Array.from({ length: R }, () => rng.uniformIn(-1.5, 1.5));
    const x = states.map((s) => [s.x, s.xDot, Math.cos(s.theta), Math.sin(s.theta), s.thetaDot]);
    const [next, c] = tf.tidy(() => {
      const xt = tf.tensor2d(x);
      const ut = tf.tensor2d(us, [R, 1]);
      return [dynamics.step(xt, ut).arraySync() as number[][], cost.cost(xt, ut, 0).arraySync() as number[]];
    });
    states.forEach((s, i) => {
      env.reset({ seed: 0 });
      env.setState(s);
      const r = env.step(Float32Array.of(us[i]!));
      r.obs.forEach((v, j) => expect(Math.abs(next[i]![j]! - v)).toBeLessThan(1e-5));
      expect(Math.abs(c[i]! + r.reward)).toBeLessThan(1e-5);
    });
    dynamics.dispose();
  });

  it('gradients w.r.t. state, action and massCart/massPole/halfLength/gravity match central differences', () => {
    const rng = new Rng(4);
    const R = 8;
    for (const kind of ['balance', 'swingup'] as const) {
      const { dynamics, cost } = kind === 'balance' ? cartPoleModel({ massCart: 1.3, halfLength: 0.4 }) : cartPoleSwingUpModel({ massPole: 0.15, gravity: 9 });
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

  it('starts from wrong parameters for system identification and validates config', () => {
    const { dynamics } = cartPoleModel({ massPole: 0.2, halfLength: 0.7, trainable: ['massPole', 'halfLength'] });
    expect(dynamics.params().massPole).toBeCloseTo(0.2, 6);
    expect(dynamics.variables()).toEqual([dynamics.massPole, dynamics.halfLength]);
    expect(() => cartPoleModel({ massCart: 0 })).toThrow(/massCart must be a positive/);
    expect(() => tf.tidy(() => dynamics.step(tf.zeros([3, 5]), tf.zeros([3, 1])))).toThrow(/x: expected shape \[R, 4\]/);
    dynamics.dispose();
  });
});
