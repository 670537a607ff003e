// Public entry of the models layer: the DynamicsModel / CostModel interfaces, the batched rollout objective,
// linearization, the MLP dynamics, and the system-definition compiler (the built-in envs' twins are compiled
// from their definitions in envs/).
export * from './types.ts';
export { rolloutCost, rolloutCostGeneric, rolloutStates } from './rollout.ts';
export { linearize, type Linearization } from './linearize.ts';
export { hasFusedRollout, type FusedRolloutModel } from './fused-rollout.ts';
export { MLP, type Activation, type MLPConfig } from './mlp.ts';
export { MLPDynamics, type MLPDynamicsConfig } from './mlp-dynamics.ts';
export { defineSystem, compileSystem, checkSystem, numberOps, tensorOps, SystemDynamics, type SystemDefinition, type Ops, type Val, type CompiledSystem, type CompileOptions } from './system/index.ts';
export { LatentDecoder, type LatentDecoderConfig, type LatentDecoderInit } from './latent-decoder.ts';
