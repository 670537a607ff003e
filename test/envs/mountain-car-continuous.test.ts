// MountainCarContinuous-v0 (plug-in API example): hand-computed Gymnasium steps, left wall, goal reward and
// termination, clipping, checkEnv.
import { createCanvas } from '../../src/plot/canvas.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../helpers/backend.ts';
import { MountainCarContinuousEnv } from '../../envs/mountain-car-continuous.ts';
import { checkEnv, make } from '../../envs/index.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('MountainCarContinuous-v0', () => {
  it('steps as Gymnasium: v += 0.0015u − 0.0025cos(3p), p += v; reward −0.1u²', () => {
    const env = new MountainCarContinuousEnv();
    const p0 = env.reset({ seed: 3 }).obs[0]!;
    expect(p0).toBeGreaterThanOrEqual(-0.6);
    expect(p0).toBeLessThanOrEqual(-0.4);
    const r = env.step(Float32Array.of(0.5));
    const v = 0.0015 * 0.5 - 0.0025 * Math.cos(3 * p0);
    expect(Math.abs(r.obs[1]! - v)).toBeLessThan(1e-7);
    expect(Math.abs(r.obs[0]! - (p0 + v))).toBeLessThan(1e-6);
    expect(r.reward).toBeCloseTo(-0.025, 12);
    // clipped: u = 3 acts as 1 (and is charged as 1)
    const a = new MountainCarContinuousEnv();
    a.reset({ seed: 3 });
    const big = a.step(Float32Array.of(3));
    const b = new MountainCarContinuousEnv();
    b.reset({ seed: 3 });
    expect(Array.from(big.obs)).toEqual(Array.from(b.step(Float32Array.of(1)).obs));
    expect(big.reward).toBeCloseTo(-0.1, 12);
    expect(() => a.step(Float32Array.of(NaN))).toThrow(/action\[0\] is NaN/);
  });

  it('a bang-bang energy pump reaches the goal: +100 and terminated', () => {
    const env = make('MountainCarContinuous-v0');
    let obs = env.reset({ seed: 0 }).obs;
    let total = 0;
    for (let t = 0; t < 999; t++) {
      const r = env.step(Float32Array.of(obs[1]! >= 0 ? 1 : -1));
      total += r.reward;
      obs = r.obs;
      if (r.terminated) {
        expect(obs[0]!).toBeGreaterThanOrEqual(0.45);
        expect(r.reward).toBeCloseTo(99.9, 6);
        break;
      }
      expect(r.truncated).toBe(false);
    }
    expect(total).toBeGreaterThan(50);
  });

  it('passes checkEnv and renders', () => {
    expect(checkEnv(make('MountainCarContinuous-v0'))).toEqual([]);
    const env = new MountainCarContinuousEnv();
    env.reset({ seed: 0 });
    const canvas = createCanvas(200, 120);
    env.render(canvas.getContext('2d'), 200, 120);
    const px = canvas.getContext('2d').getImageData(0, 0, 200, 120).data;
    expect(px.some((v, i) => i % 4 === 0 && v < 100)).toBe(true);
  });
});
