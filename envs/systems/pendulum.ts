// Pendulum-v1 as a system definition (Gymnasium classic_control, same constants as src/models/pendulum.ts).
//   state        [cos θ, sin θ, θ̇]  (the observation; θ = 0 upright, θ̇ ∈ [−8, 8])
//   action       torque ∈ [−2, 2] N·m
//   transition   ū = clip(u, ±2),  θ̇' = clip(θ̇ + (3g/(2l) sin θ + 3/(m l²)(ū − b θ̇)) dt, ±8),
//                (cos θ', sin θ') = rotation of (cos θ, sin θ) by θ̇' dt   (Gymnasium's step when b = 0)
//   cost         atan2(sin θ, cos θ)² + 0.1 θ̇² + 0.001 ū²   (reward = −cost)
//   parameters   mass 1, length 1, gravity 10, damping 0;  dt 0.05
// compileSystem(pendulumSystem) gives the twin and the generated fused rollout (no hand-written derivative).
import { defineSystem } from '../../src/models/system/definition.ts';

const MAX_SPEED = 8;
const MAX_TORQUE = 2;
const DT = 0.05;

export const pendulumSystem = defineSystem({
  name: 'pendulum',
  stateDim: 3,
  actionDim: 1,
  params: { mass: 1, length: 1, gravity: 10, damping: 0 },
  dt: DT,
  actionBounds: { low: [-MAX_TORQUE], high: [MAX_TORQUE] },
  transition([c, s, w], [u], p, m) {
    const uc = m.clip(u!, -MAX_TORQUE, MAX_TORQUE);
    const gravity = m.mul(m.div(m.mul(1.5, p.gravity), p.length), s!);
    const inertiaInv = m.div(3, m.mul(p.mass, m.square(p.length)));
    const acc = m.add(gravity, m.mul(inertiaInv, m.sub(uc, m.mul(p.damping, w!))));
    const w2 = m.clip(m.add(w!, m.mul(acc, DT)), -MAX_SPEED, MAX_SPEED);
    const d = m.mul(w2, DT);
    const cd = m.cos(d);
    const sd = m.sin(d);
    return [m.sub(m.mul(c!, cd), m.mul(s!, sd)), m.add(m.mul(s!, cd), m.mul(c!, sd)), w2];
  },
  cost([c, s, w], [u], _p, m) {
    const th = m.atan2(s!, c!);
    const uc = m.clip(u!, -MAX_TORQUE, MAX_TORQUE);
    return m.add(m.add(m.square(th), m.mul(0.1, m.square(w!))), m.mul(0.001, m.square(uc)));
  },
});
