// PlanarQuadrotor-v0: a 2-D quadrotor (two rotors on an arm, flying in the x–z plane) reaches and hovers at a
// goal, also from a tilted, moving start. Defined once as a system (the env, the twin and the fused kernel
// all come from it; envs/system-env.ts).
//
//   State / observation  [x, z, φ, ẋ, ż, φ̇] in m, m, rad, m/s, m/s, rad/s (φ > 0 tilts counter-clockwise,
//                        so the thrust points along (−sin φ, cos φ)); unbounded (free flight, no ground)
//   Action               rotor thrusts [T₁ (left), T₂ (right)] ∈ [0, m g] = [0, 4.905] N each (box centre =
//                        hover), clipped into the box
//   Transition           two semi-implicit Euler sub-steps of dt/2:
//                          ẍ = −(T₁+T₂) sin φ / m,  z̈ = (T₁+T₂) cos φ / m − g,  φ̈ = a (T₂ − T₁) / I
//   Reward               −cost, cost = (x − 0)² + (z − 1)² + 2(1 − cos φ) + 0.05 (ẋ² + ż²) + 0.01 φ̇²
//                                     + 0.02 ((T₁ − T_h)² + (T₂ − T_h)²),  T_h = m g / 2 (hover thrust)
//   Termination          never; make() truncates at 200 steps (10 s)
//   Reset                x ~ U(−1.5, 1.5), z ~ U(0.3, 2), φ ~ U(−0.8, 0.8), ẋ, ż ~ U(−0.5, 0.5), φ̇ ~ U(−1, 1)
// Constants: m = 0.5 kg, arm a = 0.25 m, I = m a² = 0.03125 kg·m² (mass at the rotors), g = 9.81 m/s², dt = 0.05 s.
import { defineSystem } from '../src/models/system/definition.ts';
import type { Ops } from '../src/models/system/ops.ts';
import { target } from './meta.ts';
import { arrow, CAPTION_PX, clear, disc, fitView, line } from './render.ts';
import { registerSystem, type SystemEnvSpec } from './system-env.ts';

const DT = 0.05;
const SUBSTEPS = 2;
/** T_max = m g per rotor (the defaults'): the box centre is the hover thrust T_h = m g / 2. */
const MAX_THRUST = 0.5 * 9.81;
/** Goal position (m). */
export const QUADROTOR_GOAL = { x: 0, z: 1 } as const;

const hover = <T>(p: { mass: T; gravity: T }, m: Ops<T>) => m.mul(0.5, m.mul(p.mass, p.gravity));

export const planarQuadrotorSystem = defineSystem({
  name: 'planar-quadrotor',
  stateDim: 6,
  actionDim: 2,
  params: { mass: 0.5, arm: 0.25, inertia: 0.5 * 0.25 * 0.25, gravity: 9.81 },
  dt: DT,
  actionBounds: { low: [0, 0], high: [MAX_THRUST, MAX_THRUST] },
  transition(state, [t1, t2], p, m) {
    const T1 = m.clip(t1!, 0, MAX_THRUST);
    const T2 = m.clip(t2!, 0, MAX_THRUST);
    const thrust = m.div(m.add(T1, T2), p.mass);
    const alpha = m.div(m.mul(p.arm, m.sub(T2, T1)), p.inertia);
    const h = DT / SUBSTEPS;
    let [x, z, phi, vx, vz, w] = state as Array<(typeof state)[number] | number>;
    for (let k = 0; k < SUBSTEPS; k++) {
      vx = m.add(vx!, m.mul(h, m.neg(m.mul(thrust, m.sin(phi!)))));
      vz = m.add(vz!, m.mul(h, m.sub(m.mul(thrust, m.cos(phi!)), p.gravity)));
      w = m.add(w!, m.mul(h, alpha));
      x = m.add(x!, m.mul(h, vx));
      z = m.add(z!, m.mul(h, vz));
      phi = m.add(phi!, m.mul(h, w));
    }
    return [x!, z!, phi!, vx!, vz!, w!];
  },
  cost([x, z, phi, vx, vz, w], [t1, t2], p, m) {
    const th = hover(p, m);
    const pos = m.add(m.square(m.sub(x!, QUADROTOR_GOAL.x)), m.square(m.sub(z!, QUADROTOR_GOAL.z)));
    const tilt = m.mul(2, m.sub(1, m.cos(phi!)));
    const vel = m.add(m.mul(0.05, m.add(m.square(vx!), m.square(vz!))), m.mul(0.01, m.square(w!)));
    const effort = m.mul(0.02, m.add(m.square(m.sub(m.clip(t1!, 0, MAX_THRUST), th)), m.square(m.sub(m.clip(t2!, 0, MAX_THRUST), th))));
    return m.add(m.add(pos, tilt), m.add(vel, effort));
  },
});

export const planarQuadrotorEnvSpec: SystemEnvSpec<keyof typeof planarQuadrotorSystem.params> = {
  initial: (rng) => [rng.uniformIn(-1.5, 1.5), rng.uniformIn(0.3, 2), rng.uniformIn(-0.8, 0.8), rng.uniformIn(-0.5, 0.5), rng.uniformIn(-0.5, 0.5), rng.uniformIn(-1, 1)],
  meta: {
    observations: [
      { label: 'x (m)', target: target(QUADROTOR_GOAL.x, `goal x = ${QUADROTOR_GOAL.x} m`) },
      { label: 'z (m)', target: target(QUADROTOR_GOAL.z, `goal z = ${QUADROTOR_GOAL.z} m`) },
      { label: 'φ (rad)', target: target(0, 'level φ = 0') },
      { label: 'ẋ (m/s)', target: target(0, 'hover ẋ = 0') },
      { label: 'ż (m/s)', target: target(0, 'hover ż = 0') },
      { label: 'φ̇ (rad/s)', target: target(0, 'hover φ̇ = 0') },
    ],
    actions: ['left thrust T₁ (N)', 'right thrust T₂ (N)'],
    signal: 'cost',
    frame: { width: 480, height: 360 + CAPTION_PX },
  },
  /** Ground line, goal marker, body and rotors with their thrust arrows (length ∝ T / T_max). */
  render(ctx, width, height, [x, z, phi], [t1, t2], p) {
    const v = fitView(width, height, -2.5, 2.5, -0.5, 3, CAPTION_PX);
    clear(ctx, width, height);
    line(ctx, v.px(-3, 0), v.px(3, 0), '#bbbbbb', 2);
    disc(ctx, v.px(QUADROTOR_GOAL.x, QUADROTOR_GOAL.z), 6, '#4caf50');
    const c = Math.cos(phi!);
    const s = Math.sin(phi!);
    const a = p.arm;
    const left: [number, number] = [x! - a * c, z! - a * s];
    const right: [number, number] = [x! + a * c, z! + a * s];
    line(ctx, v.px(...left), v.px(...right), '#333333', Math.max(4, 0.05 * v.scale));
    disc(ctx, v.px(x!, z!), Math.max(4, 0.05 * v.scale), '#2a6fdb');
    for (const [pt, T] of [[left, t1!], [right, t2!]] as Array<[[number, number], number]>) {
      const len = 0.5 * (T / MAX_THRUST);
      arrow(ctx, v.px(...pt), v.px(pt[0] - len * s, pt[1] + len * c), '#cc4c4c', 3);
      disc(ctx, v.px(...pt), Math.max(4, 0.04 * v.scale), '#993333');
    }
  },
  maxEpisodeSteps: 200,
  summary: 'fly a 2-D quadrotor to (0, 1) m and hover there, from a random tilted start',
};

registerSystem('PlanarQuadrotor-v0', planarQuadrotorSystem, planarQuadrotorEnvSpec);
