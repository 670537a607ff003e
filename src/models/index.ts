// Public entry of the models layer: the DynamicsModel / CostModel interfaces, the batched rollout objective,
// linearization, the MLP dynamics, and the built-in differentiable twins (pendulum, cart-pole, mountain car).
export * from './types.ts';
export { rolloutCost, rolloutCostGeneric, rolloutStates } from './rollout.ts';
export { linearize, type Linearization } from './linearize.ts';
export { hasFusedRollout, type FusedRolloutModel } from './fused-rollout.ts';
export { MLP, type Activation, type MLPConfig } from './mlp.ts';
export { MLPDynamics, type MLPDynamicsConfig } from './mlp-dynamics.ts';
export { PendulumDynamics, PendulumCost, pendulumModel, PENDULUM_CONSTANTS, type PendulumModelConfig } from './pendulum.ts';
export {
  CartPoleDynamics,
  CartPoleSwingUpDynamics,
  CartPoleBalanceCost,
  CartPoleSwingUpCost,
  cartPoleModel,
  cartPoleSwingUpModel,
  CARTPOLE_CONSTANTS,
} from './cartpole.ts';
export { MountainCarDynamics, MountainCarCost, mountainCarModel, MOUNTAIN_CAR_CONSTANTS } from './mountain-car.ts';
export { defineSystem, compileSystem, checkSystem, numberOps, tensorOps, SystemDynamics, type SystemDefinition, type Ops, type Val, type CompiledSystem, type CompileOptions } from './system/index.ts';
