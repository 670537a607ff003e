// The quality bench's swing-up success criterion (scripts/bench-quality.ts `swingUpHeld`): an episode counts
// only if it ran to the end without leaving the track and cos θ > 0.95 in each of its last 100 states; the
// quadrotor's hover (within 0.1 m of the goal over the last 50 states) and the acrobot's swing-up (the tip
// reaches the bar h ≥ 1; share of the last 50 states above it); and the suite is registered as 'quality'.
import { describe, expect, it } from 'vitest';
import { QUALITY_TARGETS, acrobotSwing, quadrotorHovered, swingUpHeld } from '../../scripts/bench-quality.ts';
import { getBenchSuite } from '../../scripts/lib/bench-suites.ts';
import type { Episode } from '../../src/streams/collect-episodes.ts';

/** A synthetic episode of `steps` steps whose state t has cos θ = cosAt(t) and cart position xAt(t). */
function episode(steps: number, cosAt: (t: number) => number, xAt: (t: number) => number = () => 0, terminated = false): Episode {
  const states = Array.from({ length: steps + 1 }, (_, t) => Float32Array.of(xAt(t), 0, cosAt(t), Math.sqrt(Math.max(0, 1 - cosAt(t) ** 2)), 0));
  return { episode: 0, env: 0, states, actions: states.slice(1).map(() => Float32Array.of(0)), rewards: states.slice(1).map(() => 0), return: 0, terminated, truncated: !terminated };
}

describe('bench quality: swing-up success', () => {
  it('accepts an episode that swings up and holds, rejects falls, short or terminated episodes and track exits', () => {
    const up = (t: number) => (t < 200 ? -1 : 0.99);
    expect(swingUpHeld(episode(500, up), 500)).toBe(true);
    // one dip below 0.95 inside the last 100 states
    expect(swingUpHeld(episode(500, (t) => (t === 450 ? 0.9 : up(t))), 500)).toBe(false);
    // a dip just before the window does not count
    expect(swingUpHeld(episode(500, (t) => (t === 500 - QUALITY_TARGETS.holdSteps ? 0.9 : up(t))), 500)).toBe(true);
    expect(swingUpHeld(episode(300, up), 500)).toBe(false);
    expect(swingUpHeld(episode(500, up, () => 0, true), 500)).toBe(false);
    expect(swingUpHeld(episode(500, up, (t) => (t > 480 ? 2.5 : 0)), 500)).toBe(false);
  });

  it('quadrotor hover and acrobot swing-up criteria', () => {
    const fly = (steps: number, at: (t: number) => [number, number]): Episode => {
      const states = Array.from({ length: steps + 1 }, (_, t) => Float32Array.of(...at(t), 0, 0, 0, 0));
      return { episode: 0, env: 0, states, actions: states.slice(1).map(() => Float32Array.of(0, 0)), rewards: states.slice(1).map(() => 0), return: 0, terminated: false, truncated: true };
    };
    const arrive = (t: number): [number, number] => (t < 100 ? [1, 2] : [0.05, 1.05]);
    expect(quadrotorHovered(fly(200, arrive), 200)).toBe(true);
    expect(quadrotorHovered(fly(200, (t) => (t === 190 ? [0.2, 1] : arrive(t))), 200)).toBe(false);
    expect(quadrotorHovered(fly(120, arrive), 200)).toBe(false);
    // acrobot state [θ₁, θ₂, …]: θ₁ = π, θ₂ = 0 puts the tip at h = 2; hanging (0, 0) at h = −2
    const swing = (upFrom: number, downFrom = Infinity): Episode => {
      const states = Array.from({ length: 201 }, (_, t) => Float32Array.of(t >= upFrom && t < downFrom ? Math.PI : 0, 0, 0, 0));
      return { episode: 0, env: 0, states, actions: states.slice(1).map(() => Float32Array.of(0)), rewards: states.slice(1).map(() => 0), return: 0, terminated: false, truncated: true };
    };
    expect(acrobotSwing(swing(60))).toEqual({ reached: true, held: 1 });
    expect(acrobotSwing(swing(60, 176))).toEqual({ reached: true, held: 25 / 50 });
    expect(acrobotSwing(swing(Infinity))).toEqual({ reached: false, held: 0 });
  });

  it('is registered as the "quality" bench suite', () => {
    expect(getBenchSuite('quality')?.summary).toMatch(/Pendulum-v1.*cart-pole.*quadrotor.*acrobot/);
  });
});
