// Pendulum-v1 (Gymnasium classic_control): swing a rod up and keep it upright with a bounded torque.
//
//   Observation  Box([−1, −1, −8], [1, 1, 8]): [cos θ, sin θ, θ̇], θ = 0 upright, θ̇ in rad/s
//   Action       Box([−2], [2]): pivot torque u in N·m; out-of-range values are clipped to ±2 (as Gymnasium),
//                NaN or a wrong length raises
//   Reward       −(angle_normalize(θ)² + 0.1 θ̇² + 0.001 u²), on the state before the step, in [−16.27, 0]
//   Termination  never; make() truncates at 200 steps
//   Reset        θ ~ U(−π, π), θ̇ ~ U(−1, 1)
// Constants: g = 10, m = 1, l = 1, dt = 0.05, max speed 8, max torque 2 (options g, m, l override them).
//
// Defined once as `pendulumSystem` below: the analytic physics, the reward (−cost) and, through
// compileSystem, the differentiable twin `model()` and its generated fused rollout all come from it.
//   transition   ū = clip(u, ±2),  θ̇' = clip(θ̇ + (3g/(2l) sin θ + 3/(m l²)(ū − b θ̇)) dt, ±8),
//                (cos θ', sin θ') = rotation of (cos θ, sin θ) by θ̇' dt   (Gymnasium's step θ' = θ + θ̇' dt; b = 0)
//   cost         atan2(sin θ, cos θ)² + 0.1 θ̇² + 0.001 ū²   (atan2 = angle_normalize(θ))
//   parameters   mass 1, length 1, gravity 10, damping 0 (viscous pivot damping b, for system identification)
// physics: 'analytic' runs the definition on numbers; 'matter' (default) integrates the same rigid rod in
// matter-js (envs/matter/pendulum-world.ts, 20 sub-steps of 2.5 ms), then clips θ̇ to ±8 after the step.
// Measured drift from the same state over 1 s (20 steps; 20 random states θ ~ U(−π, π), θ̇ ~ U(−1, 1),
// constant u ~ U(−2, 2); test/envs/pendulum.test.ts bounds it): max |θ_matter − θ_analytic| = 0.37 rad, while
// matter stays within 0.11 rad of a 1000×-finer integration of the same ODE: most of the gap is the analytic
// model's own dt = 0.05 Euler error.
// Pointer drag (envs/pointer.ts, matter physics only): grab(point) holds the rod at its point nearest the
// pointer (frame: pivot at the origin, metres, y up) with a soft constraint that pulls it toward the pointer
// while the env steps; release() lets go; reset() releases.
import type { Env, Info, StepResult, CanvasLike, RenderOptions } from './types.ts';
import { target, type EnvMeta } from './meta.ts';
import { Box } from './spaces.ts';
import { validateAction } from './action.ts';
import { EpisodeGuard } from './episode-guard.ts';
import { register } from './registry.ts';
import { unwrapAngle } from './angle.ts';
import { PendulumWorld, PENDULUM_WORLD_DEFAULTS } from './matter/pendulum-world.ts';
import { caption, CAPTION_PX, clear, disc, fitView, line, torqueArrow, type View } from './render.ts';
import { analyticGrabError, drawGrab, type Draggable, type GrabOptions, type GrabState, type Point } from './pointer.ts';
import { defineSystem } from '../src/models/system/definition.ts';
import { numberOps } from '../src/models/system/ops.ts';
import { compileSystem, type CompiledSystem } from '../src/models/system/compile.ts';

export type Physics = 'matter' | 'analytic';

/** Gymnasium's limits: |θ̇| ≤ 8 rad/s, |u| ≤ 2 N·m. */
export const PENDULUM_LIMITS = { maxSpeed: 8, maxTorque: 2 } as const;
const { maxSpeed: MAX_SPEED, maxTorque: MAX_TORQUE } = PENDULUM_LIMITS;
const DT = 0.05;

export const pendulumSystem = defineSystem({
  name: 'pendulum',
  stateDim: 3,
  actionDim: 1,
  params: { mass: 1, length: 1, gravity: 10, damping: 0 },
  dt: DT,
  actionBounds: { low: [-MAX_TORQUE], high: [MAX_TORQUE] },
  transition([c, s, w], [u], p, m) {
    const uc = m.clip(u!, -MAX_TORQUE, MAX_TORQUE);
    const gravity = m.mul(m.div(m.mul(1.5, p.gravity), p.length), s!);
    const inertiaInv = m.div(3, m.mul(p.mass, m.square(p.length)));
    const acc = m.add(gravity, m.mul(inertiaInv, m.sub(uc, m.mul(p.damping, w!))));
    const w2 = m.clip(m.add(w!, m.mul(acc, DT)), -MAX_SPEED, MAX_SPEED);
    const d = m.mul(w2, DT);
    const cd = m.cos(d);
    const sd = m.sin(d);
    return [m.sub(m.mul(c!, cd), m.mul(s!, sd)), m.add(m.mul(s!, cd), m.mul(c!, sd)), w2];
  },
  cost([c, s, w], [u], _p, m) {
    const th = m.atan2(s!, c!);
    const uc = m.clip(u!, -MAX_TORQUE, MAX_TORQUE);
    return m.add(m.add(m.square(th), m.mul(0.1, m.square(w!))), m.mul(0.001, m.square(uc)));
  },
});

export type PendulumParam = keyof typeof pendulumSystem.params;

export interface PendulumOptions {
  physics?: Physics;
  g?: number;
  m?: number;
  l?: number;
  /** matter-js sub-steps per env step (default 20). */
  substeps?: number;
}

/** The env's constants under Gymnasium's names (from pendulumSystem and PENDULUM_LIMITS). */
export interface PendulumParams {
  g: number;
  m: number;
  l: number;
  dt: number;
  maxSpeed: number;
  maxTorque: number;
}

/** Upright and still: cos θ = 1, sin θ = 0, θ̇ = 0; stated as a cost (c = −r). */
export const PENDULUM_META: EnvMeta = {
  observations: [
    { label: 'cos θ', target: target(1, 'upright cos θ = 1') },
    { label: 'sin θ', target: target(0, 'upright sin θ = 0') },
    { label: 'θ̇ (rad/s)', target: target(0, 'at rest θ̇ = 0') },
  ],
  actions: ['torque u (N·m)'],
  applied: (a) => [Math.min(MAX_TORQUE, Math.max(-MAX_TORQUE, a[0]!))],
  signal: 'cost',
  frame: { width: 400, height: 400 + CAPTION_PX },
};

export class PendulumEnv implements Env, Draggable {
  readonly id = 'Pendulum-v1';
  readonly meta = PENDULUM_META;
  readonly dt = pendulumSystem.dt;
  readonly params: PendulumParams;
  /** The definition's parameters of this env (g, m, l under their definition names). */
  readonly systemParams: Readonly<Record<PendulumParam, number>>;
  readonly physics: Physics;
  readonly observationSpace = new Box([-1, -1, -MAX_SPEED], [1, 1, MAX_SPEED]);
  readonly actionSpace = new Box(pendulumSystem.actionBounds.low, pendulumSystem.actionBounds.high);
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
    const d = pendulumSystem.params;
    this.systemParams = Object.freeze({ ...d, gravity: opts.g ?? d.gravity, mass: opts.m ?? d.mass, length: opts.l ?? d.length });
    const p = this.systemParams;
    this.params = { g: p.gravity, m: p.mass, l: p.length, dt: DT, ...PENDULUM_LIMITS };
    for (const k of ['m', 'l'] as const) {
      if (!(this.params[k] > 0)) throw new Error(`Pendulum-v1: option ${k} must be a positive number (got ${this.params[k]})`);
    }
    if (!Number.isFinite(this.params.g)) throw new Error(`Pendulum-v1: option g must be a finite number (got ${this.params.g})`);
    if (physics === 'matter') {
      this.world = new PendulumWorld({ ...PENDULUM_WORLD_DEFAULTS, g: p.gravity, m: p.mass, l: p.length, dt: DT, ...(opts.substeps ? { substeps: opts.substeps } : {}) });
    }
  }

  /** The definition's state = the observation [cos θ, sin θ, θ̇] (Float64). */
  private state(): number[] {
    return [Math.cos(this.theta), Math.sin(this.theta), this.thetaDot];
  }

  private obs(): Float32Array {
    return Float32Array.from(this.state());
  }

  /** The physical state (θ, θ̇), θ unwrapped. */
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
    this.world?.release();
    return { obs: this.setState(theta, thetaDot), info: {} };
  }

  step(action: Float32Array): StepResult {
    this.guard.checkStep();
    const u = validateAction(this.id, action, this.actionSpace)[0]!;
    const x = this.state();
    const reward = -(pendulumSystem.cost(x, [u], this.systemParams, numberOps) as number);
    if (this.world) {
      this.world.step(u);
      const s = this.world.getState();
      this.theta = s.theta;
      this.thetaDot = Math.min(Math.max(s.thetaDot, -MAX_SPEED), MAX_SPEED);
      if (this.thetaDot !== s.thetaDot) this.world.setState(this.theta, this.thetaDot);
    } else {
      const [c, s, w] = pendulumSystem.transition(x, [u], this.systemParams, numberOps) as number[];
      this.theta = unwrapAngle(this.theta, c!, s!);
      this.thetaDot = w!;
    }
    this.lastU = u;
    return { obs: this.obs(), reward, terminated: false, truncated: false, info: {} };
  }

  private matter(): PendulumWorld {
    if (!this.world) throw analyticGrabError(this.id);
    return this.world;
  }

  /** Holds the rod at its point nearest `pointer` (m, y up, pivot at the origin); matter physics only. */
  grab(pointer: Point, opts: GrabOptions = {}): GrabState {
    const w = this.matter();
    return opts.radius === undefined ? w.grab(pointer) : w.grab(pointer, opts.radius);
  }

  moveGrab(pointer: Point): GrabState {
    return this.matter().moveGrab(pointer);
  }

  release(): boolean {
    return this.world?.release() ?? false;
  }

  grabbed(): GrabState | undefined {
    return this.world?.grabbed();
  }

  /** The view render draws with: ±1.2 l around the pivot below the caption band. */
  frameView(width: number, height: number): View {
    const l = this.params.l;
    return fitView(width, height, -1.2 * l, 1.2 * l, -1.2 * l, 1.2 * l, CAPTION_PX);
  }

  /** Rod from the pivot, bob at the tip, the last torque as a circular arrow (clockwise = positive), the grab. */
  render(ctx: CanvasLike, width: number, height: number, opts: RenderOptions = {}): void {
    const l = this.params.l;
    const u = opts.action?.[0] ?? this.lastU;
    const v = this.frameView(width, height);
    clear(ctx, width, height);
    const pivot = v.px(0, 0);
    const tip = v.px(l * Math.sin(this.theta), l * Math.cos(this.theta));
    line(ctx, pivot, tip, '#cc4c4c', Math.max(4, 0.08 * v.scale));
    disc(ctx, tip, Math.max(4, 0.06 * v.scale), '#993333');
    disc(ctx, pivot, 5, '#222222');
    torqueArrow(ctx, pivot, 0.3 * v.scale, u / MAX_TORQUE, '#2a6fdb');
    drawGrab(ctx, v, this.grabbed());
    caption(ctx, `${this.id} (${this.physics})  u = ${u.toFixed(2)} N·m`, opts.note);
  }

  /** The differentiable twin with this env's constants: compileSystem(pendulumSystem) (all four parameters learnable). */
  model(): CompiledSystem<PendulumParam> {
    return compileSystem(pendulumSystem, { params: this.systemParams });
  }

  close(): void {
    this.world?.dispose();
  }
}

register('Pendulum-v1', (o) => new PendulumEnv(o as PendulumOptions), { maxEpisodeSteps: 200, physics: 'matter', g: pendulumSystem.params.gravity, m: pendulumSystem.params.mass, l: pendulumSystem.params.length, substeps: PENDULUM_WORLD_DEFAULTS.substeps }, 'swing a rod upright with a bounded torque (Gymnasium constants)');
