// diffmpc/train — run directories, model fitting, system identification, imitation through a differentiable
// planner, model-based RL and control runs.
export * from '../../src/train/index.ts';
// The builders of a run's env and controllers from its config (the loops above take them as parameters).
export { buildController, controlRunSetup, modelBasedControllers } from '../../controllers/build-controller.ts';
