// The physics printed in a run's summary is the one used.
import { describe, expect, it } from 'vitest';
import '../../../envs/index.ts';
import { physicsUsed } from '../../../scripts/lib/physics-used.ts';

describe('physicsUsed', () => {
  it('MountainCar has analytic physics only, whatever --physics says', () => {
    expect(physicsUsed('MountainCarContinuous-v0', 'matter')).toBe('analytic');
    expect(physicsUsed('Pendulum-v1', 'matter')).toBe('matter');
    expect(physicsUsed('Pendulum-v1', 'analytic')).toBe('analytic');
  });
});
