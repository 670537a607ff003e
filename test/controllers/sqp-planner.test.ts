// Tests of the SQP planner over the QP layer (controllers/sqp-planner.ts) on a double integrator with quadratic
// cost, where the unconstrained optimum is the finite-horizon LQR (Riccati recursion), and the gradient of the
// plan w.r.t. a model parameter (the control gain) against central finite differences, with and without
// active control bounds, the one-pass stage Hessians of a stationary cost, and the planner adapter for the MPC
// registry.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CostModel, DynamicsModel } from '../../src/models/types.ts';
import { sqpPlan, sqpPlanner } from '../../controllers/sqp-planner.ts';
import { compileSystem } from '../../src/models/system/compile.ts';
import { pendulumSystem } from '../../envs/pendulum.ts';
import { pointMassSystem } from '../../envs/systems/point-mass.ts';
import { useTestBackend } from '../helpers/backend.ts';

const DT = 0.1;
const QW = [1, 0.1], R = 0.01, QF = [10, 1];

/** x = [position, velocity], x' = [p + dt·v, v + dt·k·u] with a learnable gain k. */
class DoubleIntegrator implements DynamicsModel {
  readonly stateDim = 2;
  readonly actionDim = 1;
  readonly k: tf.Variable;
  constructor(k = 1) {
    this.k = tf.variable(tf.scalar(k));
  }
  step(x: tf.Tensor, u: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [p, v] = tf.split(x, 2, 1) as [tf.Tensor, tf.Tensor];
      return tf.concat([tf.add(p, tf.mul(DT, v)), tf.add(v, tf.mul(tf.mul(DT, this.k), u))], 1);
    });
  }
  variables(): tf.Variable[] {
    return [this.k];
  }
}

const quadCost: CostModel = {
  cost: (x, u) => tf.tidy(() => tf.add(tf.sum(tf.mul(tf.square(x), tf.tensor([QW])), 1), tf.mul(R, tf.square(u)).reshape([-1]))),
  terminal: (x) => tf.tidy(() => tf.sum(tf.mul(tf.square(x), tf.tensor([QF])), 1)),
  variables: () => [],
};

/** Finite-horizon LQR controls for x0 (Riccati recursion, Float64). */
function lqr(x0: number[], H: number, k: number): number[] {
  const A = [[1, DT], [0, 1]], Bv = [0, DT * k];
  let P = [[QF[0]!, 0], [0, QF[1]!]];
  const Ks: number[][] = [];
  for (let t = H - 1; t >= 0; t--) {
    const PB = [P[0]![0]! * Bv[0]! + P[0]![1]! * Bv[1]!, P[1]![0]! * Bv[0]! + P[1]![1]! * Bv[1]!];
    const s = R + Bv[0]! * PB[0]! + Bv[1]! * PB[1]!;
    const BPA = [PB[0]! * A[0]![0]! + PB[1]! * A[1]![0]!, PB[0]! * A[0]![1]! + PB[1]! * A[1]![1]!];
    const K = [BPA[0]! / s, BPA[1]! / s];
    Ks.unshift(K);
    const Acl = [[A[0]![0]! - Bv[0]! * K[0]!, A[0]![1]! - Bv[0]! * K[1]!], [A[1]![0]! - Bv[1]! * K[0]!, A[1]![1]! - Bv[1]! * K[1]!]];
    const PA = [0, 1].map((i) => [0, 1].map((j) => P[i]![0]! * Acl[0]![j]! + P[i]![1]! * Acl[1]![j]!));
    P = [0, 1].map((i) => [0, 1].map((j) => (i === j ? QW[i]! : 0) + A[0]![i]! * PA[0]![j]! + A[1]![i]! * PA[1]![j]!));
  }
  const us: number[] = [];
  let x = x0.slice();
  for (let t = 0; t < H; t++) {
    const u = -(Ks[t]![0]! * x[0]! + Ks[t]![1]! * x[1]!);
    us.push(u);
    x = [x[0]! + DT * x[1]!, x[1]! + DT * k * u];
  }
  return us;
}

beforeAll(async () => {
  await useTestBackend();
});

describe('sqpPlan', () => {
  const X0 = [[1, 0], [-0.5, 1], [2, -1]];
  const H = 10;

  it('reproduces finite-horizon LQR on an unconstrained double integrator', () => {
    const model = new DoubleIntegrator(1);
    const x0 = tf.tensor(X0);
    const before = tf.memory().numTensors;
    const plan = sqpPlan({ model, cost: quadCost, x0, horizon: H, bounds: [-100, 100], iterations: 1, regularization: 0 });
    expect(plan.actions.shape).toEqual([3, H, 1]);
    expect(plan.status.every((s) => s === 'optimal')).toBe(true);
    const got = plan.actions.dataSync();
    let worst = 0;
    X0.forEach((x, b) => lqr(x, H, 1).forEach((u, t) => (worst = Math.max(worst, Math.abs(got[b * H + t]! - u) / (1 + Math.abs(u))))));
    expect(worst).toBeLessThan(1e-4);
    // Costs never increase over the SQP iterations.
    for (let b = 0; b < 3; b++) expect(plan.costs[1]![b]!).toBeLessThanOrEqual(plan.costs[0]![b]! + 1e-6);
    tf.dispose([plan.actions, plan.value]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x0, model.k]);
  });

  it.each([
    ['unconstrained', 100],
    ['with active bounds', 0.6],
  ])('gradient of the plan w.r.t. the gain matches finite differences (%s)', (_name, bound) => {
    const model = new DoubleIntegrator(1);
    const x0 = tf.tensor(X0);
    const w = tf.tensor(Array.from({ length: 3 * H }, (_, i) => Math.sin(i + 1)), [3, H, 1]);
    const opts = { model, cost: quadCost, x0, horizon: H, bounds: [-bound, bound] as [number, number], iterations: 2, regularization: 0 };
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(sqpPlan(opts).actions, w)) as tf.Scalar, [model.k]);
    const g = grads[model.k.name]!.dataSync()[0]!;
    if (bound < 1) {
      const a = sqpPlan(opts).actions.dataSync();
      expect(Array.from(a).some((u) => Math.abs(Math.abs(u) - bound) < 1e-4)).toBe(true);
    }
    const L = (k: number) => {
      model.k.assign(tf.scalar(k));
      return tf.tidy(() => tf.sum(tf.mul(sqpPlan(opts).actions, w)).dataSync()[0]!);
    };
    const eps = 1e-2;
    const fd = (L(1 + eps) - L(1 - eps)) / (2 * eps);
    model.k.assign(tf.scalar(1));
    expect(Math.abs(g - fd) / Math.max(1, Math.abs(fd))).toBeLessThan(5e-3);
    expect(Math.abs(g)).toBeGreaterThan(1e-3);
    tf.dispose([x0, w, value, model.k, ...Object.values(grads)]);
  });

  it('serves as an MPC planner: flat [B, H·nu] solution, constant when backward is none, implicit by default, unroll refused', () => {
    const model = new DoubleIntegrator(1);
    const x0 = tf.tensor(X0);
    const bounds: [tf.Tensor, tf.Tensor] = [tf.fill([H], -100), tf.fill([H], 100)];
    const mean = tf.zeros([3, H]);
    expect(() => sqpPlanner({ elites: 5 })).toThrow(/sqpPlanner: unknown option "elites"; accepted: regularization, steps, qp, tol/);
    const planner = sqpPlanner({ regularization: 0 });
    const r = planner.plan({ model, cost: quadCost, x0, horizon: H, bounds, mean, iterations: 1, backward: 'none' });
    expect(r.info).toEqual({ planner: 'qp', status: ['optimal', 'optimal', 'optimal'], iterations: 1, backward: 'none' });
    expect(planner.backwardModes).toEqual(['implicit', 'none']);
    for (const backward of ['unroll', { truncated: 1 }] as const) {
      expect(() => planner.plan({ model, cost: quadCost, x0, horizon: H, bounds, mean, iterations: 1, backward })).toThrow(
        /qp planner: backward .* is not supported; qp planner supports 'implicit', 'none'/,
      );
    }
    expect(r.solution.shape).toEqual([3, H]);
    expect(r.value.shape).toEqual([3]);
    const sol = r.solution.dataSync();
    X0.forEach((x, b) => lqr(x, H, 1).forEach((u, t) => expect(Math.abs(sol[b * H + t]! - u)).toBeLessThan(1e-3 * (1 + Math.abs(u)))));
    const [g] = tf.grads((m: tf.Tensor) => tf.sum(planner.plan({ model, cost: quadCost, x0: m, horizon: H, bounds, mean, iterations: 1 }).solution))([x0]);
    expect(Array.from(g!.dataSync()).some((v) => Math.abs(v) > 1e-3)).toBe(true);
    tf.dispose([x0, ...bounds, mean, r.solution, r.value, g!, model.k]);
  });

  it('refuses a plan whose cost is finite in Float64 (the host rollout) but overflows the float32 value', () => {
    const { dynamics, cost } = compileSystem(pendulumSystem);
    const x0 = tf.tensor([[1, 0, -1e30], [-1, 0, 0]]); // θ̇² = 1e60 > 3.4e38
    for (const differentiable of [false, true]) {
      expect(() => sqpPlan({ model: dynamics, cost, x0, horizon: 1, bounds: [-0.1, 0.1], iterations: 2, differentiable })).toThrow(
        /qp: the objective is Infinity for 1 of 2 candidates at the returned solution \(problem 0 of 2\)/,
      );
    }
    tf.dispose([x0, ...dynamics.variables()]);
  });

  it('takes all stage Hessians of a stationary cost in one pass with the same plan as per step', () => {
    const { dynamics, cost } = compileSystem(pendulumSystem);
    expect(cost.stationary).toBe(true);
    // The same cost seen as time-dependent (no `stationary` flag): H separate Hessian passes.
    const perStep: CostModel = { cost: (x, u, t) => cost.cost(x, u, t), variables: () => [] };
    const x0 = tf.tensor([[Math.cos(2.5), Math.sin(2.5), 0.3], [Math.cos(-1), Math.sin(-1), -2]]);
    const opts = { model: dynamics, x0, horizon: 8, bounds: [-2, 2] as [number, number], iterations: 3 };
    const a = sqpPlan({ ...opts, cost });
    const b = sqpPlan({ ...opts, cost: perStep });
    const ua = a.actions.dataSync(), ub = b.actions.dataSync();
    ua.forEach((u, i) => expect(Math.abs(u - ub[i]!)).toBeLessThan(1e-5));
    // (the wrapper also leaves the fused rollout, so costs agree to float32 rounding of the generic loop)
    a.costs.forEach((row, i) => row.forEach((c, j) => expect(Math.abs(c - b.costs[i]![j]!)).toBeLessThan(1e-4 * (1 + Math.abs(c)))));
    tf.dispose([x0, a.actions, a.value, b.actions, b.value, ...dynamics.variables()]);
  });

  it('stops once converged with the plan of all iterations (the point mass is linear–quadratic inside its box)', () => {
    const { dynamics, cost } = compileSystem(pointMassSystem);
    const x0 = tf.tensor([[0.3, -0.2, 0.1, 0.2], [1.5, 1, -1, 0.5]]);
    const opts = { model: dynamics, cost, x0, horizon: 10, bounds: [-1, 1] as [number, number], iterations: 6, differentiable: false };
    const early = sqpPlan(opts);
    const all = sqpPlan({ ...opts, tol: 0 });
    expect(all.costs.length).toBe(7);
    expect(early.costs.length).toBeLessThan(7);
    expect(early.costs).toEqual(all.costs.slice(0, early.costs.length));
    const a = early.actions.dataSync(), b = all.actions.dataSync();
    expect(Array.from(a).some((u) => Math.abs(u) === 1)).toBe(true); // bounds active
    a.forEach((u, i) => expect(Math.abs(u - b[i]!)).toBeLessThan(1e-6));
    tf.dispose([x0, early.actions, early.value, all.actions, all.value, ...dynamics.variables()]);
  });

  it('rejects bad input naming the field', () => {
    expect(() => sqpPlanner({ tol: -1 })).toThrow(/sqpPlanner: tol must be a number ≥ 0/);
    const model = new DoubleIntegrator(1);
    expect(() => sqpPlan({ model, cost: quadCost, x0: tf.zeros([2, 2]), horizon: 5, bounds: [-1, 1], tol: Number.NaN })).toThrow(/tol: expected a number ≥ 0/);
    expect(() => sqpPlan({ model, cost: quadCost, x0: tf.zeros([2, 3]), horizon: 5, bounds: [-1, 1] })).toThrow(/x0: expected shape \[B, nx\] = \[B, 2\]/);
    expect(() => sqpPlan({ model, cost: quadCost, x0: tf.zeros([2, 2]), horizon: 5, bounds: [[-1, -1], 1] })).toThrow(/bounds\[0\]: expected a scalar, \[nu\] = \[1\] or \[H·nu\] = \[5\]/);
    model.k.dispose();
  });
});
