// One step of optimization as an RL environment (Li & Malik, "Learning to Optimize", 2017): the action
// a ∈ [−1, 1]^{B×M} is turned into the update Δθ = σ ⊙ a (σ the state's step scale, state.ts), θ_{t+1} = θ_t + Δθ; the new value and
// gradient enter the history (state.ts) and the reward is the log-improvement (reward.ts).
// state θ `[B, M]`, action `[B, M]` → next state, reward `[B]`.
import * as tf from '@tensorflow/tfjs';
import type { Problem } from './problems.ts';
import { logImprovementReward } from './reward.ts';
import { advanceOptState, initOptState, type L2OConfig, type OptState } from './state.ts';

/** Evaluates f and ∇f at θ `[B, M]` and builds a fresh state. */
export function startState(problem: Problem, theta: tf.Tensor, cfg: L2OConfig): OptState {
  const f = problem.f(theta);
  const g = problem.grad(theta);
  const s = initOptState(theta, f, g, cfg);
  tf.dispose([f, g]);
  return s;
}

/** Applies action `[B, M]` (clipped to [−1, 1], then `project`ed, e.g. onto box bounds); returns the next state and the reward `[B]` (caller disposes both). */
export function stepState(
  problem: Problem,
  state: OptState,
  action: tf.Tensor,
  cfg: L2OConfig,
  project?: (theta: tf.Tensor) => tf.Tensor,
): { next: OptState; reward: tf.Tensor } {
  if (action.rank !== 2 || action.shape[0] !== state.theta.shape[0] || action.shape[1] !== state.theta.shape[1]) {
    throw new Error(`l2o step: action must be [B, M] = [${state.theta.shape}] (got [${action.shape}])`);
  }
  const theta = tf.tidy(() => {
    const moved = tf.add(state.theta, tf.mul(tf.clipByValue(action, -1, 1), state.sigma));
    return project ? project(moved) : moved;
  });
  const f = problem.f(theta);
  const g = problem.grad(theta);
  const next = advanceOptState(state, theta, f, g, cfg);
  const reward = logImprovementReward(state.f, f, cfg.eps);
  tf.dispose([theta, f, g]);
  return { next, reward };
}
