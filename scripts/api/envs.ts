// diffmpc/envs — the env API (Env, Box, register/make, checkEnv, vector envs, drawing helpers) and the built-in
// envs, registered on import.
export * from '../../envs/index.ts';
