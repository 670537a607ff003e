// System identification of a differentiable twin's physical parameters from transitions:
//   θ* = argmin_θ mean ‖ f_θ(x, u) − x' ‖²   over the buffer (full batch, Adam),
// where θ are the twin's tf.Variables (masses, lengths, …). Returns the loss history and final values.
import * as tf from '@tensorflow/tfjs';
import type { DynamicsModel } from '../models/types.ts';
import type { ReplayBuffer } from './replay-buffer.ts';

export interface SystemIdOptions {
  iterations?: number;
  learningRate?: number;
  onIteration?: (i: number, loss: number) => void;
}

export function identifySystem(model: DynamicsModel, buffer: ReplayBuffer, opts: SystemIdOptions = {}): { losses: number[]; params: Record<string, number[]> } {
  const vars = model.variables();
  if (vars.length === 0) throw new Error('identifySystem: the model has no trainable variables');
  const b = buffer.all();
  const opt = tf.train.adam(opts.learningRate ?? 0.02);
  const losses: number[] = [];
  try {
    for (let i = 0; i < (opts.iterations ?? 300); i++) {
      const loss = opt.minimize(() => tf.tidy(() => tf.mean(tf.square(tf.sub(model.step(b.obs, b.action), b.nextObs))) as tf.Scalar), true, vars);
      const v = loss!.dataSync()[0]!;
      loss!.dispose();
      losses.push(v);
      opts.onIteration?.(i, v);
    }
  } finally {
    tf.dispose(Object.values(b));
    opt.dispose();
  }
  return { losses, params: Object.fromEntries(vars.map((v) => [v.name, Array.from(v.dataSync())])) };
}
