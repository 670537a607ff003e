// checkSystem (src/models/system/check.ts): passes the pendulum, the point mass and the friction pendulum; reports a definition whose
// tensor twin and traced kernel disagree (one that inspects which `m` it runs on, as two hand-written copies
// would drift apart), naming the quantity.
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../../helpers/backend.ts';
import { checkSystem } from '../../../src/models/system/check.ts';
import { compileSystem } from '../../../src/models/system/compile.ts';
import type { SystemDefinition } from '../../../src/models/system/definition.ts';
import { tensorOps } from '../../../src/models/system/tensor-ops.ts';
import { pendulumSystem } from '../../../envs/pendulum.ts';
import { pointMassSystem } from '../../../envs/systems/point-mass.ts';
import { frictionPendulumSystem } from '../../../envs/systems/friction-pendulum.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('checkSystem', () => {
  it('finds no problem in the pendulum, point mass and friction pendulum definitions', () => {
    for (const def of [pendulumSystem, pointMassSystem, frictionPendulumSystem] as SystemDefinition[]) {
      const sys = compileSystem(def);
      expect(checkSystem(sys, { seed: 3 })).toEqual([]);
      sys.dynamics.dispose();
    }
  });

  it('reports a twin that differs from the generated kernel', () => {
    const drifted: SystemDefinition<'mass' | 'drag'> = {
      ...pointMassSystem,
      name: 'drifted',
      cost: (x, u, p, m) => ((m as unknown) === tensorOps ? m.mul(1.01, pointMassSystem.cost(x, u, p, m)) : pointMassSystem.cost(x, u, p, m)),
    };
    const sys = compileSystem(drifted);
    const problems = checkSystem(sys);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/^drifted: generated J vs twin J\[0\] = /);
    sys.dynamics.dispose();
  });
});
