// The one interface every inner optimizer implements, and the registry that names them.
//
// A solver minimizes, for each of B problems, an objective f over n-dimensional decision variables
// (for MPC, a flattened action sequence of H·nu). Sampling solvers evaluate f on a batch of candidates
// X `[B, N, n]` in one call; gradient solvers call it with N = 1. The returned solution is differentiable
// w.r.t. whatever f closes over (model and cost variables), with the backward mode chosen per call, as in
// Theseus: 'unroll' (backpropagate through every iteration), { truncated: k } (only the last k iterations),
// 'implicit' (the implicit function theorem at the solution, e.g. the QP layer's KKT backward) or 'none' (the
// solution is a constant). Each solver declares the modes it supports and refuses the others by name; every
// solve returns an info object (per-problem status, iterations, optional trace).
import type * as tf from '@tensorflow/tfjs';
import { Registry } from '../tensor/registry.ts';
import type { Rng } from '../tensor/rng.ts';

/** Objective over candidates: X `[B, N, n]` → values `[B, N]` (lower is better). */
export type Objective = (X: tf.Tensor) => tf.Tensor;

export type BackwardMode = 'unroll' | { truncated: number } | 'implicit' | 'none';

/** The kind of a backward mode, as solvers declare them: `{ truncated: k }` is 'truncated'. */
export type BackwardKind = 'unroll' | 'truncated' | 'implicit' | 'none';

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

/** What happened in a solve, always returned (Theseus's info object). */
export interface SolveInfo {
  /** `[B]` per-problem status. */
  status: SolveStatus[];
  /** Iterations run (updates computed). */
  iterations: number;
  /** The backward mode the solution was built with. */
  backward: BackwardMode;
  /** Per-iteration statistics, when `trace` was asked for. */
  trace?: SolverTrace;
}

export interface SolveResult {
  /** `[B, n]`, differentiable according to the backward mode. */
  solution: tf.Tensor;
  /** `[B]` objective value at the solution. */
  value: tf.Tensor;
  info: SolveInfo;
}

export interface Solver {
  readonly name: string;
  /** The backward modes this solver supports; the first is its default. */
  readonly backwardModes: readonly BackwardKind[];
  /** True when the solver follows ∂f/∂X (gd, adam, l2o): planners then check the model is differentiable. */
  readonly usesGradient?: boolean;
  solve(f: Objective, init: { mean: tf.Tensor; std?: tf.Tensor }, opts?: SolveOptions): SolveResult;
}

export type SolverFactory = (config?: Record<string, unknown>) => Solver;

/** Every registered solver, by name. */
export const solverRegistry = new Registry<{ factory: SolverFactory; description: string }>({
  kind: 'solver',
  emptyHint: "import 'diffmpc' to register the built-in solvers",
});

/** Registers a solver under a name (e.g. 'dcem'); re-registering a name is an error. */
export function registerSolver(name: string, factory: SolverFactory, description = ''): void {
  solverRegistry.register(name, { factory, description });
}

/**
 * Builds a registered solver; unknown names get an error listing the known ones and the closest match.
 * @example const r = makeSolver('dcem', { elites: 10 }).solve(f, { mean: tf.zeros([1, 4]) }, { iterations: 5 });
 */
export function makeSolver(name: string, config?: Record<string, unknown>): Solver {
  return solverRegistry.get(name, 'makeSolver').factory(config);
}

export function listSolvers(): Array<{ name: string; description: string }> {
  return solverRegistry.items().map(([name, e]) => ({ name, description: e.description }));
}

/** The kind of a backward mode (`{ truncated: k }` → 'truncated'). */
export function backwardKind(mode: BackwardMode): BackwardKind {
  return typeof mode === 'object' && mode !== null ? 'truncated' : mode;
}

/** Human form of the supported modes: `'unroll', { truncated: k }, 'none'`. */
export function describeBackwardModes(kinds: readonly BackwardKind[]): string {
  return kinds.map((k) => (k === 'truncated' ? '{ truncated: k }' : `'${k}'`)).join(', ');
}
