// A Problem wrapper that records what an optimizer spent: every f call (one per iterate for the methods
// here) logs the value, the wall time since the wrapper was made and the number of f + ∇f evaluations so
// far, and the iterate with the lowest value is kept. One run only (θ `[1, M]`).
import * as tf from '@tensorflow/tfjs';
import type { Problem } from './problems.ts';

export interface EvalLog {
  /** f at each f call. */
  values: number[];
  /** Milliseconds since the wrapper was made, at each f call. */
  ms: number[];
  /** f + ∇f evaluations made up to and including each f call. */
  evals: number[];
}

export class RecordingProblem implements Problem {
  readonly family: string;
  readonly dim: number;
  readonly log: EvalLog = { values: [], ms: [], evals: [] };
  private count = 0;
  private readonly t0 = performance.now();
  private bestTheta: tf.Tensor | null = null;
  private bestValue = Infinity;

  constructor(readonly inner: Problem) {
    this.family = inner.family;
    this.dim = inner.dim;
  }

  f(theta: tf.Tensor): tf.Tensor {
    if (theta.shape[0] !== 1) throw new Error(`RecordingProblem(${this.family}): records one run, θ must be [1, ${this.dim}] (got [${theta.shape}])`);
    const v = this.inner.f(theta);
    const x = v.dataSync()[0]!;
    this.count++;
    this.log.values.push(x);
    this.log.ms.push(performance.now() - this.t0);
    this.log.evals.push(this.count);
    if (Number.isFinite(x) && x < this.bestValue) {
      this.bestValue = x;
      this.bestTheta?.dispose();
      this.bestTheta = theta.clone();
    }
    return v;
  }

  grad(theta: tf.Tensor): tf.Tensor {
    this.count++;
    return this.inner.grad(theta);
  }

  init(B: number, rng: Parameters<Problem['init']>[1]): tf.Tensor {
    return this.inner.init(B, rng);
  }

  /** All f + ∇f evaluations so far. */
  get evaluations(): number {
    return this.count;
  }

  /** The iterate with the lowest recorded value `[1, M]` (owned by the recorder), or null before any f call. */
  get best(): tf.Tensor | null {
    return this.bestTheta;
  }

  /** Frees the kept iterate (not the inner problem). */
  dispose(): void {
    this.bestTheta?.dispose();
    this.bestTheta = null;
  }
}
