// Optional fast path of the MPC objective: a dynamics model that can evaluate the whole rollout cost
//   J_r(x0_r, U_r) = Σ_{t<H} c(x_t, u_t, t),   x_{t+1} = f(x_t, u_t),   rows r = 0..R−1
// as ONE differentiable op instead of H × (step + cost) small tfjs ops, as mpc.pytorch and Brax fuse a
// rollout. A compiled system definition implements it with code generated from the definition
// (src/models/system/); `rolloutCost` (src/models/rollout.ts) uses it when the model implements it and
// recognizes the cost; otherwise, e.g. for a model written directly in tfjs (MLPDynamics), it runs the
// generic loop, which tfjs differentiates to any order.
import * as tf from '@tensorflow/tfjs';
import { tapeDepth } from '../tensor/tape.ts';
import type { CostModel, DynamicsModel } from './types.ts';

export interface FusedRolloutModel {
  /**
   * Rollout cost of every row: x0 `[R, nx]`, U `[R, H, nu]` → J `[R]` (stage costs only, t = 0..H−1),
   * differentiable w.r.t. x0, U and the model's variables. Returns undefined when the cost is not one the
   * fused kernel implements (the caller then falls back to the generic loop).
   */
  fusedRolloutCost(cost: CostModel, x0: tf.Tensor, U: tf.Tensor): tf.Tensor | undefined;
  /** True when `fusedRolloutCost` also includes the cost's terminal cost c_T(x_H) (rolloutCost then adds none). */
  readonly fusedTerminal?: boolean;
}

/** Whether a dynamics model offers a fused rollout. */
export function hasFusedRollout(model: DynamicsModel): model is DynamicsModel & FusedRolloutModel {
  return typeof (model as Partial<FusedRolloutModel>).fusedRolloutCost === 'function';
}

/**
 * Whether a fused op may be used now. Its backward is computed on the host, so it is exact to first order
 * but its gradient is not itself differentiable: inside a nested gradient (gradient depth ≥ 2, e.g. the
 * inner tf.grad of an unrolled gradient-descent solver under an outer tf.variableGrads) the second-order
 * terms would be lost, and the generic tfjs loop is used instead.
 */
export function fusedRolloutAllowed(): boolean {
  return tapeDepth() < 2;
}
