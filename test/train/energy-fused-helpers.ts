// Shared by the fused energy-op tests (energy-dcem-fused, energy-gd-fused): the net's layers as the fused ops
// take them, the MSE loss of a prediction with every weight's gradient, and a relative error over weights.
import * as tf from '@tensorflow/tfjs';
import type { EnergyNet } from '../../src/train/energy-regression.ts';

export const layersOf = (net: EnergyNet) => ({ weights: net.mlp.weights, biases: net.mlp.biases, activation: net.mlp.config.activation });

/** MSE of `predict(x)` `[n]` against Y, and its gradient per variable (net.variables() order). */
export function mseAndGrads(net: EnergyNet, X: number[], Y: number[], predict: (x: tf.Tensor1D) => tf.Tensor): { loss: number; grads: Float32Array[] } {
  const x = tf.tensor1d(X);
  const y = tf.tensor1d(Y);
  const vars = net.variables();
  const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(predict(x), y))) as tf.Scalar, vars);
  // The output bias does not move ∂E/∂y: tfjs leaves its gradient out, the fused ops return zeros.
  const out = { loss: value.dataSync()[0]!, grads: vars.map((v) => Float32Array.from(grads[v.name]?.dataSync() ?? new Float32Array(v.size))) };
  tf.dispose([x, y, value, ...Object.values(grads)]);
  return out;
}

/** max |a − b| / (max |b| + floor) over all entries. */
export function relErr(a: Float32Array[], b: Float32Array[], floor: number): number {
  let num = 0;
  let den = floor;
  a.forEach((ai, i) => ai.forEach((v, j) => {
    num = Math.max(num, Math.abs(v - b[i]![j]!));
    den = Math.max(den, Math.abs(b[i]![j]!));
  }));
  return num / den;
}
