// `recordTo(buffer)`: a pass-through operator that appends every transition (s, a, r, s', done = terminated)
// to a ReplayBuffer as it flows by. Truncation is not termination, so a time-limited step stores done = false
// and value targets still bootstrap from s' (Pardo et al., "Time Limits in Reinforcement Learning", 2018).
import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import type { ReplayBuffer } from '../train/replay-buffer.ts';
import type { Transition } from './types.ts';

export function recordTo<T extends Transition>(buffer: ReplayBuffer): MonoTypeOperatorFunction<T> {
  if (!buffer || typeof buffer.add !== 'function') {
    throw new Error('recordTo: expected a ReplayBuffer (src/train/replay-buffer.ts), e.g. new ReplayBuffer(100_000, obsDim, actDim)');
  }
  return tap((tr: T) =>
    buffer.add({ obs: tr.obs, action: tr.action, reward: tr.reward, nextObs: tr.nextObs, done: tr.terminated }),
  );
}
