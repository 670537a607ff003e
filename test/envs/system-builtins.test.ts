// The built-in envs defined only as system definitions (PlanarQuadrotor-v0, AcrobotSwingUp-v0): checkEnv and
// checkSystem pass, the acrobot's RK4 step matches Gymnasium's numbers, the quadrotor holds at hover thrust,
// and render draws without throwing.
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../helpers/backend.ts';
import { checkEnv, make, type Env } from '../../envs/index.ts';
import { SystemEnv } from '../../envs/system-env.ts';
import { checkSystem } from '../../src/models/system/check.ts';
import { Rng } from '../../src/tensor/rng.ts';

beforeAll(async () => {
  await useTestBackend();
});

const unwrap = (e: Env): SystemEnv<string> => {
  let inner: unknown = e;
  while (inner && !(inner instanceof SystemEnv)) inner = (inner as { env?: unknown }).env;
  if (!(inner instanceof SystemEnv)) throw new Error('not a SystemEnv');
  return inner;
};

/** A canvas stub that records calls. */
function stubCanvas(): { ctx: never; calls: string[] } {
  const calls: string[] = [];
  const ctx = new Proxy({}, { get: (_t, k) => (typeof k === 'string' ? (...a: unknown[]) => void calls.push(`${k}(${a.length})`) : undefined), set: () => true });
  return { ctx: ctx as never, calls };
}

describe.each(['PlanarQuadrotor-v0', 'AcrobotSwingUp-v0'])('%s', (id) => {
  it('passes checkEnv', () => {
    expect(checkEnv(make(id), { maxSteps: 300 })).toEqual([]);
  });

  it('passes checkSystem from its reset distribution', () => {
    const env = unwrap(make(id));
    const sys = env.model();
    expect(checkSystem(sys, { sampleState: (rng: Rng) => env.spec.initial(rng, env.params) })).toEqual([]);
    expect(checkSystem(sys, { seed: 1 })).toEqual([]);
    sys.dynamics.dispose();
  });

  it('renders a frame', () => {
    const env = make(id);
    env.reset({ seed: 0 });
    env.step(env.actionSpace.sample(new Rng(0)));
    const { ctx, calls } = stubCanvas();
    env.render!(ctx, 400, 400);
    expect(calls.filter((c) => c.startsWith('lineTo')).length).toBeGreaterThan(2);
  });
});

describe('PlanarQuadrotor-v0', () => {
  it('level at hover thrust stays put; more right thrust tilts it counter-clockwise', () => {
    const env = unwrap(make('PlanarQuadrotor-v0'));
    env.reset({ seed: 0 });
    const th = (env.params.mass * env.params.gravity) / 2;
    env.setState([0, 1, 0, 0, 0, 0]);
    const r = env.step(Float32Array.of(th, th));
    Array.from(r.obs).forEach((v, i) => expect(v, `x[${i}]`).toBeCloseTo([0, 1, 0, 0, 0, 0][i]!, 6));
    expect(r.reward).toBeCloseTo(0, 6);
    const tilt = env.step(Float32Array.of(th - 0.1, th + 0.1));
    expect(tilt.obs[2]).toBeGreaterThan(0);
    expect(tilt.obs[5]).toBeGreaterThan(0);
  });
});

describe('AcrobotSwingUp-v0', () => {
  it("one step from [0.1, 0.2, 0.3, −0.4] with τ = 1 is Gymnasium's RK4 step, and near a fine integration", () => {
    const env = unwrap(make('AcrobotSwingUp-v0'));
    env.reset({ seed: 0 });
    const s0 = [0.1, 0.2, 0.3, -0.4];
    env.setState(s0);
    const got = Array.from(env.step(Float32Array.of(1)).obs);
    // Reference: Gymnasium's _dsdt (book) written out on plain numbers, 2000 Euler–midpoint steps of 1e-4 s.
    const f = (s: number[]): number[] => {
      const [t1, t2, w1, w2] = s as [number, number, number, number];
      const d1 = 0.25 + (1 + 0.25 + Math.cos(t2)) + 2;
      const d2 = 0.25 + 0.5 * Math.cos(t2) + 1;
      const phi2 = 0.5 * 9.8 * Math.cos(t1 + t2 - Math.PI / 2);
      const phi1 = -0.5 * w2 * w2 * Math.sin(t2) - 2 * 0.5 * w2 * w1 * Math.sin(t2) + 1.5 * 9.8 * Math.cos(t1 - Math.PI / 2) + phi2;
      const dd2 = (1 + (d2 / d1) * phi1 - 0.5 * w1 * w1 * Math.sin(t2) - phi2) / (0.25 + 1 - (d2 * d2) / d1);
      return [w1, w2, -(d2 * dd2 + phi1) / d1, dd2];
    };
    // Gymnasium's rk4 over [0, dt] (one classic RK4 step).
    const dt = 0.2;
    const add = (a: number[], k: number[], c: number) => a.map((v, i) => v + c * k[i]!);
    const k1 = f(s0);
    const k2 = f(add(s0, k1, dt / 2));
    const k3 = f(add(s0, k2, dt / 2));
    const k4 = f(add(s0, k3, dt));
    const rk4 = s0.map((v, i) => v + (dt / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!));
    got.forEach((v, i) => expect(v, `rk4 x[${i}]`).toBeCloseTo(rk4[i]!, 6));
    let s = s0;
    const h = 1e-4;
    for (let k = 0; k < 2000; k++) {
      const mid = s.map((v, i) => v + 0.5 * h * f(s)[i]!);
      s = s.map((v, i) => v + h * f(mid)[i]!);
    }
    got.forEach((v, i) => expect(Math.abs(v - s[i]!), `fine x[${i}]`).toBeLessThan(1e-3)); // RK4 truncation at dt = 0.2
  });
});
