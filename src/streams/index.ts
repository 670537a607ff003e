// Public entry of the reactive closed loop: rollouts (single and vectorized) and the operators over them.
export * from './types.ts';
export * from './rollout.ts';
export * from './batched-env.ts';
export * from './vector-rollout.ts';
export * from './record-to.ts';
export * from './episode-returns.ts';
export * from './throttled-progress.ts';
export * from './collect-episodes.ts';
export * from './record-frames.ts';
