// recordFrames(recorder, env, { every }): one frame per `every` steps drawn by the env's renderer into a
// GIF recorder as the rollout runs; values pass through; sub-env filter for vector rollouts.
import { count, lastValueFrom } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GifRecorder } from '../../src/plot/gif.ts';
import { recordFrames } from '../../src/streams/record-frames.ts';
import { rollout } from '../../src/streams/rollout.ts';
import { vectorRollout } from '../../src/streams/vector-rollout.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { parseGif } from '../plot/images.ts';
import { PointMass, pd } from './point-mass.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('recordFrames', () => {
  it('draws every k-th step of a rollout into the GIF', async () => {
    const env = new PointMass();
    const rec = new GifRecorder({ width: 64, height: 48 });
    const xs: number[] = [];
    const probe = { addFrame: (d: Parameters<GifRecorder['addFrame']>[0]) => { xs.push(env.x); rec.addFrame(d); } };
    const n = await lastValueFrom(rollout(env, pd(), { steps: 20, seed: 0 }).pipe(recordFrames(probe, env, { every: 4 }), count()));
    expect(n).toBe(20);
    expect(rec.frameCount).toBe(5);
    expect(parseGif(rec.finish()).frames).toBe(5);
    expect(new Set(xs).size).toBe(5); // each frame saw a different state
  });

  it('records only the chosen sub-env of a vector rollout', async () => {
    const envs = [new PointMass(), new PointMass()];
    let frames = 0;
    const sink = { addFrame: () => void frames++ };
    await lastValueFrom(vectorRollout(envs, { actBatch: (o) => o.map(() => [0]) }, { steps: 6 }).pipe(recordFrames(sink, envs[1]!, { subEnv: 1 })));
    expect(frames).toBe(6);
    expect(() => recordFrames(sink, {}, {})).toThrow(/render\(ctx, width, height\)/);
  });
});
