// Drawing of a cart-pole frame (CartPole-v1 and CartPoleSwingUp-v0): the track with its ±limit marks, the
// cart, the pole (length 2L) from the cart's pivot, and the applied force as an arrow on the cart.
import type { CanvasLike } from './types.ts';
import { arrow, clear, disc, fitView, label, line } from './render.ts';

export function drawCartPole(
  ctx: CanvasLike,
  width: number,
  height: number,
  s: { x: number; theta: number },
  opts: { halfLength: number; xLimit: number; force: number; forceMag: number; title: string },
): void {
  const poleLen = 2 * opts.halfLength;
  const span = opts.xLimit + poleLen + 0.3;
  const v = fitView(width, height, -span, span, -poleLen - 0.4, poleLen + 0.4);
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
  const len = (opts.force / opts.forceMag) * 0.6 * v.scale;
  arrow(ctx, [cx, cy + ch], [cx + len, cy + ch], '#2a6fdb');
  label(ctx, `${opts.title}  F = ${opts.force.toFixed(1)} N`);
}
