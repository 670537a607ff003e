// Interfaces of the differentiable models used for planning: dynamics and cost, batched over B·N rows.
//
// Dynamics:  x_{t+1} = f_θ(x_t, u_t),  x `[R, nx]`, u `[R, nu]` → `[R, nx]`   (R = B·N rows)
// Cost:      c_θ(x_t, u_t, t) → `[R]`
// θ are tf.Variables returned by `variables()`, so training loops can differentiate a plan w.r.t. them.
// The state x is the environment's *observation* vector (e.g. [cos θ, sin θ, θ̇] for the pendulum), so an MPC
// plans directly from what the env returns and a learned model trains on (obs, action, next obs) tuples.
import type * as tf from '@tensorflow/tfjs';

export interface DynamicsModel {
  readonly stateDim: number;
  readonly actionDim: number;
  /** One step of the dynamics: x `[R, nx]`, u `[R, nu]` → next x `[R, nx]`. */
  step(x: tf.Tensor, u: tf.Tensor): tf.Tensor;
  /** Trainable parameters. */
  variables(): tf.Variable[];
}

export interface CostModel {
  /** Stage cost: x `[R, nx]`, u `[R, nu]`, time index t → `[R]`. */
  cost(x: tf.Tensor, u: tf.Tensor, t: number): tf.Tensor;
  /** Optional terminal cost on the last state `[R, nx]` → `[R]`. */
  terminal?(x: tf.Tensor): tf.Tensor;
  /**
   * True when `cost` does not depend on t, so callers may evaluate all time steps as one batch of rows
   * (e.g. the SQP planner's stage Hessians in one nested backward pass instead of H). Default false.
   */
  readonly stationary?: boolean;
  variables(): tf.Variable[];
}
