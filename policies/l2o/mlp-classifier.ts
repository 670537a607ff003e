// A small MLP classifier's training loss as a learned-optimizer Problem (problems.ts), batched over runs.
//   logits z = W_L φ(… φ(W_1 x + b_1) …) + b_L,  φ = tanh,
//   f(θ) = mean_k [ −log softmax(z(x_k))_{y_k} ]   (full-batch cross-entropy, ≥ 0)
// θ `[B, M]` packs, layer by layer, W_l `[in, out]` (row-major) then b_l `[out]`; M = Σ (in + 1)·out.
// Starting points: W_l ~ N(0, 1/in) (LeCun), b_l = 0. `accuracy` scores iterates on any labelled set.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../src/tensor/rng.ts';
import type { LabelledData } from './datasets.ts';
import type { Problem } from './problems.ts';

export interface ClassifierProblem extends Problem {
  /** Layer sizes [d, …hidden, classes]. */
  readonly sizes: number[];
  /** Cross-entropy `[B]` of iterates θ `[B, M]` on `data`. */
  loss(theta: tf.Tensor, data: LabelledData): tf.Tensor;
  /** Fraction of `data` classified correctly, per run `[B]`. */
  accuracy(theta: tf.Tensor, data: LabelledData): number[];
}

/** Number of parameters of an MLP with layer sizes `sizes`. */
export function mlpParamCount(sizes: number[]): number {
  let m = 0;
  for (let l = 0; l + 1 < sizes.length; l++) m += (sizes[l]! + 1) * sizes[l + 1]!;
  return m;
}

/** Logits `[B, n, classes]` of θ `[B, M]` on inputs x `[n, d]`. */
export function mlpLogits(theta: tf.Tensor, x: tf.Tensor, sizes: number[]): tf.Tensor {
  return tf.tidy(() => {
    const B = theta.shape[0]!;
    let h: tf.Tensor = tf.tile(x.expandDims(0), [B, 1, 1]);
    let off = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const i = sizes[l]!;
      const o = sizes[l + 1]!;
      const W = tf.slice(theta, [0, off], [B, i * o]).reshape([B, i, o]);
      const b = tf.slice(theta, [0, off + i * o], [B, o]).reshape([B, 1, o]);
      off += (i + 1) * o;
      h = tf.add(tf.matMul(h, W), b);
      if (l + 2 < sizes.length) h = tf.tanh(h);
    }
    return h;
  });
}

export function mlpClassifierProblem(train: LabelledData, hidden: number[], family = 'mlp-classifier'): ClassifierProblem {
  if (hidden.some((h) => !Number.isInteger(h) || h < 1)) throw new Error(`mlpClassifierProblem: hidden sizes must be positive integers (got [${hidden}])`);
  const sizes = [train.d, ...hidden, train.classes];
  const M = mlpParamCount(sizes);
  const tensors = (D: LabelledData) => ({ x: tf.tensor2d(D.x, [D.n, D.d]), onehot: tf.oneHot(tf.tensor1d(D.y, 'int32'), D.classes) });
  const tr = tensors(train);
  const ce = (theta: tf.Tensor, x: tf.Tensor, onehot: tf.Tensor) =>
    tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(mlpLogits(theta, x, sizes)), onehot.expandDims(0)), 2), 1));
  const check = (theta: tf.Tensor, who: string) => {
    if (theta.rank !== 2 || theta.shape[1] !== M) throw new Error(`${family}.${who}: θ must be [B, ${M}] (got [${theta.shape}])`);
  };
  const g = tf.grad((th: tf.Tensor) => tf.sum(ce(th, tr.x, tr.onehot)));
  return {
    family,
    dim: M,
    sizes,
    f: (theta) => {
      check(theta, 'f');
      return tf.tidy(() => ce(theta, tr.x, tr.onehot));
    },
    grad: (theta) => {
      check(theta, 'grad');
      return tf.tidy(() => g(theta));
    },
    init: (B: number, rng: Rng) =>
      tf.tidy(() => {
        const parts: tf.Tensor[] = [];
        for (let l = 0; l + 1 < sizes.length; l++) {
          const i = sizes[l]!;
          const o = sizes[l + 1]!;
          parts.push(tf.mul(rng.normalTensor([B, i * o]), 1 / Math.sqrt(i)), tf.zeros([B, o]));
        }
        return tf.concat(parts, 1);
      }),
    loss: (theta, data) => {
      check(theta, 'loss');
      return tf.tidy(() => {
        const t = tensors(data);
        return ce(theta, t.x, t.onehot);
      });
    },
    accuracy: (theta, data) => {
      check(theta, 'accuracy');
      const pred = tf.tidy(() => tf.argMax(mlpLogits(theta, tf.tensor2d(data.x, [data.n, data.d]), sizes), 2));
      const p = pred.dataSync();
      pred.dispose();
      const B = theta.shape[0]!;
      return Array.from({ length: B }, (_, b) => {
        let ok = 0;
        for (let k = 0; k < data.n; k++) if (p[b * data.n + k] === data.y[k]) ok++;
        return ok / data.n;
      });
    },
    dispose: () => tf.dispose([tr.x, tr.onehot]),
  };
}
