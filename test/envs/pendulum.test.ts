// Pendulum-v1: analytic steps equal hand-computed Gymnasium steps to 1e-6; matter-js drift from analytic over
// 1 s is bounded (and matter tracks a fine integration of the ODE closer than the analytic model does);
// seeding; action validation and clipping; rendering.
import { createCanvas } from '../../src/plot/canvas.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../helpers/backend.ts';
import { PendulumEnv } from '../../envs/pendulum.ts';
import { make } from '../../envs/index.ts';
import { Rng } from '../../src/tensor/rng.ts';

beforeAll(async () => {
  await useTestBackend();
});

const act = (u: number) => Float32Array.of(u);

/** The pendulum ODE θ̈ = 3g/(2l) sin θ + 3/(m l²) u (g = 10, m = l = 1), semi-implicit Euler of step h, |θ̇| ≤ 8. */
function odeStep([th, w]: [number, number], u: number, h: number): [number, number] {
  const w2 = Math.min(8, Math.max(-8, w + (15 * Math.sin(th) + 3 * u) * h));
  return [th + w2 * h, w2];
}

describe('Pendulum-v1 analytic', () => {
  it('matches hand-computed Gymnasium steps to 1e-6 (plain, clipped torque, clipped speed)', () => {
    const env = new PendulumEnv({ physics: 'analytic' });
    env.reset({ seed: 0 });
    // θ̇' = θ̇ + (3g/(2l) sin θ + 3/(m l²) u) dt with g = 10, m = l = 1, dt = 0.05; θ' = θ + θ̇' dt
    env.setState(0.5, 0.3);
    let r = env.step(act(1));
    let w = 0.3 + (15 * Math.sin(0.5) + 3 * 1) * 0.05;
    expect(Math.abs(env.getState().thetaDot - w)).toBeLessThan(1e-6);
    expect(Math.abs(env.getState().theta - (0.5 + w * 0.05))).toBeLessThan(1e-6);
    expect(Math.abs(r.reward - -(0.5 ** 2 + 0.1 * 0.3 ** 2 + 0.001 * 1))).toBeLessThan(1e-6);
    expect(Math.abs(r.obs[0]! - Math.cos(0.5 + w * 0.05))).toBeLessThan(1e-6);
    expect(Math.abs(r.obs[1]! - Math.sin(0.5 + w * 0.05))).toBeLessThan(1e-6);
    expect(Math.abs(r.obs[2]! - w)).toBeLessThan(1e-6);

    // torque 5 is clipped to 2 (reward uses the clipped torque, as Gymnasium)
    env.setState(-2, -0.7);
    r = env.step(act(5));
    w = -0.7 + (15 * Math.sin(-2) + 3 * 2) * 0.05;
    expect(Math.abs(env.getState().thetaDot - w)).toBeLessThan(1e-6);
    expect(Math.abs(env.getState().theta - (-2 + w * 0.05))).toBeLessThan(1e-6);
    // angle_normalize(−2) = −2
    expect(Math.abs(r.reward - -(4 + 0.1 * 0.49 + 0.001 * 4))).toBeLessThan(1e-6);

    // speed saturates at 8 before θ is integrated
    env.setState(1.5, 7.9);
    env.step(act(2));
    expect(env.getState().thetaDot).toBe(8);
    expect(Math.abs(env.getState().theta - (1.5 + 8 * 0.05))).toBeLessThan(1e-6);

    // reward normalizes the angle: θ = 3π/2 + 0.1 counts as −π/2 + 0.1
    env.setState(1.5 * Math.PI + 0.1, 0);
    r = env.step(act(0));
    expect(Math.abs(r.reward - -((-Math.PI / 2 + 0.1) ** 2))).toBeLessThan(1e-6);
  });

  it('resets θ ~ U(−π, π), θ̇ ~ U(−1, 1), reproducibly per seed', () => {
    const env = new PendulumEnv({ physics: 'analytic' });
    const a = env.reset({ seed: 42 }).obs;
    const b = env.reset({ seed: 42 }).obs;
    const c = env.reset({ seed: 43 }).obs;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    for (let s = 0; s < 50; s++) {
      const o = env.reset({ seed: s }).obs;
      expect(Math.abs(o[2]!)).toBeLessThanOrEqual(1);
      expect(Math.hypot(o[0]!, o[1]!)).toBeCloseTo(1, 5);
    }
    // the same seed and actions give the same trajectory with both physics
    for (const physics of ['analytic', 'matter'] as const) {
      const run = () => {
        const e = make('Pendulum-v1', { physics });
        e.reset({ seed: 9 });
        return Array.from({ length: 10 }, (_, t) => Array.from(e.step(act(Math.sin(t))).obs)).flat();
      };
      expect(run()).toEqual(run());
    }
  });

  it('bad actions: NaN and wrong length raise naming the action; out-of-range is clipped, never NaN', () => {
    for (const physics of ['analytic', 'matter'] as const) {
      const env = new PendulumEnv({ physics });
      env.reset({ seed: 1 });
      expect(() => env.step(act(NaN))).toThrow(/Pendulum-v1\.step: action\[0\] is NaN/);
      expect(() => env.step(Float32Array.of(1, 2))).toThrow(/action has length 2 .* needs length 1/);
      expect(() => env.step(1 as unknown as Float32Array)).toThrow(/wrap it: \[1\]/);
      env.setState(0.3, 0);
      const big = env.step(act(Infinity));
      env.setState(0.3, 0);
      const two = env.step(act(2));
      expect(Array.from(big.obs)).toEqual(Array.from(two.obs));
      expect(big.obs.every(Number.isFinite)).toBe(true);
      expect(() => new PendulumEnv({ physics: 'bullet' as never })).toThrow(/physics must be 'matter' or 'analytic'/);
    }
    expect(() => new PendulumEnv().step(act(0))).toThrow(/call reset\(\) before step\(\)/);
  });
});

describe('Pendulum-v1 matter-js', () => {
  it('drifts at most 0.45 rad from analytic over 1 s (20 steps), and stays within 0.15 rad of a fine ODE solution', () => {
    const rng = new Rng(5);
    const m = new PendulumEnv({ physics: 'matter' });
    const a = new PendulumEnv({ physics: 'analytic' });
    m.reset({ seed: 0 });
    a.reset({ seed: 0 });
    let vsAnalytic = 0;
    let vsFine = 0;
    for (let k = 0; k < 20; k++) {
      const th = rng.uniformIn(-Math.PI, Math.PI);
      const w = rng.uniformIn(-1, 1);
      const u = rng.uniformIn(-2, 2);
      m.setState(th, w);
      a.setState(th, w);
      let f: [number, number] = [th, w];
      for (let t = 0; t < 20; t++) {
        m.step(act(u));
        a.step(act(u));
        for (let j = 0; j < 1000; j++) f = odeStep(f, u, 0.05 / 1000);
        vsAnalytic = Math.max(vsAnalytic, Math.abs(m.getState().theta - a.getState().theta));
        vsFine = Math.max(vsFine, Math.abs(m.getState().theta - f[0]));
      }
    }
    expect(vsAnalytic).toBeLessThan(0.45);
    expect(vsFine).toBeLessThan(0.15);
    expect(vsFine).toBeLessThan(vsAnalytic);
    // a hanging rod at rest stays at rest (no spurious energy from the constraint solver)
    m.setState(Math.PI, 0);
    for (let t = 0; t < 20; t++) m.step(act(0));
    expect(Math.abs(m.getState().theta - Math.PI)).toBeLessThan(1e-3);
    expect(Math.abs(m.getState().thetaDot)).toBeLessThan(1e-2);
  });

  it('renders the rod and torque arrow on a node-canvas context', () => {
    const env = new PendulumEnv();
    env.reset({ seed: 3 });
    env.step(act(1.5));
    const canvas = createCanvas(160, 160);
    const ctx = canvas.getContext('2d');
    env.render(ctx, 160, 160);
    const px = ctx.getImageData(0, 0, 160, 160).data;
    let colored = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i] !== 255 || px[i + 1] !== 255 || px[i + 2] !== 255) colored++;
    expect(colored).toBeGreaterThan(100);
    env.close();
  });
});
