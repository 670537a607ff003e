// A pendulum with Coulomb friction at the pivot (a user-style variant of Pendulum-v1).
//   state        [cos θ, sin θ, θ̇]   (θ = 0 upright, θ̇ ∈ [−8, 8])
//   action       torque ∈ [−2, 2] N·m
//   transition   ū = clip(u, ±2),  τ_f = friction · tanh(θ̇ / 0.05)   (smoothed sign(θ̇)),
//                θ̇' = clip(θ̇ + (3g/(2l) sin θ + 3/(m l²)(ū − τ_f)) dt, ±8),  (cos θ', sin θ') rotated by θ̇' dt
//   cost         atan2(sin θ, cos θ)² + 0.1 θ̇² + 0.001 ū²
//   parameters   mass 1, length 1, gravity 10, friction 0.3;  dt 0.05
import { defineSystem } from '../../src/models/system/definition.ts';

const MAX_SPEED = 8;
const MAX_TORQUE = 2;
const DT = 0.05;
const SMOOTHING = 0.05;

export const frictionPendulumSystem = defineSystem({
  name: 'friction-pendulum',
  stateDim: 3,
  actionDim: 1,
  params: { mass: 1, length: 1, gravity: 10, friction: 0.3 },
  dt: DT,
  actionBounds: { low: [-MAX_TORQUE], high: [MAX_TORQUE] },
  transition([c, s, w], [u], p, m) {
    const uc = m.clip(u!, -MAX_TORQUE, MAX_TORQUE);
    const friction = m.mul(p.friction, m.tanh(m.div(w!, SMOOTHING)));
    const gravity = m.mul(m.div(m.mul(1.5, p.gravity), p.length), s!);
    const acc = m.add(gravity, m.mul(m.div(3, m.mul(p.mass, m.square(p.length))), m.sub(uc, friction)));
    const w2 = m.clip(m.add(w!, m.mul(acc, DT)), -MAX_SPEED, MAX_SPEED);
    const d = m.mul(w2, DT);
    return [m.sub(m.mul(c!, m.cos(d)), m.mul(s!, m.sin(d))), m.add(m.mul(s!, m.cos(d)), m.mul(c!, m.sin(d))), w2];
  },
  cost([c, s, w], [u], _p, m) {
    const uc = m.clip(u!, -MAX_TORQUE, MAX_TORQUE);
    return m.add(m.add(m.square(m.atan2(s!, c!)), m.mul(0.1, m.square(w!))), m.mul(0.001, m.square(uc)));
  },
});
