// `recordFrames(recorder, env, { every })`: a pass-through operator that draws the env into a GIF recorder
// (src/plot/gif.ts) as transitions flow by. Rollouts emit right after `env.step`, so at emission time the env
// shows s_{t+1}: frame k is the state after step k·every (+ every − 1). Only for a synchronous subscriber
// directly on the rollout (no buffering in between), and, for a vector rollout, pass the sub-env to watch.
import { defer, tap, type MonoTypeOperatorFunction } from 'rxjs';
import type { DrawFrame } from '../plot/gif.ts';
import type { Transition } from './types.ts';
import type { CanvasLike } from '../plot/canvas-like.ts';

export interface FrameSink {
  addFrame(draw: DrawFrame): void;
}

export function recordFrames<T extends Transition>(
  recorder: FrameSink,
  env: { render?(ctx: CanvasLike, width: number, height: number): void },
  opts: { every?: number; subEnv?: number } = {},
): MonoTypeOperatorFunction<T> {
  if (!env || typeof env.render !== 'function') throw new Error('recordFrames: env must implement render(ctx, width, height)');
  const every = opts.every ?? 1;
  if (!Number.isInteger(every) || every < 1) throw new Error(`recordFrames: every must be a positive integer (got ${every})`);
  const subEnv = opts.subEnv ?? 0;
  const render = env.render.bind(env);
  return (source) =>
    defer(() => {
      let k = 0; // per subscription
      return source.pipe(
        tap((tr) => {
          if (tr.env === subEnv && k++ % every === 0) recorder.addFrame(render);
        }),
      );
    });
}
