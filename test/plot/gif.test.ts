// GifRecorder/renderRolloutGif: the GIF has one image descriptor per frame, the canvas size, the frame delay
// and the loop count; frames from draw functions or replayed states; errors for empty input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GifRecorder, renderRolloutGif, saveGif } from '../../src/plot/gif.ts';
import { parseGif } from './images.ts';
import type { CanvasLike } from '../../src/plot/canvas-like.ts';

const dot = (x: number) => (ctx: CanvasLike, w: number, h: number) => {
  ctx.fillStyle = '#D55E00';
  ctx.beginPath();
  ctx.arc(x * w, h / 2, 10, 0, 2 * Math.PI);
  ctx.fill();
};

describe('GIF rendering', () => {
  it('encodes one frame per draw function with the requested size, delay and looping', () => {
    const gif = renderRolloutGif(Array.from({ length: 12 }, (_, k) => dot(k / 12)), { width: 120, height: 80, delayMs: 40 });
    const info = parseGif(gif);
    expect(info.frames).toBe(12);
    expect([info.width, info.height]).toEqual([120, 80]);
    expect(info.frameSizes.every(([w, h]) => w === 120 && h === 80)).toBe(true);
    expect(info.delaysCs).toEqual(Array(12).fill(4));
    expect(info.loop).toBe(0);
  });

  it('replays recorded states through an env renderer and streams frames through a recorder', () => {
    const env = { x: 0, render(ctx: CanvasLike, w: number, h: number) { dot(this.x)(ctx, w, h); } };
    const gif = renderRolloutGif({ env, states: [0.1, 0.5, 0.9], setState: (e, s: number) => ((e as typeof env).x = s) }, { width: 64, height: 64 });
    expect(parseGif(gif).frames).toBe(3);
    const rec = new GifRecorder({ width: 32, height: 32 });
    for (let i = 0; i < 5; i++) rec.addFrame(dot(i / 5));
    expect(rec.frameCount).toBe(5);
    const bytes = rec.finish();
    expect(rec.finish()).toBe(bytes);
    expect(() => rec.addFrame(dot(0))).toThrow(/already finished/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gif-'));
    const file = saveGif(path.join(dir, 'a.gif'), bytes);
    expect(parseGif(fs.readFileSync(file)).frames).toBe(5);
    fs.rmSync(dir, { recursive: true });
  });

  it('rejects empty input and bad options', () => {
    expect(() => renderRolloutGif([])).toThrow(/frames is empty/);
    expect(() => new GifRecorder({ width: 0 })).toThrow(/width must be an integer in \[16, 4096\]/);
    expect(() => new GifRecorder().finish()).toThrow(/no frames were added/);
  });
});
