// The trained learned optimizer as a `Solver` (src/solvers/types.ts), registered as 'l2o'.
//
// For an objective over X `[B, N, n]` the solver runs one iterate per problem (N = 1): θ_{t+1} =
// Π(θ_t + s·μ(features(θ_t))), Π the projection onto the box bounds when given, for `iterations` steps,
// and returns the best iterate seen per problem (a learned optimizer need not decrease f monotonically).
// The policy's features use log(f − floor + ε), so the objective should be bounded below by `floor`
// (default 0: MPC costs are non-negative); values below the floor are treated as the floor.
// Backward: only 'none'. The policy reads ∇f, so differentiating the unrolled steps would need second
// derivatives of the objective through a non-smooth policy; use a differentiable solver (gd, dcem, novas)
// when the solution must carry gradients. Registration lives here (policies/), since src/ must not
// import policies/.
//   makeSolver('l2o', { checkpoint: 'runs/l2o/optimizer.json' })   or   { optimizer: LearnedOptimizer }
import * as tf from '@tensorflow/tfjs';
import { registerSolver, type Objective, type SolveOptions, type SolveResult, type Solver } from '../../src/solvers/types.ts';
import { checkBackward, checkInit, clipToBounds, positiveInt, resolveBounds, TraceRecorder } from '../../src/solvers/common.ts';
import { LearnedOptimizer, policyActions } from './learned-optimizer.ts';
import type { Problem } from './problems.ts';
import { disposeOptState } from './state.ts';
import { startState, stepState } from './env-step.ts';

export interface L2OSolverConfig {
  /** Path of a checkpoint saved by LearnedOptimizer.save. */
  checkpoint?: string;
  /** An optimizer already in memory (takes precedence over `checkpoint`). */
  optimizer?: LearnedOptimizer;
  /** Default number of iterations (default 50). */
  iterations?: number;
  /** Lower bound of the objective used by the features (default 0). */
  floor?: number;
}

/** Wraps a solver objective `[B, N, n] → [B, N]` as a Problem on θ `[B, n]`, shifted by −floor. */
export function objectiveAsProblem(f: Objective, n: number, floor: number): Problem {
  const fz = (theta: tf.Tensor) => tf.sub(f(theta.expandDims(1)).reshape([theta.shape[0]!]), floor);
  const g = tf.grad((x: tf.Tensor) => tf.sum(fz(x)));
  return {
    family: 'objective',
    dim: n,
    f: (theta) => tf.tidy(() => fz(theta)),
    grad: (theta) => tf.tidy(() => g(theta)),
    init: () => {
      throw new Error('objectiveAsProblem: the solver starts from init.mean; init() is not used');
    },
    dispose: () => {},
  };
}

export class L2OSolver implements Solver {
  readonly name = 'l2o';
  readonly backwardModes = ['none'] as const;
  readonly usesGradient = true;
  readonly optimizer: LearnedOptimizer;
  readonly iterations: number;
  readonly floor: number;

  constructor(config: L2OSolverConfig = {}) {
    if (config.optimizer) this.optimizer = config.optimizer;
    else if (config.checkpoint) this.optimizer = LearnedOptimizer.load(config.checkpoint);
    else throw new Error("l2o solver: pass { checkpoint: 'path/to/optimizer.json' } or { optimizer } (a trained LearnedOptimizer)");
    this.iterations = positiveInt('l2o solver: iterations', config.iterations, 50);
    this.floor = config.floor ?? 0;
    if (!Number.isFinite(this.floor)) throw new Error(`l2o solver: floor must be a finite number (got ${config.floor})`);
  }

  solve(f: Objective, init: { mean: tf.Tensor; std?: tf.Tensor }, opts: SolveOptions = {}): SolveResult {
    const { B, n } = checkInit(init);
    const iterations = positiveInt('iterations', opts.iterations, this.iterations);
    const backward = checkBackward(opts.backward, iterations, 'l2o solver (not differentiated: use gd, dcem or novas for a differentiable solution)', this.backwardModes);
    const cfg = this.optimizer.config;
    const bounds = tf.tidy(() => resolveBounds(opts.bounds, B, n) as unknown as tf.TensorContainer) as unknown as ReturnType<typeof resolveBounds>;
    const project = bounds ? (x: tf.Tensor) => clipToBounds(x, bounds) : undefined;
    const problem = objectiveAsProblem(f, n, this.floor);
    const recorder = opts.trace ? new TraceRecorder() : undefined;
    const theta0 = tf.tidy(() => (project ? project(init.mean) : init.mean.clone()));
    let s = startState(problem, theta0, cfg);
    theta0.dispose();
    let best = s.theta.clone();
    let bestF = s.f.clone();
    const record = () => {
      if (!recorder) return;
      const v = tf.tidy(() => tf.add(s.f, this.floor).reshape([B, 1]));
      recorder.record(v);
      v.dispose();
    };
    record();
    for (let t = 0; t < iterations; t++) {
      const a = policyActions(this.optimizer.actor, s, cfg);
      const { next, reward } = stepState(problem, s, a, cfg, project);
      tf.dispose([a, reward]);
      disposeOptState(s);
      s = next;
      const [nb, nf] = tf.tidy(() => {
        const better = tf.less(s.f, bestF);
        return [tf.where(better.reshape([B, 1]).tile([1, n]), s.theta, best), tf.where(better, s.f, bestF)];
      });
      tf.dispose([best, bestF]);
      best = nb!;
      bestF = nf!;
      record();
    }
    disposeOptState(s);
    const value = tf.tidy(() => tf.add(bestF, this.floor));
    bestF.dispose();
    if (bounds) tf.dispose([bounds.lo, bounds.hi]);
    return { solution: best, value, info: { status: new Array(B).fill('max-iter'), iterations, backward, ...(recorder ? { trace: recorder.trace } : {}) } };
  }
}

registerSolver('l2o', (config) => new L2OSolver(config as L2OSolverConfig), 'learned coordinate-wise optimizer (DDPG policy; checkpoint from policies/l2o)');
