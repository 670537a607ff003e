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
// Constants and physics ('matter' default, 'analytic'): as CartPole-v1, see envs/cartpole-physics.ts.
// Twin: src/models/cartpole.ts `cartPoleSwingUpModel`. Its planning cost is −r plus a smooth track penalty
// 10·relu(|x| − 1.5)² (zero in the middle of the track; without it the planner, which sees no termination,
// swings the cart off the 2.4 m track); `CartPoleSwingUpCost({ trackPenalty: false })` is exactly −r.
import type { Env, Info, StepResult, CanvasLike, RenderOptions } from './types.ts';
import { target, type EnvMeta } from './meta.ts';
import { Box } from './spaces.ts';
import { validateAction } from './action.ts';
import { EpisodeGuard } from './episode-guard.ts';
import { register } from './registry.ts';
import { CARTPOLE_PARAMS, CartPoleSim, type CartPoleState, type Physics } from './cartpole-physics.ts';
import { cartPoleFrame, drawCartPole } from './cartpole-render.ts';
import { CARTPOLE_WORLD_DEFAULTS } from './matter/cartpole-world.ts';
import { cartPoleSwingUpModel } from '../src/models/cartpole.ts';

export interface CartPoleSwingUpOptions {
  physics?: Physics;
  substeps?: number;
}

export const SWINGUP = { xLimit: 2.4, forceMag: 10, actionCost: 0.01 } as const;

/** The swing-up reward of state s and clipped action a. */
export function swingUpReward(s: CartPoleState, a: number, poleLength: number): number {
  const dx = s.x + poleLength * Math.sin(s.theta);
  const dy = poleLength * Math.cos(s.theta) - poleLength;
  return Math.exp(-(dx * dx + dy * dy) / (poleLength * poleLength)) - SWINGUP.actionCost * a * a;
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
  frame: cartPoleFrame(CARTPOLE_PARAMS.halfLength, SWINGUP.xLimit, true),
};

export class CartPoleSwingUpEnv implements Env {
  readonly id = 'CartPoleSwingUp-v0';
  readonly dt = CARTPOLE_PARAMS.tau;
  readonly meta = CARTPOLE_SWINGUP_META;
  readonly physics: Physics;
  readonly observationSpace = new Box([-4.8, -Infinity, -1, -1, -Infinity], [4.8, Infinity, 1, 1, Infinity]);
  readonly actionSpace = new Box([-1], [1]);
  private readonly sim: CartPoleSim;
  private readonly guard = new EpisodeGuard(this.id);
  private lastForce = 0;

  constructor(opts: CartPoleSwingUpOptions = {}) {
    this.physics = opts.physics ?? 'matter';
    this.sim = new CartPoleSim(this.physics, { ...CARTPOLE_PARAMS }, opts.substeps);
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
    this.lastForce = 0;
    return {
      obs: this.setState({ x: 0.1 * rng.normal(), xDot: 0.1 * rng.normal(), theta: Math.PI + 0.1 * rng.normal(), thetaDot: 0.1 * rng.normal() }),
      info: {},
    };
  }

  step(action: Float32Array): StepResult {
    this.guard.checkStep();
    const a = validateAction(this.id, action, this.actionSpace)[0]!;
    const reward = swingUpReward(this.sim.get(), a, 2 * this.sim.params.halfLength);
    const force = SWINGUP.forceMag * a;
    const s = this.sim.step(force);
    this.lastForce = force;
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
    }, opts);
  }

  model() {
    const p = this.sim.params;
    return cartPoleSwingUpModel(
      { massCart: p.massCart, massPole: p.massPole, halfLength: p.halfLength, gravity: p.gravity, tau: p.tau, forceMag: SWINGUP.forceMag },
      2 * p.halfLength,
    );
  }

  close(): void {
    this.sim.dispose();
  }
}

register('CartPoleSwingUp-v0', (o) => new CartPoleSwingUpEnv(o as CartPoleSwingUpOptions), { maxEpisodeSteps: 500, physics: 'matter', substeps: CARTPOLE_WORLD_DEFAULTS.substeps }, 'swing the cart-pole up from hanging and balance it (continuous force, PETS reward)');
