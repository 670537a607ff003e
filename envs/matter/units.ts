// SI ↔ matter-js unit conversions and exact kinematic state setting for matter bodies.
//
// matter-js works in pixels and milliseconds with Verlet integration (v ← (x − x_prev)·(1 − frictionAir)
// + F/m·Δt², x ← x + v per update). With S px per metre:
//   length  x_px = S·x_m             velocity v_px/ms = S·v / 1000          acceleration a_px/ms² = S·a / 10⁶
//   force   F_m  = S·F / 10⁶ (mass kept in kg)                              torque τ_m = S²·τ / 10⁶
//   inertia I_m  = S²·I (kg·px²)    gravity: engine.gravity = { y: 1, scale: S·g / 10⁶ }
// Velocities are written through `positionPrev`/`anglePrev` for the sub-step Δt the engine will use, so
// a state set from SI numbers is reproduced exactly by the next update.
import Matter from 'matter-js';

export const MS_PER_S = 1000;

export function lengthToPx(m: number, S: number): number {
  return m * S;
}
export function velocityToMatter(v: number, S: number): number {
  return (v * S) / MS_PER_S;
}
export function velocityFromMatter(v: number, S: number): number {
  return (v * MS_PER_S) / S;
}
export function forceToMatter(F: number, S: number): number {
  return (F * S) / 1e6;
}
export function torqueToMatter(tau: number, S: number): number {
  return (tau * S * S) / 1e6;
}
export function inertiaToMatter(I: number, S: number): number {
  return I * S * S;
}
export function gravityScale(g: number, S: number): number {
  return (g * S) / 1e6;
}

/** matter-js 0.20 Verlet fields that @types/matter-js 0.20.2 does not declare (or declares read-only). */
export interface VerletFields {
  positionPrev: Matter.Vector;
  anglePrev: number;
  deltaTime: number;
  velocity: Matter.Vector;
  angularVelocity: number;
}

export function verlet(body: Matter.Body): VerletFields {
  return body as unknown as VerletFields;
}

/** Sets the mass (kg) and then the physical moment of inertia (kg·m², about the centre of mass). */
export function setPhysicalMass(body: Matter.Body, massKg: number, inertiaSI: number, S: number): void {
  Matter.Body.setMass(body, massKg); // rescales inertia by matter's ×4 rule; overwritten next line
  Matter.Body.setInertia(body, inertiaToMatter(inertiaSI, S));
}

export interface BodyKinematics {
  /** Centre position in px (matter frame, y down). */
  x: number;
  y: number;
  /** Angle in rad (matter sign: +x towards +y, i.e. clockwise on screen). */
  angle: number;
  /** Velocities in px/ms and rad/ms. */
  vx: number;
  vy: number;
  omega: number;
}

/** Places a body and gives it the velocity it will carry into the next update of length `dtMs`. */
export function setKinematics(body: Matter.Body, k: BodyKinematics, dtMs: number): void {
  Matter.Body.setPosition(body, { x: k.x, y: k.y });
  Matter.Body.setAngle(body, k.angle);
  const v = verlet(body);
  v.positionPrev.x = k.x - k.vx * dtMs;
  v.positionPrev.y = k.y - k.vy * dtMs;
  v.anglePrev = k.angle - k.omega * dtMs;
  v.deltaTime = dtMs;
  v.velocity.x = k.vx * dtMs;
  v.velocity.y = k.vy * dtMs;
  v.angularVelocity = k.omega * dtMs;
  // forget the constraint solver's warm-start impulses so a set state always evolves the same way
  const imp = body as unknown as { constraintImpulse: { x: number; y: number; angle: number }; positionImpulse: Matter.Vector };
  imp.constraintImpulse = { x: 0, y: 0, angle: 0 };
  imp.positionImpulse = { x: 0, y: 0 };
}

/** Re-anchors a pin's body-B attachment point `local` (in the body's unrotated frame) at body angle `angle`. */
export function resetPinAnchor(pin: Matter.Constraint, local: Matter.Vector, angle: number): void {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  pin.pointB = { x: local.x * c - local.y * s, y: local.x * s + local.y * c };
  (pin as unknown as { angleB: number }).angleB = angle;
}

/** Reads the velocities of the last update (px/ms, rad/ms) from the Verlet positions. */
export function getKinematics(body: Matter.Body): BodyKinematics {
  const v = verlet(body);
  const dt = v.deltaTime || 1000 / 60;
  return {
    x: body.position.x,
    y: body.position.y,
    angle: body.angle,
    vx: (body.position.x - v.positionPrev.x) / dt,
    vy: (body.position.y - v.positionPrev.y) / dt,
    omega: (body.angle - v.anglePrev) / dt,
  };
}
