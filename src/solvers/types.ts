// The one interface every inner optimizer implements, and the registry that names them.
//
// A solver minimizes, for each of B problems, an objective f over n-dimensional decision variables
// (for MPC, a flattened action sequence of H·nu). Sampling solvers evaluate f on a batch of candidates
// X `[B, N, n]` in one call; gradient solvers call it with N = 1. The returned solution is differentiable
// w.r.t. whatever f closes over (model and cost variables), with the backward mode chosen per call, as in
// Theseus: 'unroll' (backpropagate through every iteration), { truncated: k } (only the last k iterations),
// or 'none' (the solution is a constant).
import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '../tensor/rng.ts';

/** Objective over candidates: X `[B, N, n]` → values `[B, N]` (lower is better). */
export type Objective = (X: tf.Tensor) => tf.Tensor;

export type BackwardMode = 'unroll' | { truncated: number } | 'none';

export interface SolveOptions {
  iterations?: number;
  samples?: number;
  /** Box bounds on the decision variables, scalars or `[n]` / `[B, n]` tensors. */
  bounds?: [number | tf.Tensor, number | tf.Tensor];
  backward?: BackwardMode;
  /** Injected standard-normal noise `[iters, B, N, n]` for deterministic runs and tests. */
  noise?: tf.Tensor;
  /** Source of randomness when `noise` is not given. */
  rng?: Rng;
  /** Record a per-iteration trace (costs a few reads from the device). */
  trace?: boolean;
}

/** Per-iteration statistics, one entry per iteration, each `[B]` (plain arrays, already on the host). */
export interface SolverTrace {
  mean: number[][];
  std: number[][];
  best: number[][];
}

export type SolveStatus = 'converged' | 'max-iter' | 'failed';

export interface SolveResult {
  /** `[B, n]`, differentiable according to the backward mode. */
  solution: tf.Tensor;
  /** `[B]` objective value at the solution. */
  value: tf.Tensor;
  /** `[B]` per-problem status. */
  status?: SolveStatus[];
  trace?: SolverTrace;
}

export interface Solver {
  readonly name: string;
  solve(f: Objective, init: { mean: tf.Tensor; std?: tf.Tensor }, opts?: SolveOptions): SolveResult;
}

export type SolverFactory = (config?: Record<string, unknown>) => Solver;

const registry = new Map<string, { factory: SolverFactory; description: string }>();

/** Registers a solver under a name (e.g. 'dcem'); re-registering a name is an error. */
export function registerSolver(name: string, factory: SolverFactory, description = ''): void {
  if (registry.has(name)) throw new Error(`registerSolver: a solver named "${name}" is already registered`);
  registry.set(name, { factory, description });
}

/** Builds a registered solver; unknown names get an error listing the known ones. */
export function makeSolver(name: string, config?: Record<string, unknown>): Solver {
  const entry = registry.get(name);
  if (!entry) {
    throw new Error(`makeSolver: unknown solver "${name}"; registered solvers: ${[...registry.keys()].sort().join(', ') || '(none)'}`);
  }
  return entry.factory(config);
}

export function listSolvers(): Array<{ name: string; description: string }> {
  return [...registry.entries()].map(([name, e]) => ({ name, description: e.description }));
}
