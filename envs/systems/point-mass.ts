// A 2-D point mass with two actions (a user-style system): push a puck to the origin and stop it.
//   state        [x, y, vx, vy]
//   action       force [fx, fy] ∈ [−1, 1]²
//   transition   v' = v + (clip(f, ±1)/mass − drag·v)·dt,   p' = p + v'·dt   (semi-implicit Euler)
//   cost         x² + y² + 0.1 (vx² + vy²) + 0.01 |f̄|²
//   parameters   mass 1, drag 0.1;  dt 0.05
import { defineSystem } from '../../src/models/system/definition.ts';

const DT = 0.05;
const MAX_FORCE = 1;

export const pointMassSystem = defineSystem({
  name: 'point-mass',
  stateDim: 4,
  actionDim: 2,
  params: { mass: 1, drag: 0.1 },
  dt: DT,
  actionBounds: { low: [-MAX_FORCE, -MAX_FORCE], high: [MAX_FORCE, MAX_FORCE] },
  transition([x, y, vx, vy], [fx, fy], p, m) {
    const ax = m.sub(m.div(m.clip(fx!, -MAX_FORCE, MAX_FORCE), p.mass), m.mul(p.drag, vx!));
    const ay = m.sub(m.div(m.clip(fy!, -MAX_FORCE, MAX_FORCE), p.mass), m.mul(p.drag, vy!));
    const vx2 = m.add(vx!, m.mul(ax, DT));
    const vy2 = m.add(vy!, m.mul(ay, DT));
    return [m.add(x!, m.mul(vx2, DT)), m.add(y!, m.mul(vy2, DT)), vx2, vy2];
  },
  cost([x, y, vx, vy], [fx, fy], _p, m) {
    const f2 = m.add(m.square(m.clip(fx!, -MAX_FORCE, MAX_FORCE)), m.square(m.clip(fy!, -MAX_FORCE, MAX_FORCE)));
    return m.add(m.add(m.add(m.square(x!), m.square(y!)), m.mul(0.1, m.add(m.square(vx!), m.square(vy!)))), m.mul(0.01, f2));
  },
});
