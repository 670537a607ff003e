// NOVAS: non-convex optimization via adaptive stochastic search (Exarchos, Wang, Theodorou, Pereira et al.,
// ICLR 2021, "NOVAS: Non-convex Optimization via Adaptive Stochastic Search for End-to-End Learning and
// Control"), the gradient-free Gaussian search whose iterations are differentiated end to end.
//
// One update, batched over B problems × N samples × n dimensions (one tensor op each):
//   X = Π(μ + σ ⊙ ε)                        ε ~ N(0, I) `[B, N, n]`, Π clips into the bounds;  D = X − μ
//   f̃ = (f(X) − min_s f) / (max_s f − min_s f)   per problem, in [0, 1] (0 = best sample); f̃ = 0 when the
//        range is ≤ 1e-12. min and max are differentiated through one argmin / argmax sample (not through
//        every tied sample, as tf.min / tf.max do: samples clipped onto a bound tie)
//   shape function, normalized to Σ_s S_s = 1:
//     'exp'     S = softmax_s(−κ f̃)                              (the paper's standard exponential)
//     'soft-ce' S ∝ (1 − f̃) · sigmoid(s₀ (γ − f̃)),  γ = f̃ of the ⌈ρN⌉-th best sample (held constant)
//               (the paper code's soft cross-entropy shape, on the normalized values)
//     'soft-ce-raw'  S ∝ (1 − f̃) · sigmoid(s₀ (γ − f)),  γ = f of the ⌈ρN⌉-th best sample, differentiated
//               through that sample (torch.sort's gradient): the paper code's literal form, s₀ on the raw
//               values (iexarchos/NOVAS SPEN/adaptive_stochastic_search.py uses s₀ = 1000, ρ = 0.1)
//   μ' = μ + α Σ_s S_s D_s
//   variance 'natural':  σ'² = σ² + α (Σ_s S_s D_s² − σ²)      (centred on the old mean μ)
//   variance 'weighted': σ'² = Σ_s S_s (X_s − μ')²             (centred on the new mean, the paper code's)
//   σ' = sqrt(max(σ'² + v₀, σ_min²)),  v₀ = varianceOffset (the paper code adds 1e-3)
// ('natural' is the natural-gradient form of the paper's Algorithm 1 with a diagonal covariance). Gradients flow through the reparameterized samples, f, the
// normalization and the weights. The default backward mode is { truncated: 1 } — the paper's code
// backpropagates through the last iteration only — and can be overridden per call ('unroll', 'none',
// { truncated: k }). The loop, stop test (whole-batch ‖μ' − μ‖_F < iterEps) and per-problem status are
// shared with DCEM (src/solvers/gaussian-search.ts).
import * as tf from '@tensorflow/tfjs';
import { tapeDepth } from '../tensor/tape.ts';
import { assertShape } from '../tensor/check.ts';
import { checkBackward, checkInit, clipToBounds, positiveInt, type Bounds } from './common.ts';
import { checkSolverConfig, solveGaussianSearch, type GaussianSolveResult } from './gaussian-search.ts';
import { registerSolver, type BackwardKind, type BackwardMode, type Objective, type SolveOptions, type Solver } from './types.ts';

export type NovasShape = 'exp' | 'soft-ce' | 'soft-ce-raw';
export type NovasVariance = 'natural' | 'weighted';

export interface NovasStepOptions {
  /** Shape-function sharpness κ ('exp'). Default 10. */
  kappa?: number;
  /** Learning rate α of the mean and variance updates. Default 1. */
  alpha?: number;
  /** Floor of σ. Default 1e-3. (The paper's code adds 1e-3 to the variance instead: σ ≥ √1e-3 ≈ 0.032.) */
  sigmaMin?: number;
  /** Shape function. Default 'exp'. */
  shape?: NovasShape;
  /** Elite fraction ρ of 'soft-ce'. Default 0.1. */
  eliteFraction?: number;
  /** Sigmoid sharpness s₀ of 'soft-ce' (on the normalized values) and 'soft-ce-raw' (on raw values). Default 100. */
  sharpness?: number;
  /** Variance update (see the file header). Default 'natural'. */
  variance?: NovasVariance;
  /** v₀ added to the updated variance before the square root. Default 0 (the paper code: 1e-3). */
  varianceOffset?: number;
  bounds?: Bounds;
}

export interface NovasOptions extends SolveOptions, Omit<NovasStepOptions, 'bounds'> {
  /** Stop when the whole-batch step ‖μ' − μ‖_F falls below this. Default 1e-4. */
  iterEps?: number;
}

export interface NovasConfig extends Omit<NovasOptions, 'noise' | 'rng' | 'bounds' | 'trace'> {}

export const NOVAS_DEFAULTS = {
  iterations: 10,
  samples: 100,
  kappa: 10,
  alpha: 1,
  sigmaMin: 1e-3,
  shape: 'exp' as NovasShape,
  eliteFraction: 0.1,
  sharpness: 100,
  variance: 'natural' as NovasVariance,
  varianceOffset: 0,
  iterEps: 1e-4,
  backward: { truncated: 1 } as BackwardMode,
};

/** NOVAS's backward modes, its default ({ truncated: 1 }, as the paper's code) first. */
export const NOVAS_BACKWARD_MODES: readonly BackwardKind[] = ['truncated', 'unroll', 'none'];

/** Entries `[B, 1]` of `[B, N]` values at per-row indices `[B]`; the gradient reaches those entries only. */
function pickPerRow(fX: tf.Tensor, idx: tf.Tensor): tf.Tensor {
  const mask = tf.cast(tf.oneHot(idx, fX.shape[1]!), 'bool');
  return tf.sum(tf.where(mask, fX, tf.zerosLike(fX)), 1, true);
}

/**
 * Min-max normalization of `[B, N]` objective values per problem: 0 for the best sample, 1 for the worst.
 * min and max are read at one argmin / argmax sample each: tf.min / tf.max send the full gradient to every
 * tied entry, which multiplies d(min f) by the number of ties (samples clipped onto the same bound all tie).
 * A problem whose values are all equal gets f̃ = 0 (uniform weights) and no gradient.
 */
export function minMaxNormalize(fX: tf.Tensor): tf.Tensor {
  if (tapeDepth() === 0) {
    // No gradient is recorded (e.g. MPC.act): the same values with fewer kernels.
    const lo0 = tf.min(fX, 1, true);
    const range0 = tf.sub(tf.max(fX, 1, true), lo0);
    return tf.div(tf.sub(fX, lo0), tf.where(tf.greater(range0, 1e-12), range0, tf.onesLike(range0)));
  }
  const lo = pickPerRow(fX, tf.argMin(fX, 1));
  const range = tf.sub(pickPerRow(fX, tf.argMax(fX, 1)), lo);
  // 1 where the values spread, else 0 (tf.step has a zero gradient).
  const spread = tf.step(tf.sub(range, 1e-12));
  return tf.div(tf.mul(tf.sub(fX, lo), spread), tf.add(tf.mul(range, spread), tf.sub(1, spread)));
}

type ShapeFn = (fn: tf.Tensor, o: Required<Omit<NovasStepOptions, 'bounds'>>, fX: tf.Tensor) => tf.Tensor;

/** Shape functions: normalized values `[B, N]` (and the raw ones) → weights `[B, N]` summing to 1 per problem. */
export const NOVAS_SHAPES: Record<NovasShape, ShapeFn> = {
  exp: (fn, o) => tf.softmax(tf.mul(fn, -o.kappa), -1),
  'soft-ce': (fn, o) => {
    const N = fn.shape[1]!;
    const elite = Math.min(N, Math.max(1, Math.ceil(o.eliteFraction * N)));
    // γ from a host copy: a tf.topk recorded on a tape makes backprop fail (TopK has no gradient), even
    // behind stopGradient.
    const detached = tf.tensor(fn.dataSync(), fn.shape, 'float32');
    const gamma = tf.neg(tf.topk(tf.neg(detached), elite).values.slice([0, elite - 1], [-1, 1]));
    const S = tf.mul(tf.sub(1, fn), tf.sigmoid(tf.mul(tf.sub(gamma, fn), o.sharpness)));
    return tf.div(S, tf.add(tf.sum(S, 1, true), 1e-12));
  },
  'soft-ce-raw': (fn, o, fX) => {
    const N = fn.shape[1]!;
    const elite = Math.min(N, Math.max(1, Math.ceil(o.eliteFraction * N)));
    // The ⌈ρN⌉-th best sample's index, from a host copy: tfjs has no TopK gradient, and a copy is off the tape.
    const detached = tf.tensor(fX.dataSync(), fX.shape, 'float32');
    const idx = tf.topk(tf.neg(detached), elite).indices.slice([0, elite - 1], [-1, 1]).reshape([-1]);
    const gamma = pickPerRow(fX, idx);
    const S = tf.mul(tf.sub(1, fn), tf.sigmoid(tf.mul(tf.sub(gamma, fX), o.sharpness)));
    return tf.div(S, tf.add(tf.sum(S, 1, true), 1e-12));
  },
};

export interface NovasStepResult {
  X: tf.Tensor;
  fX: tf.Tensor;
  /** Weights `[B, N]`, Σ_s S = 1. */
  S: tf.Tensor;
  mu: tf.Tensor;
  sigma: tf.Tensor;
}

/** The step options with their defaults filled in and checked (errors name the option). */
export function resolveNovasStep(o: Omit<NovasStepOptions, 'bounds'>): Required<Omit<NovasStepOptions, 'bounds'>> {
  const r = {
    kappa: o.kappa ?? NOVAS_DEFAULTS.kappa,
    alpha: o.alpha ?? NOVAS_DEFAULTS.alpha,
    sigmaMin: o.sigmaMin ?? NOVAS_DEFAULTS.sigmaMin,
    shape: o.shape ?? NOVAS_DEFAULTS.shape,
    eliteFraction: o.eliteFraction ?? NOVAS_DEFAULTS.eliteFraction,
    sharpness: o.sharpness ?? NOVAS_DEFAULTS.sharpness,
    variance: o.variance ?? NOVAS_DEFAULTS.variance,
    varianceOffset: o.varianceOffset ?? NOVAS_DEFAULTS.varianceOffset,
  };
  if (r.variance !== 'natural' && r.variance !== 'weighted') throw new Error(`novas: variance must be 'natural' or 'weighted' (got "${String(r.variance)}")`);
  if (!(r.varianceOffset >= 0)) throw new Error(`novas: varianceOffset must be ≥ 0 (got ${r.varianceOffset})`);
  if (!(r.alpha > 0)) throw new Error(`novas: alpha must be a positive number (got ${r.alpha})`);
  if (!(r.sigmaMin >= 0)) throw new Error(`novas: sigmaMin must be ≥ 0 (got ${r.sigmaMin})`);
  if (!Number.isFinite(r.kappa)) throw new Error(`novas: kappa must be a finite number (got ${r.kappa})`);
  if (!(r.eliteFraction > 0 && r.eliteFraction <= 1)) throw new Error(`novas: eliteFraction must be in (0, 1] (got ${r.eliteFraction})`);
  if (!NOVAS_SHAPES[r.shape]) throw new Error(`novas: unknown shape "${r.shape}"; expected one of ${Object.keys(NOVAS_SHAPES).join(', ')}`);
  return r;
}

/** One NOVAS update from mean and std `[B, n]` with noise `[B, N, n]`; every output differentiable. */
export function novasStep(f: Objective, mu: tf.Tensor, sigma: tf.Tensor, eps: tf.Tensor, opts: NovasStepOptions = {}): NovasStepResult {
  const dims = assertShape('novasStep: eps', eps, ['B', 'N', 'n']);
  assertShape('novasStep: mu', mu, ['B', 'n'], dims);
  assertShape('novasStep: sigma', sigma, ['B', 'n'], dims);
  const o = resolveNovasStep(opts);
  const mu3 = mu.expandDims(1);
  const X = clipToBounds(tf.add(mu3, tf.mul(sigma.expandDims(1), eps)), opts.bounds);
  const fX = f(X);
  assertShape('novas: objective output f(X)', fX, [dims.B!, dims.N!]);
  const S = NOVAS_SHAPES[o.shape](minMaxNormalize(fX), o, fX);
  // Weighted sums over the samples as batched products [B, 1, N] × [B, N, n] → [B, 1, n].
  const Sw = S.expandDims(1);
  const D = tf.sub(X, mu3);
  const muNew = tf.add(mu, tf.mul(o.alpha, tf.matMul(Sw, D).squeeze([1])));
  let varNew: tf.Tensor;
  if (o.variance === 'weighted') {
    varNew = tf.matMul(Sw, tf.square(tf.sub(X, muNew.expandDims(1)))).squeeze([1]);
  } else {
    const var0 = tf.square(sigma);
    varNew = tf.add(var0, tf.mul(o.alpha, tf.sub(tf.matMul(Sw, tf.square(D)).squeeze([1]), var0)));
  }
  if (o.varianceOffset > 0) varNew = tf.add(varNew, o.varianceOffset);
  const sigmaNew = tf.sqrt(tf.maximum(varNew, o.sigmaMin * o.sigmaMin));
  return { X, fX, S, mu: muNew, sigma: sigmaNew };
}

/** Runs NOVAS on f from init (mean `[B, n]`, std scalar / `[n]` / `[B, n]`, default 1); see the file header. */
export function novas(f: Objective, init: { mean: tf.Tensor; std?: tf.Tensor }, opts: NovasOptions = {}): GaussianSolveResult {
  const { B, n } = checkInit(init);
  const T = positiveInt('iterations', opts.iterations, NOVAS_DEFAULTS.iterations);
  const N = positiveInt('samples', opts.samples, NOVAS_DEFAULTS.samples);
  if (N < 2) throw new Error(`novas: samples must be ≥ 2 (got ${N}); the shape function compares samples`);
  const iterEps = opts.iterEps ?? NOVAS_DEFAULTS.iterEps;
  if (!(iterEps >= 0)) throw new Error(`novas: iterEps must be a non-negative number (got ${iterEps})`);
  const mode = checkBackward(opts.backward, T, 'novas', NOVAS_BACKWARD_MODES, NOVAS_DEFAULTS.backward);
  resolveNovasStep(opts);
  return solveGaussianSearch(f, init, { B, n }, { solver: 'novas', iterations: T, samples: N, mode, iterEps, noiseFrom: opts, bounds: opts.bounds, trace: Boolean(opts.trace) }, (bounds) => {
    const stepOpts: NovasStepOptions = { ...opts, bounds };
    return (mu, sigma, eps) => novasStep(f, mu, sigma, eps, stepOpts);
  });
}

const checkConfig = (config: Record<string, unknown> | undefined): NovasConfig => checkSolverConfig<NovasConfig>('novas', config, NOVAS_DEFAULTS);

/** The NOVAS `Solver`: construction-time defaults, overridable per call. */
export class NovasSolver implements Solver {
  readonly name = 'novas';
  readonly backwardModes = NOVAS_BACKWARD_MODES;
  readonly config: NovasConfig;
  constructor(config: NovasConfig = {}) {
    this.config = checkConfig(config as Record<string, unknown>);
  }
  solve(f: Objective, init: { mean: tf.Tensor; std?: tf.Tensor }, opts: NovasOptions = {}): GaussianSolveResult {
    return novas(f, init, { ...this.config, ...opts });
  }
}

registerSolver('novas', (config) => new NovasSolver(checkConfig(config)), 'NOVAS adaptive stochastic search (Exarchos, Pereira et al. 2021)');
