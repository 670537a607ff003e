// Pointer drag (envs/pointer.ts, envs/matter/hand.ts): a grab holds a matter-js body with a soft constraint
// that acts while env.step integrates. What would be wrong: the held bob not reaching the pointer (or not
// staying there against gravity and a torque fighting it); a release that leaves the hand acting; a grab of
// nothing, a move without a grab, a grab of analytic physics or a non-finite pointer that does not say so;
// a frame view whose inverse is not the inverse; the cart not dragged along its rail.
import { describe, expect, it } from 'vitest';
import { PendulumEnv } from '../../envs/pendulum.ts';
import { CartPoleSwingUpEnv } from '../../envs/cartpole-swingup.ts';
import { MountainCarContinuousEnv } from '../../envs/mountain-car-continuous.ts';
import { isDraggable } from '../../envs/pointer.ts';
import { handGains, HAND_DEFAULTS } from '../../envs/matter/hand.ts';

const act = (u: number) => Float32Array.of(u);
/** The bob (rod tip) of a pendulum of length 1 at angle θ: (sin θ, cos θ), pivot at the origin, y up. */
const bob = (th: number) => ({ x: Math.sin(th), y: Math.cos(th) });

describe('pointer drag on Pendulum-v1 (matter)', () => {
  it('holding the bob at a point brings it there within 20 steps, against gravity and a torque fighting the hand', () => {
    const env = new PendulumEnv();
    env.reset({ seed: 0 });
    env.setState(0, 0);
    const g0 = env.grab({ x: 0.03, y: 1.05 });
    expect(g0.body).toBe('rod');
    expect(g0.anchor.x).toBeCloseTo(0, 6); // held at the tip, the rod's point nearest the pointer
    expect(g0.anchor.y).toBeCloseTo(1, 6);
    // walk the pointer to θ = 1.2 rad (rod near horizontal: gravity torque 5.6 N·m) over 5 steps
    const target = 1.2;
    let reached = -1;
    for (let k = 0; k < 40; k++) {
      env.moveGrab(bob(Math.min(1, (k + 1) / 5) * target));
      env.step(act(-2)); // the full torque against the hand
      const { theta } = env.getState();
      const g = env.grabbed()!;
      // the held point is the bob
      expect(Math.hypot(g.anchor.x - Math.sin(theta), g.anchor.y - Math.cos(theta))).toBeLessThan(1e-3); // the pin's give
      const off = Math.hypot(g.anchor.x - bob(target).x, g.anchor.y - bob(target).y);
      if (reached < 0 && off < 0.05) reached = k;
      if (reached >= 0 && k > reached + 2) expect(off, `step ${k}: bob ${off} m from the pointer`).toBeLessThan(0.05);
    }
    expect(reached, 'the bob never came within 5 cm of the pointer').toBeGreaterThanOrEqual(0);
    expect(reached).toBeLessThan(20);
    expect(Math.abs(env.getState().theta - target)).toBeLessThan(0.05);
    env.close();
  });

  it('a pointer off the bob\'s circle holds it still on the circle in the pointer\'s direction (no undamped sway)', () => {
    const env = new PendulumEnv();
    env.reset({ seed: 0 });
    env.setState(0, 0);
    env.grab(bob(0));
    let maxSpeed = 0;
    let maxOff = 0;
    for (let k = 0; k < 60; k++) {
      const th = Math.min(1, (k + 1) / 5) * 1.2;
      const g = env.moveGrab({ x: 1.3 * Math.sin(th), y: 1.3 * Math.cos(th) });
      expect(Math.hypot(g.pull.x, g.pull.y)).toBeCloseTo(1, 6); // pulled on the bob's circle
      env.step(act(k % 3 === 0 ? 2 : -2)); // a flickering torque to excite any sway
      const s = env.getState();
      if (k >= 20) {
        maxSpeed = Math.max(maxSpeed, Math.abs(s.thetaDot));
        maxOff = Math.max(maxOff, Math.abs(s.theta - 1.2));
      }
    }
    // matter damps a constraint only along its axis: pulled at the pointer itself, |θ̇| sways to ≈ 1.9 rad/s
    expect(maxSpeed).toBeLessThan(0.5);
    expect(maxOff).toBeLessThan(0.05);
    env.close();
  });

  it('release removes the hand: the rod then moves exactly as a free one from the same state', () => {
    const held = new PendulumEnv();
    held.reset({ seed: 1 });
    held.setState(0, 0);
    held.grab(bob(0));
    held.moveGrab(bob(1));
    for (let k = 0; k < 15; k++) held.step(act(0));
    expect(held.release()).toBe(true);
    expect(held.grabbed()).toBeUndefined();
    expect(held.release()).toBe(false);
    const { theta, thetaDot } = held.getState();
    const free = new PendulumEnv();
    free.reset({ seed: 1 });
    free.setState(theta, thetaDot);
    held.setState(theta, thetaDot); // same warm start for both
    for (let k = 0; k < 10; k++) {
      held.step(act(0.5));
      free.step(act(0.5));
    }
    expect(held.getState().theta).toBeCloseTo(free.getState().theta, 9);
    // and it falls: from ≈ 1 rad gravity takes it far from the released point in 0.5 s
    expect(held.getState().theta).toBeGreaterThan(theta + 0.5);
    held.close();
    free.close();
  });

  it('reset releases the grab', () => {
    const env = new PendulumEnv();
    env.reset({ seed: 0 });
    env.setState(0, 0);
    env.grab(bob(0));
    env.reset({ seed: 2 });
    expect(env.grabbed()).toBeUndefined();
    env.close();
  });

  it('bad input gets a clear answer', () => {
    const env = new PendulumEnv();
    env.reset({ seed: 0 });
    env.setState(0, 0); // the rod from (0, 0) to (0, 1)
    expect(() => env.grab({ x: 0, y: -1 })).toThrow(/Pendulum.*grab: no body within 0.25 m of \(0.00, -1.00\) m; the nearest, rod, is 1.00 m away/);
    expect(env.grabbed()).toBeUndefined();
    expect(() => env.grab({ x: 0.5, y: 0.5 }, { radius: 0.6 })).not.toThrow();
    expect(() => env.grab({ x: 0, y: 1 }, { radius: 0 })).toThrow(/radius must be a positive number/);
    expect(() => env.grab({ x: Number.NaN, y: 1 })).toThrow(/pointer must be a finite point/);
    env.release();
    expect(() => env.moveGrab({ x: 0, y: 1 })).toThrow(/nothing is grabbed; call grab\(point\) first/);
    env.close();
    const analytic = new PendulumEnv({ physics: 'analytic' });
    analytic.reset({ seed: 0 });
    expect(isDraggable(analytic)).toBe(true);
    expect(() => analytic.grab({ x: 0, y: 1 })).toThrow(/Pendulum-v1.grab: dragging acts on the matter-js physics, but this env runs physics 'analytic'/);
    expect(analytic.grabbed()).toBeUndefined();
    expect(isDraggable(new MountainCarContinuousEnv())).toBe(false);
    expect(() => handGains({ frequency: 0, dampingRatio: 1 }, 2)).toThrow(/frequency must be a positive number in Hz/);
    expect(() => handGains({ frequency: 100, dampingRatio: 1 }, 2)).toThrow(/too stiff/);
  });

  it('the hand gains are the stated spring: ω² = passes·stiffness/T², 2ζω = passes·damping/T (T = 1/60 s)', () => {
    const { stiffness, damping } = handGains(HAND_DEFAULTS, 2);
    const w = 2 * Math.PI * HAND_DEFAULTS.frequency;
    expect(4 * stiffness * 3600).toBeCloseTo(w * w, 9);
    expect(4 * damping * 60).toBeCloseTo(2 * HAND_DEFAULTS.dampingRatio * w, 9);
  });

  it('frameView maps world points to the rendered pixels and back', () => {
    const env = new PendulumEnv();
    const v = env.frameView(400, 444);
    const [px, py] = v.px(0.3, -0.7);
    const [x, y] = v.world(px, py);
    expect(x).toBeCloseTo(0.3, 12);
    expect(y).toBeCloseTo(-0.7, 12);
    // the pivot is drawn at the centre of the scene below the 44 px caption
    expect(v.px(0, 0)).toEqual([200, 44 + 200]);
    env.close();
  });
});

describe('pointer drag on CartPoleSwingUp-v0 (matter)', () => {
  it('drags the cart along the rail to the pointer, and picks the pole near its tip', () => {
    const env = new CartPoleSwingUpEnv();
    env.reset({ seed: 0 });
    env.setState({ x: 0, xDot: 0, theta: Math.PI, thetaDot: 0 }); // hanging
    const g = env.grab({ x: 0.05, y: 0.02 });
    expect(g.body).toBe('cart');
    let x = 0;
    for (let k = 0; k < 50; k++) {
      env.moveGrab({ x: Math.min(1, (k + 1) / 10), y: 0.3 }); // above the rail: the rail keeps the cart's height
      x = env.step(act(-1)).obs[0]!; // −10 N against the hand
    }
    expect(Math.abs(x - 0.95)).toBeLessThan(0.1); // the held point is 5 cm right of the cart centre
    expect(env.grabbed()!.pull).toEqual({ x: 1, y: 0.02 }); // pulled at the held height
    expect(env.grabbed()!.pointer).toEqual({ x: 1, y: 0.3 });
    expect(env.getState().x).toBeCloseTo(x, 6);
    env.release();
    env.setState({ x: 0, xDot: 0, theta: Math.PI, thetaDot: 0 });
    expect(env.grab({ x: 0.1, y: -0.95 }).body).toBe('pole'); // the tip hangs at (0, −1)
    env.close();
  });
});

describe('MountainCarContinuous-v0 state access (the playground plans ghosts and pushes through it)', () => {
  it('setState round-trips in float32 and refuses states outside the track', () => {
    const env = new MountainCarContinuousEnv();
    env.reset({ seed: 0 });
    const obs = env.setState(-0.5, 0.01);
    expect(Array.from(obs)).toEqual([Math.fround(-0.5), Math.fround(0.01)]);
    expect(env.getState()).toEqual({ position: Math.fround(-0.5), velocity: Math.fround(0.01) });
    expect(env.step(act(1)).obs[1]!).toBeGreaterThan(0.01 - 0.003);
    expect(() => env.setState(-1.3, 0)).toThrow(/position must be in \[-1.2, 0.6\]/);
    expect(() => env.setState(0, 0.1)).toThrow(/velocity must be in/);
    expect(() => env.setState(0, Number.NaN)).toThrow(/velocity/);
  });
});
