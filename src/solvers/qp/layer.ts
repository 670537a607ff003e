// The QP layer as ONE differentiable tfjs op (OptNet, Amos & Kolter 2017):  z* = qpLayer({Q, p, G, h, A, b}).
//
// Forward: the tensors are read as Float64, packed (problem.ts) and solved by the batched interior-point
// method (pdipm.ts); z* `[B, nz]` comes back as a float32 tensor. Backward: the cotangent of z* goes
// through the KKT backward (backward.ts) with the forward's factorization, giving one gradient per input
// tensor, shaped like that input (gradients of shared parameters summed over the batch, or averaged with
// `sharedGrad: 'mean'` as qpth does). Problems that are not solved raise a QpError naming the batch elements
// and their status, unless `allowNonOptimal` (then their best iterate is returned; gradients of problems
// without a factorization are zero).
import * as tf from '@tensorflow/tfjs';
import { describeValue } from '../../tensor/check.ts';
import { applyCustomOp } from '../../tensor/custom-op.ts';
import { qpBackward } from './backward.ts';
import { solveQpBatch } from './pdipm.ts';
import { equalityRank } from './equality-consistency.ts';
import { packQp, type QpParams } from './problem.ts';
import { QpError, type QpBatch, type QpGrads, type QpOptions, type QpSolution, type SharedGrad } from './types.ts';

export interface QpLayerOptions extends QpOptions {
  sharedGrad?: SharedGrad;
  /** Return the best iterate of unsolved problems instead of throwing. Default false. */
  allowNonOptimal?: boolean;
  /** Receives the Float64 solution (status, multipliers, iterations) of each forward pass. */
  onSolution?: (sol: QpSolution) => void;
}

export interface QpTensors {
  /** `[B, nz, nz]` or `[nz, nz]` */
  Q: tf.Tensor;
  /** `[B, nz]` or `[nz]` */
  p: tf.Tensor;
  /** `[B, nineq, nz]` or `[nineq, nz]`; optional or empty (`[0, nz]`) for no inequalities */
  G?: tf.Tensor;
  /** `[B, nineq]` or `[nineq]` */
  h?: tf.Tensor;
  /** `[B, neq, nz]` or `[neq, nz]` (optional) */
  A?: tf.Tensor;
  /** `[B, neq]` or `[neq]` (optional) */
  b?: tf.Tensor;
}

/** Float64 solve (exact use, no tfjs): validates, packs and solves. */
export function solveQp(params: QpParams, opts: QpOptions = {}): QpSolution & { problem: ReturnType<typeof packQp> } {
  const problem = packQp(params);
  return { ...solveQpBatch(problem, opts), problem };
}

/**
 * Throws a QpError listing the unsolved problems; with the `problem`, a 'max-iter' whose A has dependent
 * rows (a singular KKT system) says so.
 */
export function assertSolved(sol: QpSolution, where = 'qpLayer', problem?: QpBatch): void {
  const bad = sol.status.map((s, i) => [i, s] as const).filter(([, s]) => s !== 'optimal');
  if (bad.length === 0) return;
  const hint = (i: number, s: string): string => {
    if (!problem || s !== 'max-iter' || problem.neq === 0) return '';
    const r = equalityRank(problem.A, i * problem.aS, problem.neq, problem.nz);
    return r < problem.neq ? ` (A has dependent rows: rank ${r} < neq ${problem.neq}; drop the redundant equalities)` : '';
  };
  const shown = bad.slice(0, 8).map(([i, s]) => `${i}: ${s}${hint(i, s)}`).join(', ');
  throw new QpError(
    `${where}: ${bad.length} of ${sol.B} problems not solved (${shown}${bad.length > 8 ? ', …' : ''}); ` +
      `'primal-infeasible' means Gz ≤ h, Az = b has no solution, 'dual-infeasible' that the objective is unbounded, ` +
      `'non-pd-Q' that Q is not positive semidefinite, 'max-iter' that it did not converge (raise maxIter or pass allowNonOptimal)`,
    sol.status,
  );
}

const ORDER = ['Q', 'p', 'G', 'h', 'A', 'b'] as const;

/** z* `[B, nz]` as a differentiable op of every given input tensor. */
export function qpLayer(params: QpTensors, opts: QpLayerOptions = {}): tf.Tensor {
  if (typeof params !== 'object' || params === null) throw new Error('qpLayer: expected the tensors { Q, p, G?, h?, A?, b? }');
  for (const k of ORDER) {
    const v = params[k];
    if (v === undefined && (k === 'Q' || k === 'p')) throw new Error(`qpLayer: ${k} is missing; pass ${k} as a tf.Tensor`);
    if (v !== undefined && !(v instanceof tf.Tensor)) {
      throw new Error(`qpLayer: ${k} must be a tf.Tensor (got ${describeValue(v)}); wrap it with tf.tensor(…), or use solveQp for plain arrays`);
    }
  }
  // Empty tensors (no rows, e.g. G `[0, nz]`) are constraints that are absent, not inputs of the op.
  const names = ORDER.filter((k) => params[k] !== undefined && params[k]!.size > 0);
  for (const [x, y, X, Y] of [['A', 'b', 'A [B, neq, nz]', 'b [B, neq]'], ['G', 'h', 'G [B, nineq, nz]', 'h [B, nineq]']] as const) {
    const hasX = names.includes(x), hasY = names.includes(y);
    if (hasX !== hasY) throw new Error(`qpLayer: ${hasX ? y : x} is missing or empty while ${hasX ? x : y} is given; pass both ${X} and ${Y} or neither`);
  }
  const inputs = names.map((k) => params[k]!);
  const forward = (...xs: tf.Tensor[]) => {
    const given: Record<string, tf.Tensor> = {};
    names.forEach((k, i) => (given[k] = xs[i]!));
    const problem = packQp(given as unknown as QpParams);
    const sol = solveQpBatch(problem, opts);
    opts.onSolution?.(sol);
    if (!opts.allowNonOptimal) assertSolved(sol, 'qpLayer', problem);
    const z32 = Float32Array.from(sol.z);
    const k = z32.findIndex((v) => !Number.isFinite(v));
    if (k >= 0) {
      throw new QpError(
        `qpLayer: the solution of problem ${Math.floor(k / sol.nz)} has |z| = ${Math.abs(sol.z[k]!).toExponential(2)} (status ${sol.status[Math.floor(k / sol.nz)]}), beyond float32; Q is (nearly) singular for this p; rescale Q and p or add constraints`,
        sol.status,
      );
    }
    const value = tf.tensor2d(z32, [sol.B, sol.nz]);
    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      const w = Float64Array.from(dy.dataSync());
      const g: QpGrads = qpBackward(problem, sol, w, opts.sharedGrad ?? 'sum');
      return names.map((k, i) => tf.tensor(Float32Array.from(g[k]), xs[i]!.shape));
    };
    return { value, gradFunc };
  };
  return applyCustomOp(forward, ...inputs);
}
