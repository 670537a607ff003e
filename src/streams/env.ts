// The environment interface the loops drive, with Gymnasium semantics (reset → obs, info; step → obs, reward,
// terminated, truncated, info), the space type and the metadata an env states for plots and GIFs. It lives
// here, below envs/, so the loops of src/ run any env without importing an implementation; envs/ (one env per
// file, the registry) re-exports it as its plug-in API (envs/types.ts, envs/api.ts).
import type { DynamicsModel, CostModel } from '../models/types.ts';
import type { CanvasLike } from '../plot/canvas-like.ts';
import type { Rng } from '../tensor/rng.ts';

export type { CanvasLike };

export type Info = Record<string, unknown>;

/** A box in R^n: low ≤ x ≤ high elementwise (bounds may be ±Infinity). */
export interface BoxSpace {
  readonly low: Float32Array;
  readonly high: Float32Array;
  readonly shape: readonly number[];
  sample(rng?: Rng): Float32Array;
  contains(x: ArrayLike<number>): boolean;
}

export interface StepResult<Obs = Float32Array> {
  obs: Obs;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Info;
}

/** What a frame shows besides the state: the applied action `[nu]` (physical units) and a note beside it. */
export interface RenderOptions {
  action?: readonly number[];
  note?: string;
}

/** One observation entry: legend label (with unit) and the value the task drives it to, if any. */
export interface ObservationMeta {
  label: string;
  target?: { value: number; label: string };
}

/**
 * What plots and GIFs need to know about an env's signals, stated by the env itself: a label with unit and an
 * optional target per observation entry, the physical quantity each action entry applies (e.g. CartPole-v1's
 * a ∈ [0, 1] is the force F = ±10 N, `applied(a)`), reward or cost (c = −r), and the frame size of its scene.
 */
export interface EnvMeta {
  /** `[nx]` one entry per observation dimension. */
  observations: readonly ObservationMeta[];
  /** `[nu]` legend labels (with unit) of the applied action, e.g. 'force F (N)'. */
  actions: readonly string[];
  /** The applied physical action `[nu]` of an env action `[nu]` (clipped into the action space first). */
  applied(action: ArrayLike<number>): number[];
  /** 'cost' when the task is stated as a cost c = −r (Pendulum-v1), 'reward' otherwise. */
  signal: 'reward' | 'cost';
  /** GIF frame size in pixels that fits the rendered scene. */
  frame: { width: number; height: number };
}

export interface Env<Obs = Float32Array, Act = Float32Array> {
  readonly id: string;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: BoxSpace;
  /** Simulated seconds per step, when the env has a physical time step (plots use it for their time axis). */
  readonly dt?: number;
  reset(opts?: { seed?: number }): { obs: Obs; info: Info };
  step(action: Act): StepResult<Obs>;
  /** Draws the current frame; `opts.action` overrides the shown applied action (e.g. a mean over skipped frames). */
  render?(ctx: CanvasLike, width: number, height: number, opts?: RenderOptions): void;
  /** Labels, units, targets and the applied-action map, for plots and GIFs. */
  readonly meta?: EnvMeta;
  /** Differentiable twin for planning: dynamics over observations, and the matching cost. */
  model?(): { dynamics: DynamicsModel; cost: CostModel };
  close?(): void;
}
