// Non-finite objective values, gradients or iterates found by a solver, reported instead of a silent answer.
//
// A NaN or ±∞ anywhere in a solve poisons it silently: the soft weights of a sampling solver become NaN, and
// clipping into the bounds maps NaN onto a bound (the wasm backend's clip returns lo), so a broken model
// "plans" the action −2. The solvers therefore check, once per solve, that the start, the iterates (DCEM and
// NOVAS read ‖μ' − μ‖ every iteration anyway: it is NaN iff μ' is), the gradients (GD) and the value at the
// solution are finite, and only when that fails re-examine the failing iteration to say what went wrong:
// which quantity, at which iteration, for how many candidates, of which problems. Callers that know what the
// objective is (MPC: the model, the cost, the observation) catch `NonFiniteObjectiveError` and add that.
import * as tf from '@tensorflow/tfjs';
import { NonFiniteError } from '../tensor/check.ts';

export type NonFiniteWhat = 'objective' | 'gradient' | 'hessian' | 'start' | 'update';

export interface NonFiniteReport {
  solver: string;
  /**
   * 'objective': f(X) of candidates; 'gradient': ∂f/∂X; 'hessian': a curvature model of f (SQP's Q);
   * 'start': init.mean / init.std; 'update': an iterate computed from finite values.
   */
  what: NonFiniteWhat;
  /** 1-based iteration (0: before the first iteration), or 'solution' for the value at the returned solution. */
  iteration: number | 'solution';
  iterations: number;
  /** Non-finite entries among `total` evaluated, and one of them (NaN, Infinity or −Infinity). */
  count: number;
  total: number;
  example: number;
  /** Problems (rows of the batch) with a non-finite entry, and the batch size. */
  problems: number[];
  B: number;
}

/**
 * One sentence, e.g. "the objective is NaN for 300 of 300 candidates at iteration 1 of 5 (problem 0 of 1)";
 * `subject` replaces "the objective" (MPC says "the rollout cost").
 */
export function describeNonFinite(r: NonFiniteReport, subject = 'the objective'): string {
  const when = r.iteration === 'solution' ? 'at the returned solution' : r.iteration === 0 ? 'at the start' : `at iteration ${r.iteration} of ${r.iterations}`;
  const shown = r.problems.slice(0, 5).join(', ') + (r.problems.length > 5 ? ', …' : '');
  const where = `${r.problems.length === 1 ? 'problem' : 'problems'} ${shown} of ${r.B}`;
  const value = String(r.example);
  switch (r.what) {
    case 'objective':
      return `${subject} is ${value} for ${r.count} of ${r.total} candidates ${when} (${where})`;
    case 'gradient':
      return `the gradient of ${subject} is ${value} in ${r.count} of ${r.total} entries ${when} (${where}) although ${subject} itself is finite`;
    case 'hessian':
      return `the Hessian of ${subject} is ${value} in ${r.count} of ${r.total} entries ${when} (${where}) although ${subject} and its gradient are finite`;
    case 'start':
      return `the start (init.mean / init.std) contains ${value} in ${r.count} of ${r.total} entries (${where})`;
    case 'update':
      return `the update became ${value} ${when} (${where}) although ${subject} was finite for every candidate; check the solver's settings (step size, temperature)`;
  }
}

/** Raised by a solver whose objective, gradient or iterate is not finite; `report` says where. */
export class NonFiniteObjectiveError extends NonFiniteError {
  override name = 'NonFiniteObjectiveError';
  /** `message` replaces the solver's own (callers that know the objective's parts rephrase it). */
  constructor(
    readonly report: NonFiniteReport,
    message = `${report.solver}: ${describeNonFinite(report)}; the objective (e.g. the model or cost it evaluates) produced it, not the solver`,
  ) {
    super(message);
  }
}

/** Non-finite entries of a `[B, ...]` tensor (host read; for the failure path only). */
export function countNonFinite(t: tf.Tensor): NonFiniteCount {
  return countNonFiniteHost(t.dataSync(), t.rank === 0 ? 1 : t.shape[0]!);
}

export interface NonFiniteCount {
  count: number;
  total: number;
  example: number;
  problems: number[];
  B: number;
}

/** Non-finite entries of a host array holding B problems' rows back to back. */
export function countNonFiniteHost(d: ArrayLike<number>, B: number): NonFiniteCount {
  const per = B > 0 ? d.length / B : 0;
  let count = 0;
  let example = NaN;
  const problems: number[] = [];
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (Number.isFinite(v)) continue;
    if (count === 0) example = v;
    count++;
    const b = Math.floor(i / per);
    if (problems[problems.length - 1] !== b) problems.push(b);
  }
  return { count, total: d.length, example, problems, B };
}

/**
 * A scalar tensor that is finite iff every entry of every tensor is: Σ 0·x over their concatenation (0·x is
 * NaN exactly for NaN and ±∞), so a whole solve is checked with one reduction and one read.
 */
export function finiteProbe(ts: tf.Tensor[]): tf.Tensor {
  return tf.sum(tf.mul(tf.concat(ts.map((t) => t.reshape([-1]))), 0));
}

/** Whether every entry of a host array is finite. */
export function allFinite(d: ArrayLike<number>): boolean {
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return false;
  return true;
}
