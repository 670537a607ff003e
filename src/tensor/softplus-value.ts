// softplus(z) = log(1 + eᶻ) as a value, computed as
//
//   softplus(z) = max(z, 0) − log σ(|z|)                σ(u) = 1 / (1 + e⁻ᵘ) ∈ [½, 1] for u ≥ 0
//
// Why: the wasm backend's Softplus kernel is scalar and takes ~4× the time of Relu + Abs + Sigmoid + Log on
// the same tensor (a [1000, 128] hidden layer: ≈ 6 ms against ≈ 1.7 ms), and in the energy networks it is
// most of a forward pass. The form never overflows (σ(|z|) ≥ ½) and differs from log1p(eᶻ) by < 1e-7
// absolute (σ(|z|) rounds to 1 for |z| > 17, where log1p(e⁻|ᶻ|) < 5e-8).
// Outside a gradient tape on the wasm backend it is one pass of the SIMD kernel DiffmpcSoftplus instead
// (src/tensor/softplus-kernel.ts).
// For forward passes only: its recorded gradient is 0 at z = 0 (Relu's and Abs's), not σ(0) = ½; paths that
// are differentiated take tf.softplus, or an op with its own backward (src/train/energy-rows.ts).
import * as tf from '@tensorflow/tfjs';
import { softplusKernel } from './softplus-kernel.ts';
import { tapeDepth } from './tape.ts';

/**
 * softplus(z), elementwise, any shape; the values of tf.softplus, faster on wasm (see the file header).
 *
 * @example
 * softplusValue(tf.tensor1d([-30, 0, 30])) // ≈ [0, 0.6931, 30] (softplus(−30) = 9e-14)
 */
export function softplusValue(z: tf.Tensor): tf.Tensor {
  const fast = tapeDepth() === 0 ? softplusKernel(z) : null;
  if (fast) return fast.value;
  return tf.tidy(() => tf.sub(tf.relu(z), tf.log(tf.sigmoid(tf.abs(z)))));
}
