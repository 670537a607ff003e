// Public entry of the plotting layer: PNG charts (chart.js on @napi-rs/canvas) and animated GIFs (gifenc).
export * from './font.ts';
export * from './canvas-like.ts';
export * from './canvas.ts';
export * from './renderer.ts';
export * from './style.ts';
export * from './traces.ts';
export * from './cost-per-step.ts';
export * from './episode-returns.ts';
export * from './learning-curve.ts';
export * from './phase-portrait.ts';
export * from './planned-vs-executed.ts';
export * from './solver-trace.ts';
export * from './gif.ts';
