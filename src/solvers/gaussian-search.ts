// The iteration driver shared by the Gaussian sampling solvers (DCEM, NOVAS): repeated updates
// (μ, σ) → (μ', σ') from noise ε_i `[B, N, n]`, with the whole-batch stop test, backward-mode gating,
// traces and per-problem status.
//
//   for i = 0..T−1:  (μ, σ) ← gate_i(μ, σ);  (μ', σ') = update(μ, σ, ε_i)
//                    stop if ‖μ' − μ‖_F < iterEps (Frobenius norm over the whole batch; σ is then kept)
// Backward modes (src/solvers/common.ts): 'unroll' differentiates every update; 'none' detaches the start
// (the caller detaches the result); { truncated: k } detaches the iterate entering update T − k. When the
// stop test fires early, the detach planned at T − k may not have happened (or cut fewer than k updates
// from the end), so the last k updates actually run are recomputed from the stored, detached iterate with
// the same noise: the solution's gradient then covers exactly the last k updates, as requested.
// Status per problem b: 'converged' when its last step ‖μ'_b − μ_b‖ < iterEps, else 'max-iter'.
// Non-finite values (non-finite.ts) cost no extra read per iteration: ‖μ' − μ‖², read for the stop test, is
// NaN iff μ' is (μ is finite, by induction from the checked start); the start and the value at the solution
// are read and checked on the host once per solve. Only a failed check re-evaluates the failing iteration's
// candidates to report what was not finite, where, and for how many.
// Must be called inside a tf.tidy (the caller's), which releases the stored iterates and noise.
import * as tf from '@tensorflow/tfjs';
import { stopGradient } from '../tensor/stop-gradient.ts';
import { assertShape } from '../tensor/check.ts';
import { NonFiniteError } from '../tensor/check.ts';
import { scoped } from '../tensor/memory.ts';
import { clipToBounds, drawNoise, gateIterates, resolveBounds, TraceRecorder, type Bounds } from './common.ts';
import { NonFiniteObjectiveError, allFinite, countNonFinite, type NonFiniteReport } from './non-finite.ts';
import type { BackwardMode, Objective, SolveInfo, SolveOptions, SolveResult, SolveStatus } from './types.ts';

/** One update from mean and std `[B, n]` with noise `[B, N, n]`; fX `[B, N]` feeds the trace. */
export type GaussianUpdate = (
  mu: tf.Tensor,
  sigma: tf.Tensor,
  eps: tf.Tensor,
  i: number,
) => { mu: tf.Tensor; sigma: tf.Tensor; fX: tf.Tensor };

export interface GaussianSearchOptions {
  iterations: number;
  samples: number;
  mode: BackwardMode;
  iterEps: number;
  /** Source of the noise (`noise` or `rng`). */
  noiseFrom: SolveOptions;
  trace?: TraceRecorder;
  /**
   * Builds the error for a non-finite iterate at iteration `i` (0-based) from its inputs; `cause` is the
   * NonFiniteError an update threw (e.g. LML refusing NaN scores). Without it the cause is rethrown / a
   * generic NonFiniteError raised.
   */
  onNonFinite?: (i: number, mu: tf.Tensor, sigma: tf.Tensor, eps: tf.Tensor, cause?: Error) => Error;
}

export interface GaussianSearchResult {
  /** Final mean `[B, n]` (the last μ'). */
  mu: tf.Tensor;
  sigma: tf.Tensor;
  /** Updates computed, including the one at which the stop test fired. */
  iterations: number;
  stoppedAt: number | null;
  /** Per-problem norm of the last step `[B]`. */
  lastStep: Float64Array;
}

export function runGaussianSearch(update: GaussianUpdate, mu0: tf.Tensor, sigma0: tf.Tensor, o: GaussianSearchOptions): GaussianSearchResult {
  const [B, n] = mu0.shape as [number, number];
  const T = o.iterations;
  const states: Array<[tf.Tensor, tf.Tensor]> = [];
  const noises: tf.Tensor[] = [];
  let mu = mu0;
  let sigma = sigma0;
  let lastStep = new Float64Array(B).fill(Infinity);
  let stoppedAt: number | null = null;
  let iterations = 0;
  // Noise is kept only when an early stop may require recomputing the last k updates.
  const recompute = typeof o.mode === 'object';
  for (let i = 0; i < T; i++) {
    states.push([mu, sigma]);
    [mu, sigma] = gateIterates(o.mode, i, T, [mu, sigma]);
    const eps = drawNoise(o.noiseFrom, i, [B, o.samples, n]);
    if (recompute) noises.push(eps);
    // Each update in its own scope: without a gradient tape its [B, N, n] intermediates are freed at once
    // (holding all T of them grows the wasm heap and costs more than the update); under a tape, tfjs keeps
    // what the backward pass needs.
    let next: tf.Tensor[];
    try {
      next = tf.tidy(() => {
        const step = update(mu, sigma, eps, i);
        o.trace?.record(step.fX);
        return [step.mu, step.sigma, tf.sum(tf.square(tf.sub(step.mu, mu)), 1)];
      });
    } catch (e) {
      if (e instanceof NonFiniteError && o.onNonFinite) throw o.onNonFinite(i, mu, sigma, eps, e);
      throw e;
    }
    const [muNext, sigmaNext, step2] = next as [tf.Tensor, tf.Tensor, tf.Tensor];
    const perProblem = step2.dataSync();
    if (!allFinite(perProblem)) {
      throw o.onNonFinite ? o.onNonFinite(i, mu, sigma, eps) : new NonFiniteError(`gaussian search: the mean became non-finite at iteration ${i + 1}`);
    }
    if (!recompute) eps.dispose();
    lastStep = Float64Array.from(perProblem, Math.sqrt);
    let total = 0;
    for (const v of perProblem) total += v;
    total = Math.sqrt(total);
    mu = muNext;
    iterations = i + 1;
    if (total < o.iterEps) {
      stoppedAt = i;
      break;
    }
    sigma = sigmaNext;
  }
  if (stoppedAt !== null && typeof o.mode === 'object' && iterations > o.mode.truncated) {
    const start = iterations - o.mode.truncated;
    let m = stopGradient(states[start]![0]);
    let s = stopGradient(states[start]![1]);
    for (let j = start; j < iterations; j++) {
      const step = update(m, s, noises[j]!, j);
      m = step.mu;
      if (j < iterations - 1) s = step.sigma;
    }
    mu = m;
  }
  return { mu, sigma, iterations, stoppedAt, lastStep };
}

/** Per-problem status from the last step norms. */
export function statusFromSteps(lastStep: Float64Array, tol: number): SolveStatus[] {
  return Array.from(lastStep, (s) => (s < tol ? 'converged' : 'max-iter'));
}

/** What DCEM and NOVAS report: the solve info plus where the stop test fired. */
export interface GaussianSolveInfo extends SolveInfo {
  /** Updates computed (noise draws used), including the one at which the stop test fired. */
  iterations: number;
  /** 0-based iteration at which the whole-batch stop test fired, or null. */
  stoppedAt: number | null;
}

export interface GaussianSolveResult extends SolveResult {
  info: GaussianSolveInfo;
}

/** Broadcasts init.std (scalar, `[n]`, `[B, n]`, default 1) to `[B, n]`. */
export function initialStd(std: tf.Tensor | undefined, B: number, n: number): tf.Tensor {
  return std ? tf.broadcastTo(std, [B, n]) : tf.ones([B, n]);
}

/** Objective value at each problem's point `[B, n]` → `[B]`. */
export function valueAt(f: Objective, x: tf.Tensor): tf.Tensor {
  const [B] = x.shape as [number, number];
  const v = f(x.expandDims(1));
  assertShape('objective output f(X)', v, [B, 1]);
  return v.reshape([B]);
}

/**
 * The whole solve shared by DCEM and NOVAS: resolves the bounds, runs `runGaussianSearch` with the update
 * `makeUpdate(bounds)` inside one tidy, clips the final mean into the bounds (detached for backward 'none'),
 * evaluates f there and reports the per-problem status and the trace.
 */
export function solveGaussianSearch(
  f: Objective,
  init: { mean: tf.Tensor; std?: tf.Tensor },
  dims: { B: number; n: number },
  o: Omit<GaussianSearchOptions, 'trace' | 'onNonFinite'> & { bounds: SolveOptions['bounds']; trace?: boolean; solver?: string },
  makeUpdate: (bounds: Bounds | undefined) => GaussianUpdate,
): GaussianSolveResult {
  const trace = o.trace ? new TraceRecorder() : undefined;
  let search: Omit<GaussianSearchResult, 'mu' | 'sigma'> | undefined;
  const solver = o.solver ?? 'gaussian search';
  const out = tf.tidy(() => {
    const bounds = resolveBounds(o.bounds, dims.B, dims.n);
    const std0 = initialStd(init.std, dims.B, dims.n);
    const report = (r: Omit<NonFiniteReport, 'solver' | 'iterations'>) => new NonFiniteObjectiveError({ solver, iterations: o.iterations, ...r });
    const startError = (): Error | undefined => {
      const c = countNonFinite(tf.concat([init.mean, std0], 1));
      return c.count > 0 ? report({ what: 'start', iteration: 0, ...c }) : undefined;
    };
    // Failure path only: which of the start, the candidates' values or the update was not finite.
    const onNonFinite = (i: number, mu: tf.Tensor, sigma: tf.Tensor, eps: tf.Tensor, cause?: Error): Error =>
      scoped(() => {
        const bad = startError();
        if (bad) return bad;
        let fX: tf.Tensor;
        try {
          fX = f(clipToBounds(tf.add(mu.expandDims(1), tf.mul(sigma.expandDims(1), eps)), bounds));
        } catch {
          return cause ?? new NonFiniteError(`${solver}: the mean became non-finite at iteration ${i + 1}`);
        }
        const c = countNonFinite(fX);
        if (c.count > 0) return report({ what: 'objective', iteration: i + 1, ...c });
        if (cause) return cause;
        return report({ what: 'update', iteration: i + 1, ...countNonFinite(tf.concat([mu, sigma], 1)) });
      });
    const r = runGaussianSearch(makeUpdate(bounds), init.mean, std0, {
      iterations: o.iterations,
      samples: o.samples,
      mode: o.mode,
      iterEps: o.iterEps,
      noiseFrom: o.noiseFrom,
      onNonFinite,
      ...(trace ? { trace } : {}),
    });
    search = r;
    let solution = clipToBounds(r.mu, bounds);
    if (o.mode === 'none') solution = stopGradient(solution);
    const value = valueAt(f, solution);
    // Host reads, no kernels (cheaper than a reduction on wasm/cpu): the start (a NaN mean is clipped onto a
    // bound and would go unnoticed) and the value at the solution.
    if (!allFinite(value.dataSync()) || !allFinite(init.mean.dataSync()) || !allFinite(std0.dataSync())) {
      throw startError() ?? report({ what: 'objective', iteration: 'solution', ...countNonFinite(value) });
    }
    return { solution, value };
  });
  const { iterations, stoppedAt, lastStep } = search!;
  const info: GaussianSolveInfo = { status: statusFromSteps(lastStep, o.iterEps), iterations, stoppedAt, backward: o.mode, ...(trace ? { trace: trace.trace } : {}) };
  return { ...out, info };
}

/** Rejects construction-time options of solver `name` that are not keys of its defaults. */
export function checkSolverConfig<C>(name: string, config: Record<string, unknown> | undefined, defaults: object): C {
  const c = config ?? {};
  const known = new Set(Object.keys(defaults));
  for (const key of Object.keys(c)) {
    if (!known.has(key)) throw new Error(`makeSolver('${name}'): unknown option "${key}"; known: ${[...known].join(', ')}`);
  }
  return c as C;
}
