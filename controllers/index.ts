// Public entry of the controllers: MPC (with its planner registry), LQR and random baselines.
export * from './mpc.ts';
export * from './planners.ts';
export * from './lqr.ts';
export * from './random.ts';
export * from './presets.ts';
export * from './sqp-planner.ts';
