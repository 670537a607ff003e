// CartPole-v1 (Gymnasium classic_control; Barto, Sutton & Anderson 1983): keep a pole balanced on a cart.
//
//   Observation  Box([−4.8, −∞, −0.418, −∞], [4.8, ∞, 0.418, ∞]): [x, ẋ, θ, θ̇] (m, m/s, rad, rad/s),
//                θ = 0 upright, θ > 0 leaning right
//   Action       Box([0], [1]) standing for Gymnasium's Discrete(2): a ≥ 0.5 pushes right with +10 N, a < 0.5
//                pushes left with −10 N (0 and 1 are Gymnasium's actions). Values outside [0, 1] are clipped
//                first (same result); NaN or a wrong length raises.
//   Reward       +1 for every step, including the terminating one
//   Termination  |x| > 2.4 or |θ| > 12° (0.2095 rad); make() truncates at 500 steps
//   Reset        x, ẋ, θ, θ̇ ~ U(−0.05, 0.05)
// Constants: gravity 9.8, cart mass 1.0, pole mass 0.1, half-length 0.5, force 10 N, τ = 0.02, Euler.
// physics: 'analytic' = Gymnasium's equations exactly; 'matter' (default) = matter-js rigid bodies. Both and
// their measured drift are described in envs/cartpole-physics.ts. Twin: src/models/cartpole.ts (`model()`).
import type { Env, Info, StepResult, CanvasLike, RenderOptions } from './types.ts';
import { target, type EnvMeta } from './meta.ts';
import { Box } from './spaces.ts';
import { validateAction } from './action.ts';
import { EpisodeGuard } from './episode-guard.ts';
import { register } from './registry.ts';
import { CARTPOLE_PARAMS, CartPoleSim, type CartPoleState, type Physics } from './cartpole-physics.ts';
import { cartPoleFrame, drawCartPole } from './cartpole-render.ts';
import { CARTPOLE_WORLD_DEFAULTS } from './matter/cartpole-world.ts';
import { cartPoleModel } from '../src/models/cartpole.ts';

export interface CartPoleOptions {
  physics?: Physics;
  /** matter-js sub-steps per env step (default 10). */
  substeps?: number;
}

export const CARTPOLE_THRESHOLDS = { x: 2.4, theta: (12 * 2 * Math.PI) / 360, forceMag: 10 } as const;

/** a ≥ 0.5 → +10 N, a < 0.5 → −10 N. */
export function cartPoleForce(a: number): number {
  return a >= 0.5 ? CARTPOLE_THRESHOLDS.forceMag : -CARTPOLE_THRESHOLDS.forceMag;
}

/** Balanced at the track centre: every state entry has target 0; the action shown is the applied force. */
export const CARTPOLE_META: EnvMeta = {
  observations: [
    { label: 'x (m)', target: target(0, 'centre x = 0') },
    { label: 'ẋ (m/s)' },
    { label: 'θ (rad)', target: target(0, 'upright θ = 0') },
    { label: 'θ̇ (rad/s)' },
  ],
  actions: ['applied force F (N)'],
  applied: (a) => [cartPoleForce(Math.min(1, Math.max(0, a[0]!)))],
  signal: 'reward',
  frame: cartPoleFrame(CARTPOLE_PARAMS.halfLength, CARTPOLE_THRESHOLDS.x, false),
};

export class CartPoleEnv implements Env {
  readonly id = 'CartPole-v1';
  readonly dt = CARTPOLE_PARAMS.tau;
  readonly meta = CARTPOLE_META;
  readonly physics: Physics;
  readonly observationSpace = new Box([-4.8, -Infinity, -2 * CARTPOLE_THRESHOLDS.theta, -Infinity], [4.8, Infinity, 2 * CARTPOLE_THRESHOLDS.theta, Infinity]);
  readonly actionSpace = new Box([0], [1]);
  private readonly sim: CartPoleSim;
  private readonly guard = new EpisodeGuard(this.id);
  private lastForce = 0;

  constructor(opts: CartPoleOptions = {}) {
    this.physics = opts.physics ?? 'matter';
    this.sim = new CartPoleSim(this.physics, { ...CARTPOLE_PARAMS }, opts.substeps);
  }

  get params() {
    return this.sim.params;
  }

  private obs(s: CartPoleState): Float32Array {
    return Float32Array.of(s.x, s.xDot, s.theta, s.thetaDot);
  }

  getState(): CartPoleState {
    return this.sim.get();
  }

  /** Overrides the physical state; returns the observation. */
  setState(s: CartPoleState): Float32Array {
    this.sim.set(s);
    return this.obs(s);
  }

  reset(opts: { seed?: number } = {}): { obs: Float32Array; info: Info } {
    const rng = this.guard.reset(opts.seed);
    const [x, xDot, theta, thetaDot] = Array.from({ length: 4 }, () => rng.uniformIn(-0.05, 0.05)) as [number, number, number, number];
    this.lastForce = 0;
    return { obs: this.setState({ x, xDot, theta, thetaDot }), info: {} };
  }

  step(action: Float32Array): StepResult {
    this.guard.checkStep();
    const a = validateAction(this.id, action, this.actionSpace)[0]!;
    const force = cartPoleForce(a);
    const s = this.sim.step(force);
    this.lastForce = force;
    const terminated = Math.abs(s.x) > CARTPOLE_THRESHOLDS.x || Math.abs(s.theta) > CARTPOLE_THRESHOLDS.theta;
    this.guard.finish(terminated);
    return { obs: this.obs(s), reward: 1, terminated, truncated: false, info: {} };
  }

  render(ctx: CanvasLike, width: number, height: number, opts?: RenderOptions): void {
    drawCartPole(ctx, width, height, this.sim.get(), {
      halfLength: this.sim.params.halfLength,
      xLimit: CARTPOLE_THRESHOLDS.x,
      force: this.lastForce,
      forceMag: CARTPOLE_THRESHOLDS.forceMag,
      title: `${this.id} (${this.physics})`,
      hanging: false,
    }, opts);
  }

  /** Differentiable twin (action relaxed to F = 10·(2u − 1)) with the smooth balance cost. */
  model() {
    const p = this.sim.params;
    return cartPoleModel({ massCart: p.massCart, massPole: p.massPole, halfLength: p.halfLength, gravity: p.gravity, tau: p.tau, forceMag: CARTPOLE_THRESHOLDS.forceMag });
  }

  close(): void {
    this.sim.dispose();
  }
}

register('CartPole-v1', (o) => new CartPoleEnv(o as CartPoleOptions), { maxEpisodeSteps: 500, physics: 'matter', substeps: CARTPOLE_WORLD_DEFAULTS.substeps }, 'balance a pole on a cart (Gymnasium semantics; action ≥ 0.5 pushes right)');
