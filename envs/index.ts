// Entry point of envs/: the public API (envs/api.ts) plus every built-in env, each registering itself on
// import and each defined once as a system definition (exported here): Pendulum-v1, CartPole-v1,
// CartPoleSwingUp-v0, MountainCarContinuous-v0 (Gymnasium semantics around the definition, matter-js as a
// second physics where offered), and PlanarQuadrotor-v0, AcrobotSwingUp-v0 (envs/system-env.ts).
export * from './api.ts';
export { PendulumEnv, pendulumSystem } from './pendulum.ts';
export { CartPoleEnv, cartPoleSystem } from './cartpole.ts';
export { CartPoleSwingUpEnv, cartPoleSwingUpSystem, defineCartPoleSwingUp, type CartPoleSwingUpConfig, type TrackPenalty } from './cartpole-swingup.ts';
export { MountainCarContinuousEnv, mountainCarSystem } from './mountain-car-continuous.ts';
export { planarQuadrotorSystem } from './planar-quadrotor.ts';
export { acrobotSwingUpSystem, acrobotTipHeight } from './acrobot-swingup.ts';
export { isDraggable, GRAB_RADIUS, HAND_DEFAULTS, type Draggable, type GrabOptions, type GrabState, type HandConfig, type Point } from './pointer.ts';
