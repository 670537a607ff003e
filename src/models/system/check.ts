// checkSystem: the invariant a compiled system must keep, checked on random rows. The generated kernel and the
// tfjs twin are two derivations of one definition, so they must agree:
//   J_fused = J_twin (generic loop),   ∇_{x0, U, p} J_fused = autodiff of the twin   (float32, relative tol),
// and the Float64 adjoint must equal Richardson central differences of the Float64 forward (relative steps,
// at actions scaled inside the bounds so no clip kink lies within a step). Returns the problems found, each
// naming the quantity, the index and both values; an empty list means the system passed.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../tensor/rng.ts';
import { rolloutCostGeneric } from '../rollout.ts';
import type { CompiledSystem } from './compile.ts';
import { paramNames } from './definition.ts';

export interface CheckSystemOptions {
  /** Rows (default 8) and horizon (default 8) of the random rollouts. */
  rows?: number;
  horizon?: number;
  seed?: number;
  /** Initial states `[nx]` (default each component uniform in [−1, 1]). */
  sampleState?(rng: Rng): ArrayLike<number>;
  /** Relative tolerance of the float32 comparisons (default 1e-4) and of the Float64 differences (default 1e-5). */
  tolerance?: number;
  fdTolerance?: number;
}

export function checkSystem<P extends string>(sys: CompiledSystem<P>, opts: CheckSystemOptions = {}): string[] {
  const { dynamics, cost } = sys;
  const def = dynamics.def;
  const { stateDim: nx, actionDim: nu } = dynamics;
  const R = opts.rows ?? 8;
  const H = opts.horizon ?? 8;
  const tol = opts.tolerance ?? 1e-4;
  const fdTol = opts.fdTolerance ?? 1e-5;
  const rng = new Rng(opts.seed ?? 0);
  const problems: string[] = [];
  const compare = (what: string, a: ArrayLike<number>, b: ArrayLike<number>, rel: number, abs: number) => {
    let scale = 0;
    for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
    for (let i = 0; i < a.length; i++) {
      const ok = Math.abs(a[i]! - b[i]!) <= abs + rel * Math.max(scale, Math.abs(a[i]!));
      if (!ok) {
        problems.push(`${def.name}: ${what}[${i}] = ${a[i]} but ${b[i]} expected`);
        return;
      }
    }
  };
  const x0 = new Float32Array(R * nx);
  for (let r = 0; r < R; r++) x0.set(opts.sampleState ? opts.sampleState(rng) : rng.uniformArray(nx, -1, 1), r * nx);
  const { low, high } = def.actionBounds;
  const U = new Float32Array(R * H * nu);
  for (let i = 0; i < U.length; i++) {
    const j = i % nu;
    const mid = (low[j]! + high[j]!) / 2;
    const half = (high[j]! - low[j]!) / 2;
    U[i] = mid + 0.9 * half * rng.uniformIn(-1, 1);
  }
  const names = paramNames(def);
  const vars = names.map((p) => dynamics.params[p]);
  const w = rng.uniformArray(R, 0.5, 1.5);
  const grads = (fused: boolean) =>
    tf.tidy(() => {
      const xt = tf.tensor2d(x0, [R, nx]);
      const Ut = tf.tensor3d(U, [R, H, nu]);
      const wt = tf.tensor1d(w);
      const J = (x: tf.Tensor, u: tf.Tensor): tf.Tensor => {
        const f = fused ? dynamics.fusedRolloutCost(cost, x, u) : rolloutCostGeneric(dynamics, cost, x, u.reshape([R, 1, H * nu]), H).reshape([R]);
        if (!f) throw new Error(`checkSystem(${def.name}): the dynamics did not recognize its own compiled cost`);
        return f;
      };
      const loss = (x: tf.Tensor, u: tf.Tensor) => tf.sum(tf.mul(wt, J(x, u))) as tf.Scalar;
      const [dx, du] = tf.grads(loss)([xt, Ut]);
      const vg = vars.length ? tf.variableGrads(() => loss(xt, Ut), vars) : { grads: {} as Record<string, tf.Tensor> };
      return { J: J(xt, Ut).dataSync(), dx: dx!.dataSync(), du: du!.dataSync(), p: vars.map((v) => vg.grads[v.name]?.dataSync()[0] ?? 0) };
    });
  const f = grads(true);
  const g = grads(false);
  compare('generated J vs twin J', f.J, g.J, tol / 10, 1e-6);
  compare('generated dJ/dx0 vs twin autodiff', f.dx, g.dx, tol, 1e-5);
  compare('generated dJ/dU vs twin autodiff', f.du, g.du, tol, 1e-5);
  names.forEach((p, k) => compare(`generated dJ/d${p} vs twin autodiff`, [f.p[k]!], [g.p[k]!], tol, 1e-5));

  // Float64 adjoint vs central differences of the Float64 forward, on the first rows.
  const k = dynamics.kernel;
  const r = Math.min(R, 3);
  const X = Float64Array.from(x0.subarray(0, r * nx));
  const Ud = Float64Array.from(U.subarray(0, r * H * nu));
  const P = Float64Array.from(vars, (v) => v.dataSync()[0]!);
  const dJ = Float64Array.from(w.subarray(0, r));
  const total = (x: Float64Array, u: Float64Array, p: Float64Array) => k.forward(x, u, p, r, H, false).J.reduce((s, v, i) => s + dJ[i]! * v, 0);
  const adj = k.backward(k.forward(X, Ud, P, r, H, true).traj, Ud, P, dJ, r, H);
  compare('adjoint dJ/dx0 vs finite differences', adj.dx0, Array.from(X, (_, i) => partialByDifferences(X, i, (x) => total(x, Ud, P))), fdTol, 1e-7);
  compare('adjoint dJ/dU vs finite differences', adj.dU, Array.from(Ud, (_, i) => partialByDifferences(Ud, i, (u) => total(X, u, P))), fdTol, 1e-7);
  compare('adjoint dJ/dparams vs finite differences', adj.dParams, Array.from(P, (_, i) => partialByDifferences(P, i, (p) => total(X, Ud, p))), fdTol, 1e-7);
  return problems;
}

/**
 * ∂f/∂arr[i] by Richardson-extrapolated central differences, (4 D(h/2) − D(h)) / 3, with the relative step
 * h = 1e-4 · max(1, |arr[i]|) (error O(h⁴) on smooth f, well above Float64 rounding).
 */
export function partialByDifferences(arr: Float64Array, i: number, f: (a: Float64Array) => number): number {
  const h = 1e-4 * Math.max(1, Math.abs(arr[i]!));
  const at = (d: number) => {
    const c = arr.slice();
    c[i] = arr[i]! + d;
    return f(c);
  };
  const D = (s: number) => (at(s) - at(-s)) / (2 * s);
  return (4 * D(h / 2) - D(h)) / 3;
}
