// Polyak (soft) target-network update of DDPG (Lillicrap et al. 2016, Alg. 1):
//   θ' ← τ θ + (1 − τ) θ'      for every (target θ', source θ) variable pair, τ ∈ [0, 1].
// τ = 1 is a hard copy. Variables are matched by position and must have equal shapes.
import * as tf from '@tensorflow/tfjs';

export function softUpdate(target: tf.Variable[], source: tf.Variable[], tau: number): void {
  if (!(tau >= 0 && tau <= 1)) throw new Error(`softUpdate: tau must lie in [0, 1] (got ${tau})`);
  if (target.length !== source.length) {
    throw new Error(`softUpdate: target has ${target.length} variables but source has ${source.length}; build both from the same config`);
  }
  tf.tidy(() => {
    target.forEach((t, i) => {
      const s = source[i]!;
      if (t.shape.join(',') !== s.shape.join(',')) {
        throw new Error(`softUpdate: variable ${i} (${t.name}) has shape [${t.shape}] but its source has [${s.shape}]`);
      }
      t.assign(tau === 1 ? s.clone() : tf.add(tf.mul(s, tau), tf.mul(t, 1 - tau)));
    });
  });
}

/** θ' ← θ (a soft update with τ = 1). */
export function hardUpdate(target: tf.Variable[], source: tf.Variable[]): void {
  softUpdate(target, source, 1);
}
