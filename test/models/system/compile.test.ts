// compileSystem (src/models/system/compile.ts) on the pendulum and the 2-D point mass (nu = 2) definitions:
// the generated kernel's J equals the compiled tfjs twin's generic rollout and a Float64 loop of Gymnasium's
// θ-form pendulum equations; its gradients w.r.t. x0, U and every parameter equal tfjs autodiff of the
// twin (float32, 1e-4 relative) and Richardson central differences of the Float64 kernel (1e-6 relative);
// clip masks at and beyond the bounds; the fused path only for the system's own cost; no leaks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../../helpers/backend.ts';
import { compileSystem, type CompiledSystem } from '../../../src/models/system/compile.ts';
import { paramNames, type SystemDefinition } from '../../../src/models/system/definition.ts';
import { checkSystem, partialByDifferences } from '../../../src/models/system/check.ts';
import { rolloutCost, rolloutCostGeneric } from '../../../src/models/rollout.ts';
import type { CostModel, DynamicsModel } from '../../../src/models/types.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { pendulumSystem } from '../../../envs/pendulum.ts';
import { pointMassSystem } from '../../../envs/systems/point-mass.ts';
import { expectClose, relErr } from '../finite-difference.ts';

beforeAll(async () => {
  await useTestBackend();
});

const H = 12;

/** Pendulum rows: angles all round, speeds up to ±9 (beyond the ±8 clip), torques in ±3.5 (beyond ±2). */
function pendulumProblem(rng: Rng, R: number, uScale = 3.5): { x0: Float32Array; U: Float32Array } {
  const x0 = new Float32Array(R * 3);
  for (let r = 0; r < R; r++) {
    const th = rng.uniformIn(-Math.PI, Math.PI);
    x0.set([Math.cos(th), Math.sin(th), rng.uniformIn(-9, 9)], 3 * r);
  }
  return { x0, U: rng.uniformArray(R * H, -uScale, uScale) };
}

/** Point-mass rows: positions ±2, speeds ±1, forces ±1.5 (beyond the ±1 clip). */
function pointMassProblem(rng: Rng, R: number, uScale = 1.5): { x0: Float32Array; U: Float32Array } {
  return { x0: rng.uniformArray(R * 4, -2, 2), U: rng.uniformArray(R * H * 2, -uScale, uScale) };
}

/** Generic tfjs loop with rows as problems: x0 `[R, nx]`, U `[R, H, nu]` → `[R]`. */
function generic(dyn: DynamicsModel, cost: CostModel, x0: tf.Tensor, U: tf.Tensor): tf.Tensor {
  const R = x0.shape[0]!;
  return rolloutCostGeneric(dyn, cost, x0, U.reshape([R, 1, -1]), H).reshape([R]);
}

function fused(sys: CompiledSystem<string>, x0: tf.Tensor, U: tf.Tensor): tf.Tensor {
  const J = sys.dynamics.fusedRolloutCost(sys.cost, x0, U);
  if (!J) throw new Error('the compiled cost was not recognized by its dynamics');
  return J;
}


/** Gradients of Σ_r w_r J_r w.r.t. x0, U and every parameter Variable (in definition order). */
function gradients(sys: CompiledSystem<string>, J: (x: tf.Tensor, u: tf.Tensor) => tf.Tensor, x0: tf.Tensor, U: tf.Tensor, w: tf.Tensor) {
  return tf.tidy(() => {
    const loss = (x: tf.Tensor, u: tf.Tensor) => tf.sum(tf.mul(w, J(x, u))) as tf.Scalar;
    const [dx, du] = tf.grads(loss)([x0, U]);
    const vars = paramNames(sys.dynamics.def).map((p) => sys.dynamics.params[p]);
    const vg = tf.variableGrads(() => loss(x0, U), vars);
    return { dx: dx!.dataSync(), du: du!.dataSync(), params: vars.map((v) => vg.grads[v.name]!.dataSync()[0]!) };
  });
}

/** Float64 kernel gradients against central differences of its own forward, relative steps. */
function checkFiniteDifferences(sys: CompiledSystem<string>, x0: Float64Array, U: Float64Array, R: number): void {
  const k = sys.dynamics.kernel;
  const names = paramNames(sys.dynamics.def);
  const P = Float64Array.from(names, (p) => sys.dynamics.params[p].dataSync()[0]!);
  const dJ = Float64Array.from({ length: R }, (_, r) => 0.5 + 0.25 * r);
  const total = (x: Float64Array, u: Float64Array, p: Float64Array): number => k.forward(x, u, p, R, H, false).J.reduce((a, v, r) => a + dJ[r]! * v, 0);
  const { traj } = k.forward(x0, U, P, R, H, true);
  const g = k.backward(traj, U, P, dJ, R, H);
  for (let i = 0; i < x0.length; i++) expectClose(`dJ/dx0[${i}]`, [g.dx0[i]!, partialByDifferences(x0, i, (x) => total(x, U, P))], 1e-6, 1e-7);
  for (let i = 0; i < U.length; i += 3) expectClose(`dJ/dU[${i}]`, [g.dU[i]!, partialByDifferences(U, i, (u) => total(x0, u, P))], 1e-6, 1e-7);
  names.forEach((p, i) => {
    expect(g.dParams[i], p).not.toBe(0);
    expectClose(`dJ/d${p}`, [g.dParams[i]!, partialByDifferences(P, i, (pp) => total(x0, U, pp))], 1e-6, 1e-7);
  });
}

describe('compileSystem: pendulum definition', () => {
  it("J equals the twin generic loop and a Float64 loop of Gymnasium's θ-form equations", () => {
    const params = { mass: 1.3, length: 0.8, damping: 0.05 };
    const sys = compileSystem(pendulumSystem, { params });
    const R = 64;
    const { x0, U } = pendulumProblem(new Rng(3), R);
    const before = tf.memory().numTensors;
    const [a, b] = tf.tidy(() => {
      const xt = tf.tensor2d(x0, [R, 3]);
      const Ut = tf.tensor3d(U, [R, H, 1]);
      return [fused(sys, xt, Ut).dataSync(), generic(sys.dynamics, sys.cost, xt, Ut).dataSync()];
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(relErr(a, b)).toBeLessThan(1e-5);
    // Independent reference on the angle itself: θ̇' = clip(θ̇ + (1.5 g/l sin θ + 3/(m l²)(ū − b θ̇)) dt, ±8),
    // θ' = θ + θ̇' dt, cost angle_normalize(θ)² + 0.1 θ̇² + 0.001 ū² (the definition rotates (cos θ, sin θ)).
    const x64 = Float64Array.from(x0);
    const U64 = Float64Array.from(U);
    const P = Float64Array.of(1.3, 0.8, 10, 0.05);
    const gen = sys.dynamics.kernel.forward(x64, U64, P, R, H, false);
    const norm = (t: number) => Math.atan2(Math.sin(t), Math.cos(t));
    const ref = Float64Array.from({ length: R }, (_, r) => {
      let th = Math.atan2(x64[3 * r + 1]!, x64[3 * r]!);
      let w = x64[3 * r + 2]!;
      let J = 0;
      for (let t = 0; t < H; t++) {
        const u = Math.min(2, Math.max(-2, U64[r * H + t]!));
        J += norm(th) ** 2 + 0.1 * w * w + 0.001 * u * u;
        w = Math.min(8, Math.max(-8, w + ((1.5 * 10) / 0.8 * Math.sin(th) + (3 / (1.3 * 0.8 * 0.8)) * (u - 0.05 * w)) * 0.05));
        th += w * 0.05;
      }
      return J;
    });
    // float32 x0 rows have cos² + sin² = 1 ± 1e-7, which the rotation form carries and the θ form does not
    expect(relErr(gen.J, ref)).toBeLessThan(1e-6);
    sys.dynamics.dispose();
  });

  it('gradients w.r.t. x0, U, mass, length, gravity, damping equal tfjs autodiff of the twin', () => {
    const sys = compileSystem(pendulumSystem, { params: { mass: 1.3, length: 0.8, damping: 0.05 } });
    const R = 32;
    const { x0, U } = pendulumProblem(new Rng(4), R);
    const before = tf.memory().numTensors;
    const xt = tf.tensor2d(x0, [R, 3]);
    const Ut = tf.tensor3d(U, [R, H, 1]);
    const w = tf.tensor1d(new Rng(5).uniformArray(R, 0.5, 1.5));
    const gf = gradients(sys, (x, u) => fused(sys, x, u), xt, Ut, w);
    const gg = gradients(sys, (x, u) => generic(sys.dynamics, sys.cost, x, u), xt, Ut, w);
    tf.dispose([xt, Ut, w]);
    expect(tf.memory().numTensors).toBe(before);
    expect(relErr(gf.dx, gg.dx)).toBeLessThan(1e-4);
    expect(relErr(gf.du, gg.du)).toBeLessThan(1e-4);
    for (let i = 0; i < U.length; i++) if (Math.abs(U[i]!) > 2) expect(gf.du[i]).toBe(0);
    gf.params.forEach((v, i) => {
      expect(v).not.toBe(0);
      expectClose(`param ${i}`, [v, gg.params[i]!], 1e-4, 1e-5);
    });
    sys.dynamics.dispose();
  });

  it('the Float64 adjoint matches Richardson central differences w.r.t. x0, U and every parameter', () => {
    const sys = compileSystem(pendulumSystem, { params: { mass: 1.1, length: 0.9, gravity: 9.5, damping: 0.1 } });
    const R = 6;
    const { x0: x32, U: U32 } = pendulumProblem(new Rng(6), R, 1.5); // torques inside the clip
    const x0 = Float64Array.from(x32);
    for (let r = 0; r < R; r++) x0[3 * r + 2] = 0.5 * (r - 3); // speeds inside the clip
    checkFiniteDifferences(sys, x0, Float64Array.from(U32), R);
    sys.dynamics.dispose();
  });

  it('clip masks: identity on the closed interval, zero beyond, as tf.clipByValue', () => {
    const sys = compileSystem(pendulumSystem);
    const k = sys.dynamics.kernel;
    const P = Float64Array.of(1, 1, 10, 0);
    const x0 = Float64Array.of(1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 7.9);
    const U = Float64Array.of(2.5, 2, -3, 2);
    const { traj } = k.forward(x0, U, P, 4, 1, true);
    const g = k.backward(traj, U, P, Float64Array.of(1, 1, 1, 1), 4, 1);
    expect(g.dU[0]).toBe(0);
    expect(g.dU[1]).toBeCloseTo(0.002 * 2, 12); // only the cost's 0.001 ū² (H = 1: the step is not costed)
    expect(g.dU[2]).toBe(0);
    // Row 3 starts at θ̇ = 7.9 and saturates at 8: the speed's adjoint is only the cost's 0.2 θ̇.
    expect(traj[3 * 2 * 3 + 2 + 3]).toBe(8);
    const H2 = 2;
    const U2 = Float64Array.of(2, 2);
    const x1 = Float64Array.of(1, 0, 7.9);
    const f2 = k.forward(x1, U2, P, 1, H2, true);
    const g2 = k.backward(f2.traj, U2, P, Float64Array.of(1), 1, H2);
    expect(g2.dx0[2]).toBeCloseTo(0.2 * 7.9, 12);
    // tfjs autodiff of the twin has the same masks.
    const x3 = tf.tensor2d(Float32Array.from(x0.subarray(0, 9)), [3, 3]);
    const tfd = tf.tidy(() => tf.grad((u: tf.Tensor) => tf.sum(rolloutCostGeneric(sys.dynamics, sys.cost, x3, u, 1)))(tf.tensor3d(Float32Array.of(2.5, 2, -3), [3, 1, 1])).dataSync());
    x3.dispose();
    expect(Array.from(tfd)).toEqual([0, expect.closeTo(0.004, 6), 0]);
    sys.dynamics.dispose();
  });
});

describe('compileSystem: 2-D point mass (nu = 2)', () => {
  it('J and gradients equal the twin generic loop and tfjs autodiff; Float64 adjoint equals finite differences', () => {
    const sys = compileSystem(pointMassSystem, { params: { mass: 1.4, drag: 0.3 } });
    const R = 16;
    const { x0, U } = pointMassProblem(new Rng(11), R);
    const before = tf.memory().numTensors;
    const xt = tf.tensor2d(x0, [R, 4]);
    const Ut = tf.tensor3d(U, [R, H, 2]);
    const w = tf.tensor1d(new Rng(12).uniformArray(R, 0.5, 1.5));
    const [a, b] = tf.tidy(() => [fused(sys, xt, Ut).dataSync(), generic(sys.dynamics, sys.cost, xt, Ut).dataSync()]);
    expect(relErr(a, b)).toBeLessThan(1e-5);
    const gf = gradients(sys, (x, u) => fused(sys, x, u), xt, Ut, w);
    const gg = gradients(sys, (x, u) => generic(sys.dynamics, sys.cost, x, u), xt, Ut, w);
    tf.dispose([xt, Ut, w]);
    expect(tf.memory().numTensors).toBe(before);
    expect(gf.du.length).toBe(R * H * 2);
    expect(relErr(gf.dx, gg.dx)).toBeLessThan(1e-4);
    expect(relErr(gf.du, gg.du)).toBeLessThan(1e-4);
    for (let i = 0; i < U.length; i++) {
      if (Math.abs(U[i]!) > 1) expect(gf.du[i]).toBe(0);
      else expect(gf.du[i]).not.toBe(0);
    }
    gf.params.forEach((v, i) => expectClose(`param ${i}`, [v, gg.params[i]!], 1e-4, 1e-5));
    const inside = pointMassProblem(new Rng(13), 5, 0.9);
    checkFiniteDifferences(sys, Float64Array.from(inside.x0), Float64Array.from(inside.U), 5);
    sys.dynamics.dispose();
  });
});

describe('compileSystem: dispatch and the twin', () => {
  it('rolloutCost takes the generated op only for the cost compiled with the dynamics', () => {
    const sys = compileSystem(pendulumSystem);
    const other = compileSystem(pendulumSystem);
    const x0 = tf.tensor2d([[1, 0, 0]]);
    const U = tf.zeros([1, H, 1]);
    const wrapper: CostModel = { cost: (x, u, t) => sys.cost.cost(x, u, t), variables: () => [] };
    expect(sys.dynamics.fusedRolloutCost(sys.cost, x0, U)?.shape).toEqual([1]);
    expect(sys.dynamics.fusedRolloutCost(wrapper, x0, U)).toBeUndefined();
    expect(sys.dynamics.fusedRolloutCost(other.cost, x0, U)).toBeUndefined();
    expect(() => {
      (sys.cost as { cost: unknown }).cost = () => tf.zeros([1]);
    }).toThrow();
    // rolloutCost counts kernel calls through the generated forward.
    let calls = 0;
    const fwd = sys.dynamics.kernel.forward;
    (sys.dynamics.kernel as { forward: typeof fwd }).forward = (...a) => {
      calls++;
      return fwd(...a);
    };
    const Ub = tf.randomUniform([1, 4, H], -2, 2);
    const a = tf.tidy(() => rolloutCost(sys.dynamics, sys.cost, x0, Ub, H).dataSync());
    expect(calls).toBe(1);
    const b = tf.tidy(() => rolloutCost(sys.dynamics, wrapper, x0, Ub, H).dataSync());
    expect(calls).toBe(1);
    expect(relErr(a, b)).toBeLessThan(1e-5);
    tf.dispose([x0, U, Ub]);
    sys.dynamics.dispose();
    other.dynamics.dispose();
  });

  it('the twin has second derivatives (tfjs autodiff through the tensor ops)', () => {
    const sys = compileSystem(pendulumSystem);
    const u = tf.tensor2d([[0.7]]);
    const x = tf.tensor2d([[Math.cos(0.4), Math.sin(0.4), 0.3]]);
    // d²/du² of θ̇' · θ̇' = 2 (∂θ̇'/∂u)² = 2 (3/(m l²) dt)² inside the clips.
    const d2 = tf.tidy(() => tf.grad((uu: tf.Tensor) => tf.sum(tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.slice(sys.dynamics.step(x, v), [0, 2], [1, 1]))))(uu)))(u).dataSync()[0]!);
    expect(d2).toBeCloseTo(2 * (3 * 0.05) ** 2, 5);
    tf.dispose([u, x]);
    sys.dynamics.dispose();
  });

  it('variables(): the dynamics lists the parameters its transition reads, each Variable once; trainable restricts', () => {
    const sys = compileSystem(pendulumSystem, { trainable: ['mass', 'length'] });
    expect(sys.dynamics.variables()).toEqual([sys.dynamics.params.mass, sys.dynamics.params.length]);
    expect(sys.cost.variables()).toEqual([]);
    sys.dynamics.dispose();
    expect(() => compileSystem(pendulumSystem, { params: { mas: 1 } as never })).toThrow(/unknown parameter "mas".*mass/);
    expect(() => compileSystem(pendulumSystem, { params: { mass: Number.NaN } })).toThrow(/"mass" must be a finite number/);
  });

  it('a cost-only parameter belongs to the cost and reaches it through the generated op', () => {
    const def: SystemDefinition<'k' | 'w'> = {
      name: 'weighted point mass',
      stateDim: 4,
      actionDim: 2,
      dt: pointMassSystem.dt,
      actionBounds: pointMassSystem.actionBounds,
      params: { k: 0.2, w: 2 },
      transition: (x, u, p, m) => pointMassSystem.transition(x, u, { mass: m.const(1), drag: p.k }, m),
      cost: (x, u, p, m) => m.mul(p.w, pointMassSystem.cost(x, u, { mass: m.const(1), drag: m.const(0) }, m)),
    };
    const sys = compileSystem(def);
    expect(sys.dynamics.variables()).toEqual([sys.dynamics.params.k]);
    expect(sys.cost.variables()).toEqual([sys.dynamics.params.w]);
    const { x0, U } = pointMassProblem(new Rng(14), 4, 0.8);
    const xt = tf.tensor2d(x0, [4, 4]);
    const Ut = tf.tensor3d(U, [4, H, 2]);
    const w = tf.ones([4]);
    const gf = gradients(sys as unknown as CompiledSystem<string>, (x, u) => fused(sys as unknown as CompiledSystem<string>, x, u), xt, Ut, w);
    const gg = gradients(sys as unknown as CompiledSystem<string>, (x, u) => generic(sys.dynamics, sys.cost, x, u), xt, Ut, w);
    gf.params.forEach((v, i) => expectClose(`param ${i}`, [v, gg.params[i]!], 1e-4, 1e-5));
    tf.dispose([xt, Ut, w]);
    sys.dynamics.dispose();
  });
});

describe('compileSystem: terminal cost and nested gradients', () => {
  const withTerminal: SystemDefinition<'mass' | 'drag'> = {
    ...pointMassSystem,
    name: 'point mass with terminal cost',
    terminal: ([x, y], p, m) => m.mul(m.mul(10, p.mass), m.add(m.square(x!), m.square(y!))),
  };

  it('the generated op includes the terminal cost; values and gradients equal the generic loop and finite differences', () => {
    const sys = compileSystem(withTerminal);
    expect(typeof sys.cost.terminal).toBe('function');
    expect(checkSystem(sys, { seed: 5 })).toEqual([]);
    const stageOnly = compileSystem(pointMassSystem);
    let calls = 0;
    const states = sys.dynamics.step.bind(sys.dynamics);
    sys.dynamics.step = (x, u) => {
      calls++;
      return states(x, u);
    };
    const withT = tf.tidy(() => {
      const x = tf.tensor2d([[1, -1, 0.5, 0]]);
      const u = tf.zeros([1, H, 2]);
      return [fused(sys, x, u).dataSync()[0]!, fused(stageOnly, x, u).dataSync()[0]!, rolloutCost(sys.dynamics, sys.cost, x, u.reshape([1, 1, H * 2]), H).dataSync()[0]!];
    });
    expect(calls).toBe(0); // no twin steps: the terminal cost is inside the generated op
    expect(withT[0]! - withT[1]!).toBeGreaterThan(1); // 10·m·(x_H² + y_H²) with |x_H|, |y_H| ≈ 1
    expect(withT[2]).toBeCloseTo(withT[0]!, 5);
    sys.dynamics.step = states;
    stageOnly.dynamics.dispose();
    const { x0, U } = pointMassProblem(new Rng(15), 6);
    const before = tf.memory().numTensors;
    const [a, b, ga, gb] = tf.tidy(() => {
      const xt = tf.tensor2d(x0.subarray(0, 12), [3, 4]);
      const Ut = tf.tensor3d(U, [3, 2, H * 2]);
      const f = (x: tf.Tensor, u: tf.Tensor) => rolloutCost(sys.dynamics, sys.cost, x, u, H);
      const g = (x: tf.Tensor, u: tf.Tensor) => rolloutCostGeneric(sys.dynamics, sys.cost, x, u, H);
      return [f(xt, Ut).dataSync(), g(xt, Ut).dataSync(), tf.grad((u: tf.Tensor) => tf.sum(f(xt, u)))(Ut).dataSync(), tf.grad((u: tf.Tensor) => tf.sum(g(xt, u)))(Ut).dataSync()];
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(relErr(a, b)).toBeLessThan(1e-5);
    expect(relErr(ga, gb)).toBeLessThan(1e-4);
    sys.dynamics.dispose();
  });

  it('a gradient of a gradient of rolloutCost falls back to the twin (generic loop) and equals it', () => {
    const sys = compileSystem(pendulumSystem);
    const x0 = tf.tensor2d([[Math.cos(2.5), Math.sin(2.5), 0.5]]);
    const U = tf.tensor3d(new Rng(16).uniformArray(H, -1, 1), [1, 1, H]);
    const v = tf.tensor3d(new Rng(17).uniformArray(H, -1, 1), [1, 1, H]);
    // Hessian-vector product d/dU ⟨∇_U J, v⟩ through rolloutCost and through the generic loop.
    const hvp = (J: (u: tf.Tensor) => tf.Tensor) => tf.tidy(() => tf.grad((u: tf.Tensor) => tf.sum(tf.mul(tf.grad((w: tf.Tensor) => tf.sum(J(w)))(u), v)))(U).dataSync());
    const a = hvp((u) => rolloutCost(sys.dynamics, sys.cost, x0, u, H));
    const b = hvp((u) => rolloutCostGeneric(sys.dynamics, sys.cost, x0, u, H));
    expect(a.some((x) => x !== 0)).toBe(true);
    expect(relErr(a, b)).toBeLessThan(1e-5);
    tf.dispose([x0, U, v]);
    sys.dynamics.dispose();
  });
});
