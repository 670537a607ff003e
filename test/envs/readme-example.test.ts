// The README's "Add your own environment" example, verbatim, must register and pass checkEnv.
import { describe, expect, it } from 'vitest';
import { Box, EpisodeGuard, register, validateAction, make, checkEnv, type Env } from '../../envs/api.ts';

class MyEnv implements Env {
  readonly id = 'My-v0';
  readonly observationSpace = new Box([-10], [10]);
  readonly actionSpace = new Box([-1], [1]);
  private readonly guard = new EpisodeGuard(this.id);
  private x = 0;
  reset(opts: { seed?: number } = {}) { const rng = this.guard.reset(opts.seed); this.x = rng.uniformIn(-1, 1); return { obs: Float32Array.of(this.x), info: {} }; }
  step(action: Float32Array) {
    this.guard.checkStep();
    const [u] = validateAction(this.id, action, this.actionSpace);
    this.x += 0.1 * u!;
    const terminated = Math.abs(this.x) > 10;
    this.guard.finish(terminated);
    return { obs: Float32Array.of(this.x), reward: -this.x * this.x, terminated, truncated: false, info: {} };
  }
}

describe('README plug-in example', () => {
  it('registers through the public API and passes checkEnv', () => {
    register('My-v0', () => new MyEnv(), { maxEpisodeSteps: 100 });
    expect(checkEnv(make('My-v0'))).toEqual([]);
  });
});
