// Batched Jacobians of a dynamics model by reverse-mode autodiff in ONE backward pass.
//
// For x_{t+1} = f(x, u) with x `[B, nx]`, u `[B, nu]`:  A = ∂f/∂x `[B, nx, nx]`, B = ∂f/∂u `[B, nx, nu]`.
// The rows are independent across the batch, so replicating every row nx times and contracting the output
// replica i with the unit vector e_i gives Σ_i e_iᵀ f(x_i, u_i), whose gradient w.r.t. replica i is row i
// of the Jacobian: one vector-Jacobian product recovers all nx rows at once.
import * as tf from '@tensorflow/tfjs';
import type { DynamicsModel } from './types.ts';

export interface Linearization {
  /** f(x, u) `[B, nx]`. */
  f: tf.Tensor;
  /** ∂f/∂x `[B, nx, nx]`. */
  A: tf.Tensor;
  /** ∂f/∂u `[B, nx, nu]`. */
  B: tf.Tensor;
}

/**
 * Jacobians of `model.step` at (x `[B, nx]`, u `[B, nu]`). Results are constants (no graph to the inputs).
 * A model with its own `linearize` (a compiled system's generated Jacobians, src/models/system/) answers itself.
 */
export function linearize(model: Pick<DynamicsModel, 'step'> & { linearize?: (x: tf.Tensor, u: tf.Tensor) => Linearization }, x: tf.Tensor, u: tf.Tensor): Linearization {
  if (typeof model.linearize === 'function') return model.linearize(x, u);
  return tf.tidy(() => {
    const [B, nx] = x.shape as [number, number];
    const nu = u.shape[1]!;
    // Replicas ordered [nx, B, ·]: replica i of row b is at i·B + b.
    const xr = tf.tile(x, [nx, 1]);
    const ur = tf.tile(u, [nx, 1]);
    const sel = tf.tile(tf.eye(nx).reshape([nx, 1, nx]), [1, B, 1]).reshape([nx * B, nx]);
    const [gx, gu] = tf.grads((xa: tf.Tensor, ua: tf.Tensor) => tf.sum(tf.mul(model.step(xa, ua), sel)))([xr, ur]);
    const A = gx!.reshape([nx, B, nx]).transpose([1, 0, 2]);
    const Bm = gu!.reshape([nx, B, nu]).transpose([1, 0, 2]);
    return { f: model.step(x, u), A, B: Bm };
  });
}
