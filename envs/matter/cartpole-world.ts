// matter-js world of the cart-pole (Barto, Sutton & Anderson 1983; Gymnasium CartPole): a cart of mass M on
// a frictionless horizontal rail, a uniform pole of mass m and half-length L pinned to the cart centre,
// horizontal force F on the cart, gravity g. Its dynamics are Gymnasium's (Florian 2007, frictionless):
//   θ̈ = (g sin θ − cos θ·(F + m L θ̇² sin θ)/(M+m)) / (L·(4/3 − m cos²θ/(M+m)))
//   ẍ = (F + m L θ̇² sin θ)/(M+m) − m L θ̈ cos θ/(M+m)
// (pole inertia about its centre m L²/3, i.e. a uniform rod of length 2L), reproduced here with explicit
// masses and inertias (the pole's m(2L)²/12 set explicitly; the cart cannot rotate: inertia ∞), a stiff
// length-0 pin, frictionAir 0, no collisions between cart and pole, and `substeps` updates per env step.
// The rail: the cart's weight is cancelled by an equal upward force, and after every update its height
// and vertical velocity are reset to the rail (the rail absorbs the vertical pin reaction).
// Conventions (Gymnasium): x to the right, θ = 0 upright, θ > 0 leaning right (matter's clockwise angle).
// A hand (./hand.ts) can hold the cart or the pole at a point and drag it toward a pointer while the world
// steps (the rail still holds the cart's height).
import Matter from 'matter-js';
import { GRAB_RADIUS, Hand, nearestOnSegment, type GrabState, type Point } from './hand.ts';
import {
  MS_PER_S,
  forceToMatter,
  gravityScale,
  getKinematics,
  lengthToPx,
  setKinematics,
  resetPinAnchor,
  setPhysicalMass,
  verlet,
} from './units.ts';

export interface CartPoleWorldConfig {
  gravity: number;
  massCart: number;
  massPole: number;
  /** Half the pole length (Gymnasium's `length`). */
  halfLength: number;
  /** Env step in seconds. */
  dt: number;
  substeps: number;
  pxPerMeter: number;
  constraintIterations: number;
}

export const CARTPOLE_WORLD_DEFAULTS: Pick<CartPoleWorldConfig, 'substeps' | 'pxPerMeter' | 'constraintIterations'> = {
  substeps: 10,
  pxPerMeter: 100,
  constraintIterations: 2,
};

export interface CartPoleState {
  x: number;
  xDot: number;
  theta: number;
  thetaDot: number;
}

export class CartPoleWorld {
  readonly engine: Matter.Engine;
  readonly cart: Matter.Body;
  readonly pole: Matter.Body;
  readonly pin: Matter.Constraint;
  readonly cfg: CartPoleWorldConfig;
  private readonly railY = 0;
  private readonly hand: Hand;

  constructor(cfg: CartPoleWorldConfig) {
    this.cfg = cfg;
    const S = cfg.pxPerMeter;
    const L = lengthToPx(cfg.halfLength, S);
    this.engine = Matter.Engine.create({
      gravity: { x: 0, y: 1, scale: gravityScale(cfg.gravity, S) },
      constraintIterations: cfg.constraintIterations,
      enableSleeping: false,
    });
    const noCollide = { group: -1, category: 1, mask: 0 };
    this.cart = Matter.Bodies.rectangle(0, this.railY, 0.5 * S, 0.3 * S, { frictionAir: 0, friction: 0, collisionFilter: noCollide });
    setPhysicalMass(this.cart, cfg.massCart, Infinity, S);
    this.pole = Matter.Bodies.rectangle(0, this.railY - L, 0.05 * S, 2 * L, { frictionAir: 0, friction: 0, collisionFilter: noCollide });
    setPhysicalMass(this.pole, cfg.massPole, (cfg.massPole * (2 * cfg.halfLength) ** 2) / 12, S);
    this.pin = Matter.Constraint.create({
      bodyA: this.cart,
      pointA: { x: 0, y: 0 },
      bodyB: this.pole,
      pointB: { x: 0, y: L },
      length: 0,
      stiffness: 1,
      damping: 0,
    });
    Matter.Composite.add(this.engine.world, [this.cart, this.pole, this.pin]);
    this.hand = new Hand(this.engine, S);
  }

  /**
   * Grabs the cart (its 0.5 × 0.3 m box) or the pole (its axis), whichever is nearer `pointer` (m, y up; the
   * rail at y = 0), if within `radius` m. The cart is pulled at the held point's height (it runs on the rail).
   */
  grab(pointer: Point, radius = GRAB_RADIUS): GrabState {
    const S = this.cfg.pxPerMeter;
    const g = this.geometry();
    const cx = g.cart.x / S;
    const cart = {
      name: 'cart',
      body: this.cart,
      nearest: (p: Point) => ({ x: Math.min(cx + 0.25, Math.max(cx - 0.25, p.x)), y: Math.min(0.15, Math.max(-0.15, p.y)) }),
      reach: (p: Point, held: Point) => ({ x: p.x, y: held.y }),
    };
    const pole = { name: 'pole', body: this.pole, nearest: (p: Point) => nearestOnSegment(p, { x: cx, y: 0 }, { x: g.tip.x / S, y: -g.tip.y / S }) };
    return this.hand.grab(pointer, [cart, pole], radius, 'CartPoleWorld');
  }

  moveGrab(pointer: Point): GrabState {
    return this.hand.move(pointer, 'CartPoleWorld');
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

  setState(s: CartPoleState): void {
    const S = this.cfg.pxPerMeter;
    const h = this.subMs;
    const r = lengthToPx(this.cfg.halfLength, S);
    const vx = (s.xDot * S) / MS_PER_S;
    const w = s.thetaDot / MS_PER_S;
    const cx = s.x * S;
    setKinematics(this.cart, { x: cx, y: this.railY, angle: 0, vx, vy: 0, omega: 0 }, h);
    // pole centre = cart + r(sin θ, −cos θ) (y down); its velocity = (ẋ + r θ̇ cos θ, r θ̇ sin θ)
    setKinematics(
      this.pole,
      {
        x: cx + r * Math.sin(s.theta),
        y: this.railY - r * Math.cos(s.theta),
        angle: s.theta,
        vx: vx + r * w * Math.cos(s.theta),
        vy: r * w * Math.sin(s.theta),
        omega: w,
      },
      h,
    );
    resetPinAnchor(this.pin, { x: 0, y: r }, s.theta);
    this.hand.reanchor();
  }

  getState(): CartPoleState {
    const S = this.cfg.pxPerMeter;
    const c = getKinematics(this.cart);
    const p = getKinematics(this.pole);
    return { x: c.x / S, xDot: (c.vx * MS_PER_S) / S, theta: p.angle, thetaDot: p.omega * MS_PER_S };
  }

  /** Advances one env step under constant horizontal force F (N) on the cart. */
  step(force: number): void {
    const S = this.cfg.pxPerMeter;
    const f = forceToMatter(force, S);
    const lift = -this.cart.mass * this.engine.gravity.y * this.engine.gravity.scale;
    const h = this.subMs;
    for (let k = 0; k < this.cfg.substeps; k++) {
      this.cart.force.x += f;
      this.cart.force.y += lift;
      Matter.Engine.update(this.engine, h);
      // the rail: no vertical motion of the cart
      Matter.Body.setPosition(this.cart, { x: this.cart.position.x, y: this.railY });
      const v = verlet(this.cart);
      v.positionPrev.y = this.railY;
      v.velocity.y = 0;
    }
  }

  /** Pixel positions (matter frame) of the cart centre and the pole tip, for rendering. */
  geometry(): { cart: { x: number; y: number }; tip: { x: number; y: number } } {
    const c = this.cart.position;
    const p = this.pole.position;
    return { cart: { x: c.x, y: c.y }, tip: { x: 2 * p.x - c.x, y: 2 * p.y - c.y } };
  }

  dispose(): void {
    Matter.Composite.clear(this.engine.world, false, true);
    Matter.Engine.clear(this.engine);
  }
}
