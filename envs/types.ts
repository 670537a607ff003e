// The environment interface, with Gymnasium semantics (reset → obs, info; step → obs, reward, terminated,
// truncated, info), and the space type. Implementations live one per file in envs/.
import type { DynamicsModel, CostModel } from '../src/models/types.ts';
import type { EnvMeta } from './meta.ts';

export type { EnvMeta };

export type Info = Record<string, unknown>;

/** A box in R^n: low ≤ x ≤ high elementwise (bounds may be ±Infinity). */
export interface BoxSpace {
  readonly low: Float32Array;
  readonly high: Float32Array;
  readonly shape: readonly number[];
  sample(rng?: import('../src/tensor/rng.ts').Rng): Float32Array;
  contains(x: ArrayLike<number>): boolean;
}

export interface StepResult<Obs = Float32Array> {
  obs: Obs;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Info;
}

export type { CanvasLike } from '../src/plot/canvas-like.ts';
import type { CanvasLike } from '../src/plot/canvas-like.ts';

/** What a frame shows besides the state: the applied action `[nu]` (physical units) and a note beside it. */
export interface RenderOptions {
  action?: readonly number[];
  note?: string;
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
