// Coordinate-wise transitions for the replay buffer: a step of B runs on an M-dimensional problem yields
// B·M transitions (s_i, a_i, r, s'_i), one per coordinate i, all sharing their run's reward r (the policy
// is shared across coordinates, as in coordinate-wise learned optimizers, Andrychowicz et al. 2016).
// featsPrev, featsNext `[B, M, D]`, action `[B, M]`, reward `[B]`.
import type * as tf from '@tensorflow/tfjs';
import type { ReplayBuffer } from '../../src/train/replay-buffer.ts';

export function addCoordinateTransitions(
  buffer: ReplayBuffer,
  featsPrev: tf.Tensor,
  action: tf.Tensor,
  reward: tf.Tensor,
  featsNext: tf.Tensor,
  done = false,
  rowMask?: ArrayLike<boolean>,
): number {
  const [B, M, D] = featsPrev.shape as [number, number, number];
  if (D !== buffer.obsDim) throw new Error(`addCoordinateTransitions: features have width ${D} but the buffer stores ${buffer.obsDim}`);
  const s = featsPrev.dataSync();
  const s2 = featsNext.dataSync();
  const a = action.dataSync();
  const r = reward.dataSync();
  let added = 0;
  for (let b = 0; b < B; b++) {
    if (rowMask && !rowMask[b]) continue;
    for (let i = 0; i < M; i++) {
      const k = b * M + i;
      buffer.add({
        obs: s.subarray(k * D, (k + 1) * D),
        action: [Math.max(-1, Math.min(1, a[k]!))],
        reward: r[b]!,
        nextObs: s2.subarray(k * D, (k + 1) * D),
        done,
      });
      added++;
    }
  }
  return added;
}
