// The environment interface, with Gymnasium semantics (reset → obs, info; step → obs, reward, terminated,
// truncated, info), and the space type. Implementations live one per file in envs/.
import type { DynamicsModel, CostModel } from '../src/models/types.ts';

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

export interface Env<Obs = Float32Array, Act = Float32Array> {
  readonly id: string;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: BoxSpace;
  /** Simulated seconds per step, when the env has a physical time step (plots use it for their time axis). */
  readonly dt?: number;
  reset(opts?: { seed?: number }): { obs: Obs; info: Info };
  step(action: Act): StepResult<Obs>;
  /** Draws the current frame. */
  render?(ctx: CanvasLike, width: number, height: number): void;
  /** Differentiable twin for planning: dynamics over observations, and the matching cost. */
  model?(): { dynamics: DynamicsModel; cost: CostModel };
  close?(): void;
}
