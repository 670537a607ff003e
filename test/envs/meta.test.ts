// Env metadata (envs/meta.ts) of every built-in: one label per observation and action entry, the applied
// action the physics sees, the true targets, reward vs cost, and a frame that fits the scene.
import { describe, expect, it } from 'vitest';
import { listEnvs, make } from '../../envs/index.ts';

const builtins = ['CartPole-v1', 'CartPoleSwingUp-v0', 'MountainCarContinuous-v0', 'Pendulum-v1'];

describe('env metadata', () => {
  it('labels every observation and action entry of each built-in (also through make()\'s TimeLimit)', () => {
    for (const id of builtins) {
      expect(listEnvs().map((s) => s.id)).toContain(id);
      const env = make(id);
      try {
        const meta = env.meta!;
        expect(meta, id).toBeDefined();
        expect(meta.observations.length, id).toBe(env.observationSpace.shape[0]);
        expect(meta.actions.length, id).toBe(env.actionSpace.shape[0]);
        expect(meta.actions.every((a) => /\((N|N·m|unitless.*)\)$/.test(a)), `${id}: ${meta.actions.join(', ')}`).toBe(true);
      } finally {
        env.close?.();
      }
    }
  });

  it('maps actions to what the physics applies and states the true targets and signal', () => {
    const meta = (id: string) => {
      const env = make(id);
      env.close?.();
      return env.meta!;
    };
    const cp = meta('CartPole-v1');
    expect([0, 0.3, 0.49, 0.5, 0.7, 1, 3].map((a) => cp.applied([a])[0])).toEqual([-10, -10, -10, 10, 10, 10, 10]);
    expect(cp.signal).toBe('reward');
    expect(meta('CartPoleSwingUp-v0').applied([-0.25])).toEqual([-2.5]);
    expect(meta('CartPoleSwingUp-v0').observations[2]!.target!.value).toBe(1);
    const pend = meta('Pendulum-v1');
    expect(pend.signal).toBe('cost');
    expect(pend.observations.map((o) => o.target?.value)).toEqual([1, 0, 0]);
    expect(pend.applied([5])).toEqual([2]);
    const mc = meta('MountainCarContinuous-v0');
    expect(mc.observations.map((o) => o.target?.value)).toEqual([0.45, undefined]);
    expect(mc.signal).toBe('reward');
  });
});
