// src/streams/vector-env.ts: the one vector env serves both APIs over the same copies: batchEnvs of an array
// is a VectorEnv, batchEnvs of a VectorEnv is that env, and resetAt/stepAt over a subset of copies equal the
// copies stepped one by one (no auto-reset), while reset/step keep Gymnasium's seed + i and auto-reset.
import { describe, expect, it } from 'vitest';
import { batchEnvs, isBatchedEnv } from '../../src/streams/batched-env.ts';
import { VectorEnv } from '../../src/streams/vector-env.ts';
import { PointMass } from './point-mass.ts';

describe('VectorEnv as BatchedEnv', () => {
  it('is what batchEnvs returns, for an array and for a vector env', () => {
    const arr = [new PointMass(), new PointMass()];
    const b = batchEnvs(arr);
    expect(b).toBeInstanceOf(VectorEnv);
    expect(b.id).toBe('vector(2×PointMass-test)');
    const vec = new VectorEnv([new PointMass(), new PointMass(), new PointMass()]);
    expect(isBatchedEnv(vec)).toBe(true);
    expect(batchEnvs(vec)).toBe(vec);
    expect(vec.observationSpace).toBe(vec.singleObservationSpace);
  });

  it('resetAt/stepAt over a subset of copies equal the copies stepped alone, without auto-reset', () => {
    const vec = new VectorEnv([new PointMass(0.5), new PointMass(0.5), new PointMass(0.5)]);
    const alone = [new PointMass(0.5), new PointMass(0.5)];
    const r = vec.resetAt([2, 0], [7, 3]);
    expect(Array.from(r.obs)).toEqual([...alone[0]!.reset({ seed: 7 }).obs, ...alone[1]!.reset({ seed: 3 }).obs]);
    for (let t = 0; t < 30; t++) {
      const s = vec.stepAt([2, 0], Float32Array.of(1, -1));
      const a = alone[0]!.step(Float32Array.of(1));
      const b = alone[1]!.step(Float32Array.of(-1));
      expect(Array.from(s.obs)).toEqual([...a.obs, ...b.obs]);
      expect(Array.from(s.terminated)).toEqual([Number(a.terminated), Number(b.terminated)]);
    }
    expect(alone[0]!.resets).toEqual([7]);
    expect((vec.envs[2] as PointMass).resets).toEqual([7]);
    expect((vec.envs[1] as PointMass).stepCount).toBe(0);
    expect(() => vec.stepAt([3], Float32Array.of(0))).toThrow(/VectorEnv.stepAt: sub-env index 3 is out of range \[0, 3\)/);
    expect(() => vec.stepAt([0], Float32Array.of(0, 0))).toThrow(/actions must be \[1, 1\] row-major/);
  });
});
