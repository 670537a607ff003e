// checkEnv: a correct toy env passes, and each deliberately broken variant is reported with its own problem;
// every built-in env passes with both physics backends.
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../helpers/backend.ts';
import { Box, EpisodeGuard, checkEnv, listEnvs, make, validateAction, type Env, type Info, type StepResult } from '../../envs/index.ts';
import type { DynamicsModel } from '../../src/models/types.ts';

beforeAll(async () => {
  await useTestBackend();
});

type Bug =
  | 'none'
  | 'obsLength'
  | 'obsOutside'
  | 'obsNaN'
  | 'rewardNaN'
  | 'plainArray'
  | 'unseededReset'
  | 'constantReset'
  | 'unseededStep'
  | 'noRaiseAfterDone'
  | 'acceptsBadActions'
  | 'actionSpaceMismatch'
  | 'modelDims';

/** A 1-D random walk that terminates at |x| ≥ 1; `bug` breaks one rule. */
class Toy implements Env {
  readonly id = 'Toy-v0';
  readonly observationSpace = new Box([-2], [2]);
  readonly actionSpace: Box;
  private x = 0;
  private readonly guard = new EpisodeGuard(this.id);
  private rng = this.guard.reset(0);
  model?: Env['model'];

  constructor(private readonly bug: Bug) {
    this.actionSpace = bug === 'actionSpaceMismatch' ? new Box([-1, -1], [1, 1]) : new Box([-1], [1]);
    if (bug === 'modelDims') {
      const dynamics: DynamicsModel = { stateDim: 3, actionDim: 1, step: (x) => x, variables: () => [] };
      this.model = () => ({ dynamics, cost: { cost: (x) => x, variables: () => [] } });
    }
  }

  private obs(): Float32Array {
    if (this.bug === 'obsLength') return Float32Array.of(this.x, 0);
    if (this.bug === 'obsOutside') return Float32Array.of(this.x + 5);
    if (this.bug === 'obsNaN') return Float32Array.of(NaN);
    if (this.bug === 'plainArray') return [this.x] as unknown as Float32Array;
    return Float32Array.of(this.x);
  }

  reset(opts: { seed?: number } = {}): { obs: Float32Array; info: Info } {
    this.rng = this.guard.reset(opts.seed);
    this.x = this.bug === 'constantReset' ? 0.1 : this.bug === 'unseededReset' ? Math.random() - 0.5 : this.rng.uniformIn(-0.5, 0.5);
    return { obs: this.obs(), info: {} };
  }

  step(action: Float32Array): StepResult {
    if (this.bug !== 'noRaiseAfterDone') this.guard.checkStep();
    const a = this.bug === 'acceptsBadActions' ? Float64Array.from([action[0] ?? 0]) : validateAction(this.id, action, new Box([-1], [1]));
    const noise = this.bug === 'unseededStep' ? Math.random() : this.rng.normal();
    this.x = Math.min(Math.max(this.x + 0.2 * (Number.isNaN(a[0]!) ? 0 : a[0]!) + 0.1 * noise, -2), 2);
    const terminated = Math.abs(this.x) >= 1;
    this.guard.finish(terminated);
    return { obs: this.obs(), reward: this.bug === 'rewardNaN' ? NaN : -Math.abs(this.x), terminated, truncated: false, info: {} };
  }
}

const EXPECTED: Array<[Bug, RegExp]> = [
  ['obsLength', /obs has length 2 but observationSpace has 1/],
  ['obsOutside', /outside observationSpace/],
  ['obsNaN', /obs\[0\] is NaN; observations must be finite/],
  ['rewardNaN', /reward is NaN/],
  ['plainArray', /obs must be a Float32Array \(got a plain array\)/],
  ['unseededReset', /reset\(\{ seed: 123 \}\) twice gave different observations/],
  ['constantReset', /gave identical observations; reset must use the seed/],
  ['unseededStep', /same seed and actions gave different trajectories/],
  ['noRaiseAfterDone', /step\(\) after terminated .* did not raise/],
  ['acceptsBadActions', /step\(an action of length 2\) did not raise/],
  ['actionSpaceMismatch', /threw: Toy-v0\.step: action has length 2/],
  ['modelDims', /model\(\)\.dynamics\.stateDim is 3 but observations have 1 entries/],
];

describe('checkEnv', () => {
  it('passes a correct env', () => {
    expect(checkEnv(new Toy('none'))).toEqual([]);
  });

  it.each(EXPECTED)('catches %s', (bug, pattern) => {
    const problems = checkEnv(new Toy(bug));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(pattern);
  });

  it('NaN actions accepted silently are caught too', () => {
    expect(checkEnv(new Toy('acceptsBadActions')).join('\n')).toMatch(/step\(a NaN action\) did not raise/);
  });

  it('reports a missing space instead of throwing', () => {
    const env = new Toy('none') as unknown as { observationSpace: unknown };
    Object.defineProperty(env, 'observationSpace', { value: undefined });
    expect(checkEnv(env as unknown as Env)).toEqual(['observationSpace is missing; declare it as a Box (envs/spaces.ts)']);
  });

  it('every registered env passes with both physics', () => {
    for (const { id, defaults } of listEnvs()) {
      for (const physics of 'physics' in defaults ? ['analytic', 'matter'] : [undefined]) {
        const env = make(id, physics ? { physics, maxEpisodeSteps: 60 } : { maxEpisodeSteps: 60 });
        expect([id, physics, checkEnv(env, { maxSteps: 100 })]).toEqual([id, physics, []]);
        env.close?.();
      }
    }
  });
});
