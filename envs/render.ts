// Small 2D drawing helpers shared by the env renderers (canvas 2D API: Node's @napi-rs/canvas or a browser context):
// a world→pixel view fitting a rectangle in metres into the canvas (y up), rods, discs and force arrows.
import type { CanvasLike } from './types.ts';

export interface View {
  /** Pixel position of a world point (metres, y up). */
  px(x: number, y: number): [number, number];
  /** World point (metres, y up) of a pixel position: the inverse of px. */
  world(px: number, py: number): [number, number];
  /** Pixels per metre. */
  scale: number;
}

/** Pixel height of the caption band at the top of a frame (two text lines, see `caption`). */
export const CAPTION_PX = 44;

/**
 * A view showing world x ∈ [x0, x1], y ∈ [y0, y1] (metres) centred in a width × height canvas below a band of
 * `top` pixels (the caption), scaled to fill the tighter direction.
 */
export function fitView(width: number, height: number, x0: number, x1: number, y0: number, y1: number, top = 0): View {
  const scale = Math.min(width / (x1 - x0), (height - top) / (y1 - y0));
  const ox = width / 2 - ((x0 + x1) / 2) * scale;
  const oy = top + (height - top) / 2 + ((y0 + y1) / 2) * scale;
  return { scale, px: (x, y) => [ox + x * scale, oy - y * scale], world: (px, py) => [(px - ox) / scale, (oy - py) / scale] };
}

export function clear(ctx: CanvasLike, width: number, height: number, color = '#ffffff'): void {
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, width, height);
}

export function line(ctx: CanvasLike, a: [number, number], b: [number, number], color: string, widthPx: number): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = widthPx;
  ctx.lineCap = 'round';
  ctx.beginPath();
  ctx.moveTo(a[0], a[1]);
  ctx.lineTo(b[0], b[1]);
  ctx.stroke();
}

export function disc(ctx: CanvasLike, c: [number, number], radiusPx: number, color: string): void {
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.arc(c[0], c[1], radiusPx, 0, 2 * Math.PI);
  ctx.fill();
}

/** Straight arrow from a to b with a head at b. */
export function arrow(ctx: CanvasLike, a: [number, number], b: [number, number], color: string, widthPx = 3): void {
  const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
  if (len < 1) return;
  line(ctx, a, b, color, widthPx);
  const ang = Math.atan2(b[1] - a[1], b[0] - a[0]);
  const head = Math.min(12, len / 2);
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.moveTo(b[0], b[1]);
  ctx.lineTo(b[0] - head * Math.cos(ang - 0.4), b[1] - head * Math.sin(ang - 0.4));
  ctx.lineTo(b[0] - head * Math.cos(ang + 0.4), b[1] - head * Math.sin(ang + 0.4));
  ctx.closePath();
  ctx.fill();
}

/**
 * Circular arrow around `c` for a torque: sweep proportional to `fraction` ∈ [−1, 1] (positive clockwise on
 * screen), radius in px.
 */
export function torqueArrow(ctx: CanvasLike, c: [number, number], radiusPx: number, fraction: number, color: string): void {
  const sweep = Math.max(-1, Math.min(1, fraction)) * 1.5 * Math.PI;
  if (Math.abs(sweep) < 0.05) return;
  const start = -Math.PI / 2;
  const end = start + sweep;
  ctx.strokeStyle = color;
  ctx.lineWidth = 3;
  ctx.beginPath();
  ctx.arc(c[0], c[1], radiusPx, Math.min(start, end), Math.max(start, end));
  ctx.stroke();
  const tip: [number, number] = [c[0] + radiusPx * Math.cos(end), c[1] + radiusPx * Math.sin(end)];
  const dir = Math.sign(sweep);
  const tangent = end + (dir * Math.PI) / 2;
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.moveTo(tip[0] + 10 * Math.cos(tangent), tip[1] + 10 * Math.sin(tangent));
  ctx.lineTo(tip[0] + 6 * Math.cos(end), tip[1] + 6 * Math.sin(end));
  ctx.lineTo(tip[0] - 6 * Math.cos(end), tip[1] - 6 * Math.sin(end));
  ctx.closePath();
  ctx.fill();
}

/** Text label in the top-left corner, in the font the canvas's owner set (the GIF recorder sets the bundled one). */
export function label(ctx: CanvasLike, text: string, x = 8, y = 18): void {
  ctx.fillStyle = '#333333';
  ctx.fillText(text, x, y);
}

/** The caption band: the env and its applied action on the first line, an optional note (time, averaging) on the second. */
export function caption(ctx: CanvasLike, text: string, note?: string): void {
  label(ctx, text, 8, 18);
  if (note) label(ctx, note, 8, 38);
}
