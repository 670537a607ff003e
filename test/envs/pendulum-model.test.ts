// Pendulum-v1's twin, compileSystem(pendulumSystem): one batched tfjs step equals a hand-written Gymnasium
// θ-form step to 1e-5 and the analytic env's step, and cost = −reward; tfjs gradients w.r.t. state, action
// and each parameter match central finite differences; the generated fused kernel passes checkSystem (values
// and gradients vs the tfjs twin and Float64 central differences) at non-default parameters, also beyond the
// speed and torque clips; DCEM plans and their mass/length gradients are the same on the generated and the
// generic path; system identification recovers mass and length.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../helpers/backend.ts';
import { PendulumEnv, pendulumSystem } from '../../envs/pendulum.ts';
import { compileSystem } from '../../src/models/system/compile.ts';
import { checkSystem } from '../../src/models/system/check.ts';
import { rolloutCost } from '../../src/models/rollout.ts';
import type { DynamicsModel } from '../../src/models/types.ts';
import { makeSolver } from '../../src/solvers/types.ts';
import '../../src/solvers/dcem.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { directional, expectClose, variableDerivative } from '../models/finite-difference.ts';

beforeAll(async () => {
  await useTestBackend();
});

/** Gymnasium's step on (θ, θ̇), torque already clipped: θ̇' = clip(θ̇ + (15 sin θ + 3u)·0.05, ±8), θ' = θ + θ̇'·0.05. */
function gymStep(th: number, w: number, u: number): [number, number] {
  const w2 = Math.min(8, Math.max(-8, w + (15 * Math.sin(th) + 3 * u) * 0.05));
  return [th + w2 * 0.05, w2];
}

describe('pendulum twin', () => {
  it('matches Gymnasium and the analytic env step to 1e-5 on a batch (including clipped torque and speed)', () => {
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
      env.setState(th[i]!, w[i]!);
      const r = env.step(Float32Array.of(u[i]!));
      const [th2, w2] = gymStep(th[i]!, w[i]!, Math.max(-2, Math.min(2, u[i]!)));
      expect(Math.abs(next[i]![0]! - Math.cos(th2))).toBeLessThan(1e-5);
      expect(Math.abs(next[i]![1]! - Math.sin(th2))).toBeLessThan(1e-5);
      expect(Math.abs(next[i]![2]! - w2)).toBeLessThan(1e-5);
      r.obs.forEach((v, j) => expect(Math.abs(next[i]![j]! - v)).toBeLessThan(1e-5));
      expect(Math.abs(c[i]! + r.reward)).toBeLessThan(1e-4 * (1 + Math.abs(r.reward)));
    }
    dynamics.dispose();
  });

  it('tfjs gradients w.r.t. state, action and mass/length/gravity/damping match central differences', () => {
    const { dynamics, cost } = compileSystem(pendulumSystem, { params: { mass: 1.3, length: 0.8, damping: 0.05 } });
    const rng = new Rng(7);
    const R = 16;
    // unsaturated region: |u| < 2 and |θ̇'| < 8, so clipping is inactive
    const th = rng.uniformArray(R, -3, 3);
    const x = tf.tensor2d(Array.from(th, (t) => [Math.cos(t), Math.sin(t), rng.uniformIn(-2, 2)]));
    const u = tf.tensor2d(Array.from({ length: R }, () => [rng.uniformIn(-1.5, 1.5)]));
    const W = rng.normalTensor([R, 3]);
    const loss = (xx: tf.Tensor, uu: tf.Tensor) => tf.add(tf.sum(tf.mul(dynamics.step(xx, uu), W)), tf.mul(0.1, tf.sum(cost.cost(xx, uu, 0)))) as tf.Scalar;
    expectClose('d/dx', directional((xx) => loss(xx, u), x, rng), 2e-3);
    expectClose('d/du', directional((uu) => loss(x, uu), u, rng), 2e-3);
    expect(dynamics.variables()).toEqual(['mass', 'length', 'gravity', 'damping'].map((p) => dynamics.params[p as 'mass']));
    for (const v of dynamics.variables()) expectClose(`d/d${v.name}`, variableDerivative(() => loss(x, u), v), 2e-3);
    tf.dispose([x, u, W]);
    dynamics.dispose();
  });

  it('the generated kernel passes checkSystem at non-default parameters, inside and beyond the speed clip', () => {
    const sys = compileSystem(pendulumSystem, { params: { mass: 1.3, length: 0.8, gravity: 9.5, damping: 0.05 } });
    // speeds up to ±9: rows start beyond the ±8 clip (zero gradient through a clipped coordinate)
    const sampleState = (rng: Rng) => {
      const th = rng.uniformIn(-Math.PI, Math.PI);
      return [Math.cos(th), Math.sin(th), rng.uniformIn(-9, 9)];
    };
    expect(checkSystem(sys, { rows: 16, horizon: 12, seed: 3, sampleState })).toEqual([]);
    sys.dynamics.dispose();
  });

  it('plans through DCEM identically on the generated and the generic path, with matching mass and length gradients', () => {
    const { dynamics, cost } = compileSystem(pendulumSystem, { params: { mass: 1.2, length: 0.9 } });
    const generic: DynamicsModel = { stateDim: 3, actionDim: 1, step: (x, u) => dynamics.step(x, u), variables: () => dynamics.variables() };
    const H = 10;
    const rng = new Rng(10);
    const x0 = tf.tensor2d([Math.cos(2.5), Math.sin(2.5), 0.3, Math.cos(-1), Math.sin(-1), -1.2], [2, 3]);
    const noise = rng.normalTensor([3, 2, 40, H]);
    const mean = tf.zeros([2, H]);
    const std = tf.fill([2, H], 1.5);
    const solver = makeSolver('dcem', { elites: 5 });
    const { mass, length } = dynamics.params;
    let fusedCalls = 0;
    const fused = dynamics.fusedRolloutCost.bind(dynamics);
    dynamics.fusedRolloutCost = (c, x, u) => {
      const J = fused(c, x, u);
      if (J) fusedCalls++;
      return J;
    };
    const before = tf.memory().numTensors;
    const run = (model: DynamicsModel) =>
      tf.tidy(() => {
        const f = (X: tf.Tensor) => rolloutCost(model, cost, x0, X, H);
        const plan = () => {
          const r = solver.solve(f, { mean, std }, { iterations: 3, samples: 40, noise, bounds: [-2, 2], backward: 'unroll' });
          return tf.sum(tf.mul(r.solution, tf.linspace(-1, 1, H))) as tf.Scalar;
        };
        const { value, grads } = tf.variableGrads(plan, [mass, length]);
        return [value.dataSync()[0]!, grads[mass.name]!.dataSync()[0]!, grads[length.name]!.dataSync()[0]!];
      });
    const a = run(dynamics);
    expect(fusedCalls).toBeGreaterThan(0);
    const b = run(generic);
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(a[0]! - b[0]!)).toBeLessThan(1e-3);
    expect(a[1]).not.toBe(0);
    expectClose('d plan / d mass', [a[1]!, b[1]!], 1e-2, 1e-4);
    expectClose('d plan / d length', [a[2]!, b[2]!], 1e-2, 1e-4);
    tf.dispose([x0, noise, mean, std]);
    dynamics.dispose();
  });

  it('a wrong-parameter model predicts differently; bad options are named', () => {
    const truth = compileSystem(pendulumSystem);
    const wrong = compileSystem(pendulumSystem, { params: { mass: 1.3, length: 0.8 } });
    const d = tf.tidy(() => {
      const x = tf.tensor2d([[Math.cos(1), Math.sin(1), 0.5]]);
      const u = tf.tensor2d([[1]]);
      return tf.max(tf.abs(tf.sub(truth.dynamics.step(x, u), wrong.dynamics.step(x, u)))).dataSync()[0]!;
    });
    expect(d).toBeGreaterThan(1e-3);
    expect(wrong.dynamics.values().mass).toBeCloseTo(1.3, 5);
    expect(() => new PendulumEnv({ m: -1 })).toThrow(/option m must be a positive/);
    expect(() => compileSystem(pendulumSystem, { trainable: ['mas' as never] })).toThrow(/trainable "mas" is not a parameter/);
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
    const { dynamics } = compileSystem(pendulumSystem, { params: { mass: 1.3, length: 0.8 }, trainable: ['mass', 'length'] });
    expect(dynamics.variables()).toEqual([dynamics.params.mass, dynamics.params.length]);
    const [X, U, Y] = [tf.tensor2d(x), tf.tensor2d(u), tf.tensor2d(y)];
    const opt = tf.train.adam(0.03);
    for (let it = 0; it < 200; it++) {
      tf.tidy(() => {
        opt.minimize(() => tf.mean(tf.square(tf.sub(dynamics.step(X, U), Y))) as tf.Scalar, false, dynamics.variables());
      });
    }
    const p = dynamics.values();
    expect(Math.abs(p.mass - 1)).toBeLessThan(0.02);
    expect(Math.abs(p.length - 1)).toBeLessThan(0.02);
    expect(p.gravity).toBe(10);
    tf.dispose([X, U, Y]);
    opt.dispose();
    dynamics.dispose();
  });
});
