// Public entry of the controllers: MPC (with its planner registry), LQR, random baselines and the builders of
// an experiment's controllers from its config.
export * from './mpc.ts';
export * from './planners.ts';
export * from './lqr.ts';
export * from './random.ts';
export * from './presets.ts';
export * from './build-controller.ts';
export * from './sqp-planner.ts';
