// Test fixture (not a test file): hand-made transitions for marble tests of the stream operators.
import type { Transition } from '../../src/streams/types.ts';

/** A 1-D transition with obs = [t], action = [reward], nextObs = [t + 1]. */
export function tr(episode: number, t: number, reward: number, end: '' | 'term' | 'trunc' = '', env = 0): Transition {
  return {
    obs: Float32Array.of(t),
    action: Float32Array.of(reward),
    reward,
    nextObs: Float32Array.of(t + 1),
    terminated: end === 'term',
    truncated: end === 'trunc',
    info: {},
    episode,
    t,
    env,
  };
}
