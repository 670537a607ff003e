// Test fixture (not a test file): a 1-D point mass, x'' = u, explicit Euler with dt = 0.1, reward
// −(x² + 0.1 u²), terminated when |x| > limit, reset to x0 ~ U(−1, 1) from a seeded Rng. Counts its steps
// and records the seeds it was reset with, so tests can watch the loop from the env's side.
import type { BoxSpace, Env, Info, StepResult } from '../../src/streams/env.ts';
import { Rng } from '../../src/tensor/rng.ts';

export function box(low: number[], high: number[]): BoxSpace {
  const lo = Float32Array.from(low);
  const hi = Float32Array.from(high);
  return {
    low: lo,
    high: hi,
    shape: [lo.length],
    sample: (rng?: Rng) => Float32Array.from(lo, (l, i) => (rng ?? new Rng(0)).uniformIn(Math.max(l, -10), Math.min(hi[i]!, 10))),
    contains: (x: ArrayLike<number>) => x.length === lo.length && Array.from(x).every((v, i) => v >= lo[i]! && v <= hi[i]!),
  };
}

export class PointMass implements Env {
  readonly id = 'PointMass-test';
  readonly observationSpace = box([-Infinity, -Infinity], [Infinity, Infinity]);
  readonly actionSpace = box([-1], [1]);
  stepCount = 0;
  resets: Array<number | undefined> = [];
  x = 0;
  v = 0;
  private rng = new Rng(12345);
  constructor(readonly limit = Infinity, readonly dt = 0.1) {}

  reset(opts?: { seed?: number }): { obs: Float32Array; info: Info } {
    this.resets.push(opts?.seed);
    if (opts?.seed !== undefined) this.rng = new Rng(opts.seed);
    this.x = this.rng.uniformIn(-1, 1);
    this.v = 0;
    return { obs: Float32Array.of(this.x, this.v), info: {} };
  }

  step(action: Float32Array): StepResult {
    this.stepCount++;
    const u = Math.max(-1, Math.min(1, action[0]!));
    const reward = -(this.x * this.x + 0.1 * u * u);
    this.x += this.dt * this.v;
    this.v += this.dt * u;
    return { obs: Float32Array.of(this.x, this.v), reward, terminated: Math.abs(this.x) > this.limit, truncated: false, info: { u } };
  }

  render(ctx: CanvasRenderingContext2D, width: number, height: number): void {
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = '#1f77b4';
    const px = width / 2 + (this.x / 3) * (width / 2);
    ctx.beginPath();
    ctx.arc(px, height / 2, Math.min(width, height) / 10, 0, 2 * Math.PI);
    ctx.fill();
  }
}

/** PD controller u = −k_p x − k_d v, synchronous. */
export const pd = (kp = 1, kd = 1.5) => ({ act: (s: Float32Array) => Float32Array.of(-kp * s[0]! - kd * s[1]!) });
