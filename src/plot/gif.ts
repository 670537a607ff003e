// Animated GIFs of rollouts. Each frame is drawn by a caller-supplied `draw(ctx, width, height)` (an env's
// `render`, or any closure) onto one reused canvas (src/plot/canvas.ts) over a white background, quantized to ≤ 256 colours
// (gifenc's pairwise-nearest-neighbour quantizer, per-frame palette, rgb565) and LZW-encoded as it comes, so
// a long episode never holds more than one RGBA frame in memory. `GifRecorder` is the streaming encoder;
// `renderRolloutGif` encodes a whole list of frames or replays recorded states through an env's renderer.
import { createCanvas, type Canvas } from './canvas.ts';
import type { CanvasLike } from './canvas-like.ts';
import { font } from './font.ts';
import * as gifencModule from 'gifenc';
import type { GifStream } from 'gifenc';
import { writeFileAtomic } from '../tensor/files.ts';

// gifenc ships CommonJS whose exports Node's ESM loader cannot name statically: take them from the namespace
// when the loader exposes them (bundlers, vitest) and from its `default` (the CommonJS exports) otherwise.
const gifenc: typeof gifencModule = 'GIFEncoder' in gifencModule && typeof gifencModule.GIFEncoder === 'function'
  ? gifencModule
  : (gifencModule as unknown as { default: typeof gifencModule }).default;
const { applyPalette, GIFEncoder, quantize } = gifenc;

/** Draws one frame; `ctx` is a 2D context, cleared to white beforehand. */
export type DrawFrame = (ctx: CanvasLike, width: number, height: number) => void;

export interface GifOptions {
  /** Pixels, default 400. */
  width?: number;
  /** Pixels, default 400. */
  height?: number;
  /** Delay between frames in ms (default 50, i.e. 20 fps; GIF stores centiseconds). */
  delayMs?: number;
  /** 0 = loop forever (default), −1 = play once, k = repeat k times. */
  repeat?: number;
  /** Palette size per frame, 2..256 (default 256). */
  maxColors?: number;
}

function intIn(name: string, v: number, lo: number, hi: number): number {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`GIF: ${name} must be an integer in [${lo}, ${hi}] (got ${v})`);
  return v;
}

export class GifRecorder {
  readonly width: number;
  readonly height: number;
  private readonly delayMs: number;
  private readonly repeat: number;
  private readonly maxColors: number;
  private readonly ctx: ReturnType<Canvas['getContext']>;
  private readonly enc: GifStream = GIFEncoder();
  private frames = 0;
  private finished: Uint8Array | undefined;

  constructor(o: GifOptions = {}) {
    this.width = intIn('width', o.width ?? 400, 16, 4096);
    this.height = intIn('height', o.height ?? 400, 16, 4096);
    this.delayMs = intIn('delayMs', o.delayMs ?? 50, 0, 655_350);
    this.repeat = intIn('repeat', o.repeat ?? 0, -1, 65_535);
    this.maxColors = intIn('maxColors', o.maxColors ?? 256, 2, 256);
    this.ctx = createCanvas(this.width, this.height).getContext('2d');
  }

  /** Number of frames encoded so far. */
  get frameCount(): number {
    return this.frames;
  }

  /** Draws and encodes one frame. */
  addFrame(draw: DrawFrame): void {
    if (this.finished) throw new Error('GifRecorder.addFrame: the GIF is already finished; create a new GifRecorder');
    if (typeof draw !== 'function') throw new Error('GifRecorder.addFrame: expected a draw(ctx, width, height) function');
    const { ctx, width, height } = this;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
    ctx.save();
    ctx.font = font(14);
    draw(ctx, width, height);
    ctx.restore();
    const rgba = ctx.getImageData(0, 0, width, height).data;
    const palette = quantize(rgba, this.maxColors);
    const index = applyPalette(rgba, palette);
    this.enc.writeFrame(index, width, height, { palette, delay: this.delayMs, repeat: this.repeat });
    this.frames++;
  }

  /** Ends the stream and returns the GIF bytes (idempotent). */
  finish(): Uint8Array {
    if (this.finished) return this.finished;
    if (this.frames === 0) throw new Error('GifRecorder.finish: no frames were added; call addFrame(draw) at least once');
    this.enc.finish();
    this.finished = this.enc.bytes();
    return this.finished;
  }
}

/** Replays recorded states through an env's renderer: `setState(env, s)` then `env.render(ctx, w, h)`. */
export interface StateReplay<S> {
  env: { render(ctx: CanvasLike, width: number, height: number): void };
  states: ArrayLike<S>;
  setState(env: StateReplay<S>['env'], state: S): void;
}

/** Encodes a whole animation: one frame per draw function, or per recorded state of a `StateReplay`. */
export function renderRolloutGif<S>(frames: DrawFrame[] | StateReplay<S>, o: GifOptions = {}): Uint8Array {
  const rec = new GifRecorder(o);
  if (Array.isArray(frames)) {
    if (frames.length === 0) throw new Error('renderRolloutGif: frames is empty; pass at least one draw(ctx, w, h) function');
    frames.forEach((draw) => rec.addFrame(draw));
  } else {
    const { env, states, setState } = frames;
    if (!env || typeof env.render !== 'function') throw new Error('renderRolloutGif: env must have render(ctx, width, height)');
    if (!states || states.length === 0) throw new Error('renderRolloutGif: states is empty; record at least one state');
    for (let i = 0; i < states.length; i++) {
      rec.addFrame((ctx, w, h) => {
        setState(env, states[i]!);
        env.render(ctx, w, h);
      });
    }
  }
  return rec.finish();
}

/** Writes GIF bytes atomically; returns the path. */
export function saveGif(file: string, gif: Uint8Array): string {
  writeFileAtomic(file, gif);
  return file;
}
