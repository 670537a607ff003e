// Validation of the rollout budget options (steps, episodes, seed, maxEpisodeSteps, sliceMs) and of the
// actions a controller returns: errors name the field, the expected value and the fix.
import type { ActionLike, RolloutOptions } from './types.ts';

export interface ResolvedRolloutOptions {
  steps: number;
  episodes: number;
  seed: number | undefined;
  maxEpisodeSteps: number;
  sliceMs: number;
}

function countOrInfinity(where: string, name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (v === Infinity) return v;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new Error(`${where}: ${name} must be a positive integer or Infinity (got ${String(v)})`);
  }
  return v;
}

/** Fills defaults: `episodes` defaults to `defaultEpisodes` when no `steps` budget is given, else Infinity. */
export function resolveRolloutOptions(where: string, o: RolloutOptions = {}, defaultEpisodes = 1): ResolvedRolloutOptions {
  const steps = countOrInfinity(where, 'steps', o.steps, Infinity);
  const episodes = countOrInfinity(where, 'episodes', o.episodes, o.steps === undefined ? defaultEpisodes : Infinity);
  const maxEpisodeSteps = countOrInfinity(where, 'maxEpisodeSteps', o.maxEpisodeSteps, Infinity);
  if (o.seed !== undefined && !(Number.isInteger(o.seed) && o.seed >= 0)) {
    throw new Error(`${where}: seed must be a non-negative integer (got ${String(o.seed)}); episode k resets with seed + k`);
  }
  const sliceMs = o.sliceMs ?? 10;
  if (!(typeof sliceMs === 'number' && sliceMs >= 0 && Number.isFinite(sliceMs))) {
    throw new Error(`${where}: sliceMs must be a finite number ≥ 0 (got ${String(o.sliceMs)})`);
  }
  return { steps, episodes, seed: o.seed, maxEpisodeSteps, sliceMs };
}

/** Copies an action into a fresh Float32Array, checking its length and that every entry is finite. */
export function toAction(where: string, a: unknown, actDim: number): Float32Array {
  if (!(ArrayBuffer.isView(a) || Array.isArray(a)) || typeof (a as ArrayLike<number>).length !== 'number') {
    const what = a === null ? 'null' : typeof a === 'object' && 'dataSync' in (a as object) ? 'a tf.Tensor (return tensor.dataSync() inside tf.tidy)' : typeof a;
    throw new Error(`${where}: expected an action array of length ${actDim} (the env's actionSpace) but got ${what}`);
  }
  const arr = a as ArrayLike<number>;
  if (arr.length !== actDim) {
    throw new Error(`${where}: action has length ${arr.length} but the env's actionSpace needs ${actDim}; return one entry per action dimension`);
  }
  const out = Float32Array.from(arr);
  for (let i = 0; i < actDim; i++) {
    if (!Number.isFinite(out[i]!)) throw new Error(`${where}: action[${i}] is ${arr[i]}; actions must be finite numbers`);
  }
  return out;
}

/** Number of entries of a space with the given shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
