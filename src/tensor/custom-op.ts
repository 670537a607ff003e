// A typed wrapper over `tf.customGrad` for ops whose forward and backward run outside tfjs (e.g. Float64
// cores): `forward(...inputs)` returns the output tensor and a backward mapping the output cotangent to one
// cotangent per input (same shapes as the inputs).
import * as tf from '@tensorflow/tfjs';

export type CustomForward = (...inputs: tf.Tensor[]) => {
  value: tf.Tensor;
  gradFunc: (dy: tf.Tensor) => tf.Tensor | tf.Tensor[];
};

/** Applies a custom-gradient op to `inputs`. */
export function applyCustomOp(forward: CustomForward, ...inputs: tf.Tensor[]): tf.Tensor {
  const op = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(...inputs);
}
