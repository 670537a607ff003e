// Fused cart-pole swing-up rollout cost: H steps of the CartPoleSwingUp-v0 twin (src/models/cartpole.ts) and
// its planning cost for R rows as ONE differentiable tfjs op, forward and backward in plain JS loops (Float64).
//
// Per row, with x = (p, v, c, s, w) = (x, ẋ, cos θ, sin θ, θ̇), parameters M, m, L, g (tf.Variables, op inputs):
//   ū = clip(u, −1, 1),  F = F_mag·ū,  T = M + m,  A = m L
//   temp = (F + A w² s)/T,  den = L(4/3 − m c²/T),  θ̈ = (g s − c·temp)/den,  ẍ = temp − A θ̈ c/T
//   p' = p + τv,  v' = v + τẍ,  d = τw,  c' = c cos d − s sin d,  s' = s cos d + c sin d,  w' = w + τθ̈
//   J  = Σ_{t<H} −exp(−((p + ℓs)² + ℓ²(c − 1)²)/ℓ²) + 0.01 ū² + w_pen·relu(|p| − x_soft)²
// exactly the equations of CartPoleSwingUpDynamics.step and CartPoleSwingUpCost.cost (ℓ the task's pole
// length; w_pen = 0 drops the track penalty). Backward: the adjoint method, as src/models/pendulum-rollout.ts:
// the forward trajectory is stored, λ_H = 0, and for t = H−1..0
//   λ_t = ∂c_t/∂x_t + (∂f/∂x_t)ᵀ λ_{t+1},   ∂J/∂u_t = ∂c_t/∂u_t + (∂f/∂u_t)ᵀ λ_{t+1},
//   ∂J/∂θ += (∂f/∂θ)ᵀ λ_{t+1}   (θ = M, m, L, g; summed over rows and steps),
// each scaled by the row's output cotangent. Clips differentiate as tf.clipByValue (identity on the closed
// interval, zero outside), |p| as tf.abs (sign, 0 at 0) and relu as tf.relu (step, 0 at 0). The trajectory
// `[R, H + 1, 5]` is kept only while a gradient tape is recording.
import * as tf from '@tensorflow/tfjs';
import { hostRolloutCost } from './fused-rollout.ts';

/** Physical parameters (scalar tensors, usually the model's tf.Variables) and constants of the twin + cost. */
export interface CartPoleRolloutSpec {
  massCart: tf.Tensor;
  massPole: tf.Tensor;
  halfLength: tf.Tensor;
  gravity: tf.Tensor;
  tau: number;
  forceMag: number;
  /** Task pole length ℓ of the cost (a constant, not the learnable 2L). */
  poleLength: number;
  /** Track penalty weight w_pen (0 = exactly −reward) and its onset x_soft. */
  penaltyWeight: number;
  softLimit: number;
}

/** Parameter values and constants as numbers, for the host kernels. */
export interface CartPoleRolloutConstants {
  M: number;
  m: number;
  L: number;
  g: number;
  tau: number;
  forceMag: number;
  poleLength: number;
  penaltyWeight: number;
  softLimit: number;
}

const NX = 5;
const clip = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);
/** d clip(v, lo, hi) / dv as tf.clipByValue: 1 on the closed interval, 0 outside. */
const clipGrad = (v: number, lo: number, hi: number): number => (v >= lo && v <= hi ? 1 : 0);

/** Stage cost of state (p, c, s) and action u. */
function stageCost(p: number, c: number, s: number, u: number, k: CartPoleRolloutConstants): number {
  const l = k.poleLength;
  const dx = p + l * s;
  const dy = l * (c - 1);
  const uc = clip(u, -1, 1);
  const over = Math.abs(p) - k.softLimit;
  const pen = k.penaltyWeight > 0 && over > 0 ? k.penaltyWeight * over * over : 0;
  return -Math.exp(-(dx * dx + dy * dy) / (l * l)) + 0.01 * uc * uc + pen;
}

/**
 * Forward: x0 `[R, 5]`, U `[R, H]` (nu = 1) → J `[R]` and the trajectory `[R, H + 1, 5]` (x0 first), which
 * is only allocated when `keepTrajectory` (the backward needs it).
 */
export function cartPoleRolloutForward(
  x0: ArrayLike<number>,
  U: ArrayLike<number>,
  R: number,
  H: number,
  k: CartPoleRolloutConstants,
  keepTrajectory = true,
): { J: Float64Array; traj: Float64Array } {
  const J = new Float64Array(R);
  const traj = new Float64Array(keepTrajectory ? R * (H + 1) * NX : 0);
  const { M, m, L, g, tau, forceMag } = k;
  const T = M + m;
  const A = m * L;
  for (let r = 0; r < R; r++) {
    let p = x0[NX * r]!;
    let v = x0[NX * r + 1]!;
    let c = x0[NX * r + 2]!;
    let s = x0[NX * r + 3]!;
    let w = x0[NX * r + 4]!;
    const o = r * (H + 1) * NX;
    if (keepTrajectory) {
      traj[o] = p;
      traj[o + 1] = v;
      traj[o + 2] = c;
      traj[o + 3] = s;
      traj[o + 4] = w;
    }
    let total = 0;
    for (let t = 0; t < H; t++) {
      const u = U[r * H + t]!;
      total += stageCost(p, c, s, u, k);
      const F = forceMag * clip(u, -1, 1);
      const temp = (F + A * w * w * s) / T;
      const den = L * (4 / 3 - (m * c * c) / T);
      const thAcc = (g * s - c * temp) / den;
      const xAcc = temp - (A * thAcc * c) / T;
      const d = tau * w;
      const cd = Math.cos(d);
      const sd = Math.sin(d);
      p = p + tau * v;
      v = v + tau * xAcc;
      const c2 = c * cd - s * sd;
      s = s * cd + c * sd;
      c = c2;
      w = w + tau * thAcc;
      if (keepTrajectory) {
        const q = o + NX * (t + 1);
        traj[q] = p;
        traj[q + 1] = v;
        traj[q + 2] = c;
        traj[q + 3] = s;
        traj[q + 4] = w;
      }
    }
    J[r] = total;
  }
  return { J, traj };
}

/** Cotangents of the rollout cost: x0 `[R, 5]`, U `[R, H]`, and the four scalar parameters. */
export interface CartPoleRolloutGrads {
  dx0: Float64Array;
  dU: Float64Array;
  dM: number;
  dm: number;
  dL: number;
  dg: number;
}

/** Adjoint backward of `cartPoleRolloutForward` for the output cotangent dJ `[R]`. */
export function cartPoleRolloutBackward(
  traj: Float64Array,
  U: ArrayLike<number>,
  dJ: ArrayLike<number>,
  R: number,
  H: number,
  k: CartPoleRolloutConstants,
): CartPoleRolloutGrads {
  const dx0 = new Float64Array(R * NX);
  const dU = new Float64Array(R * H);
  const { M, m, L, g, tau, forceMag, poleLength: l, penaltyWeight, softLimit } = k;
  const T = M + m;
  const A = m * L;
  const l2 = l * l;
  let dM = 0;
  let dm = 0;
  let dL = 0;
  let dg = 0;
  for (let r = 0; r < R; r++) {
    const y = dJ[r]!;
    const o = r * (H + 1) * NX;
    // λ = ∂J/∂x_{t+1}, starting from λ_H = 0 (no terminal cost).
    let lp = 0;
    let lv = 0;
    let lc = 0;
    let ls = 0;
    let lw = 0;
    let rT = 0;
    let rA = 0;
    let rm = 0;
    let rL = 0;
    let rg = 0;
    for (let t = H - 1; t >= 0; t--) {
      const q = o + NX * t;
      const p = traj[q]!;
      const c = traj[q + 2]!;
      const s = traj[q + 3]!;
      const w = traj[q + 4]!;
      const u = U[r * H + t]!;
      // Recompute the step's intermediates.
      const uc = clip(u, -1, 1);
      const F = forceMag * uc;
      const num = F + A * w * w * s;
      const temp = num / T;
      const qq = (m * c * c) / T;
      const den = L * (4 / 3 - qq);
      const nth = g * s - c * temp;
      const thAcc = nth / den;
      const d = tau * w;
      const cd = Math.cos(d);
      const sd = Math.sin(d);
      // p' = p + τv, v' = v + τẍ, w' = w + τθ̈.
      let gp = lp;
      let gv = lv + lp * tau;
      let gw = lw;
      const gxAcc = lv * tau;
      let gthAcc = lw * tau;
      // Rotation c' = c cd − s sd, s' = s cd + c sd, d = τw.
      let gc = lc * cd + ls * sd;
      let gs = -lc * sd + ls * cd;
      const gcd = lc * c + ls * s;
      const gsd = -lc * s + ls * c;
      gw += (-gcd * sd + gsd * cd) * tau;
      // ẍ = temp − A θ̈ c / T.
      let gtemp = gxAcc;
      rA -= (gxAcc * thAcc * c) / T;
      gthAcc -= (gxAcc * A * c) / T;
      gc -= (gxAcc * A * thAcc) / T;
      rT += (gxAcc * A * thAcc * c) / (T * T);
      // θ̈ = nth / den.
      const gnth = gthAcc / den;
      const gden = (-gthAcc * nth) / (den * den);
      // nth = g s − c temp.
      rg += gnth * s;
      gs += gnth * g;
      gc -= gnth * temp;
      gtemp -= gnth * c;
      // den = L (4/3 − q), q = m c² / T.
      rL += gden * (4 / 3 - qq);
      const gq = -gden * L;
      rm += (gq * c * c) / T;
      gc += (gq * 2 * m * c) / T;
      rT -= (gq * m * c * c) / (T * T);
      // temp = num / T, num = F + A w² s.
      const gnum = gtemp / T;
      rT -= (gtemp * num) / (T * T);
      rA += gnum * w * w * s;
      gw += gnum * A * 2 * w * s;
      gs += gnum * A * w * w;
      let gu = gnum * forceMag * clipGrad(u, -1, 1);
      // Stage cost −exp(−(dx² + dy²)/ℓ²) + 0.01 ū² + w_pen relu(|p| − x_soft)².
      const dx = p + l * s;
      const dy = l * (c - 1);
      const e = Math.exp(-(dx * dx + dy * dy) / l2);
      const gdx = (2 * dx * e) / l2;
      const gdy = (2 * dy * e) / l2;
      gp += gdx;
      gs += gdx * l;
      gc += gdy * l;
      gu += 0.02 * uc * clipGrad(u, -1, 1);
      const over = Math.abs(p) - softLimit;
      if (penaltyWeight > 0 && over > 0) gp += 2 * penaltyWeight * over * Math.sign(p);
      dU[r * H + t] = y * gu;
      lp = gp;
      lv = gv;
      lc = gc;
      ls = gs;
      lw = gw;
    }
    const z = NX * r;
    dx0[z] = y * lp;
    dx0[z + 1] = y * lv;
    dx0[z + 2] = y * lc;
    dx0[z + 3] = y * ls;
    dx0[z + 4] = y * lw;
    // T = M + m, A = m L.
    dM += y * rT;
    dm += y * (rT + rm + rA * L);
    dL += y * (rL + rA * m);
    dg += y * rg;
  }
  return { dx0, dU, dM, dm, dL, dg };
}

/**
 * The fused op: x0 `[R, 5]`, U `[R, H, 1]` → J `[R]`, differentiable w.r.t. x0, U and the parameter tensors
 * of `spec` (passed as op inputs, so tf.variableGrads reaches the model's variables).
 */
export function cartPoleRolloutCost(spec: CartPoleRolloutSpec, x0: tf.Tensor, U: tf.Tensor): tf.Tensor {
  return hostRolloutCost<CartPoleRolloutConstants>(
    {
      name: 'cartPoleRolloutCost',
      nx: NX,
      params: [
        ['massCart', spec.massCart],
        ['massPole', spec.massPole],
        ['halfLength', spec.halfLength],
        ['gravity', spec.gravity],
      ],
      constants: ([M, m, L, g]) => ({
        M: M!,
        m: m!,
        L: L!,
        g: g!,
        tau: spec.tau,
        forceMag: spec.forceMag,
        poleLength: spec.poleLength,
        penaltyWeight: spec.penaltyWeight,
        softLimit: spec.softLimit,
      }),
      forward: cartPoleRolloutForward,
      backward: (traj, U, dJ, R, H, k) => {
        const g = cartPoleRolloutBackward(traj, U, dJ, R, H, k);
        return { dx0: g.dx0, dU: g.dU, dParams: [g.dM, g.dm, g.dL, g.dg] };
      },
    },
    x0,
    U,
  );
}
