// Fused pendulum rollout cost: H steps of the Pendulum-v1 twin (src/models/pendulum.ts) and its Gymnasium
// cost for R rows as ONE differentiable tfjs op, forward and backward in plain JS loops (Float64).
//
// Per row, with x = (c, s, w) = (cos θ, sin θ, θ̇), parameters m, l, g, b (tf.Variables, op inputs):
//   ū   = clip(u, −u_max, u_max)
//   acc = (1.5 g / l)·s + 3/(m l²)·(ū − b w)
//   w'  = clip(w + acc·dt, −ω_max, ω_max),   d = w'·dt
//   c'  = c cos d − s sin d,   s' = s cos d + c sin d
//   J   = Σ_{t<H} atan2(s_t, c_t)² + 0.1 w_t² + 0.001 clip(u_t, ±u_max^cost)²
// exactly the equations of PendulumDynamics.step and PendulumCost.cost (which the generic rollout loop runs as
// ~30 tfjs ops per step). Backward: the adjoint method (backpropagation through time by hand): the forward
// trajectory is stored, λ_H = 0, and for t = H−1..0
//   λ_t = ∂c_t/∂x_t + (∂f/∂x_t)ᵀ λ_{t+1},   ∂J/∂u_t = ∂c_t/∂u_t + (∂f/∂u_t)ᵀ λ_{t+1},
//   ∂J/∂θ += (∂f/∂θ)ᵀ λ_{t+1}   (θ = m, l, g, b; summed over rows and steps),
// each scaled by the row's output cotangent. Clips differentiate as tf.clipByValue: identity inside the
// closed interval [lo, hi], zero outside. Inputs are read once (dataSync); the trajectory lives in one
// Float64Array `[R, H + 1, 3]`, kept only while a gradient tape is recording (forward-only calls, e.g.
// MPC.act, skip it).
import * as tf from '@tensorflow/tfjs';
import { hostRolloutCost } from './fused-rollout.ts';

/** Physical parameters (scalar tensors, usually the model's tf.Variables) and constants of the twin. */
export interface PendulumRolloutSpec {
  mass: tf.Tensor;
  length: tf.Tensor;
  gravity: tf.Tensor;
  damping: tf.Tensor;
  dt: number;
  maxSpeed: number;
  /** Torque clip of the dynamics. */
  maxTorque: number;
  /** Torque clip inside the cost (PendulumCost.maxTorque). */
  costMaxTorque: number;
}

/** Parameter values and constants as numbers, for the host kernels. */
export interface PendulumRolloutConstants {
  m: number;
  l: number;
  g: number;
  b: number;
  dt: number;
  maxSpeed: number;
  maxTorque: number;
  costMaxTorque: number;
}

const clip = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);
/** d clip(v, lo, hi) / dv as tf.clipByValue: 1 on the closed interval, 0 outside. */
const clipGrad = (v: number, lo: number, hi: number): number => (v >= lo && v <= hi ? 1 : 0);

/**
 * Forward: x0 `[R, 3]`, U `[R, H]` (nu = 1) → J `[R]` and the trajectory `[R, H + 1, 3]` (x0 first), which
 * is only allocated when `keepTrajectory` (the backward needs it; a forward-only call skips the memory).
 */
export function pendulumRolloutForward(
  x0: ArrayLike<number>,
  U: ArrayLike<number>,
  R: number,
  H: number,
  k: PendulumRolloutConstants,
  keepTrajectory = true,
): { J: Float64Array; traj: Float64Array } {
  const J = new Float64Array(R);
  const traj = new Float64Array(keepTrajectory ? R * (H + 1) * 3 : 0);
  const gl = (1.5 * k.g) / k.l;
  const inertiaInv = 3 / (k.m * k.l * k.l);
  const { dt, maxSpeed, maxTorque, costMaxTorque, b } = k;
  for (let r = 0; r < R; r++) {
    let c = x0[3 * r]!;
    let s = x0[3 * r + 1]!;
    let w = x0[3 * r + 2]!;
    const o = r * (H + 1) * 3;
    if (keepTrajectory) {
      traj[o] = c;
      traj[o + 1] = s;
      traj[o + 2] = w;
    }
    let total = 0;
    for (let t = 0; t < H; t++) {
      const u = U[r * H + t]!;
      const th = Math.atan2(s, c);
      const ucc = clip(u, -costMaxTorque, costMaxTorque);
      total += th * th + 0.1 * w * w + 0.001 * ucc * ucc;
      const uc = clip(u, -maxTorque, maxTorque);
      const acc = gl * s + inertiaInv * (uc - b * w);
      const w2 = clip(w + acc * dt, -maxSpeed, maxSpeed);
      const d = w2 * dt;
      const cd = Math.cos(d);
      const sd = Math.sin(d);
      const c2 = c * cd - s * sd;
      s = s * cd + c * sd;
      c = c2;
      w = w2;
      if (keepTrajectory) {
        const p = o + 3 * (t + 1);
        traj[p] = c;
        traj[p + 1] = s;
        traj[p + 2] = w;
      }
    }
    J[r] = total;
  }
  return { J, traj };
}

/** Cotangents of the rollout cost: x0 `[R, 3]`, U `[R, H]`, and the four scalar parameters. */
export interface PendulumRolloutGrads {
  dx0: Float64Array;
  dU: Float64Array;
  dm: number;
  dl: number;
  dg: number;
  db: number;
}

/** Adjoint backward of `pendulumRolloutForward` for the output cotangent dJ `[R]`. */
export function pendulumRolloutBackward(
  traj: Float64Array,
  U: ArrayLike<number>,
  dJ: ArrayLike<number>,
  R: number,
  H: number,
  k: PendulumRolloutConstants,
): PendulumRolloutGrads {
  const dx0 = new Float64Array(R * 3);
  const dU = new Float64Array(R * H);
  const { m, l, g, b, dt, maxSpeed, maxTorque, costMaxTorque } = k;
  const gl = (1.5 * g) / l;
  const inertiaInv = 3 / (m * l * l);
  const dInertia_dm = -3 / (m * m * l * l);
  const dInertia_dl = -6 / (m * l * l * l);
  const dGl_dg = 1.5 / l;
  const dGl_dl = (-1.5 * g) / (l * l);
  let dm = 0;
  let dl = 0;
  let dg = 0;
  let db = 0;
  for (let r = 0; r < R; r++) {
    const y = dJ[r]!;
    const o = r * (H + 1) * 3;
    // λ = ∂J/∂x_{t+1}, starting from λ_H = 0 (no terminal cost).
    let lc = 0;
    let ls = 0;
    let lw = 0;
    let rm = 0;
    let rl = 0;
    let rg = 0;
    let rb = 0;
    for (let t = H - 1; t >= 0; t--) {
      const p = o + 3 * t;
      const c = traj[p]!;
      const s = traj[p + 1]!;
      const w = traj[p + 2]!;
      const u = U[r * H + t]!;
      // Recompute the step's intermediates.
      const uc = clip(u, -maxTorque, maxTorque);
      const torque = uc - b * w;
      const acc = gl * s + inertiaInv * torque;
      const wPre = w + acc * dt;
      const w2 = clip(wPre, -maxSpeed, maxSpeed);
      const d = w2 * dt;
      const cd = Math.cos(d);
      const sd = Math.sin(d);
      // Through the rotation c' = c cd − s sd, s' = s cd + c sd.
      let gc = lc * cd + ls * sd;
      let gs = -lc * sd + ls * cd;
      const gcd = lc * c + ls * s;
      const gsd = -lc * s + ls * c;
      const gd = -gcd * sd + gsd * cd;
      const gw2 = lw + gd * dt;
      const gPre = gw2 * clipGrad(wPre, -maxSpeed, maxSpeed);
      let gw = gPre;
      const gAcc = gPre * dt;
      gs += gAcc * gl;
      rg += gAcc * dGl_dg * s;
      rl += gAcc * (dGl_dl * s + dInertia_dl * torque);
      rm += gAcc * dInertia_dm * torque;
      const gTorque = gAcc * inertiaInv;
      gw -= gTorque * b;
      rb -= gTorque * w;
      let gu = gTorque * clipGrad(u, -maxTorque, maxTorque);
      // Stage cost atan2(s, c)² + 0.1 w² + 0.001 ū².
      const th = Math.atan2(s, c);
      const r2 = c * c + s * s;
      gc -= (2 * th * s) / r2;
      gs += (2 * th * c) / r2;
      gw += 0.2 * w;
      gu += 0.002 * clip(u, -costMaxTorque, costMaxTorque) * clipGrad(u, -costMaxTorque, costMaxTorque);
      dU[r * H + t] = y * gu;
      lc = gc;
      ls = gs;
      lw = gw;
    }
    dx0[3 * r] = y * lc;
    dx0[3 * r + 1] = y * ls;
    dx0[3 * r + 2] = y * lw;
    dm += y * rm;
    dl += y * rl;
    dg += y * rg;
    db += y * rb;
  }
  return { dx0, dU, dm, dl, dg, db };
}

/**
 * The fused op: x0 `[R, 3]`, U `[R, H, 1]` → J `[R]`, differentiable w.r.t. x0, U and the parameter tensors
 * of `spec` (passed as op inputs, so tf.variableGrads reaches the model's variables).
 */
export function pendulumRolloutCost(spec: PendulumRolloutSpec, x0: tf.Tensor, U: tf.Tensor): tf.Tensor {
  return hostRolloutCost<PendulumRolloutConstants>(
    {
      name: 'pendulumRolloutCost',
      nx: 3,
      params: [
        ['mass', spec.mass],
        ['length', spec.length],
        ['gravity', spec.gravity],
        ['damping', spec.damping],
      ],
      constants: ([m, l, g, b]) => ({ m: m!, l: l!, g: g!, b: b!, dt: spec.dt, maxSpeed: spec.maxSpeed, maxTorque: spec.maxTorque, costMaxTorque: spec.costMaxTorque }),
      forward: pendulumRolloutForward,
      backward: (traj, U, dJ, R, H, k) => {
        const g = pendulumRolloutBackward(traj, U, dJ, R, H, k);
        return { dx0: g.dx0, dU: g.dU, dParams: [g.dm, g.dl, g.dg, g.db] };
      },
    },
    x0,
    U,
  );
}
