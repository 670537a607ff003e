// Public entry of the OptNet QP layer: Float64 solver and backward, the tfjs op, and the SQP planner.
export * from './types.ts';
export { packQp, type QpParams, type QpInput } from './problem.ts';
export { solveQpBatch } from './pdipm.ts';
export { qpBackward } from './backward.ts';
export { qpLayer, solveQp, assertSolved, type QpLayerOptions, type QpTensors } from './layer.ts';
export { sqpPlan, sqpPlanner, projectPsd, type SqpPlan, type SqpPlanConfig, type SqpPlanRequest, type BoundSpec } from './sqp-mpc.ts';
