// diffmpc/policies — DDPG and the learned optimizer (registered as the solver 'l2o' on import).
export * from '../../policies/index.ts';
