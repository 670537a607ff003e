// diffmpc/plot — PNG charts (chart.js on @napi-rs/canvas, bundled font) and animated GIFs of rollouts (Node).
export * from '../../src/plot/index.ts';
