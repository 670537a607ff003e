// Cart-pole frames: the scene fills the frame its metadata asks for (track across the width, the hanging
// pole inside, no empty half), and the force arrow follows the shown action (the env's last force, or the
// override a GIF recorder passes).
import { describe, expect, it } from 'vitest';
import { CartPoleEnv } from '../../envs/cartpole.ts';
import { CartPoleSwingUpEnv } from '../../envs/cartpole-swingup.ts';
import { CAPTION_PX } from '../../envs/render.ts';
import { createCanvas } from '../../src/plot/canvas.ts';

type Rgba = Uint8ClampedArray;

function frame(env: { render(ctx: CanvasRenderingContext2D, w: number, h: number, o?: { action?: number[] }): void; meta: { frame: { width: number; height: number } } }, opts?: { action?: number[] }) {
  const { width, height } = env.meta.frame;
  const ctx = createCanvas(width, height).getContext('2d') as unknown as CanvasRenderingContext2D;
  env.render(ctx, width, height, opts);
  return { width, height, data: ctx.getImageData(0, 0, width, height).data as Rgba };
}

/** Bounding box of the pixels within `tol` of `#rrggbb`. */
function bbox(f: { width: number; height: number; data: Rgba }, hex: string, tol = 12) {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let [x0, x1, y0, y1, n] = [Infinity, -Infinity, Infinity, -Infinity, 0];
  for (let y = 0; y < f.height; y++) {
    for (let x = 0; x < f.width; x++) {
      const i = 4 * (y * f.width + x);
      if (c.every((v, k) => Math.abs(f.data[i + k]! - v) <= tol)) {
        [x0, x1, y0, y1, n] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y), n + 1];
      }
    }
  }
  return { x0, x1, y0, y1, n };
}

describe('cart-pole frames', () => {
  it('swing-up: the track spans the width and the hanging pole reaches near the bottom edge', () => {
    const env = new CartPoleSwingUpEnv({ physics: 'analytic' });
    env.setState({ x: 0, xDot: 0, theta: Math.PI, thetaDot: 0 });
    const f = frame(env);
    expect(f.width / f.height).toBeGreaterThan(2); // a wide frame for a wide scene
    const track = bbox(f, '#999999');
    expect(track.x1 - track.x0).toBeGreaterThan(0.6 * f.width);
    const pole = bbox(f, '#ca9865');
    expect(pole.y1).toBeGreaterThan(0.9 * f.height); // hanging pole near the bottom, not in a strip mid-frame
    env.setState({ x: 0, xDot: 0, theta: 0, thetaDot: 0 });
    expect(bbox(frame(env), '#ca9865').y0).toBeLessThan(CAPTION_PX + 0.1 * f.height); // upright pole near the caption band
    env.close();
  });

  it('CartPole-v1: upright pole fills the frame height; the arrow points the way of the shown force', () => {
    const env = new CartPoleEnv({ physics: 'analytic' });
    env.reset({ seed: 1 });
    env.setState({ x: 0, xDot: 0, theta: 0, thetaDot: 0 });
    const pole = bbox(frame(env), '#ca9865');
    expect(pole.y0).toBeLessThan(CAPTION_PX + 0.15 * (env.meta.frame.height - CAPTION_PX));
    const cx = env.meta.frame.width / 2;
    const right = bbox(frame(env, { action: [10] }), '#2a6fdb');
    const left = bbox(frame(env, { action: [-10] }), '#2a6fdb');
    expect(right.x1).toBeGreaterThan(cx + 20);
    expect(right.x0).toBeGreaterThan(cx - 5);
    expect(left.x0).toBeLessThan(cx - 20);
    expect(left.x1).toBeLessThan(cx + 5);
    env.step(Float32Array.of(0)); // −10 N applied
    expect(bbox(frame(env), '#2a6fdb').x0).toBeLessThan(cx - 20);
    env.close();
  });
});
