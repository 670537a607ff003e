// Batched open-loop rollouts of a dynamics model and their cost: the MPC objective.
//
//   J(x0, U) = Σ_{t<H} c(x_t, u_t, t) + c_T(x_H),   x_{t+1} = f(x_t, u_t),   U = (u_0, …, u_{H−1})
// evaluated for B initial states × N candidate sequences at once: U `[B, N, H·nu]` → J `[B, N]`.
// Rows are laid out b-major (row r = b·N + j), so x0 is repeated N times per problem.
// A model implementing FusedRolloutModel (src/models/fused-rollout.ts) evaluates the stage costs of all rows
// as one fused op when it recognizes the cost (the terminal cost, if any, is added here); every other case
// runs the generic loop over H steps of `model.step` and `cost.cost` (`rolloutCostGeneric`).
import * as tf from '@tensorflow/tfjs';
import { checkedCost, checkedStep, checkedTerminal } from './checked-model.ts';
import { fusedRolloutAllowed, hasFusedRollout } from './fused-rollout.ts';
import { repeatRows } from './repeat-rows.ts';
import type { CostModel, DynamicsModel } from './types.ts';

function checkU(name: string, model: DynamicsModel, U: tf.Tensor, horizon: number): [number, number] {
  const [B, N] = U.shape as [number, number, number];
  const nu = model.actionDim;
  if (U.rank !== 3 || U.shape[2] !== horizon * nu) {
    throw new Error(`${name}: U must be [B, N, H·nu] = [${B}, ${N}, ${horizon * nu}] (got [${U.shape}])`);
  }
  return [B, N];
}

/**
 * The actions of each step, `[R, H, nu]` → H × `[R, nu]`. One step is a reshape: tfjs's gradient of a
 * one-output unstack passes its single dy where `stack` wants an array, and throws.
 */
function actionsPerStep(U: tf.Tensor): tf.Tensor[] {
  const [R, H, nu] = U.shape as [number, number, number];
  return H === 1 ? [U.reshape([R, nu])] : tf.unstack(U, 1);
}

/** J(x0, U): x0 `[B, nx]`, U `[B, N, H·nu]` → `[B, N]`; the fused op when the model offers one. */
export function rolloutCost(model: DynamicsModel, cost: CostModel, x0: tf.Tensor, U: tf.Tensor, horizon: number): tf.Tensor {
  if (!hasFusedRollout(model) || !fusedRolloutAllowed()) return rolloutCostGeneric(model, cost, x0, U, horizon);
  return tf.tidy(() => {
    const [B, N] = checkU('rolloutCost', model, U, horizon);
    if (x0.rank !== 2 || x0.shape[0] !== B || x0.shape[1] !== model.stateDim) {
      throw new Error(`rolloutCost: x0 must be [B, nx] = [${B}, ${model.stateDim}] to match U [B, N, H·nu] (got [${x0.shape}])`);
    }
    const xr = repeatRows(x0, N);
    const stage = model.fusedRolloutCost(cost, xr, U.reshape([B * N, horizon, model.actionDim]));
    if (!stage) return rolloutCostGeneric(model, cost, x0, U, horizon);
    if (stage.rank !== 1 || stage.shape[0] !== B * N) {
      throw new Error(`rolloutCost: fusedRolloutCost must return [R] = [${B * N}] (got [${stage.shape}])`);
    }
    if (!cost.terminal || model.fusedTerminal) return stage.reshape([B, N]);
    const xH = rolloutStates(model, xr, U.reshape([B * N, horizon * model.actionDim]), horizon);
    const xLast = tf.slice(xH, [0, horizon, 0], [B * N, 1, model.stateDim]).reshape([B * N, model.stateDim]);
    return tf.add(stage, checkedTerminal(cost as CostModel & { terminal(x: tf.Tensor): tf.Tensor }, xLast)).reshape([B, N]);
  });
}

/** The generic loop of `rolloutCost` (H × model.step + cost.cost): x0 `[B, nx]`, U `[B, N, H·nu]` → `[B, N]`. */
export function rolloutCostGeneric(model: DynamicsModel, cost: CostModel, x0: tf.Tensor, U: tf.Tensor, horizon: number): tf.Tensor {
  return tf.tidy(() => {
    const [B, N] = checkU('rolloutCost', model, U, horizon);
    const nu = model.actionDim;
    const us = actionsPerStep(U.reshape([B * N, horizon, nu]));
    let x = tf.tile(x0.expandDims(1), [1, N, 1]).reshape([B * N, model.stateDim]);
    let total: tf.Tensor = tf.zeros([B * N]);
    for (let t = 0; t < horizon; t++) {
      total = tf.add(total, checkedCost(cost, x, us[t]!, t));
      x = checkedStep(model, x, us[t]!, t);
    }
    if (cost.terminal) total = tf.add(total, checkedTerminal(cost as CostModel & { terminal(x: tf.Tensor): tf.Tensor }, x));
    return total.reshape([B, N]);
  });
}

/** States visited by a rollout: x0 `[B, nx]`, U `[B, H·nu]` → `[B, H + 1, nx]` (x0 first). */
export function rolloutStates(model: DynamicsModel, x0: tf.Tensor, U: tf.Tensor, horizon: number): tf.Tensor {
  return tf.tidy(() => {
    const B = x0.shape[0]!;
    const us = actionsPerStep(U.reshape([B, horizon, model.actionDim]));
    const xs: tf.Tensor[] = [x0];
    let x = x0;
    for (let t = 0; t < horizon; t++) {
      x = checkedStep(model, x, us[t]!, t);
      xs.push(x);
    }
    return tf.stack(xs, 1);
  });
}
