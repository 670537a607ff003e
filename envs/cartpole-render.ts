// Drawing of a cart-pole frame (CartPole-v1 and CartPoleSwingUp-v0): the track with its ±limit marks, the
// cart, the pole (length 2L) from the cart's pivot, and the applied force as an arrow under the cart. The
// view spans the track plus a pole length on each side (a horizontal pole at the track's end stays in the
// frame) and, vertically, only what the pole can reach: down to −2L when it may hang (swing-up), otherwise
// just below the cart; a caption band sits above the scene; a pointer grab (envs/pointer.ts) is drawn on top.
import type { CanvasLike, RenderOptions } from './types.ts';
import { arrow, caption, CAPTION_PX, clear, disc, fitView, line, type View } from './render.ts';
import { drawGrab, type GrabState } from './pointer.ts';

/** World rectangle [x0, x1, y0, y1] (m) a cart-pole frame shows. */
export function cartPoleScene(halfLength: number, xLimit: number, hanging: boolean): [number, number, number, number] {
  const poleLen = 2 * halfLength;
  const span = xLimit + poleLen + 0.1;
  return [-span, span, hanging ? -poleLen - 0.15 : -0.4, poleLen + 0.15];
}

/** Frame size (px) that fits `cartPoleScene` at `width` pixels wide. */
export function cartPoleFrame(halfLength: number, xLimit: number, hanging: boolean, width = 640): { width: number; height: number } {
  const [x0, x1, y0, y1] = cartPoleScene(halfLength, xLimit, hanging);
  return { width, height: Math.ceil((width * (y1 - y0)) / (x1 - x0)) + CAPTION_PX };
}

/** The view drawCartPole draws with (m, y up, rail at y = 0). */
export function cartPoleView(width: number, height: number, halfLength: number, xLimit: number, hanging: boolean): View {
  const [x0, x1, y0, y1] = cartPoleScene(halfLength, xLimit, hanging);
  return fitView(width, height, x0, x1, y0, y1, CAPTION_PX);
}

export function drawCartPole(
  ctx: CanvasLike,
  width: number,
  height: number,
  s: { x: number; theta: number },
  opts: { halfLength: number; xLimit: number; force: number; forceMag: number; title: string; hanging: boolean; grab?: GrabState },
  render: RenderOptions = {},
): void {
  const poleLen = 2 * opts.halfLength;
  const v = cartPoleView(width, height, opts.halfLength, opts.xLimit, opts.hanging);
  clear(ctx, width, height);
  line(ctx, v.px(-opts.xLimit - 0.25, 0), v.px(opts.xLimit + 0.25, 0), '#999999', 2);
  for (const xm of [-opts.xLimit, opts.xLimit]) line(ctx, v.px(xm, -0.1), v.px(xm, 0.1), '#cc3333', 2);
  const [cx, cy] = v.px(s.x, 0);
  const cw = 0.5 * v.scale;
  const ch = 0.3 * v.scale;
  ctx.fillStyle = '#333333';
  ctx.fillRect(cx - cw / 2, cy - ch / 2, cw, ch);
  const tip = v.px(s.x + poleLen * Math.sin(s.theta), poleLen * Math.cos(s.theta));
  line(ctx, [cx, cy], tip, '#ca9865', Math.max(4, 0.06 * v.scale));
  disc(ctx, [cx, cy], Math.max(3, 0.03 * v.scale), '#8184cb');
  const force = render.action?.[0] ?? opts.force;
  const len = (force / opts.forceMag) * 0.6 * v.scale;
  arrow(ctx, [cx, cy + 0.7 * ch], [cx + len, cy + 0.7 * ch], '#2a6fdb');
  drawGrab(ctx, v, opts.grab);
  caption(ctx, `${opts.title}  F = ${force.toFixed(1)} N`, render.note);
}
