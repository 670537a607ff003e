// Linear-quadratic regulator on the linearized model, for balancing around an equilibrium (x*, u*).
//
// Linearize x_{t+1} ≈ x* + A (x_t − x*) + B (u_t − u*) by autodiff (src/models/linearize.ts); with stage cost
// ½ δxᵀ Q δx + ½ δuᵀ R δu, iterate the discrete Riccati equation to its fixed point
//   P ← Q + Aᵀ P A − Aᵀ P B (R + Bᵀ P B)⁻¹ Bᵀ P A,      K = (R + Bᵀ P B)⁻¹ Bᵀ P A,
// and act u = clip(u* − K (x − x*)). Q and R default to the Hessian of the cost model at (x*, u*) (second
// derivatives by nested autodiff), regularized to be positive definite; a cost that ignores the action
// (CartPole-v1's balancing surrogate) has R = 0, floored at 1e-6·max(1, max Qᵢᵢ). (x*, u*) must be an
// equilibrium, f(x*, u*) = x*, else the linearization is meaningless and the constructor says so.
// Float64 on the host (nx is small).
import * as tf from '@tensorflow/tfjs';
import { choleskyFactor, choleskySolveFactored } from '../src/linalg/cholesky.ts';
import { assertFinite } from '../src/tensor/check.ts';
import { scoped } from '../src/tensor/memory.ts';
import { linearize } from '../src/models/linearize.ts';
import type { CostModel, DynamicsModel } from '../src/models/types.ts';

export interface LQRConfig {
  model: DynamicsModel;
  cost?: CostModel;
  /** Equilibrium state `[nx]` and action `[nu]`. */
  xStar: number[];
  uStar: number[];
  /** State and action weights `[nx·nx]`, `[nu·nu]` row-major (default: the cost Hessian). */
  Q?: number[];
  R?: number[];
  bounds?: [number[], number[]];
  maxIterations?: number;
}

const matmul = (A: Float64Array, B: Float64Array, n: number, k: number, m: number, tA = false): Float64Array => {
  const C = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += (tA ? A[l * n + i]! : A[i * k + l]!) * B[l * m + j]!;
      C[i * m + j] = s;
    }
  return C;
};

/**
 * Hessian of the stage cost at (x*, u*) w.r.t. x and u, via nested reverse-mode autodiff. The term 0·Σw² keeps
 * the output connected to w, so a cost that ignores x or u gets a zero block (tfjs would refuse the gradient).
 */
function costHessian(cost: CostModel, x: Float32Array, u: Float32Array): { Q: Float64Array; R: Float64Array } {
  const hess = (wrt: 'x' | 'u', n: number): Float64Array =>
    scoped(() => {
      const H = new Float64Array(n * n);
      const xt = tf.tensor(x, [1, x.length]);
      const ut = tf.tensor(u, [1, u.length]);
      for (let i = 0; i < n; i++) {
        const gi = (v: tf.Tensor) => {
          const g = tf.grad((w: tf.Tensor) => tf.add(cost.cost(wrt === 'x' ? w : xt, wrt === 'u' ? w : ut, 0).sum(), tf.mul(0, tf.sum(tf.square(w)))))(v);
          return g.reshape([n]).slice([i], [1]).sum();
        };
        const row = tf.grad(gi)(wrt === 'x' ? xt : ut).dataSync();
        for (let j = 0; j < n; j++) H[i * n + j] = row[j]!;
        if (!row.every(Number.isFinite)) throw new Error(`LQR: the cost Hessian at (xStar, uStar) w.r.t. ${wrt} is not finite; check the cost and the equilibrium`);
      }
      return H;
    });
  return { Q: hess('x', x.length), R: hess('u', u.length) };
}

export class LQRController {
  readonly K: Float64Array;
  readonly nx: number;
  readonly nu: number;
  private readonly xStar: Float64Array;
  private readonly uStar: Float64Array;
  private readonly bounds?: [number[], number[]];

  constructor(cfg: LQRConfig) {
    const nx = cfg.model.stateDim;
    const nu = cfg.model.actionDim;
    if (cfg.xStar.length !== nx) throw new Error(`LQR xStar: expected ${nx} values (got ${cfg.xStar.length})`);
    if (cfg.uStar.length !== nu) throw new Error(`LQR uStar: expected ${nu} values (got ${cfg.uStar.length})`);
    assertFinite('LQR xStar', cfg.xStar);
    assertFinite('LQR uStar', cfg.uStar);
    this.nx = nx;
    this.nu = nu;
    this.xStar = Float64Array.from(cfg.xStar);
    this.uStar = Float64Array.from(cfg.uStar);
    this.bounds = cfg.bounds;
    const x32 = Float32Array.from(cfg.xStar);
    const u32 = Float32Array.from(cfg.uStar);
    const lin = scoped(() => {
      const l = linearize(cfg.model, tf.tensor(x32, [1, nx]), tf.tensor(u32, [1, nu]));
      return { f: Float64Array.from(l.f.dataSync()), A: Float64Array.from(l.A.dataSync()), B: Float64Array.from(l.B.dataSync()) };
    });
    LQRController.checkEquilibrium(lin.f, this.xStar, lin.A, lin.B);
    let Q: Float64Array;
    let R: Float64Array;
    if (cfg.Q && cfg.R) {
      Q = Float64Array.from(cfg.Q);
      R = Float64Array.from(cfg.R);
    } else {
      if (!cfg.cost) throw new Error('LQR: pass Q and R, or a cost model to take its Hessian');
      ({ Q, R } = costHessian(cfg.cost, x32, u32));
    }
    if (Q.length !== nx * nx || R.length !== nu * nu) throw new Error(`LQR: Q must have ${nx * nx} entries and R ${nu * nu}`);
    for (let i = 0; i < nx; i++) Q[i * nx + i] = Math.max(Q[i * nx + i]!, 0) + 1e-8;
    let qmax = 1;
    for (let i = 0; i < nx; i++) qmax = Math.max(qmax, Q[i * nx + i]!);
    for (let i = 0; i < nu; i++) R[i * nu + i] = Math.max(R[i * nu + i]!, 1e-6 * qmax);
    this.K = LQRController.riccati(lin.A, lin.B, Q, R, nx, nu, cfg.maxIterations ?? 10_000);
  }

  /** Throws unless f(x*, u*) = x* (to float32 rounding) and the Jacobians are finite. */
  static checkEquilibrium(f: Float64Array, xStar: Float64Array, A: Float64Array, B: Float64Array): void {
    if (!A.every(Number.isFinite) || !B.every(Number.isFinite)) {
      throw new Error('LQR: the model\'s Jacobians at (xStar, uStar) are not finite; check the model\'s parameters');
    }
    let scale = 1;
    for (const v of xStar) scale = Math.max(scale, Math.abs(v));
    const drift = f.map((v, i) => v - xStar[i]!);
    const worst = drift.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    if (!(worst <= 1e-5 * scale)) {
      throw new Error(
        `LQR: (xStar, uStar) is not an equilibrium of the model: f(xStar, uStar) − xStar = [${Array.from(drift, (v) => v.toPrecision(3)).join(', ')}]; ` +
          'LQR balances around a fixed point (e.g. an upright pole with zero force); pass an xStar, uStar with f(xStar, uStar) = xStar',
      );
    }
  }

  /** Fixed point of the discrete Riccati recursion; returns the gain K `[nu, nx]`. */
  static riccati(A: Float64Array, B: Float64Array, Q: Float64Array, R: Float64Array, nx: number, nu: number, maxIt: number): Float64Array {
    let P: Float64Array = Float64Array.from(Q);
    let K: Float64Array = new Float64Array(nu * nx);
    for (let it = 0; it < maxIt; it++) {
      const PA = matmul(P, A, nx, nx, nx);
      const PB = matmul(P, B, nx, nx, nu);
      const S = matmul(B, PB, nu, nx, nu, true);
      for (let i = 0; i < nu * nu; i++) S[i]! += R[i]!;
      const BtPA = matmul(B, PA, nu, nx, nx, true);
      const f = choleskyFactor(S, 1, nu);
      if (f.info[0] !== 0) throw new Error('LQR: R + BᵀPB is not positive definite; check R');
      K = choleskySolveFactored(f.L, 1, BtPA, 1, nu, nx);
      const AtPA = matmul(A, PA, nx, nx, nx, true);
      const AtPB = matmul(A, PB, nx, nx, nu, true);
      const corr = matmul(AtPB, K, nx, nu, nx);
      const Pn = new Float64Array(nx * nx);
      let diff = 0;
      for (let i = 0; i < nx * nx; i++) {
        Pn[i] = Q[i]! + AtPA[i]! - corr[i]!;
        diff = Math.max(diff, Math.abs(Pn[i]! - P[i]!));
      }
      P = Pn;
      if (diff < 1e-10 * Math.max(1, ...P.map(Math.abs))) break;
    }
    if (!K.every(Number.isFinite)) throw new Error('LQR: the Riccati iteration diverged (is the linearization stabilizable?)');
    return K;
  }

  act(obs: ArrayLike<number>): Float32Array {
    if (obs.length !== this.nx) throw new Error(`LQR.act: observation must have length ${this.nx} (got ${obs.length})`);
    assertFinite('LQR.act: observation', obs);
    const u = new Float32Array(this.nu);
    for (let i = 0; i < this.nu; i++) {
      let s = this.uStar[i]!;
      for (let j = 0; j < this.nx; j++) s -= this.K[i * this.nx + j]! * (obs[j]! - this.xStar[j]!);
      if (this.bounds) s = Math.min(this.bounds[1][i]!, Math.max(this.bounds[0][i]!, s));
      u[i] = s;
    }
    return u;
  }

  reset(): void {}
}
