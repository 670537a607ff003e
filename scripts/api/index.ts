// diffmpc — the package's root entry: the public API by name, and every built-in registered on import (envs,
// solvers, the SQP/QP planner, planner presets and, through src/tensor, the zero gradients of tfjs's boolean
// kernels), so nothing depends on which module happened to load first. When the program has not chosen a
// tensor backend, the import picks one in the `auto` order (tensorflow-gpu, tensorflow, wasm, cpu; or
// $DIFFMPC_BACKEND) and says which on stderr; `initBackend(name)` switches at any time. `tf` is the package's
// own @tensorflow/tfjs, for user models. Subpaths: diffmpc/envs, diffmpc/solvers, diffmpc/plot (Node: charts
// and GIFs), diffmpc/train, diffmpc/policies.
//
// @example
//   import { make, MPC } from 'diffmpc';
//   const env = make('Pendulum-v1');
//   const { dynamics, cost } = env.model!();
//   const mpc = new MPC({ model: dynamics, cost, horizon: 20, solver: 'dcem', bounds: [-2, 2] });
//   let { obs } = env.reset({ seed: 0 });
//   for (let t = 0; t < 200; t++) ({ obs } = env.step(mpc.act(obs)));
import * as tf from '@tensorflow/tfjs';
import { autoBackend } from '../../src/tensor/backend.ts';

/** The package's own tfjs (one engine: a model's tensors and variables must come from the same instance). */
export { tf };
export * from '../../src/tensor/index.ts';
export * from '../../src/linalg/index.ts';
export * from '../../src/solvers/index.ts';
export * from '../../src/solvers/qp/index.ts';
export * from '../../src/models/index.ts';
export * from '../../envs/index.ts';
export * from '../../controllers/index.ts';
export * from '../../src/streams/index.ts';
export * from '../../src/exec/index.ts';

await autoBackend();
