// Fused cart-pole swing-up rollout (src/models/cartpole-rollout.ts) against the generic tfjs loop of
// src/models/rollout.ts: values, and gradients w.r.t. x0, U and massCart/massPole/halfLength/gravity equal to
// tfjs autodiff of the loop, with the track penalty on and off and saturated actions (|u| up to 1.5); the host
// adjoint against Float64 central finite differences; rolloutCost dispatch (fused only for exactly
// CartPoleSwingUpCost); DCEM plans and their parameter gradients equal on both paths; no tensor leaks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../helpers/backend.ts';
import { CartPoleSwingUpCost, cartPoleSwingUpModel, type CartPoleSwingUpDynamics } from '../../src/models/cartpole.ts';
import {
  cartPoleRolloutBackward,
  cartPoleRolloutCost,
  cartPoleRolloutForward,
  type CartPoleRolloutConstants,
} from '../../src/models/cartpole-rollout.ts';
import { rolloutCost, rolloutCostGeneric } from '../../src/models/rollout.ts';
import { makeSolver } from '../../src/solvers/types.ts';
import '../../src/solvers/dcem.ts';
import { hasFusedRollout } from '../../src/models/fused-rollout.ts';
import type { CostModel, DynamicsModel } from '../../src/models/types.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { relErr } from './finite-difference.ts';

beforeAll(async () => {
  await useTestBackend();
});

const H = 10;
const PARAMS = ['massCart', 'massPole', 'halfLength', 'gravity'] as const;

/** Random states (cart up to ±2.3 m so the penalty is active, any angle, fast) and actions in ±1.5 (saturated). */
function problem(rng: Rng, R: number): { x0: Float32Array; U: Float32Array } {
  const x0 = new Float32Array(R * 5);
  for (let r = 0; r < R; r++) {
    const th = rng.uniformIn(-Math.PI, Math.PI);
    x0.set([rng.uniformIn(-2.3, 2.3), rng.uniformIn(-2, 2), Math.cos(th), Math.sin(th), rng.uniformIn(-4, 4)], 5 * r);
  }
  return { x0, U: rng.uniformArray(R * H, -1.5, 1.5) };
}

function fused(dyn: CartPoleSwingUpDynamics, cost: CartPoleSwingUpCost, x0: tf.Tensor, U: tf.Tensor): tf.Tensor {
  const out = dyn.fusedRolloutCost(cost, x0, U);
  if (!out) throw new Error('fusedRolloutCost declined a CartPoleSwingUpCost');
  return out;
}

/** The generic loop with rows as problems (B = R, N = 1): x0 `[R, 5]`, U `[R, H, 1]` → `[R]`. */
function generic(dyn: DynamicsModel, cost: CostModel, x0: tf.Tensor, U: tf.Tensor): tf.Tensor {
  const R = x0.shape[0]!;
  return rolloutCostGeneric(dyn, cost, x0, U.reshape([R, 1, H]), H).reshape([R]);
}


/** Gradients of Σ_r w_r J_r w.r.t. x0, U and the four parameters, by `J`. */
function gradsOf(J: (x0: tf.Tensor, U: tf.Tensor) => tf.Tensor, dyn: CartPoleSwingUpDynamics, x0: tf.Tensor, U: tf.Tensor, w: tf.Tensor): Float32Array[] {
  const vars = PARAMS.map((p) => dyn[p]);
  return tf.tidy(() => {
    const x0v = tf.variable(x0);
    const Uv = tf.variable(U);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(J(x0v, Uv), w)) as tf.Scalar, [x0v, Uv, ...vars]);
    const out = [x0v, Uv, ...vars].map((v) => grads[v.name]!.dataSync() as Float32Array);
    tf.dispose([x0v, Uv]);
    return out;
  });
}

describe('fused cart-pole swing-up rollout', () => {
  it('equals the generic loop in value and in tfjs-autodiff gradients (x0, U, 4 parameters), penalty on and off', () => {
    const rng = new Rng(11);
    const R = 24;
    const { x0, U } = problem(rng, R);
    for (const trackPenalty of [undefined, false] as const) {
      const { dynamics } = cartPoleSwingUpModel({ massCart: 1.2, massPole: 0.15, halfLength: 0.45, gravity: 9.5 });
      const cost = new CartPoleSwingUpCost(1, trackPenalty === false ? { trackPenalty: false } : {});
      const x0t = tf.tensor2d(x0, [R, 5]);
      const Ut = tf.tensor3d(U, [R, H, 1]);
      const w = rng.normalTensor([R]);
      const before = tf.memory().numTensors;
      const [a, b] = tf.tidy(() => [fused(dynamics, cost, x0t, Ut).dataSync(), generic(dynamics, cost, x0t, Ut).dataSync()]);
      expect(relErr(a!, b!)).toBeLessThan(1e-4);
      const gf = gradsOf((x, u) => fused(dynamics, cost, x, u), dynamics, x0t, Ut, w);
      const gg = gradsOf((x, u) => generic(dynamics, cost, x, u), dynamics, x0t, Ut, w);
      expect(tf.memory().numTensors).toBe(before);
      const names = ['x0', 'U', ...PARAMS];
      gf.forEach((g, i) => {
        const e = relErr(g, gg[i]!);
        if (!(e < 2e-3)) throw new Error(`penalty ${trackPenalty !== false}: d/d${names[i]} fused vs autodiff relative error ${e}`);
      });
      // Saturated actions get exactly zero gradient (clip), as tf.clipByValue gives.
      const dU = gf[1]!;
      for (let i = 0; i < U.length; i++) if (Math.abs(U[i]!) > 1) expect(Math.abs(dU[i]!)).toBe(0);
      tf.dispose([x0t, Ut, w]);
      dynamics.dispose();
    }
  });

  it('host adjoint matches Float64 central finite differences on x0, U and each parameter', () => {
    const rng = new Rng(12);
    const R = 3;
    const { x0: x0f, U: Uf } = problem(rng, R);
    const x0 = Float64Array.from(x0f);
    const U = Float64Array.from(Uf).map((u) => Math.max(-0.95, Math.min(0.95, u)));
    x0[0] = 2.0; // penalty active on row 0
    const k: CartPoleRolloutConstants = { M: 1.1, m: 0.12, L: 0.55, g: 9.7, tau: 0.02, forceMag: 10, poleLength: 1, penaltyWeight: 10, softLimit: 1.5 };
    const dJ = Float64Array.from([0.7, -1.3, 2.1]);
    const J = (xx: Float64Array, uu: Float64Array, kk: CartPoleRolloutConstants) => {
      const v = cartPoleRolloutForward(xx, uu, R, H, kk, false).J;
      return v.reduce((acc, j, r) => acc + j * dJ[r]!, 0);
    };
    const { traj } = cartPoleRolloutForward(x0, U, R, H, k, true);
    const gr = cartPoleRolloutBackward(traj, U, dJ, R, H, k);
    const eps = 1e-6;
    const check = (name: string, analytic: number, fd: number) => {
      if (!(Math.abs(analytic - fd) <= 1e-6 + 1e-5 * Math.abs(fd))) throw new Error(`${name}: adjoint ${analytic} vs finite difference ${fd}`);
    };
    for (const i of [0, 1, 2, 3, 4, 7, 13]) {
      const p = Float64Array.from(x0);
      const m = Float64Array.from(x0);
      p[i]! += eps;
      m[i]! -= eps;
      check(`dx0[${i}]`, gr.dx0[i]!, (J(p, U, k) - J(m, U, k)) / (2 * eps));
    }
    for (const i of [0, 4, H - 1, H + 3, 2 * H + 5]) {
      const p = Float64Array.from(U);
      const m = Float64Array.from(U);
      p[i]! += eps;
      m[i]! -= eps;
      check(`dU[${i}]`, gr.dU[i]!, (J(x0, p, k) - J(x0, m, k)) / (2 * eps));
    }
    for (const [key, g] of [['M', gr.dM], ['m', gr.dm], ['L', gr.dL], ['g', gr.dg]] as const) {
      const fd = (J(x0, U, { ...k, [key]: k[key] + eps }) - J(x0, U, { ...k, [key]: k[key] - eps })) / (2 * eps);
      check(`d${key}`, g, fd);
    }
  });

  it('rolloutCost takes the fused op for exactly CartPoleSwingUpCost, the generic loop otherwise; no leaks', () => {
    const rng = new Rng(13);
    const B = 2;
    const N = 5;
    const { dynamics, cost } = cartPoleSwingUpModel();
    expect(hasFusedRollout(dynamics)).toBe(true);
    class Shifted extends CartPoleSwingUpCost {
      override cost(x: tf.Tensor, u: tf.Tensor, t: number): tf.Tensor {
        return tf.tidy(() => tf.add(super.cost(x, u, t), 1));
      }
    }
    const shifted = new Shifted();
    const x0 = tf.tensor2d(problem(rng, B).x0, [B, 5]);
    const U = tf.tensor3d(rng.uniformArray(B * N * H, -1.2, 1.2), [B, N, H]);
    const before = tf.memory().numTensors;
    const spy = { fused: 0 };
    const orig = dynamics.fusedRolloutCost.bind(dynamics);
    dynamics.fusedRolloutCost = (c, x, u) => {
      const out = orig(c, x, u);
      if (out) spy.fused++;
      return out;
    };
    const [a, b, s] = tf.tidy(() => [rolloutCost(dynamics, cost, x0, U, H).dataSync(), rolloutCostGeneric(dynamics, cost, x0, U, H).dataSync(), rolloutCost(dynamics, shifted, x0, U, H).dataSync()]);
    expect(spy.fused).toBe(1);
    expect(relErr(a!, b!)).toBeLessThan(1e-4);
    // The subclass falls back to the generic loop, so its own cost (+1 per step) is honoured.
    for (let i = 0; i < a!.length; i++) expect(s![i]! - a![i]!).toBeCloseTo(H, 3);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => tf.tidy(() => cartPoleRolloutCost({ massCart: dynamics.massCart, massPole: dynamics.massPole, halfLength: dynamics.halfLength, gravity: tf.zeros([2]), tau: 0.02, forceMag: 10, poleLength: 1, penaltyWeight: 0, softLimit: 0 }, tf.zeros([3, 5]), tf.zeros([3, H, 1])))).toThrow(/gravity must be a scalar/);
    expect(() => tf.tidy(() => cartPoleRolloutCost({ massCart: dynamics.massCart, massPole: dynamics.massPole, halfLength: dynamics.halfLength, gravity: dynamics.gravity, tau: 0.02, forceMag: 10, poleLength: 1, penaltyWeight: 0, softLimit: 0 }, tf.zeros([3, 4]), tf.zeros([3, H, 1])))).toThrow(/x0/);
    tf.dispose([x0, U]);
    dynamics.dispose();
  });

  it('plans through DCEM identically on both paths, with matching gradients w.r.t. massPole and halfLength', () => {
    const { dynamics, cost } = cartPoleSwingUpModel({ massPole: 0.12, halfLength: 0.45 });
    const generic: DynamicsModel = { stateDim: 5, actionDim: 1, step: (x, u) => dynamics.step(x, u), variables: () => dynamics.variables() };
    const rng = new Rng(14);
    const x0 = tf.tensor2d([0.2, 0.1, Math.cos(2.8), Math.sin(2.8), 0.3, 1.7, -0.5, Math.cos(-0.4), Math.sin(-0.4), 1.0], [2, 5]);
    const noise = rng.normalTensor([3, 2, 40, H]);
    const mean = tf.zeros([2, H]);
    const std = tf.fill([2, H], 0.8);
    const solver = makeSolver('dcem', { elites: 5 });
    const before = tf.memory().numTensors;
    const run = (model: DynamicsModel) =>
      tf.tidy(() => {
        const f = (X: tf.Tensor) => rolloutCost(model, cost, x0, X, H);
        const plan = () => {
          const r = solver.solve(f, { mean, std }, { iterations: 3, samples: 40, noise, bounds: [-1, 1], backward: 'unroll' });
          return tf.sum(tf.mul(r.solution, tf.linspace(-1, 1, H))) as tf.Scalar;
        };
        const { value, grads } = tf.variableGrads(plan, [dynamics.massPole, dynamics.halfLength]);
        return [value.dataSync()[0]!, grads[dynamics.massPole.name]!.dataSync()[0]!, grads[dynamics.halfLength.name]!.dataSync()[0]!];
      });
    const a = run(dynamics);
    const b = run(generic);
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(a[0]! - b[0]!)).toBeLessThan(1e-3);
    expect(a[1]).not.toBe(0);
    for (const [i, name] of [[1, 'massPole'], [2, 'halfLength']] as const) {
      const tol = 1e-4 + 2e-2 * Math.max(Math.abs(a[i]!), Math.abs(b[i]!));
      if (!(Math.abs(a[i]! - b[i]!) <= tol)) throw new Error(`d plan / d ${name}: fused ${a[i]} vs generic ${b[i]}`);
    }
    tf.dispose([x0, noise, mean, std]);
    dynamics.dispose();
  });
});
