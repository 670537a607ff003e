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
//            shrunk to about the OptNet's parameter count; 'fc-paper' is the paper code's size, [64, 100 × 4, 64]
//            (its FC(nHidden = [100, 100]) mirrors the hidden layers).
//   Conv:    softmax over the digits of 3×3 'same' convolutions on the board `[B, 4, 4, 4]` (cells × digit
//            channels) with channels [4, C, C, 4] (relu): the paper code's Conv (ten 512-channel 3×3 layers)
//            shrunk the same way; three layers see the whole 4×4 board.
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
  readonly name: string;
  private readonly net: MLP;

  /** Hidden widths, e.g. [H, H] (sized to OptNet) or [100, 100, 100, 100] (the paper code's FC). */
  constructor(rng: Rng, hidden: number[], name = 'fc') {
    this.name = name;
    this.net = new MLP({ sizes: [SUDOKU_DIM, ...hidden, SUDOKU_DIM], activation: 'relu', rng, name: `sudoku-${name}` });
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

/**
 * tf.conv2d(x, w, 1, 'same') for x `[B, H, W, cin]`, w `[3, 3, cin, cout]` as one product of the 9 shifted
 * views (zero-padded) with w `[9·cin, cout]`: the wasm backend has no Conv2DBackpropFilter kernel, and
 * pad / slice / concat / matMul have gradients on every backend.
 */
function conv3x3Same(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  const [B, H, W, cin] = x.shape;
  const cout = w.shape[3];
  const padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
  const views: tf.Tensor[] = [];
  for (let di = 0; di < 3; di++) for (let dj = 0; dj < 3; dj++) views.push(tf.slice(padded, [0, di, dj, 0], [B, H, W, cin]));
  const patches = tf.reshape(tf.concat(views, -1), [B * H * W, 9 * cin]);
  return tf.reshape(tf.matMul(patches, tf.reshape(w, [9 * cin, cout])), [B, H, W, cout]) as tf.Tensor4D;
}

let convInstances = 0;

/** 3×3 'same' convolutions [4, C, C, 4] over the board (digits as channels), softmax per cell. */
export class ConvSudoku implements SudokuModel {
  readonly name = 'conv';
  private readonly filters: tf.Variable[];
  private readonly biases: tf.Variable[];

  constructor(rng: Rng, channels: number) {
    const sizes = [4, channels, channels, 4];
    const id = convInstances++;
    this.filters = sizes.slice(0, -1).map((cin, l) => {
      const cout = sizes[l + 1]!;
      // Glorot-uniform (He for the relu layers) on the 3×3×cin fan-in, as src/models/mlp.ts for dense layers.
      const fanIn = 9 * cin, fanOut = 9 * cout;
      const limit = l + 2 < sizes.length ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
      return tf.variable(tf.tensor4d(rng.uniformArray(9 * cin * cout, -limit, limit), [3, 3, cin, cout]), true, `sudoku-conv${id}.w${l}`);
    });
    this.biases = sizes.slice(1).map((c, l) => tf.variable(tf.zeros([c]), true, `sudoku-conv${id}.b${l}`));
  }

  predict(puzzles: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const B = puzzles.shape[0];
      let h: tf.Tensor4D = tf.reshape(puzzles, [B, 4, 4, 4]);
      const last = this.filters.length - 1;
      this.filters.forEach((w, l) => {
        h = tf.add(conv3x3Same(h, w as tf.Tensor4D), this.biases[l]!) as tf.Tensor4D;
        if (l < last) h = tf.relu(h);
      });
      return tf.reshape(tf.softmax(tf.reshape(h, [B, 16, 4]), -1), [B, SUDOKU_DIM]) as tf.Tensor2D;
    });
  }

  variables(): tf.Variable[] {
    return [...this.filters, ...this.biases];
  }

  paramCount(): number {
    return this.variables().reduce((s, v) => s + v.size, 0);
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}

/** Channels C of the conv baseline whose parameter count [4, C, C, 4] (3×3) is closest to `target`. */
export function convChannelsFor(target: number): number {
  const n = (C: number) => 36 * C + C + 9 * C * C + C + 36 * C + 4;
  let best = 1;
  for (let C = 1; C <= 512; C++) if (Math.abs(n(C) - target) < Math.abs(n(best) - target)) best = C;
  return best;
}
