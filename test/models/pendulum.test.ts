// Pendulum twin: one batched step equals the analytic Gymnasium env step to 1e-5; gradients w.r.t. state,
// action and each physical parameter match central finite differences; cost equals −reward.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../helpers/backend.ts';
import { pendulumModel } from '../../src/models/pendulum.ts';
import { PendulumEnv, pendulumAnalyticStep } from '../../envs/pendulum.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { directional, expectClose, variableDerivative } from './finite-difference.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('pendulum twin', () => {
  it('matches the analytic env step to 1e-5 on a batch (including clipped torque and speed)', () => {
    const env = new PendulumEnv({ physics: 'analytic' });
    const { dynamics, cost } = env.model();
    const rng = new Rng(1);
    const R = 64;
    const th = rng.uniformArray(R, -Math.PI, Math.PI);
    const w = rng.uniformArray(R, -8, 8);
    const u = rng.uniformArray(R, -3, 3); // some outside ±2: clipped in both
    const x = new Float32Array(R * 3);
    for (let i = 0; i < R; i++) x.set([Math.cos(th[i]!), Math.sin(th[i]!), w[i]!], 3 * i);
    const before = tf.memory().numTensors;
    const [next, c] = tf.tidy(() => {
      const xt = tf.tensor2d(x, [R, 3]);
      const ut = tf.tensor2d(u, [R, 1]);
      return [dynamics.step(xt, ut).arraySync() as number[][], cost.cost(xt, ut, 0).arraySync() as number[]];
    });
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < R; i++) {
      env.reset({ seed: i });
      const obs0 = env.setState(th[i]!, w[i]!);
      const r = env.step(Float32Array.of(u[i]!));
      const [th2, w2] = pendulumAnalyticStep(th[i]!, w[i]!, Math.max(-2, Math.min(2, u[i]!)), env.params);
      expect(Math.abs(next[i]![0]! - Math.cos(th2))).toBeLessThan(1e-5);
      expect(Math.abs(next[i]![1]! - Math.sin(th2))).toBeLessThan(1e-5);
      expect(Math.abs(next[i]![2]! - w2)).toBeLessThan(1e-5);
      expect(Math.abs(next[i]![2]! - r.obs[2]!)).toBeLessThan(1e-5);
      expect(Math.abs(c[i]! + r.reward)).toBeLessThan(1e-4 * (1 + Math.abs(r.reward)));
      expect(obs0[0]).toBeCloseTo(x[3 * i]!, 6);
    }
    dynamics.dispose();
  });

  it('gradients w.r.t. state, action and mass/length/gravity/damping match central differences', () => {
    const { dynamics, cost } = pendulumModel({ mass: 1.3, length: 0.8, damping: 0.05 });
    const rng = new Rng(7);
    const R = 16;
    // unsaturated region: |u| < 2 and |θ̇'| < 8, so clipping is inactive
    const th = rng.uniformArray(R, -3, 3);
    const x = tf.tensor2d(Array.from(th, (t) => [Math.cos(t), Math.sin(t), rng.uniformIn(-2, 2)]));
    const u = tf.tensor2d(Array.from({ length: R }, () => [rng.uniformIn(-1.5, 1.5)]));
    const W = rng.normalTensor([R, 3]);
    const loss = (xx: tf.Tensor, uu: tf.Tensor) =>
      tf.add(tf.sum(tf.mul(dynamics.step(xx, uu), W)), tf.mul(0.1, tf.sum(cost.cost(xx, uu, 0)))) as tf.Scalar;
    expectClose('d/dx', directional((xx) => loss(xx, u), x, rng), 2e-3);
    expectClose('d/du', directional((uu) => loss(x, uu), u, rng), 2e-3);
    for (const v of dynamics.variables()) {
      expectClose(`d/d${v.name}`, variableDerivative(() => loss(x, u), v), 2e-3);
    }
    expect(dynamics.variables()).toHaveLength(4);
    tf.dispose([x, u, W]);
    dynamics.dispose();
  });

  it('a wrong-parameter model predicts differently and names bad config', () => {
    const truth = pendulumModel();
    const wrong = pendulumModel({ mass: 1.3, length: 0.8 });
    const d = tf.tidy(() => {
      const x = tf.tensor2d([[Math.cos(1), Math.sin(1), 0.5]]);
      const u = tf.tensor2d([[1]]);
      return tf.max(tf.abs(tf.sub(truth.dynamics.step(x, u), wrong.dynamics.step(x, u)))).dataSync()[0]!;
    });
    expect(d).toBeGreaterThan(1e-3);
    expect(wrong.dynamics.params().mass).toBeCloseTo(1.3, 5);
    expect(() => pendulumModel({ mass: -1 })).toThrow(/mass must be a positive/);
    expect(() => pendulumModel({ trainable: ['mas' as never] })).toThrow(/trainable "mas" is unknown/);
    expect(() => tf.tidy(() => truth.dynamics.step(tf.zeros([2, 2]), tf.zeros([2, 1])))).toThrow(/x: expected shape \[R, 3\]/);
    truth.dynamics.dispose();
    wrong.dynamics.dispose();
  });

  it('system identification: Adam on one-step prediction error recovers mass and length from a wrong start', () => {
    const env = new PendulumEnv({ physics: 'analytic' });
    env.reset({ seed: 0 });
    const rng = new Rng(21);
    const R = 256;
    const x: number[][] = [];
    const u: number[][] = [];
    const y: number[][] = [];
    for (let i = 0; i < R; i++) {
      const th = rng.uniformIn(-Math.PI, Math.PI);
      const w = rng.uniformIn(-3, 3);
      const a = rng.uniformIn(-2, 2);
      x.push(Array.from(env.setState(th, w)));
      u.push([a]);
      y.push(Array.from(env.step(Float32Array.of(a)).obs));
    }
    const { dynamics } = pendulumModel({ mass: 1.3, length: 0.8, trainable: ['mass', 'length'] });
    const [X, U, Y] = [tf.tensor2d(x), tf.tensor2d(u), tf.tensor2d(y)];
    const opt = tf.train.adam(0.03);
    for (let it = 0; it < 200; it++) {
      tf.tidy(() => {
        opt.minimize(() => tf.mean(tf.square(tf.sub(dynamics.step(X, U), Y))) as tf.Scalar, false, dynamics.variables());
      });
    }
    const p = dynamics.params();
    expect(Math.abs(p.mass - 1)).toBeLessThan(0.02);
    expect(Math.abs(p.length - 1)).toBeLessThan(0.02);
    expect(p.gravity).toBe(10);
    tf.dispose([X, U, Y]);
    opt.dispose();
    dynamics.dispose();
  });
});
