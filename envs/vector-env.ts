// Vectorized registered envs: `makeVec(id, n)` builds N copies through make() (each with its TimeLimit) as one
// `VectorEnv` (Gymnasium `SyncVectorEnv` with same-step auto-reset, and the `BatchedEnv` that vectorRollout
// drives). The vector env itself lives in src/streams/vector-env.ts; this module re-exports it.
import { VectorEnv } from '../src/streams/vector-env.ts';
import { make, type MakeOptions } from './registry.ts';

export { VectorEnv, row, rows, stackRows, type VectorStep } from '../src/streams/vector-env.ts';

/** N copies of a registered env (each through make(), so each has its TimeLimit). */
export function makeVec(id: string, n: number, options: MakeOptions = {}): VectorEnv {
  if (!Number.isInteger(n) || n < 1) throw new Error(`makeVec(${id}): n must be a positive integer (got ${n})`);
  return new VectorEnv(Array.from({ length: n }, () => make(id, options)));
}
