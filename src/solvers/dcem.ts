// DCEM: the differentiable cross-entropy method (Amos & Yarats, ICML 2020, "The Differentiable
// Cross-Entropy Method"), following facebookresearch/dcem@0813a7f step for step.
//
// One update, batched over B problems × N samples × n dimensions (one tensor op each):
//   X = Π(μ + σ ⊙ ε)                                   ε ~ N(0, I)  `[B, N, n]`, Π clips into the bounds
//   f_s = f(X_s)                                        `[B, N]`
//   f̃ = (f − mean_s f) / (std_s f + 1e-6)              if normalize (unbiased std, N − 1), else f̃ = f
//   I = LML_k(−τ f̃)  (k > 1)  or  softmax_s(−τ f̃)  (k = 1)   soft top-k weights, Σ_s I = k; τ multiplies
//   μ' = Σ_s I_s X_s / k
//   stop if ‖μ' − μ‖_F < iterEps (Frobenius norm over the whole batch; σ is then not updated)
//   σ' = sqrt(Σ_s I_s (X_s − μ')² / k)
// The solution is the last μ'. Gradients flow through X (reparameterization), f, the normalization, the
// LML layer (src/solvers/lml.ts) and the square roots. Both square roots (std_s f and σ') are of weighted sums
// of squares and are differentiated with derivative 0 where the sum is exactly 0, i.e. where every sample
// ties: all f_s of a problem equal (a flat objective, or every sample clipped onto the same point), or all
// X_s equal in a coordinate (e.g. bounds with lo = hi). There √ has an infinite derivative, which tfjs
// multiplies by the zero derivative of the sum (0·∞ = NaN, and one NaN problem spoils every shared
// parameter's gradient); 0 is the limit of the product for the std (d f̃/d std = −(f − mean f)/(std + 1e-6)²
// = 0 there) and the minimum-norm subgradient of the norm for σ'. Values are unchanged.
// The iteration loop, backward modes ('unroll' | { truncated: k } | 'none', per call) and per-problem status
// live in src/solvers/gaussian-search.ts.
import * as tf from '@tensorflow/tfjs';
import { tapeDepth } from '../tensor/tape.ts';
import { assertShape } from '../tensor/check.ts';
import { UNROLLED_BACKWARD_MODES, checkBackward, checkInit, clipToBounds, positiveInt, type Bounds } from './common.ts';
import { checkSolverConfig, solveGaussianSearch, type GaussianSolveResult } from './gaussian-search.ts';
import { lml } from './lml.ts';
import {
  registerSolver,
  type BackwardMode,
  type Objective,
  type SolveOptions,
  type Solver,
} from './types.ts';

/** Settings of the DCEM update (the reference's names in brackets). */
export interface DcemStepOptions {
  /** Elites k [n_elite]; k = 1 uses a softmax instead of LML. Default 10. */
  elites?: number;
  /** Inverse temperature τ multiplying −f̃ [temp]. Default 1. */
  temp?: number;
  /** Standardize f over the samples before weighting [normalize]. Default true. */
  normalize?: boolean;
  /** Bracket width at which the LML search stops [lml_eps]. Default 1e-3. */
  lmlEps?: number;
  /** Clip the samples into these bounds (resolved by `resolveBounds`). */
  bounds?: Bounds;
}

export interface DcemOptions extends SolveOptions, Omit<DcemStepOptions, 'bounds'> {
  /** Stop when the whole-batch step ‖μ' − μ‖_F falls below this [iter_eps]. Default 1e-4. */
  iterEps?: number;
}

export interface DcemConfig extends Omit<DcemOptions, 'noise' | 'rng' | 'bounds' | 'trace'> {}

export interface DcemStepResult {
  /** Samples `[B, N, n]`. */
  X: tf.Tensor;
  /** Objective values `[B, N]` and after the normalization `[B, N]`. */
  fX: tf.Tensor;
  fXn: tf.Tensor;
  /** Soft elite weights `[B, N]`, Σ_s I = k. */
  I: tf.Tensor;
  /** Updated mean and std `[B, n]`. */
  mu: tf.Tensor;
  sigma: tf.Tensor;
}

export const DCEM_DEFAULTS = {
  iterations: 10,
  samples: 100,
  elites: 10,
  temp: 1,
  normalize: true,
  lmlEps: 1e-3,
  iterEps: 1e-4,
  backward: 'unroll' as BackwardMode,
};

/**
 * √v for v ≥ 0 with derivative 0 where v = 0 (instead of ∞, which turns into NaN when multiplied by the zero
 * derivative of a vanishing sum of squares). Computed as s·√(v + 1 − s) with s = sign(v) ∈ {0, 1} (tf.sign
 * has a zero gradient): the value and, where v > 0, the gradient are exactly tf.sqrt's; NaN stays NaN.
 */
export function sqrtZeroGrad(v: tf.Tensor): tf.Tensor {
  if (tapeDepth() === 0) return tf.sqrt(v); // no gradient recorded: the same values
  const s = tf.sign(v);
  return tf.mul(s, tf.sqrt(tf.add(v, tf.sub(1, s))));
}

/**
 * f̃ = (f − mean_s f) / (std_s f + 1e-6) with the unbiased std over the samples axis of `[B, N]`. A problem
 * whose values all tie gets f̃ = 0 and a finite gradient (see `sqrtZeroGrad`).
 */
export function standardizeUnbiased(fX: tf.Tensor): tf.Tensor {
  const N = fX.shape[1]!;
  const mean = tf.mean(fX, 1, true);
  const centered = tf.sub(fX, mean);
  const std = sqrtZeroGrad(tf.div(tf.sum(tf.square(centered), 1, true), N - 1));
  return tf.div(centered, tf.add(std, 1e-6));
}

/**
 * One DCEM update from mean `mu` `[B, n]` and std `sigma` `[B, n]` with the noise `eps` `[B, N, n]`.
 * Returns every intermediate (all differentiable); the stop test is the caller's (see `dcem`).
 */
export function dcemStep(f: Objective, mu: tf.Tensor, sigma: tf.Tensor, eps: tf.Tensor, opts: DcemStepOptions = {}): DcemStepResult {
  const dims = assertShape('dcemStep: eps', eps, ['B', 'N', 'n']);
  assertShape('dcemStep: mu', mu, ['B', 'n'], dims);
  assertShape('dcemStep: sigma', sigma, ['B', 'n'], dims);
  const N = dims.N!;
  const k = opts.elites ?? DCEM_DEFAULTS.elites;
  const temp = opts.temp ?? DCEM_DEFAULTS.temp;
  const normalize = opts.normalize ?? DCEM_DEFAULTS.normalize;
  if (!Number.isInteger(k) || k < 1 || (k > 1 && k >= N)) {
    throw new Error(`dcem: elites must be an integer with 1 ≤ elites < samples = ${N} (got ${k}); use fewer elites or more samples`);
  }
  if (normalize && N < 2) throw new Error('dcem: normalize needs samples ≥ 2 (the unbiased std divides by N − 1)');
  if (!Number.isFinite(temp)) throw new Error(`dcem: temp must be a finite number (got ${temp})`);
  const X = clipToBounds(tf.add(mu.expandDims(1), tf.mul(sigma.expandDims(1), eps)), opts.bounds);
  const fX = f(X);
  assertShape('dcem: objective output f(X)', fX, [dims.B!, N]);
  const fXn = normalize ? standardizeUnbiased(fX) : fX;
  const z = tf.mul(fXn, -temp);
  const I = k === 1 ? tf.softmax(z, -1) : lml(z, k, { eps: opts.lmlEps ?? DCEM_DEFAULTS.lmlEps });
  // Weighted sums over the samples as batched products [B, 1, N] × [B, N, n] → [B, 1, n].
  const Iw = I.expandDims(1);
  const muNew = tf.div(tf.matMul(Iw, X), k).squeeze([1]);
  const sigmaNew = sqrtZeroGrad(tf.div(tf.matMul(Iw, tf.square(tf.sub(X, muNew.expandDims(1)))), k).squeeze([1]));
  return { X, fX, fXn, I, mu: muNew, sigma: sigmaNew };
}

export type DcemResult = GaussianSolveResult;

/** Runs DCEM on f from init (mean `[B, n]`, std scalar / `[n]` / `[B, n]`); see the file header. */
export function dcem(f: Objective, init: { mean: tf.Tensor; std?: tf.Tensor }, opts: DcemOptions = {}): DcemResult {
  const { B, n } = checkInit(init);
  const T = positiveInt('iterations', opts.iterations, DCEM_DEFAULTS.iterations);
  const N = positiveInt('samples', opts.samples, DCEM_DEFAULTS.samples);
  const elites = positiveInt('elites', opts.elites, DCEM_DEFAULTS.elites);
  const iterEps = opts.iterEps ?? DCEM_DEFAULTS.iterEps;
  if (!(iterEps >= 0)) throw new Error(`dcem: iterEps must be a non-negative number (got ${iterEps})`);
  const mode = checkBackward(opts.backward, T, 'dcem', UNROLLED_BACKWARD_MODES, DCEM_DEFAULTS.backward);
  return solveGaussianSearch(f, init, { B, n }, { solver: 'dcem', iterations: T, samples: N, mode, iterEps, noiseFrom: opts, bounds: opts.bounds, trace: Boolean(opts.trace) }, (bounds) => {
    const stepOpts: DcemStepOptions = { ...opts, elites, bounds };
    return (mu, sigma, eps) => dcemStep(f, mu, sigma, eps, stepOpts);
  });
}

const checkConfig = (config: Record<string, unknown> | undefined): DcemConfig => checkSolverConfig<DcemConfig>('dcem', config, DCEM_DEFAULTS);

/** The DCEM `Solver`: construction-time defaults, overridable per call. */
export class DcemSolver implements Solver {
  readonly name = 'dcem';
  readonly backwardModes = UNROLLED_BACKWARD_MODES;
  readonly config: DcemConfig;
  constructor(config: DcemConfig = {}) {
    this.config = checkConfig(config as Record<string, unknown>);
  }
  solve(f: Objective, init: { mean: tf.Tensor; std?: tf.Tensor }, opts: DcemOptions = {}): DcemResult {
    return dcem(f, init, { ...this.config, ...opts });
  }
}

registerSolver('dcem', (config) => new DcemSolver(checkConfig(config)), 'differentiable cross-entropy method with LML soft top-k (Amos & Yarats 2020)');
