// controlRun's GIF: one frame per step (a bang-bang force is not aliased by a stride), real-time delays,
// the frame size of the env's metadata; a stride only beyond GIF_MAX_FRAMES, and then frames show the mean
// applied action of the steps they stand for.
import { describe, expect, it } from 'vitest';
import '../../envs/index.ts';
import { CARTPOLE_META } from '../../envs/cartpole.ts';
import { controlRun, frameCaption, gifDelayMs, gifStride, GIF_MAX_FRAMES, type ControlRunConfig } from '../../src/train/control-run.ts';
import { CAPTION_PX } from '../../envs/render.ts';
import { controlRunSetup } from '../../controllers/build-controller.ts';
import { decodeGifFrames, parseGif } from '../plot/images.ts';

/** A run of the config's registered env and controller. */
const run = (cfg: ControlRunConfig) => controlRun(controlRunSetup(cfg), cfg);

const base: ControlRunConfig = { env: 'CartPole-v1', physics: 'analytic', controller: 'random', solver: 'dcem', horizon: 5, samples: 10, iterations: 1, episodes: 1, seed: 3, gif: true, maxEpisodeSteps: 12 };

/** Mean x of the pixels of colour `hex` (±tol) below the caption band, or NaN. */
function meanX(f: { width: number; height: number; data: Uint8ClampedArray }, hex: string, tol = 16): number {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let [sx, n] = [0, 0];
  for (let y = CAPTION_PX; y < f.height; y++) {
    for (let x = 0; x < f.width; x++) {
      const i = 4 * (y * f.width + x);
      if (c.every((v, k) => Math.abs(f.data[i + k]! - v) <= tol)) [sx, n] = [sx + x, n + 1];
    }
  }
  return n ? sx / n : NaN;
}

describe('controlRun GIF frames', () => {
  it('each frame shows the force applied in its own step (no aliasing of a bang-bang action)', async () => {
    const r = await run({ ...base, seed: 11 });
    const frames = decodeGifFrames(r.gif!);
    const forces = r.episodes[0]!.actions.map((a) => CARTPOLE_META.applied(a)[0]!);
    expect(new Set(forces).size).toBe(2); // the random actions push both ways
    expect(frames.length).toBe(forces.length);
    frames.forEach((f, k) => {
      const arrowSide = Math.sign(meanX(f, '#2a6fdb') - meanX(f, '#333333'));
      expect(arrowSide, `frame ${k}`).toBe(Math.sign(forces[k]!));
    });
  });

  it('records every step of a short episode at real-time delays in the env frame size', async () => {
    const r = await run(base);
    const steps = r.episodes[0]!.rewards.length;
    const info = parseGif(r.gif!);
    expect(info.frames).toBe(steps);
    expect([info.width, info.height]).toEqual([CARTPOLE_META.frame.width, CARTPOLE_META.frame.height]);
    expect(new Set(info.delaysCs)).toEqual(new Set([2])); // τ = 0.02 s per step
  });

  it('strides only past GIF_MAX_FRAMES steps, keeping the last frame of the episode', async () => {
    expect(gifStride(500)).toBe(1);
    expect(gifStride(GIF_MAX_FRAMES)).toBe(1);
    expect(gifStride(2 * GIF_MAX_FRAMES + 1)).toBe(3);
    expect(gifStride(undefined)).toBe(1);
    expect(() => gifStride(10, 0)).toThrow(/gifEvery must be a positive integer/);
    expect(gifDelayMs(1, 0.05)).toBe(50);
    expect(gifDelayMs(3, undefined)).toBe(100);
    const r = await run({ ...base, gifEvery: 5 });
    expect(parseGif(r.gif!).frames).toBe(Math.ceil(r.episodes[0]!.rewards.length / 5));
  });

  it('labels a frame standing for several steps with their mean applied action', () => {
    expect(frameCaption(0, [[-10]], 0.02)).toEqual({ note: 't = 0.02 s' });
    const c = frameCaption(3, [[-10], [10], [-10], [-10]], 0.02);
    expect(c.action).toEqual([-5]);
    expect(c.note).toBe('t = 0.08 s, action = mean of the last 4 steps');
    expect(frameCaption(9, [[1]], undefined).note).toBe('step 10');
  });
});
