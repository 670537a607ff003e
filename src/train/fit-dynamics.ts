// Supervised fitting of a learned dynamics model on replay-buffer transitions.
//
// Loss per ensemble member k (each on its own bootstrap minibatches, as PETS):
//   L_k = mean ‖ MLP_k(x̃, ũ) − (x' − x − μ_Δ)/σ_Δ ‖²,   minimized with Adam.
// Normalization statistics are recomputed from all stored data before fitting.
// Budget: E = max(epochs, ⌈minSteps / S⌉) epochs of S = ⌈|D| / batch⌉ Adam steps per member, so a refit on a
// small buffer (one 200-step episode gives S = 4) still takes at least `minSteps` gradient steps.
import * as tf from '@tensorflow/tfjs';
import type { MLPDynamics, Normalization } from '../models/mlp-dynamics.ts';
import { Rng } from '../tensor/rng.ts';
import { scoped } from '../tensor/memory.ts';
import type { ReplayBuffer } from './replay-buffer.ts';

export interface FitOptions {
  epochs?: number;
  /** Lower bound on the Adam steps per member (the epoch count is raised to reach it). Default 0. */
  minSteps?: number;
  batchSize?: number;
  learningRate?: number;
  rng?: Rng;
  /** Called after each epoch with the mean training loss. */
  onEpoch?: (epoch: number, loss: number) => void;
}

function colStats(t: tf.Tensor2D): { mean: number[]; std: number[] } {
  return scoped(() => {
    const { mean, variance } = tf.moments(t, 0);
    return { mean: Array.from(mean.dataSync()), std: Array.from(tf.sqrt(variance).dataSync()) };
  });
}

/** Normalization statistics of a buffer's inputs and state changes. */
export function normalizationFrom(buffer: ReplayBuffer): Normalization {
  const b = buffer.all();
  try {
    const x = colStats(b.obs);
    const u = colStats(b.action);
    const delta = tf.sub(b.nextObs, b.obs) as tf.Tensor2D;
    const d = colStats(delta);
    delta.dispose();
    return { xMean: x.mean, xStd: x.std, uMean: u.mean, uStd: u.std, dMean: d.mean, dStd: d.std };
  } finally {
    tf.dispose(Object.values(b));
  }
}

/** Epochs of `fitDynamics` for a buffer of `size` transitions: max(epochs, ⌈minSteps / steps per epoch⌉). */
export function fitEpochs(size: number, opts: Pick<FitOptions, 'epochs' | 'minSteps' | 'batchSize'> = {}): { epochs: number; stepsPerEpoch: number } {
  const stepsPerEpoch = Math.max(1, Math.ceil(size / (opts.batchSize ?? 64)));
  const minSteps = opts.minSteps ?? 0;
  if (!Number.isInteger(minSteps) || minSteps < 0) throw new Error(`fitDynamics: minSteps must be a non-negative integer (got ${minSteps})`);
  return { epochs: Math.max(opts.epochs ?? 50, Math.ceil(minSteps / stepsPerEpoch)), stepsPerEpoch };
}

/** Fits the model to the buffer; returns the mean training loss per epoch. */
export function fitDynamics(model: MLPDynamics, buffer: ReplayBuffer, opts: FitOptions = {}): number[] {
  const history: number[] = [];
  for (const loss of fitEpochsOf(model, buffer, opts)) history.push(loss);
  return history;
}

/**
 * `fitDynamics` that yields to the event loop every ~`sliceMs` (default 20 ms) of work and stops with
 * `signal.reason` when `signal` is aborted between epochs (e.g. on Ctrl-C). Same updates, same result.
 */
export async function fitDynamicsAsync(model: MLPDynamics, buffer: ReplayBuffer, opts: FitOptions & { signal?: AbortSignal; sliceMs?: number } = {}): Promise<number[]> {
  const history: number[] = [];
  const sliceMs = opts.sliceMs ?? 20;
  let sliceEnd = performance.now() + sliceMs;
  for (const loss of fitEpochsOf(model, buffer, opts)) {
    history.push(loss);
    if (performance.now() >= sliceEnd) {
      await new Promise((r) => setImmediate(r));
      sliceEnd = performance.now() + sliceMs;
    }
    opts.signal?.throwIfAborted();
  }
  return history;
}

/** The fitting loop, one mean loss per epoch; optimizers are disposed when it ends or is abandoned. */
function* fitEpochsOf(model: MLPDynamics, buffer: ReplayBuffer, opts: FitOptions): Generator<number> {
  const batchSize = opts.batchSize ?? 64;
  const rng = opts.rng ?? new Rng(0);
  if (buffer.size < 2) throw new Error(`fitDynamics: need at least 2 transitions (the buffer has ${buffer.size})`);
  const { epochs, stepsPerEpoch } = fitEpochs(buffer.size, opts);
  model.setNormalization(normalizationFrom(buffer));
  const optimizers = model.members.map(() => tf.train.adam(opts.learningRate ?? 1e-3));
  try {
    for (let e = 0; e < epochs; e++) {
      let total = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        model.members.forEach((member, k) => {
          const batch = buffer.sample(batchSize, rng);
          const loss = optimizers[k]!.minimize(
            () =>
              tf.tidy(() => {
                const target = model.normalizedTarget(batch.obs, batch.nextObs);
                return tf.mean(tf.square(tf.sub(model.predictNormalizedDelta(batch.obs, batch.action, k), target))) as tf.Scalar;
              }),
            true,
            member.variables(),
          );
          total += loss!.dataSync()[0]!;
          loss!.dispose();
          tf.dispose(Object.values(batch));
        });
      }
      const mean = total / (stepsPerEpoch * model.members.length);
      opts.onEpoch?.(e, mean);
      yield mean;
    }
  } finally {
    optimizers.forEach((o) => o.dispose());
  }
}

/** Mean squared one-step prediction error of any dynamics model on a buffer (in observation units). */
export function oneStepError(model: { step(x: tf.Tensor, u: tf.Tensor): tf.Tensor }, buffer: ReplayBuffer): number {
  const b = buffer.all();
  try {
    return scoped(() => tf.mean(tf.square(tf.sub(model.step(b.obs, b.action), b.nextObs))).dataSync()[0]!);
  } finally {
    tf.dispose(Object.values(b));
  }
}
