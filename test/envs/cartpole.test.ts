// CartPole-v1: analytic steps equal hand-computed Gymnasium steps; termination thresholds; matter-js drift
// from analytic over 1 s (50 steps) is bounded; seeding; action handling; rendering.
import { createCanvas } from '../../src/plot/canvas.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../helpers/backend.ts';
import { CartPoleEnv } from '../../envs/cartpole.ts';
import { CARTPOLE_PARAMS, CartPoleSim, cartPoleAnalyticStep } from '../../envs/cartpole-physics.ts';
import { make } from '../../envs/index.ts';
import { Rng } from '../../src/tensor/rng.ts';

beforeAll(async () => {
  await useTestBackend();
});

const act = (u: number) => Float32Array.of(u);

/** Gymnasium's cartpole step written out with its constants (g 9.8, M 1.0, m 0.1, L 0.5, τ 0.02). */
function gymStep([x, xd, th, thd]: number[], F: number): number[] {
  const total = 1.1;
  const pml = 0.1 * 0.5;
  const temp = (F + pml * thd! * thd! * Math.sin(th!)) / total;
  const thacc = (9.8 * Math.sin(th!) - Math.cos(th!) * temp) / (0.5 * (4 / 3 - (0.1 * Math.cos(th!) ** 2) / total));
  const xacc = temp - (pml * thacc * Math.cos(th!)) / total;
  return [x! + 0.02 * xd!, xd! + 0.02 * xacc, th! + 0.02 * thd!, thd! + 0.02 * thacc];
}

describe('CartPole-v1 analytic', () => {
  it('matches hand-computed Gymnasium steps to 1e-6 for both actions', () => {
    const env = new CartPoleEnv({ physics: 'analytic' });
    env.reset({ seed: 0 });
    let s = [0.01, 0.02, 0.03, 0.04];
    env.setState({ x: s[0]!, xDot: s[1]!, theta: s[2]!, thetaDot: s[3]! });
    for (const a of [1, 1, 0, 1, 0, 0]) {
      const r = env.step(act(a));
      s = gymStep(s, a === 1 ? 10 : -10);
      const got = env.getState();
      expect([got.x, got.xDot, got.theta, got.thetaDot].map((v, i) => Math.abs(v - s[i]!)).every((d) => d < 1e-6)).toBe(true);
      r.obs.forEach((v, i) => expect(Math.abs(v - s[i]!)).toBeLessThan(1e-6));
      expect(r.reward).toBe(1);
      expect(r.terminated).toBe(false);
    }
  });

  it('terminates past ±12° or ±2.4 m with reward 1 on that step, then refuses to step', () => {
    const env = new CartPoleEnv({ physics: 'analytic' });
    env.reset({ seed: 0 });
    env.setState({ x: 0, xDot: 0, theta: 0.2, thetaDot: 2 });
    let r = env.step(act(1));
    expect(r.terminated).toBe(true);
    expect(r.reward).toBe(1);
    expect(() => env.step(act(1))).toThrow(/call reset\(\)/);
    env.reset({ seed: 0 });
    env.setState({ x: 2.39, xDot: 1, theta: 0, thetaDot: 0 });
    r = env.step(act(1));
    expect(r.terminated).toBe(true);
  });

  it('resets uniformly in ±0.05 and reproduces per seed; time limit at 500', () => {
    const env = new CartPoleEnv({ physics: 'analytic' });
    for (let s = 0; s < 20; s++) expect(env.reset({ seed: s }).obs.every((v) => Math.abs(v) <= 0.05)).toBe(true);
    expect(Array.from(env.reset({ seed: 5 }).obs)).toEqual(Array.from(env.reset({ seed: 5 }).obs));
    expect(Array.from(env.reset({ seed: 5 }).obs)).not.toEqual(Array.from(env.reset({ seed: 6 }).obs));
    const wrapped = make('CartPole-v1', { physics: 'analytic', maxEpisodeSteps: 3 });
    wrapped.reset({ seed: 1 });
    const flags = [0, 1, 0].map((a) => wrapped.step(act(a)).truncated);
    expect(flags).toEqual([false, false, true]);
  });

  it('actions: NaN / wrong length raise; out-of-range values clip to the same push', () => {
    const env = new CartPoleEnv({ physics: 'matter' });
    env.reset({ seed: 0 });
    expect(() => env.step(act(NaN))).toThrow(/CartPole-v1\.step: action\[0\] is NaN/);
    expect(() => env.step(new Float32Array(0))).toThrow(/length 0 .* needs length 1/);
    const s0 = { x: 0, xDot: 0, theta: 0.01, thetaDot: 0 };
    env.setState(s0);
    const a = env.step(act(7)).obs;
    env.setState(s0);
    const b = env.step(act(1)).obs;
    expect(Array.from(a)).toEqual(Array.from(b));
    env.setState(s0);
    const c = env.step(act(-3)).obs;
    expect(c[1]!).toBeLessThan(0);
    expect(c.every(Number.isFinite)).toBe(true);
  });
});

describe('CartPole matter-js', () => {
  it('drifts from analytic by at most 0.12 m / 0.45 rad over 1 s (50 steps) and tracks a fine ODE solution within 0.02 m / 0.15 rad', () => {
    const rng = new Rng(11);
    const sim = new CartPoleSim('matter', { ...CARTPOLE_PARAMS }, { force: (F) => F, analytic: (s, F, p) => cartPoleAnalyticStep(s, F, p) });
    const drift = { x: 0, th: 0 };
    const fine = { x: 0, th: 0 };
    for (let k = 0; k < 20; k++) {
      const s0 = { x: rng.uniformIn(-0.5, 0.5), xDot: rng.uniformIn(-0.5, 0.5), theta: rng.uniformIn(-0.1, 0.1), thetaDot: rng.uniformIn(-0.5, 0.5) };
      const F = rng.uniformIn(-10, 10);
      sim.set(s0);
      let a = { ...s0 };
      let f = { ...s0 };
      for (let t = 0; t < 50; t++) {
        const s = sim.step(F);
        a = cartPoleAnalyticStep(a, F, CARTPOLE_PARAMS);
        for (let j = 0; j < 400; j++) f = cartPoleAnalyticStep(f, F, { ...CARTPOLE_PARAMS, tau: 0.02 / 400 });
        drift.x = Math.max(drift.x, Math.abs(s.x - a.x));
        drift.th = Math.max(drift.th, Math.abs(s.theta - a.theta));
        fine.x = Math.max(fine.x, Math.abs(s.x - f.x));
        fine.th = Math.max(fine.th, Math.abs(s.theta - f.theta));
      }
    }
    expect(drift.x).toBeLessThan(0.12);
    expect(drift.th).toBeLessThan(0.45);
    expect(fine.x).toBeLessThan(0.02);
    expect(fine.th).toBeLessThan(0.15);
    // upright at rest with no force stays put on the rail
    sim.set({ x: 0.3, xDot: 0, theta: 0, thetaDot: 0 });
    for (let t = 0; t < 50; t++) sim.step(0);
    const s = sim.get();
    expect(Math.abs(s.x - 0.3)).toBeLessThan(1e-3);
    expect(Math.abs(s.theta)).toBeLessThan(1e-3);
    sim.dispose();
  });

  it('renders track, cart, pole and force arrow', () => {
    const env = new CartPoleEnv();
    env.reset({ seed: 2 });
    env.step(act(1));
    const canvas = createCanvas(240, 120);
    const ctx = canvas.getContext('2d');
    env.render(ctx, 240, 120);
    const px = ctx.getImageData(0, 0, 240, 120).data;
    let dark = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i]! < 100 && px[i + 1]! < 100 && px[i + 2]! < 100) dark++;
    expect(dark).toBeGreaterThan(100);
  });
});
