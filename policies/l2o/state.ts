// The learned optimizer's observation: a fixed-length history of (f(θ), θ, Δθ, ∇f(θ)) tuples per
// coordinate, normalized, and the coordinate-wise action → update map.
//
// For B runs of an M-dimensional problem, the state keeps the last H iterates (k = 0 is the current one):
//   logf `[B, H]` = log(f + ε),  θ, Δθ, g `[B, M, H]`,  v `[B, M]` = β v + (1 − β) g² (running RMS of ∇f).
// Features per coordinate i (4H + 1 numbers, shared policy over coordinates, so one policy serves any M):
//   f:  k = 0: clip(log(f_0 + ε)/10, ±3);   k ≥ 1: clip(log f_k − log f_0, ±5)   (scale-free progress)
//   θ:  k = 0: clip(θ_{i,0}/5, ±3);          k ≥ 1: clip((θ_{i,k} − θ_{i,0}) / s, ±5)
//   Δθ: Δθ_{i,k} / s  (∈ [−1, 1])
//   g:  symlog(s · g_{i,k}) = sign · log(1 + |s g|)
//   plus the Adam-like direction clip(g_{i,0} / √(v_i + 1e-12), ±3).
// Action a ∈ [−1, 1]^M, update Δθ = s · a (so every step is bounded by the step scale s).
// Reward (see reward.ts): the log-improvement r_t = log(f_t + ε) − log(f_{t+1} + ε).
// Shapes: features `[B, M, 4H + 1]`.
import * as tf from '@tensorflow/tfjs';

export interface L2OConfig {
  /** History length H (default 4). */
  history: number;
  /** Step scale s: |Δθ_i| ≤ s (default 0.5). */
  stepScale: number;
  /** ε inside log(f + ε) (default 1e-8). */
  eps: number;
  /** Decay β of the gradient RMS (default 0.9). */
  beta: number;
}

export const DEFAULT_L2O_CONFIG: L2OConfig = { history: 4, stepScale: 0.5, eps: 1e-8, beta: 0.9 };

export function resolveL2OConfig(c: Partial<L2OConfig> = {}): L2OConfig {
  const cfg = { ...DEFAULT_L2O_CONFIG, ...c };
  if (!Number.isInteger(cfg.history) || cfg.history < 1) throw new Error(`l2o config: history must be an integer ≥ 1 (got ${cfg.history})`);
  if (!(cfg.stepScale > 0)) throw new Error(`l2o config: stepScale must be > 0 (got ${cfg.stepScale})`);
  if (!(cfg.eps > 0)) throw new Error(`l2o config: eps must be > 0 (got ${cfg.eps})`);
  if (!(cfg.beta >= 0 && cfg.beta < 1)) throw new Error(`l2o config: beta must lie in [0, 1) (got ${cfg.beta})`);
  return cfg;
}

/** Feature width per coordinate: 4H + 1. */
export function featureDim(cfg: L2OConfig): number {
  return 4 * cfg.history + 1;
}

export interface OptState {
  theta: tf.Tensor; // [B, M]
  f: tf.Tensor; // [B]
  grad: tf.Tensor; // [B, M]
  logf: tf.Tensor; // [B, H]
  thetaH: tf.Tensor; // [B, M, H]
  dthetaH: tf.Tensor; // [B, M, H]
  gradH: tf.Tensor; // [B, M, H]
  v: tf.Tensor; // [B, M]
}

/** The state at a starting point: the history is filled with the current values and Δθ = 0. */
export function initOptState(theta: tf.Tensor, f: tf.Tensor, grad: tf.Tensor, cfg: L2OConfig): OptState {
  return tf.tidy(() => {
    const H = cfg.history;
    const rep = (x: tf.Tensor) => tf.tile(x.expandDims(2), [1, 1, H]);
    return {
      theta: theta.clone(),
      f: f.clone(),
      grad: grad.clone(),
      logf: tf.tile(tf.log(tf.add(tf.relu(f), cfg.eps)).expandDims(1), [1, H]),
      thetaH: rep(theta),
      dthetaH: tf.zerosLike(rep(theta)),
      gradH: rep(grad),
      v: tf.square(grad),
    };
  }) as OptState;
}

/** Shifts the history by one step with the new iterate (θ', f(θ'), ∇f(θ')). Returns new tensors. */
export function advanceOptState(prev: OptState, theta: tf.Tensor, f: tf.Tensor, grad: tf.Tensor, cfg: L2OConfig): OptState {
  return tf.tidy(() => {
    const H = cfg.history;
    const push3 = (hist: tf.Tensor, x: tf.Tensor) =>
      H === 1 ? x.expandDims(2) : tf.concat([x.expandDims(2), tf.slice(hist, [0, 0, 0], [-1, -1, H - 1])], 2);
    const logf0 = tf.log(tf.add(tf.relu(f), cfg.eps)).expandDims(1);
    return {
      theta: theta.clone(),
      f: f.clone(),
      grad: grad.clone(),
      logf: H === 1 ? logf0 : tf.concat([logf0, tf.slice(prev.logf, [0, 0], [-1, H - 1])], 1),
      thetaH: push3(prev.thetaH, theta),
      dthetaH: push3(prev.dthetaH, tf.sub(theta, prev.theta)),
      gradH: push3(prev.gradH, grad),
      v: tf.add(tf.mul(prev.v, cfg.beta), tf.mul(tf.square(grad), 1 - cfg.beta)),
    };
  }) as OptState;
}

export function disposeOptState(s: OptState): void {
  tf.dispose(Object.values(s));
}

/** Normalized features `[B, M, 4H + 1]` (see header). */
export function optFeatures(s: OptState, cfg: L2OConfig): tf.Tensor {
  return tf.tidy(() => {
    const [B, M] = s.theta.shape as [number, number];
    const H = cfg.history;
    const sc = cfg.stepScale;
    const logf0 = tf.slice(s.logf, [0, 0], [-1, 1]);
    const fRel = tf.clipByValue(tf.sub(s.logf, logf0), -5, 5);
    const fAbs = tf.clipByValue(tf.div(logf0, 10), -3, 3);
    const fFeat = tf.tile(tf.concat([fAbs, tf.slice(fRel, [0, 1], [-1, H - 1])], 1).expandDims(1), [1, M, 1]);
    const th0 = tf.slice(s.thetaH, [0, 0, 0], [-1, -1, 1]);
    const thRel = tf.clipByValue(tf.div(tf.sub(s.thetaH, th0), sc), -5, 5);
    const thFeat = tf.concat([tf.clipByValue(tf.div(th0, 5), -3, 3), tf.slice(thRel, [0, 0, 1], [-1, -1, H - 1])], 2);
    const dFeat = tf.div(s.dthetaH, sc);
    const gs = tf.mul(s.gradH, sc);
    const gFeat = tf.mul(tf.sign(gs), tf.log1p(tf.abs(gs)));
    const adam = tf.clipByValue(tf.div(s.grad, tf.sqrt(tf.add(s.v, 1e-12))), -3, 3).expandDims(2);
    const out = tf.concat([fFeat, thFeat, dFeat, gFeat, adam], 2);
    return out.reshape([B, M, featureDim(cfg)]);
  });
}
