// Batched open-loop rollouts of a dynamics model and their cost: the MPC objective.
//
//   J(x0, U) = Σ_{t<H} c(x_t, u_t, t) + c_T(x_H),   x_{t+1} = f(x_t, u_t),   U = (u_0, …, u_{H−1})
// evaluated for B initial states × N candidate sequences at once: U `[B, N, H·nu]` → J `[B, N]`.
// Rows are laid out b-major (row r = b·N + j), so x0 is repeated N times per problem.
import * as tf from '@tensorflow/tfjs';
import type { CostModel, DynamicsModel } from './types.ts';

/** J(x0, U): x0 `[B, nx]`, U `[B, N, H·nu]` → `[B, N]`. */
export function rolloutCost(model: DynamicsModel, cost: CostModel, x0: tf.Tensor, U: tf.Tensor, horizon: number): tf.Tensor {
  return tf.tidy(() => {
    const [B, N] = U.shape as [number, number, number];
    const nu = model.actionDim;
    if (U.shape[2] !== horizon * nu) {
      throw new Error(`rolloutCost: U must be [B, N, H·nu] = [${B}, ${N}, ${horizon * nu}] (got [${U.shape}])`);
    }
    const us = tf.unstack(U.reshape([B * N, horizon, nu]), 1);
    let x = tf.tile(x0.expandDims(1), [1, N, 1]).reshape([B * N, model.stateDim]);
    let total: tf.Tensor = tf.zeros([B * N]);
    for (let t = 0; t < horizon; t++) {
      total = tf.add(total, cost.cost(x, us[t]!, t));
      x = model.step(x, us[t]!);
    }
    if (cost.terminal) total = tf.add(total, cost.terminal(x));
    return total.reshape([B, N]);
  });
}

/** States visited by a rollout: x0 `[B, nx]`, U `[B, H·nu]` → `[B, H + 1, nx]` (x0 first). */
export function rolloutStates(model: DynamicsModel, x0: tf.Tensor, U: tf.Tensor, horizon: number): tf.Tensor {
  return tf.tidy(() => {
    const B = x0.shape[0]!;
    const us = tf.unstack(U.reshape([B, horizon, model.actionDim]), 1);
    const xs: tf.Tensor[] = [x0];
    let x = x0;
    for (let t = 0; t < horizon; t++) {
      x = model.step(x, us[t]!);
      xs.push(x);
    }
    return tf.stack(xs, 1);
  });
}
