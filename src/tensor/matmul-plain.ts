// a·b for 2-D tensors whose gradients are plain (untransposed) products of explicit transposes.
//
//   y = a b,   ∂a = dy bᵀ,   ∂b = aᵀ dy                       a `[m, k]`, b `[k, n]`, y `[m, n]`
// tfjs's own MatMul gradient computes dy bᵀ and aᵀ dy with the transposeA / transposeB flags, which the wasm
// backend runs about ten times slower than a plain product of the same size (its fast path takes untransposed
// operands only); transposing explicitly first costs one copy. The gradient is built from this same op, so
// every order of differentiation (e.g. unrolled gradient descent's second derivatives) keeps the fast path.
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from './check.ts';

// The operands are saved for the backward (tfjs keeps no reference to a custom op's inputs otherwise: they
// may be intermediates of a tidy that has ended by the time the gradient is taken).
const op = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: (ts: tf.Tensor[]) => void) => {
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [matMulPlain(dy, tf.transpose(saved[1]!)), matMulPlain(tf.transpose(saved[0]!), dy)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * a `[m, k]` · b `[k, n]` → `[m, n]`, the same values as tf.matMul, with gradients that avoid transposed
 * products (see the file header).
 */
export function matMulPlain(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[1] !== b.shape[0]) {
    throw new ShapeError(`matMulPlain: expected a [m, k] and b [k, n] (got [${a.shape}] and [${b.shape}])`);
  }
  return op(a, b);
}
