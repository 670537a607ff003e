// MountainCarContinuous-v0 (Gymnasium classic_control; Moore 1990), written only through the public
// plug-in API (envs/api.ts) as an example of a third-party env: an underpowered car must rock back and
// forth to climb the right hill.
//
//   Observation  Box([−1.2, −0.07], [0.6, 0.07]): [position p, velocity v]
//   Action       Box([−1], [1]): engine force u, unitless (Gymnasium: a directional force, clipped to ±1 and
//                multiplied by power 0.0015 into Δv per step); NaN or a wrong length raises
//   Units        position in m, velocity in m per step (Gymnasium's table); goal p ≥ 0.45
//   Reward       −0.1·ū² per step, +100 on the step that reaches the goal (Gymnasium squares the raw action;
//                here the clipped one, equal for in-range actions)
//   Termination  p ≥ 0.45 and v ≥ 0; make() truncates at 999 steps
//   Reset        p ~ U(−0.6, −0.4), v = 0
// The state is stored in float32 after each step, as Gymnasium's float32 state array.
//
// Defined once as `mountainCarSystem` below (the env's physics, and through compileSystem its twin):
//   transition   ū = clip(u, ±1),  v' = clip(v + P·ū − G·cos(3p), ±0.07),  p' = clip(p + v', −1.2, 0.6),
//                v' ← 0 where p' = −1.2 and v' ≤ 0 (the inelastic left wall, a select: no gradient through
//                the wall test, and zero gradient of v' where the car stands at the wall)
//   cost         0.1 ū² − 100·σ((p − 0.45)/0.01) + 10 (0.45 − p)₊²: a smooth planning surrogate of −reward
//                (the +100 is a jump at the goal with no gradient; the shortfall term lets a short horizon
//                feel the goal); the env's reward is Gymnasium's, below
//   parameters   power P = 0.0015 and gravity G = 0.0025 (learnable in the twin)
import { Box, EpisodeGuard, compileSystem, defineSystem, draw, numberOps, register, target, validateAction, type CanvasLike, type CompiledSystem, type Env, type EnvMeta, type Info, type RenderOptions, type StepResult } from './api.ts';

/** Gymnasium's constants of the track and the goal. */
export const MOUNTAIN_CAR = { minPosition: -1.2, maxPosition: 0.6, maxSpeed: 0.07, goalPosition: 0.45 } as const;
const K = MOUNTAIN_CAR;

export const mountainCarSystem = defineSystem({
  name: 'mountain-car',
  stateDim: 2,
  actionDim: 1,
  params: { power: 0.0015, gravity: 0.0025 },
  dt: 1,
  actionBounds: { low: [-1], high: [1] },
  transition([p, v], [u], q, m) {
    const uc = m.clip(u!, -1, 1);
    const v1 = m.clip(m.sub(m.add(v!, m.mul(q.power, uc)), m.mul(q.gravity, m.cos(m.mul(3, p!)))), -K.maxSpeed, K.maxSpeed);
    const p1 = m.clip(m.add(p!, v1), K.minPosition, K.maxPosition);
    // at the wall (p' = −1.2, never below after the clip) a velocity ≤ 0 becomes 0
    const v2 = m.select(v1, v1, m.select(m.sub(p1, K.minPosition), v1, 0));
    return [p1, v2];
  },
  cost([p], [u], _q, m) {
    const uc = m.clip(u!, -1, 1);
    // 100·σ(z) = 50 (1 + tanh(z/2)), z = (p − 0.45)/0.01: no exp to overflow in float32
    const bonus = m.mul(50, m.add(1, m.tanh(m.div(m.sub(p!, K.goalPosition), 0.02))));
    const shortfall = m.mul(10, m.square(m.max(m.sub(K.goalPosition, p!), 0)));
    return m.add(m.sub(m.mul(0.1, m.square(uc)), bonus), shortfall);
  },
});

export type MountainCarParam = keyof typeof mountainCarSystem.params;

/** The goal is position ≥ 0.45 (with v ≥ 0); velocity has no target; the reward is the task signal. */
export const MOUNTAIN_CAR_META: EnvMeta = {
  observations: [{ label: 'position p (m)', target: target(K.goalPosition, `goal p = ${K.goalPosition}`) }, { label: 'velocity v (m/step)' }],
  actions: ['engine force u (unitless, ×0.0015 → Δv)'],
  applied: (a) => [Math.min(1, Math.max(-1, a[0]!))],
  signal: 'reward',
  frame: { width: 480, height: 320 + draw.CAPTION_PX },
};

export class MountainCarContinuousEnv implements Env {
  readonly id = 'MountainCarContinuous-v0';
  readonly meta = MOUNTAIN_CAR_META;
  readonly observationSpace = new Box([K.minPosition, -K.maxSpeed], [K.maxPosition, K.maxSpeed]);
  readonly actionSpace = new Box([-1], [1]);
  private p = 0;
  private v = 0;
  private lastU = 0;
  private readonly guard = new EpisodeGuard(this.id);

  private obs(): Float32Array {
    return Float32Array.of(this.p, this.v);
  }

  /** The physical state: position p (m) and velocity v (m/step). */
  getState(): { position: number; velocity: number } {
    return { position: this.p, velocity: this.v };
  }

  /** Overrides the state (stored in float32, as step does); p ∈ [−1.2, 0.6], |v| ≤ 0.07; returns the observation. */
  setState(position: number, velocity: number): Float32Array {
    // bounds widened to their float32 neighbours, so an observation read back is always accepted
    if (!(Number.isFinite(position) && position >= Math.min(K.minPosition, Math.fround(K.minPosition)) && position <= Math.max(K.maxPosition, Math.fround(K.maxPosition)))) {
      throw new Error(`${this.id}.setState: position must be in [${K.minPosition}, ${K.maxPosition}] m (got ${position})`);
    }
    if (!(Number.isFinite(velocity) && Math.abs(velocity) <= Math.max(K.maxSpeed, Math.fround(K.maxSpeed)))) throw new Error(`${this.id}.setState: velocity must be in [−${K.maxSpeed}, ${K.maxSpeed}] m/step (got ${velocity})`);
    this.p = Math.fround(position);
    this.v = Math.fround(velocity);
    return this.obs();
  }

  reset(opts: { seed?: number } = {}): { obs: Float32Array; info: Info } {
    const rng = this.guard.reset(opts.seed);
    this.p = rng.uniformIn(-0.6, -0.4);
    this.v = 0;
    this.lastU = 0;
    return { obs: this.obs(), info: {} };
  }

  step(action: Float32Array): StepResult {
    this.guard.checkStep();
    const u = validateAction(this.id, action, this.actionSpace)[0]!;
    const next = mountainCarSystem.transition([this.p, this.v], [u], mountainCarSystem.params, numberOps) as number[];
    // keep the state representable in the float32 observation space
    const p = Math.fround(next[0]!);
    const v = Math.fround(next[1]!);
    this.p = p;
    this.v = v;
    this.lastU = u;
    const terminated = p >= K.goalPosition && v >= 0;
    const reward = (terminated ? 100 : 0) - 0.1 * u * u;
    this.guard.finish(terminated);
    return { obs: this.obs(), reward, terminated, truncated: false, info: {} };
  }

  /** The hill y = 0.45 sin(3p) + 0.55, the car on it, the flag, and the engine force as an arrow. */
  render(ctx: CanvasLike, width: number, height: number, opts: RenderOptions = {}): void {
    const h = (x: number) => 0.45 * Math.sin(3 * x) + 0.55;
    const u = opts.action?.[0] ?? this.lastU;
    const v = draw.fitView(width, height, K.minPosition, K.maxPosition, -0.05, 1.15, draw.CAPTION_PX);
    draw.clear(ctx, width, height);
    for (let i = 0; i < 100; i++) {
      const a = K.minPosition + ((K.maxPosition - K.minPosition) * i) / 100;
      const b = K.minPosition + ((K.maxPosition - K.minPosition) * (i + 1)) / 100;
      draw.line(ctx, v.px(a, h(a)), v.px(b, h(b)), '#444444', 2);
    }
    draw.line(ctx, v.px(K.goalPosition, h(K.goalPosition)), v.px(K.goalPosition, h(K.goalPosition) + 0.12), '#333333', 2);
    draw.disc(ctx, v.px(K.goalPosition + 0.03, h(K.goalPosition) + 0.1), 5, '#e5c100');
    const car = v.px(this.p, h(this.p) + 0.03);
    const r = Math.max(5, 0.04 * v.scale);
    draw.disc(ctx, car, r, '#222222');
    const from: [number, number] = [car[0] + Math.sign(u) * r, car[1]]; // from the car's edge, so a small force stays visible
    draw.arrow(ctx, from, [from[0] + u * 0.15 * v.scale, from[1]], '#2a6fdb');
    draw.caption(ctx, `${this.id}  u = ${u.toFixed(2)} (unitless force)`, opts.note);
  }

  /** The differentiable twin: compileSystem(mountainCarSystem) (power and gravity learnable). */
  model(): CompiledSystem<MountainCarParam> {
    return compileSystem(mountainCarSystem);
  }
}

register('MountainCarContinuous-v0', () => new MountainCarContinuousEnv(), { maxEpisodeSteps: 999 }, 'drive an underpowered car up a hill (Gymnasium constants; plug-in API example)');
