// MountainCarContinuous-v0 (Gymnasium classic_control; Moore 1990), written only through the public
// plug-in API (envs/api.ts) as an example of a third-party env: an underpowered car must rock back and
// forth to climb the right hill.
//
//   Observation  Box([−1.2, −0.07], [0.6, 0.07]): [position p, velocity v]
//   Action       Box([−1], [1]): engine force u, unitless (Gymnasium: a directional force, clipped to ±1 and
//                multiplied by power 0.0015 into Δv per step); NaN or a wrong length raises
//   Units        position in m, velocity in m per step (Gymnasium's table); goal p ≥ 0.45
//   Dynamics     v' = clip(v + 0.0015·ū − 0.0025·cos(3p), ±0.07), p' = clip(p + v', −1.2, 0.6);
//                v' = 0 if p' = −1.2 and v' < 0
//   Reward       −0.1·ū² per step, +100 on the step that reaches the goal (Gymnasium squares the raw action;
//                here the clipped one, equal for in-range actions)
//   Termination  p ≥ 0.45 and v ≥ 0; make() truncates at 999 steps
//   Reset        p ~ U(−0.6, −0.4), v = 0
// Twin: src/models/mountain-car.ts.
import { Box, EpisodeGuard, draw, register, target, validateAction, type CanvasLike, type Env, type EnvMeta, type Info, type RenderOptions, type StepResult } from './api.ts';
import { mountainCarModel, MOUNTAIN_CAR_CONSTANTS as K } from '../src/models/mountain-car.ts';

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
    let v = this.v + u * K.power - K.gravity * Math.cos(3 * this.p);
    v = Math.min(Math.max(v, -K.maxSpeed), K.maxSpeed);
    let p = Math.min(Math.max(this.p + v, K.minPosition), K.maxPosition);
    if (p === K.minPosition && v < 0) v = 0;
    // keep the state representable in the float32 observation space
    p = Math.fround(p);
    v = Math.fround(v);
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

  model() {
    return mountainCarModel();
  }
}

register('MountainCarContinuous-v0', () => new MountainCarContinuousEnv(), { maxEpisodeSteps: 999 }, 'drive an underpowered car up a hill (Gymnasium constants; plug-in API example)');
