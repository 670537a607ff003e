// The learned optimizer's observation: a fixed-length history of (f(θ), θ, Δθ, ∇f(θ)) per coordinate, and
// the coordinate-wise action → update map Δθ_i = σ_i · a_i, a ∈ [−1, 1]^M.
//
// For B runs of an M-dimensional problem, the state keeps the last H iterates (k = 0 is the current one):
//   logf `[B, H]` = log(f + ε),  θ, Δθ, g `[B, M, H]`,  v `[B, M]` = β v + (1 − β) g² (running mean of ∇f²),
//   σ `[B, M]` the per-coordinate step scale.
// Two parametrisations (`scale`):
//   'adaptive' (default): σ starts at s and follows the sign of successive gradients (Rprop, Riedmiller &
//     Braun 1993): σ_i ← clip(σ_i · (1.2 if g_i g'_i > 0, 0.5 if < 0, 1 otherwise), s·1e-7, s·10), so a
//     step can shrink to any precision and grow on long slopes; the policy picks a fraction of σ. Features
//     (4H − 1 per coordinate) are invariant to rescaling f and to rescaling/translating θ:
//       f:  log f_k − log f_0                  k ≥ 1, clip ±5
//       θ:  (θ_{i,k} − θ_{i,0}) / σ_i          k ≥ 1, clip ±5
//       Δθ: Δθ_{i,k} / σ_i                     clip ±5
//       g:  g_{i,k} / √v_i                     clip ±3   (normalised gradient history, Andrychowicz et al. 2016)
//       σ_i g_i / (f + ε) as symlog, clip ±5   (first-order log-decrease of a full step along −sign g)
//   'fixed' (checkpoint version 1): σ = s always, and the 4H + 1 features
//       f: clip(log(f_0 + ε)/10, ±3), clip(log f_k − log f_0, ±5);  θ: clip(θ_{i,0}/5, ±3), clip((θ_{i,k} − θ_{i,0})/s, ±5);
//       Δθ/s;  symlog(s·g);  clip(g_0/√v, ±3).
//     Its absolute step bound cannot resolve steps far below s, and symlog(s·g) → 0 near a minimum, so the
//     policy's bias μ(0) ≠ 0 keeps kicking the iterate (see README, learned optimizer on a real network).
// Reward (see reward.ts): the log-improvement r_t = log(f_t + ε) − log(f_{t+1} + ε).
// Shapes: features `[B, M, featureDim]`.
import * as tf from '@tensorflow/tfjs';

export type StepScaleRule = 'adaptive' | 'fixed';

export interface L2OConfig {
  /** History length H (default 4). */
  history: number;
  /** Step scale s: the bound |Δθ_i| ≤ s ('fixed') or the initial scale σ_0 ('adaptive'), default 0.5. */
  stepScale: number;
  /** ε inside log(f + ε) (default 1e-8). */
  eps: number;
  /** Decay β of the gradient mean square v (default 0.9). */
  beta: number;
  /** Step parametrisation (default 'adaptive'; see header). */
  scale: StepScaleRule;
}

export const DEFAULT_L2O_CONFIG: L2OConfig = { history: 4, stepScale: 0.5, eps: 1e-8, beta: 0.9, scale: 'adaptive' };

/** Rprop factors and the bounds of σ relative to s ('adaptive'). */
export const ADAPTIVE_SCALE = { up: 1.2, down: 0.5, min: 1e-7, max: 10 } as const;

export function resolveL2OConfig(c: Partial<L2OConfig> = {}): L2OConfig {
  const cfg = { ...DEFAULT_L2O_CONFIG, ...c };
  if (!Number.isInteger(cfg.history) || cfg.history < 1) throw new Error(`l2o config: history must be an integer ≥ 1 (got ${cfg.history})`);
  if (cfg.scale === 'adaptive' && cfg.history < 2) throw new Error(`l2o config: history must be ≥ 2 with scale 'adaptive' (got ${cfg.history})`);
  if (!(cfg.stepScale > 0)) throw new Error(`l2o config: stepScale must be > 0 (got ${cfg.stepScale})`);
  if (!(cfg.eps > 0)) throw new Error(`l2o config: eps must be > 0 (got ${cfg.eps})`);
  if (!(cfg.beta >= 0 && cfg.beta < 1)) throw new Error(`l2o config: beta must lie in [0, 1) (got ${cfg.beta})`);
  if (cfg.scale !== 'adaptive' && cfg.scale !== 'fixed') throw new Error(`l2o config: scale must be 'adaptive' or 'fixed' (got ${JSON.stringify(cfg.scale)})`);
  return cfg;
}

/** Feature width per coordinate: 4H − 1 ('adaptive') or 4H + 1 ('fixed'). */
export function featureDim(cfg: L2OConfig): number {
  return cfg.scale === 'adaptive' ? 4 * cfg.history - 1 : 4 * cfg.history + 1;
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
  sigma: tf.Tensor; // [B, M]
}

/** The state at a starting point: the history is filled with the current values, Δθ = 0 and σ = s. */
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
      sigma: tf.fill(theta.shape, cfg.stepScale),
    };
  }) as OptState;
}

/** The next step scale `[B, M]` after the gradient moved from `prev` to `grad` (see header). */
export function nextStepScale(sigma: tf.Tensor, prev: tf.Tensor, grad: tf.Tensor, cfg: L2OConfig): tf.Tensor {
  return tf.tidy(() => {
    if (cfg.scale === 'fixed') return sigma.clone();
    const agree = tf.sign(tf.mul(prev, grad));
    const factor = tf.where(tf.greater(agree, 0), tf.fill(agree.shape, ADAPTIVE_SCALE.up), tf.where(tf.less(agree, 0), tf.fill(agree.shape, ADAPTIVE_SCALE.down), tf.onesLike(agree)));
    return tf.clipByValue(tf.mul(sigma, factor), cfg.stepScale * ADAPTIVE_SCALE.min, cfg.stepScale * ADAPTIVE_SCALE.max);
  });
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
      sigma: nextStepScale(prev.sigma, prev.grad, grad, cfg),
    };
  }) as OptState;
}

export function disposeOptState(s: OptState): void {
  tf.dispose(Object.values(s));
}

/** Features `[B, M, featureDim]` (see header). */
export function optFeatures(s: OptState, cfg: L2OConfig): tf.Tensor {
  return cfg.scale === 'adaptive' ? adaptiveFeatures(s, cfg) : fixedFeatures(s, cfg);
}

function adaptiveFeatures(s: OptState, cfg: L2OConfig): tf.Tensor {
  return tf.tidy(() => {
    const [B, M] = s.theta.shape as [number, number];
    const H = cfg.history;
    const sig = s.sigma.expandDims(2); // [B, M, 1]
    const logf0 = tf.slice(s.logf, [0, 0], [-1, 1]);
    const fRel = tf.clipByValue(tf.sub(tf.slice(s.logf, [0, 1], [-1, H - 1]), logf0), -5, 5);
    const fFeat = tf.tile(fRel.expandDims(1), [1, M, 1]);
    const th0 = tf.slice(s.thetaH, [0, 0, 0], [-1, -1, 1]);
    const thFeat = tf.clipByValue(tf.div(tf.sub(tf.slice(s.thetaH, [0, 0, 1], [-1, -1, H - 1]), th0), sig), -5, 5);
    const dFeat = tf.clipByValue(tf.div(s.dthetaH, sig), -5, 5);
    // √v + tiny: v ≥ (1 − β) g_0², so |g_0/√v| ≤ 1/√(1 − β); the floor only matters when g ≡ 0
    const gFeat = tf.clipByValue(tf.div(s.gradH, tf.add(tf.sqrt(s.v), 1e-30).expandDims(2)), -3, 3);
    const pred = tf.div(tf.mul(s.sigma, s.grad), tf.add(tf.relu(s.f), cfg.eps).expandDims(1));
    const predFeat = tf.clipByValue(tf.mul(tf.sign(pred), tf.log1p(tf.abs(pred))), -5, 5).expandDims(2);
    return tf.concat([fFeat, thFeat, dFeat, gFeat, predFeat], 2).reshape([B, M, featureDim(cfg)]);
  });
}

function fixedFeatures(s: OptState, cfg: L2OConfig): tf.Tensor {
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
