// Public entry of the OptNet QP layer: Float64 solver and backward, the tfjs op, the PSD projection (the SQP
// planner built on it is controllers/sqp-planner.ts).
export * from './types.ts';
export { packQp, type QpParams, type QpInput } from './problem.ts';
export { solveQpBatch } from './pdipm.ts';
export { qpBackward } from './backward.ts';
export { qpLayer, solveQp, assertSolved, type QpLayerOptions, type QpTensors } from './layer.ts';
export { projectPsd } from './psd-projection.ts';
