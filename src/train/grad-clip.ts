// Gradient clipping by global norm inside the graph (no read to the host), as torch.nn.utils.clip_grad_norm_:
//   ‖g‖ = sqrt(Σ_v ‖g_v‖²),   g_v ← g_v · min(1, c / (‖g‖ + 1e-6))
import * as tf from '@tensorflow/tfjs';

/**
 * Scales `grads` so their global L2 norm is at most `maxNorm`; the inputs are disposed. Returns the clipped
 * gradients and the norm before clipping (a scalar tensor, read by the caller when it needs it).
 */
export function clipGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): { grads: Record<string, tf.Tensor>; norm: tf.Scalar } {
  if (!(maxNorm > 0)) throw new Error(`clipGlobalNorm: maxNorm must be a positive number (got ${maxNorm})`);
  const keys = Object.keys(grads);
  const out = tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(keys.map((k) => tf.sum(tf.square(grads[k]!))))) as tf.Scalar;
    const coef = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
    return { norm, clipped: keys.map((k) => tf.mul(grads[k]!, coef)) };
  });
  tf.dispose(Object.values(grads));
  const clipped: Record<string, tf.Tensor> = {};
  keys.forEach((k, i) => (clipped[k] = out.clipped[i]!));
  return { grads: clipped, norm: out.norm };
}
