// Reward of the optimization-as-RL environment: the log-improvement of the objective,
//   r_t = log(f(θ_t) + ε) − log(f(θ_{t+1}) + ε),   clipped to [−c, c].
// Why: it telescopes (Σ_t r_t = log f_0 − log f_T, the total log-decrease), so maximizing the return is
// minimizing the final value; and it is invariant to rescaling f, so one coordinate-wise policy can be
// trained on one family and run on others whose values differ by orders of magnitude (a plain improvement
// f_t − f_{t+1} would be dominated by the first steps of badly scaled problems; −log f alone rewards
// where a run is, not what the step did). The clip bounds the critic's targets when f jumps near 0.
// fPrev, fNext `[B]` → `[B]`.
import * as tf from '@tensorflow/tfjs';

export function logImprovementReward(fPrev: tf.Tensor, fNext: tf.Tensor, eps: number, clip = 2): tf.Tensor {
  return tf.tidy(() =>
    tf.clipByValue(tf.sub(tf.log(tf.add(tf.relu(fPrev), eps)), tf.log(tf.add(tf.relu(fNext), eps))), -clip, clip),
  );
}
