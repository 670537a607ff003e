// Optional fast path of the SQP/QP planner: a dynamics model that computes, on the host in Float64, the
// rollout cost J(x0, U) of candidate sequences and the local model of the MPC problem around a nominal U,
//   x_t (rollout),  A_t = ∂f/∂x, B_t = ∂f/∂u at (x_t, u_t),  ∇²_(x,u) c(x_t, u_t) (t < H),  ∇²c_T(x_H),  ∇_U J,
// that the planner otherwise builds from H × (step + cost) tfjs ops, a linearization pass and a nested
// backward pass. A compiled system definition implements it with generated code (src/models/system/). The
// results are constants (no gradient tape): the planner's differentiable final QP still uses rolloutCost.
import type { CostModel, DynamicsModel } from './types.ts';

/** The local model of B problems over horizon H (k = nx + nu). */
export interface LocalModel {
  /** `[B]` rollout cost at U. */
  J: Float64Array;
  /** `[B·H, nx, nx]` ∂f/∂x at (x_t, u_t), row b·H + t. */
  A: Float64Array;
  /** `[B·H, nx, nu]` ∂f/∂u at (x_t, u_t). */
  B: Float64Array;
  /** `[B·H, k, k]` stage-cost Hessians w.r.t. (x_t, u_t) (not projected). */
  stage: Float64Array;
  /** `[B, nx, nx]` terminal-cost Hessian at x_H, when the cost has a terminal term. */
  terminal?: Float64Array;
  /** `[B, H·nu]` ∇_U J at U. */
  grad: Float64Array;
}

export interface HostLocalModel {
  /**
   * J of every row: x0 `[R, nx]`, U `[R, H, nu]` (row-major) → `[R]`; undefined when `cost` is not one this
   * model implements.
   */
  hostRolloutCost(cost: CostModel, x0: ArrayLike<number>, U: ArrayLike<number>, R: number, H: number): Float64Array | undefined;
  /** The local model around U `[B, H·nu]` from x0 `[B, nx]`; undefined when `cost` is not one this model implements. */
  hostLocalModel(cost: CostModel, x0: ArrayLike<number>, U: ArrayLike<number>, B: number, H: number): LocalModel | undefined;
}

/** Whether a dynamics model offers the host local model. */
export function hasHostLocalModel(model: DynamicsModel): model is DynamicsModel & HostLocalModel {
  const m = model as Partial<HostLocalModel>;
  return typeof m.hostRolloutCost === 'function' && typeof m.hostLocalModel === 'function';
}
