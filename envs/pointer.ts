// Pointer interaction with an env: grab a body at a point, drag it, release (the playground's mouse drag).
// An env that offers it holds the grabbed body with a hand (envs/matter/hand.ts: a soft Matter.Constraint
// to the pointer) that acts while env.step integrates, so a controller fights the hand live; on release the
// constraint is removed. Points are in the env's frame (metres, y up), the frame its render draws; the
// env's `frameView(width, height)` maps them to and from the pixels of a width × height frame.
// Only matter-js physics can be dragged: grab on an env running its analytic physics throws and says so.
import type { Env, CanvasLike } from './types.ts';
import { disc, line, type View } from './render.ts';
import type { GrabState, Point } from './matter/hand.ts';

export type { GrabState, Point };
export { GRAB_RADIUS, HAND_DEFAULTS, type HandConfig } from './matter/hand.ts';

export interface GrabOptions {
  /** A body within this distance (m) of the pointer is grabbed (default GRAB_RADIUS = 0.25 m). */
  radius?: number;
}

export interface Draggable {
  /** Grabs the body nearest `pointer` at its nearest point; throws when none is within the radius. */
  grab(pointer: Point, opts?: GrabOptions): GrabState;
  /** Moves the pointer the held body is pulled to; throws when nothing is grabbed. */
  moveGrab(pointer: Point): GrabState;
  /** Lets go (the next steps run free); returns whether something was held. */
  release(): boolean;
  /** The current grab, or undefined. */
  grabbed(): GrabState | undefined;
  /** The world ↔ pixel view of a width × height frame drawn by render. */
  frameView(width: number, height: number): View;
}

/** Whether `env` offers pointer dragging (its physics may still refuse a grab, e.g. analytic). */
export function isDraggable(env: Env): env is Env & Draggable {
  const d = env as Partial<Draggable>;
  return typeof d.grab === 'function' && typeof d.moveGrab === 'function' && typeof d.release === 'function' && typeof d.frameView === 'function';
}

/** The error of a grab on an env that runs its analytic physics. */
export function analyticGrabError(id: string): Error {
  return new Error(`${id}.grab: dragging acts on the matter-js physics, but this env runs physics 'analytic'; make it with { physics: 'matter' }`);
}

/** Draws a grab: the hand's spring from the held point to where it pulls, and the pointer (hollow if elsewhere). */
export function drawGrab(ctx: CanvasLike, view: View, g: GrabState | undefined): void {
  if (!g) return;
  const a = view.px(g.anchor.x, g.anchor.y);
  const q = view.px(g.pull.x, g.pull.y);
  const p = view.px(g.pointer.x, g.pointer.y);
  line(ctx, a, q, '#D55E00', 2);
  disc(ctx, a, 3, '#D55E00');
  disc(ctx, q, 5, '#D55E00');
  if (Math.hypot(p[0] - q[0], p[1] - q[1]) > 6) {
    ctx.strokeStyle = '#D55E00';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.arc(p[0], p[1], 6, 0, 2 * Math.PI);
    ctx.stroke();
  }
}
