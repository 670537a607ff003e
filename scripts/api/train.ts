// diffmpc/train — run directories, model fitting, system identification, imitation through a differentiable
// planner, model-based RL and control runs.
export * from '../../src/train/index.ts';
