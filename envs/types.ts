// The environment interface (Gymnasium semantics) and the space type, for the envs of this folder. The
// definitions live in src/streams/env.ts, below envs/, so the loops of src/ never import envs/; this module
// re-exports them under their old path.
export type { Env, BoxSpace, Info, StepResult, RenderOptions, CanvasLike, EnvMeta } from '../src/streams/env.ts';
