// Registry and TimeLimit: make merges defaults and options and wraps in TimeLimit; unknown ids list the
// registered ones; re-registering raises; truncation at maxEpisodeSteps; step after the end raises.
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../helpers/backend.ts';
import { envSpec, listEnvs, make, register } from '../../envs/index.ts';
import { TimeLimit } from '../../envs/time-limit.ts';
import { PendulumEnv } from '../../envs/pendulum.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('registry', () => {
  it('lists the built-in envs and makes them with merged options inside a TimeLimit', () => {
    const ids = listEnvs().map((s) => s.id);
    for (const id of ['CartPole-v1', 'CartPoleSwingUp-v0', 'MountainCarContinuous-v0', 'Pendulum-v1']) expect(ids).toContain(id);
    const env = make('Pendulum-v1', { physics: 'analytic', g: 9.81 }) as TimeLimit;
    expect(env).toBeInstanceOf(TimeLimit);
    expect(env.maxEpisodeSteps).toBe(200);
    const inner = env.env as PendulumEnv;
    expect(inner.physics).toBe('analytic');
    expect(inner.params.g).toBe(9.81);
    expect((make('Pendulum-v1') as TimeLimit).env).toHaveProperty('physics', 'matter');
    expect(envSpec('CartPole-v1')!.defaults.maxEpisodeSteps).toBe(500);
  });

  it('unknown id lists the known ids; duplicate and malformed registrations raise', () => {
    expect(() => make('Pendulum-v0')).toThrow(/unknown env id "Pendulum-v0"; did you mean "Pendulum-v1"\? registered: .*CartPole-v1.*Pendulum-v1/);
    expect(() => register('Pendulum-v1', () => new PendulumEnv())).toThrow(/"Pendulum-v1" is already registered.*"Pendulum-v2"/);
    expect(() => register('pendulum', () => new PendulumEnv())).toThrow(/id must look like "Name-v0"/);
    expect(() => make('Pendulum-v1', { phyiscs: 'analytic' })).toThrow(/make\(Pendulum-v1\): unknown option "phyiscs"; Pendulum-v1 accepts maxEpisodeSteps, physics/);
    expect(() => make('MountainCarContinuous-v0', { physics: 'matter' })).toThrow(/unknown option "physics"/);
  });

  it('TimeLimit truncates at maxEpisodeSteps and refuses steps until reset', () => {
    const env = make('Pendulum-v1', { physics: 'analytic', maxEpisodeSteps: 4 });
    expect(() => env.step(Float32Array.of(0))).toThrow(/call reset\(\) first/);
    env.reset({ seed: 0 });
    const r = [0, 1, 2, 3].map(() => env.step(Float32Array.of(0)));
    expect(r.map((x) => x.truncated)).toEqual([false, false, false, true]);
    expect(r[3]!.info['TimeLimit.truncated']).toBe(true);
    expect(() => env.step(Float32Array.of(0))).toThrow(/episode is over/);
    env.reset();
    expect(env.step(Float32Array.of(0)).truncated).toBe(false);
    expect(() => make('Pendulum-v1', { maxEpisodeSteps: 0 })).toThrow(/maxEpisodeSteps must be a positive integer/);
  });
});
