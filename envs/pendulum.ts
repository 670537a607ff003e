// Pendulum-v1 (Gymnasium classic_control): swing a rod up and keep it upright with a bounded torque.
//
//   Observation  Box([−1, −1, −8], [1, 1, 8]): [cos θ, sin θ, θ̇], θ = 0 upright, θ̇ in rad/s
//   Action       Box([−2], [2]): pivot torque u in N·m; out-of-range values are clipped to ±2 (as Gymnasium),
//                NaN or a wrong length raises
//   Reward       −(angle_normalize(θ)² + 0.1 θ̇² + 0.001 u²), on the state before the step, in [−16.27, 0]
//   Termination  never; make() truncates at 200 steps
//   Reset        θ ~ U(−π, π), θ̇ ~ U(−1, 1)
// Constants: g = 10, m = 1, l = 1, dt = 0.05, max speed 8, max torque 2 (options g, m, l override them).
// physics: 'analytic' is Gymnasium's semi-implicit Euler step exactly:
//   θ̇' = clip(θ̇ + (3g/(2l) sin θ + 3/(m l²) u)·dt, −8, 8),  θ' = θ + θ̇'·dt
// physics: 'matter' (default) integrates the same rigid rod in matter-js (envs/matter/pendulum-world.ts,
// 20 sub-steps of 2.5 ms), then clips θ̇ to ±8 after the step. Measured drift from the same state over 1 s
// (20 steps; 20 random states θ ~ U(−π, π), θ̇ ~ U(−1, 1), constant u ~ U(−2, 2); test/envs/pendulum.test.ts
// bounds it): max |θ_matter − θ_analytic| = 0.37 rad, while matter stays within 0.11 rad of a 1000×-finer
// integration of the same ODE: most of the gap is the analytic model's own dt = 0.05 Euler error.
// The differentiable twin is src/models/pendulum.ts (`model()`).
import type { Env, Info, StepResult, CanvasLike, RenderOptions } from './types.ts';
import { target, type EnvMeta } from './meta.ts';
import { Box } from './spaces.ts';
import { validateAction } from './action.ts';
import { EpisodeGuard } from './episode-guard.ts';
import { register } from './registry.ts';
import { PendulumWorld, PENDULUM_WORLD_DEFAULTS } from './matter/pendulum-world.ts';
import { caption, CAPTION_PX, clear, disc, fitView, line, torqueArrow } from './render.ts';
import { pendulumModel } from '../src/models/pendulum.ts';

export type Physics = 'matter' | 'analytic';

export interface PendulumOptions {
  physics?: Physics;
  g?: number;
  m?: number;
  l?: number;
  /** matter-js sub-steps per env step (default 20). */
  substeps?: number;
}

export interface PendulumParams {
  g: number;
  m: number;
  l: number;
  dt: number;
  maxSpeed: number;
  maxTorque: number;
}

/** Gymnasium's step on (θ, θ̇) with the torque already clipped: returns [θ', θ̇']. */
export function pendulumAnalyticStep(theta: number, thetaDot: number, u: number, p: PendulumParams): [number, number] {
  let w = thetaDot + ((3 * p.g) / (2 * p.l) * Math.sin(theta) + (3 / (p.m * p.l * p.l)) * u) * p.dt;
  w = Math.min(Math.max(w, -p.maxSpeed), p.maxSpeed);
  return [theta + w * p.dt, w];
}

/** angle_normalize(θ) = ((θ + π) mod 2π) − π. */
export function angleNormalize(x: number): number {
  return ((((x + Math.PI) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)) - Math.PI;
}

/** Upright and still: cos θ = 1, sin θ = 0, θ̇ = 0; stated as a cost (c = −r). */
export const PENDULUM_META: EnvMeta = {
  observations: [
    { label: 'cos θ', target: target(1, 'upright cos θ = 1') },
    { label: 'sin θ', target: target(0, 'upright sin θ = 0') },
    { label: 'θ̇ (rad/s)', target: target(0, 'at rest θ̇ = 0') },
  ],
  actions: ['torque u (N·m)'],
  applied: (a) => [Math.min(2, Math.max(-2, a[0]!))],
  signal: 'cost',
  frame: { width: 400, height: 400 + CAPTION_PX },
};

export class PendulumEnv implements Env {
  readonly id = 'Pendulum-v1';
  readonly meta: EnvMeta;
  get dt(): number {
    return this.params.dt;
  }
  readonly params: PendulumParams;
  readonly physics: Physics;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  private theta = 0;
  private thetaDot = 0;
  private lastU = 0;
  private readonly guard = new EpisodeGuard(this.id);
  private readonly world: PendulumWorld | undefined;

  constructor(opts: PendulumOptions = {}) {
    const physics = opts.physics ?? 'matter';
    if (physics !== 'matter' && physics !== 'analytic') {
      throw new Error(`Pendulum-v1: option physics must be 'matter' or 'analytic' (got ${JSON.stringify(physics)})`);
    }
    this.physics = physics;
    this.params = { g: opts.g ?? 10, m: opts.m ?? 1, l: opts.l ?? 1, dt: 0.05, maxSpeed: 8, maxTorque: 2 };
    for (const k of ['m', 'l'] as const) {
      if (!(this.params[k] > 0)) throw new Error(`Pendulum-v1: option ${k} must be a positive number (got ${this.params[k]})`);
    }
    this.observationSpace = new Box([-1, -1, -this.params.maxSpeed], [1, 1, this.params.maxSpeed]);
    this.actionSpace = new Box([-this.params.maxTorque], [this.params.maxTorque]);
    const maxTorque = this.params.maxTorque;
    this.meta = { ...PENDULUM_META, applied: (a) => [Math.min(maxTorque, Math.max(-maxTorque, a[0]!))] };
    if (physics === 'matter') {
      this.world = new PendulumWorld({ ...PENDULUM_WORLD_DEFAULTS, g: this.params.g, m: this.params.m, l: this.params.l, dt: this.params.dt, ...(opts.substeps ? { substeps: opts.substeps } : {}) });
    }
  }

  private obs(): Float32Array {
    return Float32Array.of(Math.cos(this.theta), Math.sin(this.theta), this.thetaDot);
  }

  /** The physical state (θ, θ̇). */
  getState(): { theta: number; thetaDot: number } {
    return { theta: this.theta, thetaDot: this.thetaDot };
  }

  /** Overrides the physical state (e.g. to compare physics backends from one state); returns the observation. */
  setState(theta: number, thetaDot: number): Float32Array {
    if (!Number.isFinite(theta) || !Number.isFinite(thetaDot)) throw new Error(`Pendulum-v1.setState: theta and thetaDot must be finite (got ${theta}, ${thetaDot})`);
    this.theta = theta;
    this.thetaDot = thetaDot;
    this.world?.setState(theta, thetaDot);
    return this.obs();
  }

  reset(opts: { seed?: number } = {}): { obs: Float32Array; info: Info } {
    const rng = this.guard.reset(opts.seed);
    const theta = rng.uniformIn(-Math.PI, Math.PI);
    const thetaDot = rng.uniformIn(-1, 1);
    this.lastU = 0;
    return { obs: this.setState(theta, thetaDot), info: {} };
  }

  step(action: Float32Array): StepResult {
    this.guard.checkStep();
    const u = validateAction(this.id, action, this.actionSpace)[0]!;
    const p = this.params;
    const reward = -(angleNormalize(this.theta) ** 2 + 0.1 * this.thetaDot ** 2 + 0.001 * u * u);
    if (this.world) {
      this.world.step(u);
      const s = this.world.getState();
      this.theta = s.theta;
      this.thetaDot = Math.min(Math.max(s.thetaDot, -p.maxSpeed), p.maxSpeed);
      if (this.thetaDot !== s.thetaDot) this.world.setState(this.theta, this.thetaDot);
    } else {
      [this.theta, this.thetaDot] = pendulumAnalyticStep(this.theta, this.thetaDot, u, p);
    }
    this.lastU = u;
    return { obs: this.obs(), reward, terminated: false, truncated: false, info: {} };
  }

  /** Rod from the pivot, bob at the tip, and the last torque as a circular arrow (clockwise = positive). */
  render(ctx: CanvasLike, width: number, height: number, opts: RenderOptions = {}): void {
    const l = this.params.l;
    const u = opts.action?.[0] ?? this.lastU;
    const v = fitView(width, height, -1.2 * l, 1.2 * l, -1.2 * l, 1.2 * l, CAPTION_PX);
    clear(ctx, width, height);
    const pivot = v.px(0, 0);
    const tip = v.px(l * Math.sin(this.theta), l * Math.cos(this.theta));
    line(ctx, pivot, tip, '#cc4c4c', Math.max(4, 0.08 * v.scale));
    disc(ctx, tip, Math.max(4, 0.06 * v.scale), '#993333');
    disc(ctx, pivot, 5, '#222222');
    torqueArrow(ctx, pivot, 0.3 * v.scale, u / this.params.maxTorque, '#2a6fdb');
    caption(ctx, `${this.id} (${this.physics})  u = ${u.toFixed(2)} N·m`, opts.note);
  }

  /** Differentiable twin with this env's constants. */
  model() {
    const p = this.params;
    return pendulumModel({ mass: p.m, length: p.l, gravity: p.g, dt: p.dt, maxSpeed: p.maxSpeed, maxTorque: p.maxTorque });
  }

  close(): void {
    this.world?.dispose();
  }
}

register('Pendulum-v1', (o) => new PendulumEnv(o as PendulumOptions), { maxEpisodeSteps: 200, physics: 'matter', g: 10, m: 1, l: 1, substeps: PENDULUM_WORLD_DEFAULTS.substeps }, 'swing a rod upright with a bounded torque (Gymnasium constants)');
