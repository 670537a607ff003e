// Browser stand-in for src/plot/canvas.ts (swapped in by the page's esbuild build, scripts/web/build.ts): the
// page draws charts on its own <canvas> elements, so only the names the plotting layer imports are needed.
// Rendering a PNG (renderChart) is a Node feature; in the page it is an error that says so.

const NODE_ONLY = 'plot: PNG rendering (renderChart, GIFs) runs in Node only; in the page draw the chart configuration (e.g. tracesChart) on a <canvas>';

export function registerFonts(): void {}

export function createCanvas(_width: number, _height: number): never {
  throw new Error(NODE_ONLY);
}

export function loadImage(_bytes: Uint8Array): never {
  throw new Error(NODE_ONLY);
}

export type Canvas = never;
export type Image = never;
