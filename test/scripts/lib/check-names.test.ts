// Env and solver names are checked before a run directory is made; the physics printed is the one used.
import { describe, expect, it } from 'vitest';
import '../../../envs/index.ts';
import '../../../src/solvers/index.ts';
import { checkEnvAndSolver, physicsUsed } from '../../../scripts/lib/check-names.ts';

describe('checkEnvAndSolver / physicsUsed', () => {
  it('rejects unknown env ids and solver names, listing the known ones', () => {
    expect(() => checkEnvAndSolver({ env: 'Nope-v0', solver: 'dcem' })).toThrow(/unknown env id "Nope-v0"; registered: .*Pendulum-v1/);
    expect(() => checkEnvAndSolver({ env: 'Pendulum-v1', solver: 'nope' })).toThrow(/unknown solver "nope"; registered: .*dcem/);
    expect(() => checkEnvAndSolver({ env: 'Pendulum-v1', solver: 'nope', controller: 'random' })).not.toThrow();
    expect(() => checkEnvAndSolver({ env: 'Pendulum-v1', solver: 'qp' })).not.toThrow();
  });

  it('MountainCar has analytic physics only, whatever --physics says', () => {
    expect(physicsUsed('MountainCarContinuous-v0', 'matter')).toBe('analytic');
    expect(physicsUsed('Pendulum-v1', 'matter')).toBe('matter');
  });
});
