// TimeLimit wrapper (Gymnasium `wrappers.TimeLimit`): counts steps since the last reset and sets
// `truncated = true` on step `maxEpisodeSteps` (even if that step also terminates, as Gymnasium does); `info.TimeLimit.truncated` mirrors it. Stepping a finished
// episode (terminated or truncated) without reset() raises, as Gymnasium's OrderEnforcing/PassiveEnvChecker
// would flag. Everything else (spaces, render, model) is forwarded to the wrapped env.
import type { Env, Info, StepResult, CanvasLike, RenderOptions } from './types.ts';

export class TimeLimit implements Env {
  readonly env: Env;
  readonly maxEpisodeSteps: number;
  private elapsed = 0;
  private needsReset = true;

  constructor(env: Env, maxEpisodeSteps: number) {
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps < 1) {
      throw new Error(`TimeLimit(${env.id}): maxEpisodeSteps must be a positive integer (got ${maxEpisodeSteps})`);
    }
    this.env = env;
    this.maxEpisodeSteps = maxEpisodeSteps;
    if (env.render) this.render = (ctx, w, h, opts) => env.render!(ctx, w, h, opts);
    if (env.model) this.model = () => env.model!();
  }

  get id(): string {
    return this.env.id;
  }
  get observationSpace() {
    return this.env.observationSpace;
  }
  get actionSpace() {
    return this.env.actionSpace;
  }
  get dt(): number | undefined {
    return this.env.dt;
  }
  get meta() {
    return this.env.meta;
  }
  /** Steps taken since the last reset. */
  get elapsedSteps(): number {
    return this.elapsed;
  }

  render?: (ctx: CanvasLike, width: number, height: number, opts?: RenderOptions) => void;
  model?: Env['model'];

  reset(opts?: { seed?: number }): { obs: Float32Array; info: Info } {
    this.elapsed = 0;
    this.needsReset = false;
    return this.env.reset(opts);
  }

  step(action: Float32Array): StepResult {
    if (this.needsReset) {
      throw new Error(`${this.id}.step: the episode is over (terminated or truncated) or reset() was never called; call reset() first`);
    }
    const r = this.env.step(action);
    this.elapsed++;
    if (this.elapsed >= this.maxEpisodeSteps) {
      r.truncated = true;
      r.info = { ...r.info, 'TimeLimit.truncated': true };
    }
    if (r.terminated || r.truncated) this.needsReset = true;
    return r;
  }

  close(): void {
    this.env.close?.();
  }
}
