// Cart-pole physics shared by the definitions of CartPole-v1 (envs/cartpole.ts) and CartPoleSwingUp-v0
// (envs/cartpole-swingup.ts): Gymnasium's frictionless equations (Florian 2007, "Correct equations for the
// dynamics of the cart-pole system"), with pole half-length L, cart mass M, pole mass m, force F on the cart,
// θ = 0 upright, θ > 0 leaning right, written once against the scalar ops `m` of a system definition:
//   temp = (F + m L θ̇² sin θ) / (M + m)
//   θ̈   = (g sin θ − cos θ · temp) / (L (4/3 − m cos²θ / (M + m)))
//   ẍ   = temp − m L θ̈ cos θ / (M + m)
// integrated with Gymnasium's explicit Euler (kinematics_integrator = "euler", τ = 0.02):
//   x' = x + τ ẋ,  ẋ' = ẋ + τ ẍ,  θ' = θ + τ θ̇,  θ̇' = θ̇ + τ θ̈
// CartPoleSim runs an env's physics: 'analytic' = the env's definition on numbers (its `analytic` step),
// 'matter' = the rigid bodies of envs/matter/cartpole-world.ts (10 sub-steps of 2 ms per step) under the
// force the definition's action gives (its `force`).
// Measured drift from the same state over 1 s (50 steps; 20 random states x, ẋ ~ U(±0.5), θ ~ U(±0.1),
// θ̇ ~ U(±0.5), constant F ~ U(±10), the pole mostly falling; test/envs/cartpole.test.ts bounds it):
// max |x_matter − x_analytic| = 0.09 m and |θ_matter − θ_analytic| = 0.37 rad, while matter stays within
// 0.01 m / 0.10 rad of a 400×-finer integration of the same ODE: the gap is mostly the explicit Euler error
// of τ = 0.02 (Gymnasium's integrator), not matter-js.
import { CartPoleWorld, CARTPOLE_WORLD_DEFAULTS, type CartPoleState } from './matter/cartpole-world.ts';
import { analyticGrabError, type GrabOptions, type GrabState, type Point } from './pointer.ts';
import { numberOps, type Ops, type Val } from '../src/models/system/ops.ts';

export type { CartPoleState };
export type Physics = 'matter' | 'analytic';

/** The learnable physical parameters of both cart-pole definitions. */
export type CartPoleParam = 'massCart' | 'massPole' | 'halfLength' | 'gravity';

/** Gymnasium CartPole constants: the definitions' parameter defaults. */
export const CARTPOLE_DEFAULTS: Readonly<Record<CartPoleParam, number>> = { gravity: 9.8, massCart: 1.0, massPole: 0.1, halfLength: 0.5 };
/** Seconds per step and the force magnitude (N) of both envs. */
export const CARTPOLE_TAU = 0.02;
export const CARTPOLE_FORCE_MAG = 10;

export interface CartPoleParams extends Record<CartPoleParam, number> {
  /** Seconds per step. */
  tau: number;
}

/** The defaults with τ, for the simulator and the matter world. */
export const CARTPOLE_PARAMS: CartPoleParams = { ...CARTPOLE_DEFAULTS, tau: CARTPOLE_TAU };

/** Florian's accelerations [ẍ, θ̈] under force F at (sin θ, cos θ, θ̇). */
export function cartPoleAccelerations<T>(F: Val<T>, s: Val<T>, c: Val<T>, w: Val<T>, p: Readonly<Record<CartPoleParam, Val<T>>>, m: Ops<T>): [T, T] {
  const total = m.add(p.massCart, p.massPole);
  const pml = m.mul(p.massPole, p.halfLength);
  const temp = m.div(m.add(F, m.mul(pml, m.mul(m.square(w), s))), total);
  const denom = m.mul(p.halfLength, m.sub(4 / 3, m.div(m.mul(p.massPole, m.square(c)), total)));
  const thAcc = m.div(m.sub(m.mul(p.gravity, s), m.mul(c, temp)), denom);
  const xAcc = m.sub(temp, m.div(m.mul(pml, m.mul(thAcc, c)), total));
  return [xAcc, thAcc];
}

/** Gymnasium's explicit-Euler step of [x, ẋ, θ, θ̇] under force F with step τ. */
export function cartPoleEuler<T>([x, v, th, w]: readonly Val<T>[], F: Val<T>, p: Readonly<Record<CartPoleParam, Val<T>>>, tau: number, m: Ops<T>): T[] {
  const [xAcc, thAcc] = cartPoleAccelerations(F, m.sin(th!), m.cos(th!), w!, p, m);
  return [m.add(x!, m.mul(tau, v!)), m.add(v!, m.mul(tau, xAcc)), m.add(th!, m.mul(tau, w!)), m.add(w!, m.mul(tau, thAcc))];
}

/** cartPoleEuler on numbers, on a CartPoleState (the reference the matter world is measured against). */
export function cartPoleAnalyticStep(s: CartPoleState, F: number, p: CartPoleParams): CartPoleState {
  const [x, xDot, theta, thetaDot] = cartPoleEuler([s.x, s.xDot, s.theta, s.thetaDot], F, p, p.tau, numberOps) as [number, number, number, number];
  return { x, xDot, theta, thetaDot };
}

/** How an env's action drives the cart-pole: the definition's analytic step, and its force for matter-js. */
export interface CartPoleActuation {
  /** The next state under action u (the env's definition on numbers). */
  analytic(s: CartPoleState, u: number, p: CartPoleParams): CartPoleState;
  /** The force (N) action u applies. */
  force(u: number): number;
}

/** A cart-pole integrated by either physics backend, driven by actions through `actuation`. */
export class CartPoleSim {
  readonly params: CartPoleParams;
  readonly physics: Physics;
  private state: CartPoleState = { x: 0, xDot: 0, theta: 0, thetaDot: 0 };
  private readonly world: CartPoleWorld | undefined;

  constructor(
    physics: Physics,
    params: CartPoleParams,
    private readonly actuation: CartPoleActuation,
    substeps?: number,
  ) {
    if (physics !== 'matter' && physics !== 'analytic') {
      throw new Error(`cart-pole: option physics must be 'matter' or 'analytic' (got ${JSON.stringify(physics)})`);
    }
    for (const k of ['massCart', 'massPole', 'halfLength', 'tau'] as const) {
      if (!(params[k] > 0)) throw new Error(`cart-pole: option ${k} must be a positive number (got ${params[k]})`);
    }
    this.physics = physics;
    this.params = params;
    if (physics === 'matter') {
      this.world = new CartPoleWorld({ ...CARTPOLE_WORLD_DEFAULTS, ...params, dt: params.tau, ...(substeps ? { substeps } : {}) });
    }
  }

  get(): CartPoleState {
    return { ...this.state };
  }

  set(s: CartPoleState): void {
    for (const [k, v] of Object.entries(s)) if (!Number.isFinite(v)) throw new Error(`cart-pole setState: ${k} must be finite (got ${v})`);
    this.state = { ...s };
    this.world?.setState(s);
  }

  /** One env step under action u (already validated and clipped). */
  step(u: number): CartPoleState {
    if (this.world) {
      this.world.step(this.actuation.force(u));
      this.state = this.world.getState();
    } else {
      this.state = this.actuation.analytic(this.state, u, this.params);
    }
    return this.get();
  }

  private matter(id: string): CartPoleWorld {
    if (!this.world) throw analyticGrabError(id);
    return this.world;
  }

  /** Holds the cart or the pole nearest `pointer` (m, y up, rail at y = 0); matter physics only. */
  grab(id: string, pointer: Point, opts: GrabOptions = {}): GrabState {
    const w = this.matter(id);
    return opts.radius === undefined ? w.grab(pointer) : w.grab(pointer, opts.radius);
  }

  moveGrab(id: string, pointer: Point): GrabState {
    return this.matter(id).moveGrab(pointer);
  }

  release(): boolean {
    return this.world?.release() ?? false;
  }

  grabbed(): GrabState | undefined {
    return this.world?.grabbed();
  }

  dispose(): void {
    this.world?.dispose();
  }
}
