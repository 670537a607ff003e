// stopGradient(x): the identity in the forward pass with a zero gradient (tfjs has no such op).
// Used for truncated backpropagation through solver iterations and for targets in TD learning.
import * as tf from '@tensorflow/tfjs';
import { applyCustomOp } from './custom-op.ts';

export function stopGradient<T extends tf.Tensor>(x: T): T {
  return applyCustomOp((a: tf.Tensor) => ({ value: a.clone(), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) }), x) as T;
}
