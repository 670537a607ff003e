// CartPoleSwingUp-v0: swing the cart-pole's pole up from hanging and balance it, with a continuous force
// (the swing-up task of PETS, Chua et al. 2018, and mbrl-lib, on Gymnasium's cart-pole physics).
//
//   Observation  Box([−4.8, −∞, −1, −1, −∞], [4.8, ∞, 1, 1, ∞]): [x, ẋ, cos θ, sin θ, θ̇], θ = 0 upright
//   Action       Box([−1], [1]): force F = 10·a N on the cart; out-of-range values are clipped to ±1,
//                NaN or a wrong length raises
//   Reward       r = exp(−‖p_tip − p_goal‖² / ℓ²) − 0.01 a², with pole length ℓ = 2L = 1 m,
//                p_tip = (x + ℓ sin θ, ℓ cos θ), p_goal = (0, ℓ) (PETS' cartpole reward), evaluated on the
//                state the action is applied in (as Pendulum-v1), so r ∈ [−0.01, 1]
//   Termination  |x| > 2.4 (the cart leaves the track); make() truncates at 500 steps (10 s)
//   Reset        (x, ẋ, θ, θ̇) = (0, 0, π, 0) + N(0, 0.1²) each (hanging down, as PETS)
// Constants: as CartPole-v1 (envs/cartpole-physics.ts).
//
// Defined once by `defineCartPoleSwingUp` below (the physics of envs/cartpole-physics.ts):
//   transition   F = 10·clip(u, ±1), Florian's accelerations, Euler with θ' = θ + τθ̇ applied as a rotation of
//                (cos θ, sin θ) (no atan2)
//   cost         −exp(−((x + ℓ sin θ)² + ℓ²(cos θ − 1)²)/ℓ²) + 0.01 ū² + w·max(|x| − x_soft, 0)²
//                The reward ignores the track limit (the episode just terminates), so a planner that sees no
//                termination drives the cart off the track; the smooth penalty (w = 10, x_soft = 1.5: zero in
//                the middle of the track, 8.1 per step at 2.4 m) keeps it on. `cartPoleSwingUpSystem` has it;
//                the env's reward is −cost of `defineCartPoleSwingUp({ trackPenalty: false })` (exactly −r).
//   parameters   massCart, massPole, halfLength, gravity (learnable); ℓ is a constant of the task (not 2L)
// physics: 'matter' (default) or 'analytic' (the definition on numbers), as CartPole-v1.
import type { Env, Info, StepResult, CanvasLike, RenderOptions } from './types.ts';
import { target, type EnvMeta } from './meta.ts';
import { Box } from './spaces.ts';
import { validateAction } from './action.ts';
import { EpisodeGuard } from './episode-guard.ts';
import { register } from './registry.ts';
import { unwrapAngle } from './angle.ts';
import { CARTPOLE_DEFAULTS, CARTPOLE_FORCE_MAG, CARTPOLE_PARAMS, CARTPOLE_TAU, CartPoleSim, cartPoleAccelerations, type CartPoleActuation, type CartPoleParam, type CartPoleState, type Physics } from './cartpole-physics.ts';
import { cartPoleFrame, cartPoleView, drawCartPole } from './cartpole-render.ts';
import type { Draggable, GrabOptions, GrabState, Point } from './pointer.ts';
import type { View } from './render.ts';
import { CARTPOLE_WORLD_DEFAULTS } from './matter/cartpole-world.ts';
import { defineSystem, type SystemDefinition } from '../src/models/system/definition.ts';
import { numberOps } from '../src/models/system/ops.ts';
import { compileSystem, type CompiledSystem } from '../src/models/system/compile.ts';

export interface CartPoleSwingUpOptions {
  physics?: Physics;
  substeps?: number;
}

export const SWINGUP = { xLimit: 2.4, forceMag: CARTPOLE_FORCE_MAG, actionCost: 0.01 } as const;

/** Smooth track penalty w·max(|x| − x_soft, 0)² of the swing-up planning cost. */
export interface TrackPenalty {
  /** Weight w per step (the reward is at most 1 per step). */
  weight: number;
  /** Position x_soft (m) where the penalty starts; the env terminates at |x| > 2.4. */
  softLimit: number;
}

/** Default planning penalty: zero on |x| ≤ 1.5, 10·0.81 = 8.1 per step at the 2.4 m limit. */
export const DEFAULT_TRACK_PENALTY: TrackPenalty = { weight: 10, softLimit: 1.5 };

export interface CartPoleSwingUpConfig {
  /** Task pole length ℓ of the reward (default 2L = 1 m). */
  poleLength?: number;
  /** The track penalty, or false for exactly −reward (default DEFAULT_TRACK_PENALTY). */
  trackPenalty?: TrackPenalty | false;
}

/** The swing-up definition with the task constants of `cfg`. */
export function defineCartPoleSwingUp(cfg: CartPoleSwingUpConfig = {}): SystemDefinition<CartPoleParam> {
  const l = cfg.poleLength ?? 2 * CARTPOLE_DEFAULTS.halfLength;
  if (!(Number.isFinite(l) && l > 0)) throw new Error(`CartPoleSwingUp: poleLength must be a positive number in metres (got ${l})`);
  const pen = cfg.trackPenalty ?? DEFAULT_TRACK_PENALTY;
  if (pen) {
    if (!Number.isFinite(pen.weight) || pen.weight < 0) throw new Error(`CartPoleSwingUp: trackPenalty.weight must be a finite number ≥ 0 (got ${pen.weight}); use trackPenalty: false to drop the penalty`);
    if (!Number.isFinite(pen.softLimit) || pen.softLimit < 0) throw new Error(`CartPoleSwingUp: trackPenalty.softLimit must be a finite number ≥ 0 in metres (got ${pen.softLimit}), e.g. 1.5`);
  }
  return defineSystem({
    name: pen ? 'cartpole-swingup' : 'cartpole-swingup-reward',
    stateDim: 5,
    actionDim: 1,
    params: { ...CARTPOLE_DEFAULTS } as Record<CartPoleParam, number>,
    dt: CARTPOLE_TAU,
    actionBounds: { low: [-1], high: [1] },
    transition([x, v, c, s, w], [u], p, m) {
      const F = m.mul(CARTPOLE_FORCE_MAG, m.clip(u!, -1, 1));
      const [xAcc, thAcc] = cartPoleAccelerations(F, s!, c!, w!, p, m);
      const d = m.mul(CARTPOLE_TAU, w!);
      const cd = m.cos(d);
      const sd = m.sin(d);
      return [m.add(x!, m.mul(CARTPOLE_TAU, v!)), m.add(v!, m.mul(CARTPOLE_TAU, xAcc)), m.sub(m.mul(c!, cd), m.mul(s!, sd)), m.add(m.mul(s!, cd), m.mul(c!, sd)), m.add(w!, m.mul(CARTPOLE_TAU, thAcc))];
    },
    cost([x, , c, s], [u], _p, m) {
      const dx = m.add(x!, m.mul(l, s!));
      const dy = m.mul(l, m.sub(c!, 1));
      const d2 = m.add(m.square(dx), m.square(dy));
      const uc = m.clip(u!, -1, 1);
      const c0 = m.add(m.neg(m.exp(m.div(d2, -l * l))), m.mul(SWINGUP.actionCost, m.square(uc)));
      return pen ? m.add(c0, m.mul(pen.weight, m.square(m.max(m.sub(m.abs(x!), pen.softLimit), 0)))) : c0;
    },
  });
}

/** The planning definition (with the default track penalty). */
export const cartPoleSwingUpSystem = defineCartPoleSwingUp();
/** The reward's definition: cost = −r exactly. */
const rewardSystem = defineCartPoleSwingUp({ trackPenalty: false });

/** The env's physics: the definition's transition on [x, ẋ, cos θ, sin θ, θ̇], θ unwrapped. */
const ACTUATION: CartPoleActuation = {
  analytic: (s, a, p) => {
    const [x, xDot, c, sn, thetaDot] = cartPoleSwingUpSystem.transition([s.x, s.xDot, Math.cos(s.theta), Math.sin(s.theta), s.thetaDot], [a], p, numberOps) as number[];
    return { x: x!, xDot: xDot!, theta: unwrapAngle(s.theta, c!, sn!), thetaDot: thetaDot! };
  },
  force: (a) => SWINGUP.forceMag * Math.min(1, Math.max(-1, a)),
};

/** The swing-up reward of state s and clipped action a (−cost of the penalty-free definition). */
export function swingUpReward(s: CartPoleState, a: number): number {
  return -(rewardSystem.cost([s.x, s.xDot, Math.cos(s.theta), Math.sin(s.theta), s.thetaDot], [a], CARTPOLE_DEFAULTS, numberOps) as number);
}

/** Swung up and held at the track centre: x = 0, cos θ = 1, sin θ = 0; the action shown is F = 10·a N. */
export const CARTPOLE_SWINGUP_META: EnvMeta = {
  observations: [
    { label: 'x (m)', target: target(0, 'centre x = 0') },
    { label: 'ẋ (m/s)' },
    { label: 'cos θ', target: target(1, 'upright cos θ = 1') },
    { label: 'sin θ', target: target(0, 'upright sin θ = 0') },
    { label: 'θ̇ (rad/s)' },
  ],
  actions: ['applied force F (N)'],
  applied: (a) => [SWINGUP.forceMag * Math.min(1, Math.max(-1, a[0]!))],
  signal: 'reward',
  frame: cartPoleFrame(CARTPOLE_DEFAULTS.halfLength, SWINGUP.xLimit, true),
};

export class CartPoleSwingUpEnv implements Env, Draggable {
  readonly id = 'CartPoleSwingUp-v0';
  readonly dt = CARTPOLE_TAU;
  readonly meta = CARTPOLE_SWINGUP_META;
  readonly physics: Physics;
  readonly observationSpace = new Box([-4.8, -Infinity, -1, -1, -Infinity], [4.8, Infinity, 1, 1, Infinity]);
  readonly actionSpace = new Box([-1], [1]);
  private readonly sim: CartPoleSim;
  private readonly guard = new EpisodeGuard(this.id);
  private lastForce = 0;

  constructor(opts: CartPoleSwingUpOptions = {}) {
    this.physics = opts.physics ?? 'matter';
    this.sim = new CartPoleSim(this.physics, { ...CARTPOLE_PARAMS }, ACTUATION, opts.substeps);
  }

  get params() {
    return this.sim.params;
  }

  private obs(s: CartPoleState): Float32Array {
    return Float32Array.of(s.x, s.xDot, Math.cos(s.theta), Math.sin(s.theta), s.thetaDot);
  }

  getState(): CartPoleState {
    return this.sim.get();
  }

  setState(s: CartPoleState): Float32Array {
    this.sim.set(s);
    return this.obs(s);
  }

  reset(opts: { seed?: number } = {}): { obs: Float32Array; info: Info } {
    const rng = this.guard.reset(opts.seed);
    this.sim.release();
    this.lastForce = 0;
    return {
      obs: this.setState({ x: 0.1 * rng.normal(), xDot: 0.1 * rng.normal(), theta: Math.PI + 0.1 * rng.normal(), thetaDot: 0.1 * rng.normal() }),
      info: {},
    };
  }

  step(action: Float32Array): StepResult {
    this.guard.checkStep();
    const a = validateAction(this.id, action, this.actionSpace)[0]!;
    const reward = swingUpReward(this.sim.get(), a);
    const s = this.sim.step(a);
    this.lastForce = ACTUATION.force(a);
    const terminated = Math.abs(s.x) > SWINGUP.xLimit;
    this.guard.finish(terminated);
    return { obs: this.obs(s), reward, terminated, truncated: false, info: {} };
  }

  render(ctx: CanvasLike, width: number, height: number, opts?: RenderOptions): void {
    drawCartPole(ctx, width, height, this.sim.get(), {
      halfLength: this.sim.params.halfLength,
      xLimit: SWINGUP.xLimit,
      force: this.lastForce,
      forceMag: SWINGUP.forceMag,
      title: `${this.id} (${this.physics})`,
      hanging: true,
      grab: this.sim.grabbed(),
    }, opts);
  }

  /** Holds the cart or the pole nearest `pointer` (m, y up, rail at y = 0); matter physics only (envs/pointer.ts). */
  grab(pointer: Point, opts?: GrabOptions): GrabState {
    return this.sim.grab(this.id, pointer, opts);
  }

  moveGrab(pointer: Point): GrabState {
    return this.sim.moveGrab(this.id, pointer);
  }

  release(): boolean {
    return this.sim.release();
  }

  grabbed(): GrabState | undefined {
    return this.sim.grabbed();
  }

  frameView(width: number, height: number): View {
    return cartPoleView(width, height, this.sim.params.halfLength, SWINGUP.xLimit, true);
  }

  /** The differentiable twin: compileSystem(cartPoleSwingUpSystem) with this env's parameters (track penalty on). */
  model(): CompiledSystem<CartPoleParam> {
    const { tau: _tau, ...params } = this.sim.params;
    return compileSystem(cartPoleSwingUpSystem, { params });
  }

  close(): void {
    this.sim.dispose();
  }
}

register('CartPoleSwingUp-v0', (o) => new CartPoleSwingUpEnv(o as CartPoleSwingUpOptions), { maxEpisodeSteps: 500, physics: 'matter', substeps: CARTPOLE_WORLD_DEFAULTS.substeps }, 'swing the cart-pole up from hanging and balance it (continuous force, PETS reward)');
