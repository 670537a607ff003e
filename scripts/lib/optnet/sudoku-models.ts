// The two contenders of the 4×4 Sudoku experiment (OptNet §5.2), both mapping a one-hot puzzle `[B, 64]` to a
// board `[B, 64]` scored against the one-hot solution (MSE, as the paper trains them).
//   OptNet:  z* = argmin_z ½ zᵀ(0.1 I)z − puzzleᵀz   s.t.  A z = b,  z ≥ 0,   A `[40, 64]` learned.
//            b = A·exp(w) with learned w `[64]` (the paper code's parametrisation): exp(w) > 0 is a point with
//            Az = b and z ≥ 0, so every QP on the way is feasible whatever A becomes.
//            40 rows = the rank of the true constraint system (64 equations, rank 40): with more rows than
//            the rank a learned A drifts to dependent rows and the KKT system is singular; a random A with
//            40 rows has full row rank with probability 1 and keeps it under small steps. A problem the
//            interior-point method still cannot solve is counted (`nonOptimal`) and gets its best iterate.
//   FC:      softmax over the 4 digits of each cell of an MLP [64, H, H, 64] (relu), the paper's FC baseline
//            shrunk to about the OptNet's parameter count.
import * as tf from '@tensorflow/tfjs';
import { MLP } from '../../../src/models/mlp.ts';
import { qpLayer, type QpSolution } from '../../../src/solvers/qp/index.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { SUDOKU_DIM } from './sudoku.ts';

/** Rows of the learned A: the rank of the true Sudoku constraints. */
export const SUDOKU_NEQ = 40;
export const SUDOKU_Q_PENALTY = 0.1;

export interface SudokuModel {
  readonly name: string;
  /** `[B, 64]` → `[B, 64]`. */
  predict(puzzles: tf.Tensor2D): tf.Tensor2D;
  variables(): tf.Variable[];
  paramCount(): number;
  dispose(): void;
}

export class OptNetSudoku implements SudokuModel {
  readonly name = 'optnet';
  readonly A: tf.Variable;
  readonly w: tf.Variable;
  /** Problems not solved to 'optimal' since the last reset. */
  nonOptimal = 0;
  private readonly Q = tf.keep(tf.mul(tf.eye(SUDOKU_DIM), SUDOKU_Q_PENALTY));
  private readonly G = tf.keep(tf.neg(tf.eye(SUDOKU_DIM)));
  private readonly h = tf.keep(tf.zeros([SUDOKU_DIM]));

  constructor(rng: Rng, neq = SUDOKU_NEQ) {
    const a = new Float32Array(neq * SUDOKU_DIM).map(() => rng.uniform());
    this.A = tf.variable(tf.tensor2d(a, [neq, SUDOKU_DIM]), true, 'sudoku.A');
    this.w = tf.variable(tf.zeros([SUDOKU_DIM]), true, 'sudoku.w');
  }

  /** b = A·exp(w) `[neq]`. */
  b(): tf.Tensor1D {
    return tf.tidy(() => tf.squeeze(tf.matMul(this.A, tf.reshape(tf.exp(this.w), [SUDOKU_DIM, 1])), [1]) as tf.Tensor1D);
  }

  predict(puzzles: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() =>
      qpLayer(
        { Q: this.Q, p: tf.neg(puzzles), G: this.G, h: this.h, A: this.A, b: this.b() },
        { allowNonOptimal: true, onSolution: (s: QpSolution) => (this.nonOptimal += s.status.filter((x) => x !== 'optimal').length) },
      ) as tf.Tensor2D,
    );
  }

  variables(): tf.Variable[] {
    return [this.A, this.w];
  }

  paramCount(): number {
    return this.A.size + this.w.size;
  }

  dispose(): void {
    tf.dispose([this.A, this.w, this.Q, this.G, this.h]);
  }
}

export class FcSudoku implements SudokuModel {
  readonly name = 'fc';
  private readonly net: MLP;

  constructor(rng: Rng, hidden: number) {
    this.net = new MLP({ sizes: [SUDOKU_DIM, hidden, hidden, SUDOKU_DIM], activation: 'relu', rng, name: 'sudoku-fc' });
  }

  predict(puzzles: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const B = puzzles.shape[0];
      const logits = tf.reshape(this.net.apply(puzzles), [B, 16, 4]);
      return tf.reshape(tf.softmax(logits, -1), [B, SUDOKU_DIM]) as tf.Tensor2D;
    });
  }

  variables(): tf.Variable[] {
    return this.net.variables();
  }

  paramCount(): number {
    return this.variables().reduce((s, v) => s + v.size, 0);
  }

  dispose(): void {
    tf.dispose(this.net.variables());
  }
}

/** Hidden width of the FC baseline whose parameter count [64, H, H, 64] is closest to `target`. */
export function fcHiddenFor(target: number): number {
  let best = 1;
  for (let H = 1; H <= 512; H++) {
    const n = (H2: number) => 64 * H2 + H2 + H2 * H2 + H2 + H2 * 64 + 64;
    if (Math.abs(n(H) - target) < Math.abs(n(best) - target)) best = H;
  }
  return best;
}
