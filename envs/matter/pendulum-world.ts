// matter-js world of the Pendulum-v1 rod: a uniform rod of mass m and length l pinned at one end to a fixed
// point, torque u at the pivot, gravity g. Its rigid-body dynamics are Gymnasium's equation
//   θ̈ = 3g/(2l)·sin θ + 3/(m l²)·u     (I_pivot = m l²/3, gravity acting at l/2; θ = 0 upright)
// which the world reproduces with: mass m, inertia about the centre m l²/12 set explicitly (matter would
// otherwise use 4× the polygon's inertia), a stiff length-0 pin constraint at the rod end, frictionAir 0,
// no collisions, and `substeps` engine updates per env step (Verlet sub-steps of dt/substeps) to curb the
// numerical damping of matter's position-based constraint.
// Angle convention: θ is matter's body angle (clockwise on screen, rod tip at pivot + l(sin θ, −cos θ)
// in y-down pixels), positive torque increases θ. Units: see ./units.ts.
// A hand (./hand.ts) can hold the rod at a point and drag it toward a pointer while the world steps.
import Matter from 'matter-js';
import { GRAB_RADIUS, Hand, nearestOnSegment, reachAbout, type GrabState, type Point } from './hand.ts';
import {
  MS_PER_S,
  gravityScale,
  getKinematics,
  lengthToPx,
  setKinematics,
  resetPinAnchor,
  setPhysicalMass,
  torqueToMatter,
} from './units.ts';

export interface PendulumWorldConfig {
  g: number;
  m: number;
  l: number;
  /** Env step in seconds. */
  dt: number;
  /** Engine updates per env step. */
  substeps: number;
  /** Pixels per metre. */
  pxPerMeter: number;
  /** Constraint solver iterations per update. */
  constraintIterations: number;
}

export const PENDULUM_WORLD_DEFAULTS: Omit<PendulumWorldConfig, 'g' | 'm' | 'l' | 'dt'> = {
  substeps: 20,
  pxPerMeter: 100,
  constraintIterations: 2,
};

export class PendulumWorld {
  readonly engine: Matter.Engine;
  readonly rod: Matter.Body;
  readonly pin: Matter.Constraint;
  readonly cfg: PendulumWorldConfig;
  private readonly pivot = { x: 0, y: 0 };
  private readonly hand: Hand;

  constructor(cfg: PendulumWorldConfig) {
    this.cfg = cfg;
    const S = cfg.pxPerMeter;
    const L = lengthToPx(cfg.l, S);
    this.engine = Matter.Engine.create({
      gravity: { x: 0, y: 1, scale: gravityScale(cfg.g, S) },
      constraintIterations: cfg.constraintIterations,
      enableSleeping: false,
    });
    this.rod = Matter.Bodies.rectangle(0, -L / 2, 0.04 * S, L, {
      frictionAir: 0,
      friction: 0,
      frictionStatic: 0,
      collisionFilter: { group: -1, category: 1, mask: 0 },
    });
    setPhysicalMass(this.rod, cfg.m, (cfg.m * cfg.l * cfg.l) / 12, S);
    this.pin = Matter.Constraint.create({
      pointA: { ...this.pivot },
      bodyB: this.rod,
      pointB: { x: 0, y: L / 2 },
      length: 0,
      stiffness: 1,
      damping: 0,
    });
    Matter.Composite.add(this.engine.world, [this.rod, this.pin]);
    this.hand = new Hand(this.engine, S);
  }

  /**
   * Grabs the rod at its point nearest `pointer` (m, y up; the pivot at the origin) if within `radius` m; the
   * hand pulls it toward the pointer's direction from the pivot (its point's circle).
   */
  grab(pointer: Point, radius = GRAB_RADIUS): GrabState {
    const S = this.cfg.pxPerMeter;
    const tip = this.geometry().tip;
    const pivot = { x: this.pivot.x / S, y: -this.pivot.y / S };
    const rod = { name: 'rod', body: this.rod, nearest: (p: Point) => nearestOnSegment(p, pivot, { x: tip.x / S, y: -tip.y / S }), reach: reachAbout(pivot) };
    return this.hand.grab(pointer, [rod], radius, 'PendulumWorld');
  }

  moveGrab(pointer: Point): GrabState {
    return this.hand.move(pointer, 'PendulumWorld');
  }

  release(): boolean {
    return this.hand.release();
  }

  grabbed(): GrabState | undefined {
    return this.hand.state();
  }

  private get subMs(): number {
    return (this.cfg.dt * MS_PER_S) / this.cfg.substeps;
  }

  /** Places the rod at angle θ (rad) with angular velocity θ̇ (rad/s). */
  setState(theta: number, thetaDot: number): void {
    const S = this.cfg.pxPerMeter;
    const r = lengthToPx(this.cfg.l / 2, S);
    const w = thetaDot / MS_PER_S; // rad/ms
    // centre = pivot + r(sin θ, −cos θ); its velocity = r·θ̇(cos θ, sin θ)
    setKinematics(
      this.rod,
      {
        x: this.pivot.x + r * Math.sin(theta),
        y: this.pivot.y - r * Math.cos(theta),
        angle: theta,
        vx: r * w * Math.cos(theta),
        vy: r * w * Math.sin(theta),
        omega: w,
      },
      this.subMs,
    );
    resetPinAnchor(this.pin, { x: 0, y: r }, theta);
    this.hand.reanchor();
  }

  /** θ (unwrapped body angle) and θ̇ (rad/s) after the last update. */
  getState(): { theta: number; thetaDot: number } {
    const k = getKinematics(this.rod);
    return { theta: k.angle, thetaDot: k.omega * MS_PER_S };
  }

  /** Advances one env step dt under constant pivot torque u (N·m). */
  step(u: number): void {
    const S = this.cfg.pxPerMeter;
    const tau = torqueToMatter(u, S);
    const h = this.subMs;
    for (let k = 0; k < this.cfg.substeps; k++) {
      this.rod.torque += tau;
      Matter.Engine.update(this.engine, h);
    }
  }

  /** Pixel positions (matter frame) of the pivot and the rod tip, for rendering. */
  geometry(): { pivot: { x: number; y: number }; tip: { x: number; y: number } } {
    const c = this.rod.position;
    return { pivot: { ...this.pivot }, tip: { x: 2 * c.x - this.pivot.x, y: 2 * c.y - this.pivot.y } };
  }

  dispose(): void {
    Matter.Composite.clear(this.engine.world, false, true);
    Matter.Engine.clear(this.engine);
  }
}
