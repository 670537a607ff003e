// Tensor memory helpers: leak detection around a block, and disposal of tensor-holding structures.
//
// tfjs frees GPU/wasm memory only on `dispose()`; `tf.tidy` releases every intermediate of a synchronous
// block. `measureLeak` runs a block repeatedly and reports how many tensors survive it, which tests use
// to prove that a long rollout keeps `tf.memory().numTensors` flat.
import * as tf from '@tensorflow/tfjs';

/** Disposes every tensor found in a (possibly nested) array/object. */
export function disposeDeep(value: unknown): void {
  if (value instanceof tf.Tensor) {
    if (!value.isDisposed) value.dispose();
  } else if (Array.isArray(value)) {
    for (const v of value) disposeDeep(v);
  } else if (value && typeof value === 'object' && !(value instanceof tf.Variable)) {
    for (const v of Object.values(value)) disposeDeep(v);
  }
}

/** Runs `fn` `repeats` times and returns the growth of the live tensor count per repeat after a warm-up. */
export async function measureLeak(fn: () => unknown | Promise<unknown>, repeats = 20, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const before = tf.memory().numTensors;
  for (let i = 0; i < repeats; i++) await fn();
  return (tf.memory().numTensors - before) / repeats;
}

/**
 * Like `tf.tidy` but for blocks that return host values (typed arrays, numbers): every tensor created in
 * `fn` is disposed when it returns.
 */
export function scoped<T>(fn: () => T): T {
  tf.engine().startScope();
  try {
    return fn();
  } finally {
    tf.engine().endScope();
  }
}
