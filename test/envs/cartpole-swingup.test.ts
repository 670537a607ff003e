// CartPoleSwingUp-v0: observation layout, PETS reward on the pre-step state, hanging reset, termination at
// the track ends, seeding, clipping.
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../helpers/backend.ts';
import { CartPoleSwingUpEnv } from '../../envs/cartpole-swingup.ts';
import { checkEnv, make } from '../../envs/index.ts';

beforeAll(async () => {
  await useTestBackend();
});

const act = (u: number) => Float32Array.of(u);

describe('CartPoleSwingUp-v0', () => {
  it('observes [x, ẋ, cos θ, sin θ, θ̇] and pays exp(−d²/ℓ²) − 0.01a² on the pre-step state', () => {
    const env = new CartPoleSwingUpEnv({ physics: 'analytic' });
    env.reset({ seed: 0 });
    const obs = env.setState({ x: 0.2, xDot: 0.1, theta: 0.5, thetaDot: -0.3 });
    expect(Array.from(obs).map((v) => Number(v.toFixed(6)))).toEqual([0.2, 0.1, Math.cos(0.5), Math.sin(0.5), -0.3].map((v) => Number(Math.fround(v).toFixed(6))));
    const r = env.step(act(0.5));
    const dx = 0.2 + Math.sin(0.5);
    const dy = Math.cos(0.5) - 1;
    expect(Math.abs(r.reward - (Math.exp(-(dx * dx + dy * dy)) - 0.01 * 0.25))).toBeLessThan(1e-9);
    // upright at the centre, no action: reward 1
    env.setState({ x: 0, xDot: 0, theta: 0, thetaDot: 0 });
    expect(env.step(act(0)).reward).toBeCloseTo(1, 12);
    // force = 10·clip(a): a = 4 acts as 1
    env.setState({ x: 0, xDot: 0, theta: Math.PI, thetaDot: 0 });
    const big = env.step(act(4));
    env.setState({ x: 0, xDot: 0, theta: Math.PI, thetaDot: 0 });
    expect(Array.from(env.step(act(1)).obs)).toEqual(Array.from(big.obs));
  });

  it('starts hanging, terminates off the track, and passes checkEnv with both physics', () => {
    const env = new CartPoleSwingUpEnv({ physics: 'analytic' });
    for (let s = 0; s < 10; s++) expect(env.reset({ seed: s }).obs[2]!).toBeLessThan(-0.9);
    env.setState({ x: 2.39, xDot: 2, theta: Math.PI, thetaDot: 0 });
    expect(env.step(act(1)).terminated).toBe(true);
    for (const physics of ['analytic', 'matter'] as const) expect(checkEnv(make('CartPoleSwingUp-v0', { physics }), { maxSteps: 600 })).toEqual([]);
  });
});
