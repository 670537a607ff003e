// Public entry of the training layer: run directories, configuration files, the replay buffer, model fitting, system
// identification, imitation through a differentiable planner, model-based RL, control runs, the
// energy-regression experiment and latent action embeddings learned through DCEM.
export * from './run-dir.ts';
export * from './config.ts';
export * from './episodes.ts';
export * from './replay-buffer.ts';
export * from './fit-dynamics.ts';
export * from './system-id.ts';
export * from './imitation.ts';
export * from './model-based.ts';
export * from './control-run.ts';
export * from './energy-regression.ts';
export * from './latent-embedding.ts';
