// The check a gradient-based planner (gd, adam, the SQP/QP planner) makes once before trusting a model: does
// the rollout cost J(x0, U) reach the actions U through the model and the cost? At an action sequence drawn
// uniformly inside the bounds (a fixed seed, so the check is deterministic), ∂J/∂U of a differentiable model
// is not exactly zero; a model that reads tensors back (dataSync/arraySync) or steps through round, floor,
// sign or step gives exactly zero, or no gradient at all, and a gradient planner would silently stay where it
// started. Such a model is refused with the model's and cost's names and the fix.
import * as tf from '@tensorflow/tfjs';
import { modelName } from './checked-model.ts';
import { rolloutCostGeneric } from './rollout.ts';
import type { CostModel, DynamicsModel } from './types.ts';

/**
 * Throws when ∂J/∂U is missing or identically zero at a random U in `[lo, hi]` (each `[H·nu]`), from
 * the first row of x0 `[B, nx]`.
 * @example assertActionGradient(dynamics, cost, x0, 20, [lo, hi], 'gd planner');
 */
export function assertActionGradient(model: DynamicsModel, cost: CostModel, x0: tf.Tensor, horizon: number, bounds: [tf.Tensor, tf.Tensor], who: string): void {
  const what = `the rollout cost of ${modelName(cost, 'the cost model')} over ${modelName(model, 'the dynamics model')}`;
  const fix = 'a model whose step or cost reads tensors back (dataSync/arraySync) or uses round/floor/sign/step has no gradient, and a cost that never sees the effect of the actions within the horizon has none either; make them differentiable in tfjs ops, lengthen the horizon, or plan with a sampling solver (dcem, novas)';
  let g: Float32Array;
  try {
    g = tf.tidy(() => {
      const n = horizon * model.actionDim;
      const [lo, hi] = bounds.map((b) => b.reshape([1, 1, n])) as [tf.Tensor, tf.Tensor];
      const U = tf.add(lo, tf.mul(tf.sub(hi, lo), tf.randomUniform([1, 1, n], 0.1, 0.9, 'float32', 12345)));
      const x = tf.slice(x0, [0, 0], [1, model.stateDim]);
      return tf.grad((u: tf.Tensor) => tf.sum(rolloutCostGeneric(model, cost, x, u, horizon)))(U).dataSync() as Float32Array;
    });
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if (/Cannot compute gradient|gradient function not found/.test(msg)) {
      throw new Error(`${who}: ${what} has no gradient with respect to the actions (${msg.split('\n')[0]}); ${fix}`);
    }
    throw e;
  }
  // A non-finite gradient is left to the planner's own check, which names the parameter or observation at fault.
  if (g.every((v) => v === 0)) throw new Error(`${who}: ${what} does not depend differentiably on the actions (∂J/∂U is exactly 0 at a random sequence inside the bounds); ${fix}`);
}
