// Chart rendering to PNG: chart.js 4 drawn on the plotting layer's canvas (src/plot/canvas.ts: Skia through
// @napi-rs/canvas, bundled font). One canvas per size, created on first use and reused; each render builds a
// chart on it (no animation, not responsive, device pixel ratio 1, white background), encodes the PNG and
// destroys the chart. An atomic PNG writer (temp file + rename) serves run directories.
import { Chart, registerables, type ChartConfiguration, type Plugin } from 'chart.js';
import { writeFileAtomic } from '../tensor/files.ts';
import { createCanvas, type Canvas } from './canvas.ts';
import { FONT_FAMILY } from './font.ts';

export interface ChartSize {
  /** Pixels, default 900. */
  width?: number;
  /** Pixels, default 500. */
  height?: number;
}

export const DEFAULT_WIDTH = 900;
export const DEFAULT_HEIGHT = 500;

const canvases = new Map<string, Canvas>();
let chartDefaultsSet = false;

/** chart.js components and the shared look, once per process. */
function setChartDefaults(): void {
  if (chartDefaultsSet) return;
  Chart.register(...registerables);
  Chart.defaults.font.family = FONT_FAMILY;
  Chart.defaults.font.size = 14;
  Chart.defaults.color = '#222222';
  Chart.defaults.animation = false;
  Chart.defaults.responsive = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.devicePixelRatio = 1;
  chartDefaultsSet = true;
}

/** Paints the whole canvas white before the chart draws (PNGs are opaque). */
const whiteBackground: Plugin = {
  id: 'diffmpcWhiteBackground',
  beforeDraw: (chart) => {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

function checkSize(size: ChartSize = {}): { width: number; height: number } {
  const width = size.width ?? DEFAULT_WIDTH;
  const height = size.height ?? DEFAULT_HEIGHT;
  for (const [k, v] of Object.entries({ width, height })) {
    if (!Number.isInteger(v) || v < 50 || v > 8000) throw new Error(`plot: ${k} must be an integer number of pixels in [50, 8000] (got ${v})`);
  }
  return { width, height };
}

/** The shared canvas for a size (created lazily, then reused). */
function canvasFor(width: number, height: number): Canvas {
  const key = `${width}x${height}`;
  let c = canvases.get(key);
  if (!c) {
    c = createCanvas(width, height);
    canvases.set(key, c);
  }
  return c;
}

/** Number of canvases created so far (one per distinct size). */
export function rendererCount(): number {
  return canvases.size;
}

/**
 * Renders a chart.js configuration to a PNG buffer of the requested size.
 * @example savePng('runs/x/loss.png', renderChart({ type: 'line', data: { datasets: [...] } }, { width: 600 }));
 */
export function renderChart(config: ChartConfiguration, size?: ChartSize): Buffer {
  const { width, height } = checkSize(size);
  setChartDefaults();
  const canvas = canvasFor(width, height);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const chart = new Chart(ctx as unknown as CanvasRenderingContext2D, {
    ...config,
    plugins: [...(config.plugins ?? []), whiteBackground],
  } as ChartConfiguration);
  try {
    return canvas.toBuffer('image/png');
  } finally {
    chart.destroy();
  }
}

/** Writes a PNG (or any bytes) atomically, creating parent directories; returns the path. */
export function savePng(file: string, png: Uint8Array): string {
  writeFileAtomic(file, png);
  return file;
}
