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
//
// Defined once as `cartPoleSystem` below (physics in envs/cartpole-physics.ts):
//   transition   F = 10·(2·clip(u, 0, 1) − 1), Gymnasium's Euler step. The env applies it to the action
//                quantized to Discrete(2), u ∈ {0, 1} (F = ±10 exactly); the twin sees this linear relaxation,
//                which equals the env at u ∈ {0, 1} and gives planners a gradient in between.
//   cost         (θ/θ_max)² + (x/x_max)² + 0.01(ẋ² + θ̇²), θ_max = 12°, x_max = 2.4: a planning surrogate,
//                since −reward is the constant −1 (no signal to plan on); the env's reward and termination are
//                Gymnasium's, below.
//   parameters   massCart 1, massPole 0.1, halfLength 0.5, gravity 9.8 (learnable in the twin)
// physics: 'analytic' runs the definition on numbers; 'matter' (default) = matter-js rigid bodies under the
// same force; their drift is described in envs/cartpole-physics.ts.
import type { Env, Info, StepResult, CanvasLike, RenderOptions } from './types.ts';
import { target, type EnvMeta } from './meta.ts';
import { Box } from './spaces.ts';
import { validateAction } from './action.ts';
import { EpisodeGuard } from './episode-guard.ts';
import { register } from './registry.ts';
import { CARTPOLE_DEFAULTS, CARTPOLE_FORCE_MAG, CARTPOLE_PARAMS, CARTPOLE_TAU, CartPoleSim, cartPoleEuler, type CartPoleActuation, type CartPoleParam, type CartPoleState, type Physics } from './cartpole-physics.ts';
import { cartPoleFrame, cartPoleView, drawCartPole } from './cartpole-render.ts';
import type { Draggable, GrabOptions, GrabState, Point } from './pointer.ts';
import type { View } from './render.ts';
import { CARTPOLE_WORLD_DEFAULTS } from './matter/cartpole-world.ts';
import { defineSystem } from '../src/models/system/definition.ts';
import { numberOps, type Ops, type Val } from '../src/models/system/ops.ts';
import { compileSystem, type CompiledSystem } from '../src/models/system/compile.ts';

export const CARTPOLE_THRESHOLDS = { x: 2.4, theta: (12 * 2 * Math.PI) / 360, forceMag: CARTPOLE_FORCE_MAG } as const;

/** F = F_mag·(2·clip(u, 0, 1) − 1): ±10 N at Gymnasium's actions u ∈ {0, 1}. */
function forceOf<T>(u: Val<T>, m: Ops<T>): T {
  return m.mul(CARTPOLE_FORCE_MAG, m.sub(m.mul(2, m.clip(u, 0, 1)), 1));
}

export const cartPoleSystem = defineSystem({
  name: 'cartpole',
  stateDim: 4,
  actionDim: 1,
  params: { ...CARTPOLE_DEFAULTS } as Record<CartPoleParam, number>,
  dt: CARTPOLE_TAU,
  actionBounds: { low: [0], high: [1] },
  transition(x, [u], p, m) {
    return cartPoleEuler(x, forceOf(u!, m), p, CARTPOLE_TAU, m);
  },
  cost([x, v, th, w], _u, _p, m) {
    const { theta: thMax, x: xMax } = CARTPOLE_THRESHOLDS;
    return m.add(m.add(m.square(m.div(th!, thMax)), m.square(m.div(x!, xMax))), m.mul(0.01, m.add(m.square(v!), m.square(w!))));
  },
});

/** Gymnasium's Discrete(2) reading of the action: a ≥ 0.5 → 1 (push right), else 0 (push left). */
export function cartPoleDiscrete(a: number): 0 | 1 {
  return a >= 0.5 ? 1 : 0;
}

/** The force (N) of action a: ±10. */
export function cartPoleForce(a: number): number {
  return forceOf(cartPoleDiscrete(a), numberOps);
}

/** The env's physics: the definition's transition at the quantized action. */
const ACTUATION: CartPoleActuation = {
  analytic: (s, a, p) => {
    const [x, xDot, theta, thetaDot] = cartPoleSystem.transition([s.x, s.xDot, s.theta, s.thetaDot], [cartPoleDiscrete(a)], p, numberOps) as [number, number, number, number];
    return { x, xDot, theta, thetaDot };
  },
  force: cartPoleForce,
};

export interface CartPoleOptions {
  physics?: Physics;
  /** matter-js sub-steps per env step (default 10). */
  substeps?: number;
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
  frame: cartPoleFrame(CARTPOLE_DEFAULTS.halfLength, CARTPOLE_THRESHOLDS.x, false),
};

export class CartPoleEnv implements Env, Draggable {
  readonly id = 'CartPole-v1';
  readonly dt = CARTPOLE_TAU;
  readonly meta = CARTPOLE_META;
  readonly physics: Physics;
  readonly observationSpace = new Box([-4.8, -Infinity, -2 * CARTPOLE_THRESHOLDS.theta, -Infinity], [4.8, Infinity, 2 * CARTPOLE_THRESHOLDS.theta, Infinity]);
  readonly actionSpace = new Box([0], [1]);
  private readonly sim: CartPoleSim;
  private readonly guard = new EpisodeGuard(this.id);
  private lastForce = 0;

  constructor(opts: CartPoleOptions = {}) {
    this.physics = opts.physics ?? 'matter';
    this.sim = new CartPoleSim(this.physics, { ...CARTPOLE_PARAMS }, ACTUATION, opts.substeps);
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
    this.sim.release();
    const [x, xDot, theta, thetaDot] = Array.from({ length: 4 }, () => rng.uniformIn(-0.05, 0.05)) as [number, number, number, number];
    this.lastForce = 0;
    return { obs: this.setState({ x, xDot, theta, thetaDot }), info: {} };
  }

  step(action: Float32Array): StepResult {
    this.guard.checkStep();
    const a = validateAction(this.id, action, this.actionSpace)[0]!;
    const s = this.sim.step(a);
    this.lastForce = cartPoleForce(a);
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
    return cartPoleView(width, height, this.sim.params.halfLength, CARTPOLE_THRESHOLDS.x, false);
  }

  /** The differentiable twin: compileSystem(cartPoleSystem) with this env's parameters (action relaxed, surrogate cost). */
  model(): CompiledSystem<CartPoleParam> {
    const { tau: _tau, ...params } = this.sim.params;
    return compileSystem(cartPoleSystem, { params });
  }

  close(): void {
    this.sim.dispose();
  }
}

register('CartPole-v1', (o) => new CartPoleEnv(o as CartPoleOptions), { maxEpisodeSteps: 500, physics: 'matter', substeps: CARTPOLE_WORLD_DEFAULTS.substeps }, 'balance a pole on a cart (Gymnasium semantics; action ≥ 0.5 pushes right)');
