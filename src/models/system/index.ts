// System definitions written once (definition.ts) and what is derived from them: the scalar numeric interface
// and its number / tensor implementations, the tracer, the generated fused rollout with its adjoint, the
// generated stage Jacobians, compileSystem (the tfjs twin whose rollout cost runs the generated kernel) and
// checkSystem (the two derivations agree).
// Which path runs: rolloutCost (src/models/rollout.ts) uses the generated op when the cost is the one compiled
// with the dynamics and no nested gradient records (tape depth < 2), terminal cost included. Anything else (another cost, second-order gradients) runs the twin's generic tfjs loop, whose
// values and gradients are the same. linearize (src/models/linearize.ts) takes the generated Jacobians.
export { numberOps, type Ops, type OpName, type Val } from './ops.ts';
export { tensorOps } from './tensor-ops.ts';
export { defineSystem, paramNames, type SystemDefinition } from './definition.ts';
export { TraceGraph, TraceNode, tracerOps, type TraceEntry } from './tracer.ts';
export { OP_RULES, type OpRule } from './rules.ts';
export { compileKernel, generateKernel, layoutProgram, traceStage, type ProgramLayout, type GeneratedKernel, type RolloutKernelFns, type StageProgram } from './codegen.ts';
export { fusedSystemRollout, type FusedKernelSpec } from './fused-op.ts';
export { generateJacobians, type JacobianFn } from './jacobians.ts';
export { checkSystem, type CheckSystemOptions } from './check.ts';
export { compileSystem, SystemDynamics, type CompiledSystem, type CompileOptions } from './compile.ts';
