// Chart rendering to PNG with chartjs-node-canvas: one ChartJSNodeCanvas per canvas size, created on first
// use and reused (each instance loads its own chart.js with every component of `chart.js/auto` registered; the
// shared look — white background, DejaVu Sans, no animation — is set once per instance in its chartCallback),
// and an atomic PNG writer (temp file + rename, src/train/files.ts) for run directories.
import type { ChartConfiguration } from 'chart.js';
import { ChartJSNodeCanvas } from 'chartjs-node-canvas';
import { writeFileAtomic } from '../tensor/files.ts';

export interface ChartSize {
  /** Pixels, default 900. */
  width?: number;
  /** Pixels, default 500. */
  height?: number;
}

export const DEFAULT_WIDTH = 900;
export const DEFAULT_HEIGHT = 500;
export const FONT_FAMILY = "'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif";

const renderers = new Map<string, ChartJSNodeCanvas>();

function checkSize(size: ChartSize = {}): { width: number; height: number } {
  const width = size.width ?? DEFAULT_WIDTH;
  const height = size.height ?? DEFAULT_HEIGHT;
  for (const [k, v] of Object.entries({ width, height })) {
    if (!Number.isInteger(v) || v < 50 || v > 8000) throw new Error(`plot: ${k} must be an integer number of pixels in [50, 8000] (got ${v})`);
  }
  return { width, height };
}

/** The shared renderer for a canvas size (created lazily, then reused). */
export function rendererFor(width: number, height: number): ChartJSNodeCanvas {
  const key = `${width}x${height}`;
  let r = renderers.get(key);
  if (!r) {
    r = new ChartJSNodeCanvas({
      width,
      height,
      backgroundColour: '#ffffff',
      chartCallback: (ChartJS) => {
        ChartJS.defaults.font.family = FONT_FAMILY;
        ChartJS.defaults.font.size = 14;
        ChartJS.defaults.color = '#222222';
        ChartJS.defaults.animation = false;
        ChartJS.defaults.responsive = false;
        ChartJS.defaults.devicePixelRatio = 1;
      },
    });
    renderers.set(key, r);
  }
  return r;
}

/** Number of renderers created so far (one per distinct size). */
export function rendererCount(): number {
  return renderers.size;
}

/** Renders a chart.js configuration to a PNG buffer of the requested size. */
export function renderChart(config: ChartConfiguration, size?: ChartSize): Buffer {
  const { width, height } = checkSize(size);
  return rendererFor(width, height).renderToBufferSync(config as never, 'image/png');
}

/** Writes a PNG (or any bytes) atomically, creating parent directories; returns the path. */
export function savePng(file: string, png: Uint8Array): string {
  writeFileAtomic(file, png);
  return file;
}
