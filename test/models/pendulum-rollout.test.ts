// Fused pendulum rollout (src/models/pendulum-rollout.ts) against the generic tfjs loop of
// src/models/rollout.ts: values to 1e-5 relative, gradients w.r.t. x0, U and every physical parameter equal
// to tfjs autodiff of the loop and to central finite differences, saturated torques and speeds included,
// rolloutCost dispatch (fused path, fallback for other costs, terminal cost, nested gradients), no leaks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../helpers/backend.ts';
import { pendulumModel, PendulumCost, type PendulumDynamics } from '../../src/models/pendulum.ts';
import {
  pendulumRolloutBackward,
  pendulumRolloutCost,
  pendulumRolloutForward,
  type PendulumRolloutConstants,
} from '../../src/models/pendulum-rollout.ts';
import { rolloutCost, rolloutCostGeneric, rolloutStates } from '../../src/models/rollout.ts';
import { hasFusedRollout } from '../../src/models/fused-rollout.ts';
import { makeSolver } from '../../src/solvers/types.ts';
import '../../src/solvers/dcem.ts';
import type { CostModel, DynamicsModel } from '../../src/models/types.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { expectClose, relErr } from './finite-difference.ts';

beforeAll(async () => {
  await useTestBackend();
});

const H = 12;

/** Random states (angles all round, speeds up to ±9 so some start beyond the ±8 clip) and torques in ±3.5. */
function problem(rng: Rng, R: number): { x0: Float32Array; U: Float32Array } {
  const x0 = new Float32Array(R * 3);
  for (let r = 0; r < R; r++) {
    const th = rng.uniformIn(-Math.PI, Math.PI);
    x0.set([Math.cos(th), Math.sin(th), rng.uniformIn(-9, 9)], 3 * r);
  }
  return { x0, U: rng.uniformArray(R * H, -3.5, 3.5) };
}

function fused(dyn: PendulumDynamics, cost: PendulumCost, x0: tf.Tensor, U: tf.Tensor): tf.Tensor {
  const { mass, length, gravity, damping, dt, maxSpeed, maxTorque } = dyn;
  return pendulumRolloutCost({ mass, length, gravity, damping, dt, maxSpeed, maxTorque, costMaxTorque: cost.maxTorque }, x0, U);
}

/** The generic loop with rows as problems (B = R, N = 1): x0 `[R, 3]`, U `[R, H, 1]` → `[R]`. */
function generic(dyn: DynamicsModel, cost: CostModel, x0: tf.Tensor, U: tf.Tensor): tf.Tensor {
  const R = x0.shape[0]!;
  return rolloutCostGeneric(dyn, cost, x0, U.reshape([R, 1, H]), H).reshape([R]);
}


describe('fused pendulum rollout', () => {
  it('equals the generic loop on random x0, U with saturated torques and speeds (1e-5 relative)', () => {
    const { dynamics, cost } = pendulumModel({ mass: 1.3, length: 0.8, damping: 0.05 });
    const R = 64;
    const { x0, U } = problem(new Rng(3), R);
    let saturatedU = 0;
    for (const u of U) if (Math.abs(u) > 2) saturatedU++;
    expect(saturatedU).toBeGreaterThan(R);
    const before = tf.memory().numTensors;
    const [a, b, speeds] = tf.tidy(() => {
      const xt = tf.tensor2d(x0, [R, 3]);
      const Ut = tf.tensor3d(U, [R, H, 1]);
      const states = rolloutStates(dynamics, xt, Ut.reshape([R, H]), H);
      return [fused(dynamics, cost, xt, Ut).dataSync(), generic(dynamics, cost, xt, Ut).dataSync(), tf.abs(tf.slice(states, [0, 1, 2], [R, H, 1])).max().dataSync()];
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(speeds[0]).toBeCloseTo(8, 5); // the speed clip is reached after a step
    expect(relErr(a, b)).toBeLessThan(1e-5);
    dynamics.dispose();
  });

  it('has the gradients of the generic loop w.r.t. x0, U and mass, length, gravity, damping', () => {
    const { dynamics, cost } = pendulumModel({ mass: 1.3, length: 0.8, damping: 0.05 });
    const R = 32;
    const { x0, U } = problem(new Rng(4), R);
    const w = new Rng(5).uniformArray(R, 0.5, 1.5); // per-row output cotangent
    const before = tf.memory().numTensors;
    const vars = dynamics.variables();
    const grads = (f: typeof fused | typeof generic) =>
      tf.tidy(() => {
        const xt = tf.tensor2d(x0, [R, 3]);
        const Ut = tf.tensor3d(U, [R, H, 1]);
        const wt = tf.tensor1d(w);
        const loss = (x: tf.Tensor, u: tf.Tensor) => tf.sum(tf.mul(wt, f(dynamics, cost, x, u)));
        const [dx, du] = tf.grads(loss)([xt, Ut]);
        const vg = tf.variableGrads(() => loss(xt, Ut) as tf.Scalar, vars);
        return {
          dx: dx!.dataSync(),
          du: du!.dataSync(),
          params: vars.map((v) => vg.grads[v.name]!.dataSync()[0]!),
        };
      });
    const gf = grads(fused);
    const gg = grads(generic);
    expect(tf.memory().numTensors).toBe(before);
    expect(relErr(gf.dx, gg.dx)).toBeLessThan(1e-4);
    expect(relErr(gf.du, gg.du)).toBeLessThan(1e-4);
    // Saturated torques get exactly zero gradient from the dynamics and the cost.
    for (let i = 0; i < U.length; i++) if (Math.abs(U[i]!) > 2) expect(Math.abs(gf.du[i]!)).toBe(0);
    expect(gf.du.some((v) => v !== 0)).toBe(true);
    vars.forEach((v, i) => {
      expect(gf.params[i], v.name).not.toBe(0);
      expectClose(`d/d ${v.name}`, [gf.params[i]!, gg.params[i]!], 1e-4, 1e-5);
    });
    dynamics.dispose();
  });

  it('host kernels: the adjoint backward matches central finite differences of the Float64 forward', () => {
    const R = 6;
    const rng = new Rng(6);
    const { x0: x32, U: U32 } = problem(rng, R);
    const x0 = Float64Array.from(x32);
    const U = Float64Array.from(U32, (u) => 0.4 * u); // inside the torque clip: a smooth neighbourhood
    for (let r = 0; r < R; r++) x0[3 * r + 2] = 0.5 * (r - 3); // inside the speed clip
    const k: PendulumRolloutConstants = { m: 1.1, l: 0.9, g: 9.5, b: 0.1, dt: 0.05, maxSpeed: 8, maxTorque: 2, costMaxTorque: 2 };
    const dJ = Float64Array.from({ length: R }, (_, r) => 0.5 + 0.25 * r);
    const total = (x: Float64Array, u: Float64Array, kk = k): number => {
      const { J } = pendulumRolloutForward(x, u, R, H, kk);
      return J.reduce((acc, v, r) => acc + dJ[r]! * v, 0);
    };
    const { traj } = pendulumRolloutForward(x0, U, R, H, k);
    const g = pendulumRolloutBackward(traj, U, dJ, R, H, k);
    const eps = 1e-6;
    const fd = (arr: Float64Array, i: number, f: (a: Float64Array) => number): number => {
      const p = arr.slice();
      const m = arr.slice();
      p[i] = arr[i]! + eps;
      m[i] = arr[i]! - eps;
      return (f(p) - f(m)) / (2 * eps);
    };
    for (let i = 0; i < x0.length; i++) expectClose(`dJ/dx0[${i}]`, [g.dx0[i]!, fd(x0, i, (x) => total(x, U))], 1e-5, 1e-6);
    for (let i = 0; i < U.length; i += 5) expectClose(`dJ/dU[${i}]`, [g.dU[i]!, fd(U, i, (u) => total(x0, u))], 1e-5, 1e-6);
    const params = [
      ['m', 'dm'],
      ['l', 'dl'],
      ['g', 'dg'],
      ['b', 'db'],
    ] as const;
    for (const [p, key] of params) {
      const num = (total(x0, U, { ...k, [p]: k[p] + eps }) - total(x0, U, { ...k, [p]: k[p] - eps })) / (2 * eps);
      expect(g[key]).not.toBe(0);
      expectClose(`dJ/d${p}`, [g[key], num], 1e-5, 1e-6);
    }
  });

  it('gives zero torque gradient beyond the clip and identity at the clip bound, as tf.clipByValue', () => {
    const k: PendulumRolloutConstants = { m: 1, l: 1, g: 10, b: 0, dt: 0.05, maxSpeed: 8, maxTorque: 2, costMaxTorque: 2 };
    const x0 = Float64Array.of(1, 0, 0, 1, 0, 0, 1, 0, 0);
    const U = Float64Array.of(2.5, 2, -3);
    const { traj } = pendulumRolloutForward(x0, U, 3, 1, k);
    const g = pendulumRolloutBackward(traj, U, Float64Array.of(1, 1, 1), 3, 1, k);
    expect(g.dU[0]).toBe(0);
    expect(g.dU[1]).toBeCloseTo(0.002 * 2, 12); // the cost's 0.001 ū² at ū = 2 (the bound is inside)
    expect(g.dU[2]).toBe(0);
  });
});

describe('rolloutCost dispatch', () => {
  const B = 3;
  const N = 5;
  const data = (seed: number) => {
    const { x0, U } = problem(new Rng(seed), B * N);
    return { x0: x0.subarray(0, 3 * B), U };
  };

  it('takes the fused path for PendulumDynamics + PendulumCost with identical values [B, N] and no leaks', () => {
    const { dynamics, cost } = pendulumModel();
    expect(hasFusedRollout(dynamics)).toBe(true);
    const { x0, U } = data(7);
    const before = tf.memory().numTensors;
    const [a, b] = tf.tidy(() => {
      const xt = tf.tensor2d(x0, [B, 3]);
      const Ut = tf.tensor3d(U, [B, N, H]);
      const f = rolloutCost(dynamics, cost, xt, Ut, H);
      expect(f.shape).toEqual([B, N]);
      return [f.dataSync(), rolloutCostGeneric(dynamics, cost, xt, Ut, H).dataSync()];
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(relErr(a, b)).toBeLessThan(1e-5);
    // The x0 gradient sums the N tiled rows of each problem, as the generic loop's tile does.
    const [ga, gb] = tf.tidy(() => {
      const xt = tf.tensor2d(x0, [B, 3]);
      const Ut = tf.tensor3d(U, [B, N, H]);
      return [
        tf.grad((x: tf.Tensor) => tf.sum(rolloutCost(dynamics, cost, x, Ut, H)))(xt).dataSync(),
        tf.grad((x: tf.Tensor) => tf.sum(rolloutCostGeneric(dynamics, cost, x, Ut, H)))(xt).dataSync(),
      ];
    });
    expect(relErr(ga, gb)).toBeLessThan(1e-4);
    dynamics.dispose();
  });

  it('adds a terminal cost to the fused stage costs and falls back for costs it does not implement', () => {
    const { dynamics, cost } = pendulumModel();
    const { x0, U } = data(8);
    const withTerminal = new PendulumCost();
    (withTerminal as CostModel).terminal = (x: tf.Tensor) => tf.mul(5, tf.sum(tf.square(x), 1));
    class Shifted extends PendulumCost {
      override cost(x: tf.Tensor, u: tf.Tensor, t: number): tf.Tensor {
        return tf.tidy(() => tf.add(super.cost(x, u, t), 1));
      }
    }
    const shifted = new Shifted();
    const plainObject: CostModel = { cost: (x, u, t) => cost.cost(x, u, t), variables: () => [] };
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      expect(dynamics.fusedRolloutCost(withTerminal, tf.zeros([1, 3]), tf.zeros([1, H, 1]))).toBeDefined();
      expect(dynamics.fusedRolloutCost(shifted, tf.zeros([1, 3]), tf.zeros([1, H, 1]))).toBeUndefined();
      expect(dynamics.fusedRolloutCost(plainObject, tf.zeros([1, 3]), tf.zeros([1, H, 1]))).toBeUndefined();
      const xt = tf.tensor2d(x0, [B, 3]);
      const Ut = tf.tensor3d(U, [B, N, H]);
      for (const c of [withTerminal, shifted, plainObject]) {
        const a = rolloutCost(dynamics, c, xt, Ut, H).dataSync();
        const b = rolloutCostGeneric(dynamics, c, xt, Ut, H).dataSync();
        expect(relErr(a, b)).toBeLessThan(1e-5);
      }
      const plain = rolloutCost(dynamics, cost, xt, Ut, H).dataSync();
      const terminal = rolloutCost(dynamics, withTerminal, xt, Ut, H).dataSync();
      // 5‖x_H‖² = 5(cos² + sin² + θ̇²) ≥ 5 on every row.
      for (let i = 0; i < B * N; i++) expect(terminal[i]! - plain[i]!).toBeGreaterThan(5 - 1e-3);
      expect(rolloutCost(dynamics, shifted, xt, Ut, H).dataSync()[0]! - plain[0]!).toBeCloseTo(H, 3);
    });
    expect(tf.memory().numTensors).toBe(before);
    dynamics.dispose();
  });

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

  it('plans through DCEM identically on both paths, with matching gradients w.r.t. mass and length', () => {
    const { dynamics, cost } = pendulumModel({ mass: 1.2, length: 0.9 });
    const generic: DynamicsModel = { stateDim: 3, actionDim: 1, step: (x, u) => dynamics.step(x, u), variables: () => dynamics.variables() };
    const rng = new Rng(10);
    const x0 = tf.tensor2d([Math.cos(2.5), Math.sin(2.5), 0.3, Math.cos(-1), Math.sin(-1), -1.2], [2, 3]);
    const noise = rng.normalTensor([3, 2, 40, H]);
    const mean = tf.zeros([2, H]);
    const std = tf.fill([2, H], 1.5);
    const solver = makeSolver('dcem', { elites: 5 });
    const before = tf.memory().numTensors;
    const run = (model: DynamicsModel) =>
      tf.tidy(() => {
        const f = (X: tf.Tensor) => rolloutCost(model, cost, x0, X, H);
        const plan = () => {
          const r = solver.solve(f, { mean, std }, { iterations: 3, samples: 40, noise, bounds: [-2, 2], backward: 'unroll' });
          return tf.sum(tf.mul(r.solution, tf.linspace(-1, 1, H))) as tf.Scalar;
        };
        const { value, grads } = tf.variableGrads(plan, [dynamics.mass, dynamics.length]);
        return [value.dataSync()[0]!, grads[dynamics.mass.name]!.dataSync()[0]!, grads[dynamics.length.name]!.dataSync()[0]!];
      });
    const a = run(dynamics);
    const b = run(generic);
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(a[0]! - b[0]!)).toBeLessThan(1e-3);
    expect(a[1]).not.toBe(0);
    expectClose('d plan / d mass', [a[1]!, b[1]!], 1e-2, 1e-4);
    expectClose('d plan / d length', [a[2]!, b[2]!], 1e-2, 1e-4);
    tf.dispose([x0, noise, mean, std]);
    dynamics.dispose();
  });
});
