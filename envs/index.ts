// Entry point of envs/: the public API (envs/api.ts) plus every built-in env, each registering itself on
// import: Pendulum-v1, CartPole-v1, CartPoleSwingUp-v0, MountainCarContinuous-v0, and the envs defined only
// as system definitions (envs/system-env.ts): PlanarQuadrotor-v0, AcrobotSwingUp-v0.
export * from './api.ts';
export { PendulumEnv } from './pendulum.ts';
export { CartPoleEnv } from './cartpole.ts';
export { CartPoleSwingUpEnv } from './cartpole-swingup.ts';
export { MountainCarContinuousEnv } from './mountain-car-continuous.ts';
export { planarQuadrotorSystem } from './planar-quadrotor.ts';
export { acrobotSwingUpSystem, acrobotTipHeight } from './acrobot-swingup.ts';
