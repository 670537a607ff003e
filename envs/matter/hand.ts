// A hand that holds a matter-js body at a point and drags it toward a pointer: a soft Matter.Constraint from
// the pointer (a fixed world point, no bodyA) to the body's grabbed point, as matter's MouseConstraint does
// (length ≈ 0, angularStiffness 1: the hand pulls the point and does not twist the body directly).
// matter-js solves a soft constraint (length > 0, stiffness < 1) 2·constraintIterations times per update,
// each pass moving the body by stiffness·ts²·error (ts = Δt / 16.67 ms) and cutting its velocity along the
// constraint by damping·ts·v. Per unit of mass this is a spring and a dashpot independent of the sub-step:
//   ω² = passes · stiffness / T²,   2ζω = passes · damping / T,    T = 1/60 s (matter's base delta)
// so the hand is stated in SI as a natural frequency f (Hz, ω = 2πf) and a damping ratio ζ, and converted.
// Since that damping acts only along the constraint, a confined body is pulled toward the point of its reach
// nearest the pointer (Grabbable.reach), so the constraint stays along the motion it can make.
// Points are in the env's units (metres, y up; the worlds' pixel frame is y down, see ./units.ts).
import Matter from 'matter-js';
import { resetPinAnchor } from './units.ts';

/** A point in the env's frame: metres, y up. */
export interface Point {
  x: number;
  y: number;
}

export interface HandConfig {
  /** Natural frequency f (Hz) of the hand's spring per unit mass. */
  frequency: number;
  /** Damping ratio ζ of the hand (1 = critical). */
  dampingRatio: number;
}

/** A firm hand: 3 Hz, critically damped (it overpowers the envs' bounded actuators). */
export const HAND_DEFAULTS: HandConfig = { frequency: 3, dampingRatio: 1 };

/** Default pick radius (m): a grab within this distance of a body takes it. */
export const GRAB_RADIUS = 0.25;

/** What a grab holds (m, y up): the body's name, the held point on it, the pointer, and where the hand pulls. */
export interface GrabState {
  body: string;
  anchor: Point;
  pointer: Point;
  /** The point the held point is pulled to: the pointer, or the nearest point the body can reach (`reach`). */
  pull: Point;
}

/** matter's base delta in seconds (its constraint gains are per 1/60 s). */
const BASE_S = 1 / 60;

/** The constraint gains of `cfg` for an engine with `constraintIterations`. */
export function handGains(cfg: HandConfig, constraintIterations: number): { stiffness: number; damping: number } {
  if (!(Number.isFinite(cfg.frequency) && cfg.frequency > 0)) throw new Error(`hand: frequency must be a positive number in Hz (got ${cfg.frequency})`);
  if (!(Number.isFinite(cfg.dampingRatio) && cfg.dampingRatio >= 0)) throw new Error(`hand: dampingRatio must be a finite number ≥ 0 (got ${cfg.dampingRatio})`);
  const passes = 2 * constraintIterations;
  const w = 2 * Math.PI * cfg.frequency;
  const stiffness = (w * w * BASE_S * BASE_S) / passes;
  if (stiffness >= 1) throw new Error(`hand: frequency ${cfg.frequency} Hz is too stiff for matter-js (stiffness ${stiffness.toFixed(2)} ≥ 1); use below ${((Math.sqrt(passes) / BASE_S) / (2 * Math.PI)).toFixed(0)} Hz`);
  return { stiffness, damping: (2 * cfg.dampingRatio * w * BASE_S) / passes };
}

/** A candidate for grabbing: a named body and the point of it nearest to a given point (m, y up). */
export interface Grabbable {
  name: string;
  body: Matter.Body;
  nearest(p: Point): Point;
  /**
   * Where the held point (grabbed at `held`) can get nearest to `pointer`, when the body's motion is confined
   * (a cart on its rail: the held height; a pinned rod: the held point's circle about the pivot). The hand pulls
   * there, not at the pointer: matter damps a constraint only along its axis, so a pull the body cannot follow
   * would leave the motion across it undamped. Default: the pointer itself.
   */
  reach?(pointer: Point, held: Point): Point;
}

/** `reach` of a point on a body pinned at `pivot`: its circle about the pivot (the pointer itself at the pivot). */
export function reachAbout(pivot: Point): (pointer: Point, held: Point) => Point {
  return (p, h) => {
    const rho = Math.hypot(h.x - pivot.x, h.y - pivot.y);
    const d = Math.hypot(p.x - pivot.x, p.y - pivot.y);
    if (rho < 1e-3 || d < 1e-9) return { ...p };
    return { x: pivot.x + (rho * (p.x - pivot.x)) / d, y: pivot.y + (rho * (p.y - pivot.y)) / d };
  };
}

/** Nearest point to p on the segment a–b. */
export function nearestOnSegment(p: Point, a: Point, b: Point): Point {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.min(1, Math.max(0, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2)) : 0;
  return { x: a.x + t * dx, y: a.y + t * dy };
}

/** The grab of one world: at most one held body at a time. */
export class Hand {
  private constraint: Matter.Constraint | undefined;
  private held: { name: string; body: Matter.Body; local: Matter.Vector; at: Point; pointer: Point; pull: Point; reach: ((p: Point, h: Point) => Point) | undefined } | undefined;
  private readonly gains: { stiffness: number; damping: number };

  constructor(
    private readonly engine: Matter.Engine,
    private readonly pxPerMeter: number,
    cfg: HandConfig = HAND_DEFAULTS,
  ) {
    this.gains = handGains(cfg, engine.constraintIterations);
  }

  private toPx(p: Point): Matter.Vector {
    return { x: p.x * this.pxPerMeter, y: -p.y * this.pxPerMeter };
  }

  private fromPx(v: Matter.Vector): Point {
    return { x: v.x / this.pxPerMeter, y: -v.y / this.pxPerMeter };
  }

  /**
   * Grabs the candidate nearest to `pointer` (m, y up) if it is within `radius` m, at its nearest point;
   * throws naming the distance to the closest body otherwise. A previous grab is released first.
   */
  grab(pointer: Point, candidates: readonly Grabbable[], radius: number, who: string): GrabState {
    if (!Number.isFinite(pointer.x) || !Number.isFinite(pointer.y)) throw new Error(`${who}.grab: the pointer must be a finite point in metres (got ${pointer.x}, ${pointer.y})`);
    if (!(Number.isFinite(radius) && radius > 0)) throw new Error(`${who}.grab: radius must be a positive number of metres (got ${radius})`);
    this.release();
    let best: { c: Grabbable; at: Point; d: number } | undefined;
    for (const c of candidates) {
      const at = c.nearest(pointer);
      const d = Math.hypot(at.x - pointer.x, at.y - pointer.y);
      if (!best || d < best.d) best = { c, at, d };
    }
    if (!best || best.d > radius) {
      throw new Error(`${who}.grab: no body within ${radius} m of (${pointer.x.toFixed(2)}, ${pointer.y.toFixed(2)}) m; the nearest, ${best?.c.name ?? 'none'}, is ${best ? best.d.toFixed(2) : '∞'} m away`);
    }
    const { body } = best.c;
    const at = this.toPx(best.at);
    const c = Math.cos(body.angle);
    const s = Math.sin(body.angle);
    const rx = at.x - body.position.x;
    const ry = at.y - body.position.y;
    // the held point in the body's unrotated frame (re-anchored when the world's state is set)
    const local = { x: rx * c + ry * s, y: -rx * s + ry * c };
    // angularStiffness is a matter-js 0.20 option @types/matter-js does not declare
    const reach = best.c.reach?.bind(best.c);
    const pull = reach ? reach(pointer, best.at) : { ...pointer };
    this.constraint = Matter.Constraint.create({
      label: 'hand',
      pointA: this.toPx(pull),
      bodyB: body,
      pointB: { x: rx, y: ry },
      length: 0.01,
      stiffness: this.gains.stiffness,
      damping: this.gains.damping,
      angularStiffness: 1,
    } as Matter.IConstraintDefinition);
    Matter.Composite.add(this.engine.world, this.constraint);
    this.held = { name: best.c.name, body, local, at: best.at, pointer: { ...pointer }, pull, reach };
    return this.state()!;
  }

  /** Moves the pointer the held body is pulled toward (m, y up). */
  move(pointer: Point, who: string): GrabState {
    if (!this.constraint || !this.held) throw new Error(`${who}.moveGrab: nothing is grabbed; call grab(point) first`);
    if (!Number.isFinite(pointer.x) || !Number.isFinite(pointer.y)) throw new Error(`${who}.moveGrab: the pointer must be a finite point in metres (got ${pointer.x}, ${pointer.y})`);
    const pull = this.held.reach ? this.held.reach(pointer, this.held.at) : { ...pointer };
    this.constraint.pointA = this.toPx(pull);
    this.held.pointer = { ...pointer };
    this.held.pull = pull;
    return this.state()!;
  }

  /** Removes the hand's constraint; returns whether something was held. */
  release(): boolean {
    if (!this.constraint) return false;
    Matter.Composite.remove(this.engine.world, this.constraint);
    this.constraint = undefined;
    this.held = undefined;
    return true;
  }

  /** Re-attaches the held point after the body's angle was set from outside (setState). */
  reanchor(): void {
    if (this.constraint && this.held) resetPinAnchor(this.constraint, this.held.local, this.held.body.angle);
  }

  /** The current grab, or undefined. */
  state(): GrabState | undefined {
    if (!this.held) return undefined;
    const { body, local } = this.held;
    const c = Math.cos(body.angle);
    const s = Math.sin(body.angle);
    const anchor = this.fromPx({ x: body.position.x + local.x * c - local.y * s, y: body.position.y + local.x * s + local.y * c });
    return { body: this.held.name, anchor, pointer: { ...this.held.pointer }, pull: { ...this.held.pull } };
  }
}
