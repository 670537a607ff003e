// Public entry of the learned policies: DDPG (actor, critic, replay buffer, action noise, soft updates) and the
// learned optimizer with its exploration ensemble, problem families and solver adapter ('l2o').
export * from './actor.ts';
export * from './critic.ts';
export * from './ddpg.ts';
export * from './noise.ts';
export * from './replay-buffer.ts';
export * from './soft-update.ts';
export * from './l2o/learned-optimizer.ts';
export * from './l2o/problems.ts';
export * from './l2o/baselines.ts';
export * from './l2o/train.ts';
export * from './l2o/solver.ts';
export * from './l2o/datasets.ts';
export * from './l2o/mlp-classifier.ts';
export * from './l2o/classification-tasks.ts';
export * from './l2o/recording-problem.ts';
