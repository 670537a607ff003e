// AcrobotSwingUp-v0: Gymnasium's Acrobot (Spong; `book` dynamics) with a continuous torque on the second
// joint; swing the tip up from hanging and keep it high. Defined once as a system (envs/system-env.ts).
//
//   State / observation  [θ₁, θ₂, θ̇₁, θ̇₂] (θ₁ = 0 hanging down, θ₂ relative to link 1; angles unwrapped,
//                        the cost is 2π-periodic), θ̇₁ ∈ [−4π, 4π], θ̇₂ ∈ [−9π, 9π] as Gymnasium clips them
//   Action               torque τ ∈ [−1, 1] N·m on joint 2 (Gymnasium's discrete {−1, 0, 1} made continuous),
//                        clipped into the box
//   Transition           one RK4 step of dt = 0.2 s of Gymnasium's `book` equations, then velocity clipping:
//                          d₁ = m₁lc₁² + m₂(l₁² + lc₂² + 2 l₁lc₂ cos θ₂) + I₁ + I₂,  d₂ = m₂(lc₂² + l₁lc₂ cos θ₂) + I₂
//                          φ₂ = m₂lc₂ g cos(θ₁ + θ₂ − π/2)
//                          φ₁ = −m₂l₁lc₂ θ̇₂² sin θ₂ − 2 m₂l₁lc₂ θ̇₂θ̇₁ sin θ₂ + (m₁lc₁ + m₂l₁) g cos(θ₁ − π/2) + φ₂
//                          θ̈₂ = (τ + d₂/d₁ φ₁ − m₂l₁lc₂ θ̇₁² sin θ₂ − φ₂) / (m₂lc₂² + I₂ − d₂²/d₁),  θ̈₁ = −(d₂θ̈₂ + φ₁)/d₁
//   Reward               −cost, cost = (2 − h) + 0.002 (θ̇₁² + θ̇₂²) + 0.01 τ²,  tip height h = −l₁cos θ₁ − l₂cos(θ₁+θ₂)
//                        (h ∈ [−2, 2]; Gymnasium's goal bar is h = 1)
//   Termination          never (hold it up); make() truncates at 200 steps (40 s)
//   Reset                every state entry ~ U(−0.1, 0.1) (Gymnasium)
// Constants: m₁ = m₂ = 1 kg, l₁ = l₂ = 1 m, lc₁ = lc₂ = 0.5 m, I₁ = I₂ = 1 kg·m², g = 9.8 m/s².
import { defineSystem } from '../src/models/system/definition.ts';
import type { Ops, Val } from '../src/models/system/ops.ts';
import { target } from './meta.ts';
import { CAPTION_PX, clear, disc, fitView, line, torqueArrow } from './render.ts';
import { registerSystem, type SystemEnvSpec } from './system-env.ts';

const DT = 0.2;
const MAX_TORQUE = 1;
const MAX_VEL_1 = 4 * Math.PI;
const MAX_VEL_2 = 9 * Math.PI;
/** Gymnasium's goal bar: tip height h ≥ 1 m. */
export const ACROBOT_BAR = 1;

type AcrobotParams<T> = { m1: T; m2: T; l1: T; l2: T; lc1: T; lc2: T; I1: T; I2: T; g: T };

/** Gymnasium `_dsdt` (book): [θ̇₁, θ̇₂, θ̈₁, θ̈₂] at s = [θ₁, θ₂, θ̇₁, θ̇₂]. */
function derivs<T>(s: Array<Val<T>>, tau: Val<T>, p: Readonly<AcrobotParams<T>>, m: Ops<T>): Array<Val<T>> {
  const [t1, t2, w1, w2] = s;
  const c2 = m.cos(t2!);
  const s2 = m.sin(t2!);
  const m2l1lc2 = m.mul(p.m2, m.mul(p.l1, p.lc2));
  const d1 = m.add(m.add(m.mul(p.m1, m.square(p.lc1)), m.mul(p.m2, m.add(m.add(m.square(p.l1), m.square(p.lc2)), m.mul(2, m.mul(m.mul(p.l1, p.lc2), c2))))), m.add(p.I1, p.I2));
  const d2 = m.add(m.mul(p.m2, m.add(m.square(p.lc2), m.mul(m.mul(p.l1, p.lc2), c2))), p.I2);
  const phi2 = m.mul(m.mul(m.mul(p.m2, p.lc2), p.g), m.cos(m.add(m.add(t1!, t2!), -Math.PI / 2)));
  const phi1 = m.add(
    m.sub(m.neg(m.mul(m.mul(m2l1lc2, m.square(w2!)), s2)), m.mul(m.mul(m.mul(2, m2l1lc2), m.mul(w2!, w1!)), s2)),
    m.add(m.mul(m.mul(m.add(m.mul(p.m1, p.lc1), m.mul(p.m2, p.l1)), p.g), m.cos(m.add(t1!, -Math.PI / 2))), phi2),
  );
  const num = m.sub(m.sub(m.add(tau, m.mul(m.div(d2, d1), phi1)), m.mul(m.mul(m2l1lc2, m.square(w1!)), s2)), phi2);
  const den = m.sub(m.add(m.mul(p.m2, m.square(p.lc2)), p.I2), m.div(m.square(d2), d1));
  const dd2 = m.div(num, den);
  const dd1 = m.neg(m.div(m.add(m.mul(d2, dd2), phi1), d1));
  return [w1!, w2!, dd1, dd2];
}

export const acrobotSwingUpSystem = defineSystem({
  name: 'acrobot-swingup',
  stateDim: 4,
  actionDim: 1,
  params: { m1: 1, m2: 1, l1: 1, l2: 1, lc1: 0.5, lc2: 0.5, I1: 1, I2: 1, g: 9.8 },
  dt: DT,
  actionBounds: { low: [-MAX_TORQUE], high: [MAX_TORQUE] },
  transition(s, [u], p, m) {
    const tau = m.clip(u!, -MAX_TORQUE, MAX_TORQUE);
    const axpy = (a: Array<Val<(typeof s)[number]>>, k: Array<Val<(typeof s)[number]>>, h: number) => a.map((v, i) => m.add(v, m.mul(h, k[i]!)));
    const x0 = [...s];
    const k1 = derivs(x0, tau, p, m);
    const k2 = derivs(axpy(x0, k1, DT / 2), tau, p, m);
    const k3 = derivs(axpy(x0, k2, DT / 2), tau, p, m);
    const k4 = derivs(axpy(x0, k3, DT), tau, p, m);
    const next = x0.map((v, i) => m.add(v, m.mul(DT / 6, m.add(m.add(k1[i]!, m.mul(2, k2[i]!)), m.add(m.mul(2, k3[i]!), k4[i]!)))));
    return [next[0]!, next[1]!, m.clip(next[2]!, -MAX_VEL_1, MAX_VEL_1), m.clip(next[3]!, -MAX_VEL_2, MAX_VEL_2)];
  },
  cost([t1, t2, w1, w2], [u], p, m) {
    const h = m.neg(m.add(m.mul(p.l1, m.cos(t1!)), m.mul(p.l2, m.cos(m.add(t1!, t2!)))));
    const vel = m.mul(0.002, m.add(m.square(w1!), m.square(w2!)));
    return m.add(m.add(m.sub(2, h), vel), m.mul(0.01, m.square(m.clip(u!, -MAX_TORQUE, MAX_TORQUE))));
  },
});

/** Tip height h = −l₁ cos θ₁ − l₂ cos(θ₁ + θ₂) (m) of a state `[4]`. */
export function acrobotTipHeight(x: ArrayLike<number>, p: { l1: number; l2: number } = acrobotSwingUpSystem.params): number {
  return -p.l1 * Math.cos(x[0]!) - p.l2 * Math.cos(x[0]! + x[1]!);
}

export const acrobotSwingUpEnvSpec: SystemEnvSpec<keyof typeof acrobotSwingUpSystem.params> = {
  initial: (rng) => [rng.uniformIn(-0.1, 0.1), rng.uniformIn(-0.1, 0.1), rng.uniformIn(-0.1, 0.1), rng.uniformIn(-0.1, 0.1)],
  observationBounds: { low: [-Infinity, -Infinity, -MAX_VEL_1, -MAX_VEL_2], high: [Infinity, Infinity, MAX_VEL_1, MAX_VEL_2] },
  meta: {
    observations: [
      { label: 'θ₁ (rad)', target: target(Math.PI, 'upright θ₁ = π') },
      { label: 'θ₂ (rad)', target: target(0, 'straight θ₂ = 0') },
      { label: 'θ̇₁ (rad/s)' },
      { label: 'θ̇₂ (rad/s)' },
    ],
    actions: ['torque τ (N·m)'],
    signal: 'cost',
    frame: { width: 400, height: 400 + CAPTION_PX },
  },
  /** Both links from the pivot, the goal bar h = 1 and the joint-2 torque as a circular arrow. */
  render(ctx, width, height, [t1, t2], [u], p) {
    const r = 1.1 * (p.l1 + p.l2);
    const v = fitView(width, height, -r, r, -r, r, CAPTION_PX);
    clear(ctx, width, height);
    line(ctx, v.px(-r, ACROBOT_BAR), v.px(r, ACROBOT_BAR), '#4caf50', 2);
    const j: [number, number] = [p.l1 * Math.sin(t1!), -p.l1 * Math.cos(t1!)];
    const tip: [number, number] = [j[0] + p.l2 * Math.sin(t1! + t2!), j[1] - p.l2 * Math.cos(t1! + t2!)];
    const w = Math.max(4, 0.06 * v.scale);
    line(ctx, v.px(0, 0), v.px(...j), '#2a6fdb', w);
    line(ctx, v.px(...j), v.px(...tip), '#cc4c4c', w);
    disc(ctx, v.px(0, 0), 5, '#222222');
    disc(ctx, v.px(...j), 5, '#222222');
    torqueArrow(ctx, v.px(...j), 0.25 * v.scale, (u ?? 0) / MAX_TORQUE, '#ff9800');
  },
  maxEpisodeSteps: 200,
  summary: 'swing a two-link acrobot up with a bounded elbow torque (Gymnasium dynamics)',
};

registerSystem('AcrobotSwingUp-v0', acrobotSwingUpSystem, acrobotSwingUpEnvSpec);
