// The public plug-in API for writing environments: the Env/Box types, the Box space, action validation,
// episode bookkeeping (seeded Rng, step-after-done guard), the registry, the checker, the vector env and the
// drawing helpers, and the system definition (defineSystem, its scalar ops, compileSystem, systemEnv). A new env
// imports only this module and registers itself (see envs/mountain-car-continuous.ts).
export type { Env, BoxSpace, Info, StepResult, CanvasLike, RenderOptions } from './types.ts';
export { target, genericMeta, type EnvMeta, type ObservationMeta } from './meta.ts';
export { Box } from './spaces.ts';
export { validateAction, ActionError } from './action.ts';
export { EpisodeGuard } from './episode-guard.ts';
export { register, make, listEnvs, envSpec, type EnvFactory, type EnvSpec, type MakeOptions } from './registry.ts';
export { TimeLimit } from './time-limit.ts';
export { checkEnv, type CheckEnvOptions } from './check-env.ts';
export { VectorEnv, makeVec, row, rows, stackRows, type VectorStep } from './vector-env.ts';
export * as draw from './render.ts';
export { defineSystem, type SystemDefinition } from '../src/models/system/definition.ts';
export { numberOps, type Ops, type Val } from '../src/models/system/ops.ts';
export { compileSystem, type CompiledSystem, type CompileOptions } from '../src/models/system/compile.ts';
export { systemEnv, registerSystem, SystemEnv, type SystemEnvSpec } from './system-env.ts';
