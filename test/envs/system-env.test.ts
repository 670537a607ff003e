// systemEnv / registerSystem: an Env derived from a system definition (the 2-D point mass with a small
// env-side spec) passes checkEnv, its step is the definition on numbers and equals the compiled twin's step,
// the twin's cost equals −reward, termination and options behave, and bad input is named.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from '../helpers/backend.ts';
import { checkEnv, make, registerSystem, systemEnv, type SystemEnvSpec } from '../../envs/index.ts';
import { pointMassSystem } from '../../envs/systems/point-mass.ts';
import { Rng } from '../../src/tensor/rng.ts';

beforeAll(async () => {
  await useTestBackend();
});

const spec: SystemEnvSpec<'mass' | 'drag'> = {
  initial: (rng) => [rng.uniformIn(-1, 1), rng.uniformIn(-1, 1), 0, 0],
  terminal: (x) => Math.hypot(x[0]!, x[1]!) > 3,
};

describe('systemEnv', () => {
  it('passes checkEnv', () => {
    expect(checkEnv(systemEnv('PointMass-v0', pointMassSystem, spec), { maxSteps: 300 })).toEqual([]);
  });

  it('steps as the compiled twin and its cost is −reward, with the clipped action', () => {
    const env = systemEnv('PointMass-v0', pointMassSystem, spec, { mass: 2 });
    const { dynamics, cost } = env.model();
    expect(dynamics.values().mass).toBe(2);
    let { obs } = env.reset({ seed: 3 });
    const rng = new Rng(5);
    for (let t = 0; t < 20; t++) {
      const a = Float32Array.of(rng.uniformIn(-1.5, 1.5), rng.uniformIn(-1.5, 1.5));
      const r = env.step(a);
      const [next, c] = tf.tidy(() => {
        const x = tf.tensor2d(obs, [1, 4]);
        const u = tf.tensor2d(a, [1, 2]);
        return [dynamics.step(x, u).dataSync(), cost.cost(x, u, t).dataSync()[0]!] as const;
      });
      next.forEach((v, i) => expect(v, `step ${t} x[${i}]`).toBeCloseTo(r.obs[i]!, 5));
      expect(c).toBeCloseTo(-r.reward, 5);
      obs = r.obs;
    }
    dynamics.dispose();
  });

  it('terminates when spec.terminal holds and then requires reset', () => {
    const env = systemEnv('PointMass-v0', pointMassSystem, spec);
    env.reset({ seed: 0 });
    env.setState([2.99, 0, 10, 0]);
    const r = env.step(Float32Array.of(1, 0));
    expect(r.terminated).toBe(true);
    expect(() => env.step(Float32Array.of(0, 0))).toThrow(/reset/);
  });

  it('registerSystem exposes the parameters as make() options and rejects unknown ones', () => {
    registerSystem('PointMassTest-v0', pointMassSystem, { ...spec, maxEpisodeSteps: 7 });
    const env = make('PointMassTest-v0', { drag: 0.5 });
    env.reset({ seed: 1 });
    let steps = 0;
    for (let done = false; !done && steps < 20; steps++) {
      const r = env.step(Float32Array.of(0, 0));
      done = r.terminated || r.truncated;
    }
    expect(steps).toBe(7);
    expect(() => make('PointMassTest-v0', { dragg: 0.5 })).toThrow(/unknown option "dragg"/);
    expect(() => make('PointMassTest-v0', { drag: Number.NaN })).toThrow(/option drag must be a finite number/);
  });

  it('names the field of a bad state or a non-finite transition', () => {
    const env = systemEnv('PointMass-v0', pointMassSystem, spec);
    env.reset({ seed: 0 });
    expect(() => env.setState([0, 0, 0])).toThrow(/4 entries/);
    expect(() => env.setState([0, Number.NaN, 0, 0])).toThrow(/state\[1\]/);
    const blowUp = systemEnv('PointMass-v0', pointMassSystem, spec, { mass: 1e-320 });
    blowUp.reset({ seed: 0 });
    expect(() => blowUp.step(Float32Array.of(1, 1))).toThrow(/state\[\d\] = (Infinity|NaN)/);
  });
});
