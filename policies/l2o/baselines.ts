// Hand-designed optimizers the learned optimizer is compared with, batched over runs θ `[B, M]`:
//   sgd                θ ← θ − η ∇f
//   adam               Kingma & Ba 2015: m ← β1 m + (1−β1) g, v ← β2 v + (1−β2) g², θ ← θ − α m̂/(√v̂ + ε)
//   eps-greedy-sgd     n restarts of T/n steps each (same total budget); each step is, with probability ε,
//                      a uniform random step in [−s, s]^M instead of the gradient step; restarts draw fresh
//                      starting points (the first starts at θ0)
// Each returns the value after every step (`values[t][b]`, t = 0 … T) so best-so-far curves can be drawn.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../src/tensor/rng.ts';
import type { Problem } from './problems.ts';

export interface BaselineRun {
  values: Float32Array[];
}

export function runSgd(problem: Problem, theta0: tf.Tensor, steps: number, lr: number): BaselineRun {
  let theta = theta0.clone();
  const values: Float32Array[] = [];
  for (let t = 0; t <= steps; t++) {
    const f = problem.f(theta);
    values.push(Float32Array.from(f.dataSync()));
    f.dispose();
    if (t === steps) break;
    const g = problem.grad(theta);
    const next = tf.tidy(() => tf.sub(theta, tf.mul(g, lr)));
    tf.dispose([g, theta]);
    theta = next;
  }
  theta.dispose();
  return { values };
}

export function runAdam(problem: Problem, theta0: tf.Tensor, steps: number, lr: number, beta1 = 0.9, beta2 = 0.999, eps = 1e-8): BaselineRun {
  let theta = theta0.clone();
  let m = tf.zerosLike(theta0);
  let v = tf.zerosLike(theta0);
  const values: Float32Array[] = [];
  for (let t = 0; t <= steps; t++) {
    const f = problem.f(theta);
    values.push(Float32Array.from(f.dataSync()));
    f.dispose();
    if (t === steps) break;
    const g = problem.grad(theta);
    const [m2, v2, th2] = tf.tidy(() => {
      const mm = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
      const vv = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
      const mh = tf.div(mm, 1 - Math.pow(beta1, t + 1));
      const vh = tf.div(vv, 1 - Math.pow(beta2, t + 1));
      return [mm, vv, tf.sub(theta, tf.mul(tf.div(mh, tf.add(tf.sqrt(vh), eps)), lr))];
    });
    tf.dispose([g, m, v, theta]);
    m = m2!;
    v = v2!;
    theta = th2!;
  }
  tf.dispose([theta, m, v]);
  return { values };
}

export function runEpsGreedySgd(
  problem: Problem,
  theta0: tf.Tensor,
  steps: number,
  opts: { lr: number; restarts: number; epsilon: number; stepScale: number; rng: Rng },
): BaselineRun {
  const [B, M] = theta0.shape as [number, number];
  const per = Math.max(1, Math.floor(steps / opts.restarts));
  const values: Float32Array[] = [];
  let theta = theta0.clone();
  for (let t = 0; t <= steps; t++) {
    if (t > 0 && t % per === 0 && t < steps && t / per < opts.restarts) {
      theta.dispose();
      theta = problem.init(B, opts.rng);
    }
    const f = problem.f(theta);
    values.push(Float32Array.from(f.dataSync()));
    f.dispose();
    if (t === steps) break;
    const g = problem.grad(theta);
    const coin = Float32Array.from({ length: B }, () => (opts.rng.uniform() < opts.epsilon ? 1 : 0));
    const rnd = opts.rng.uniformTensor([B, M], -opts.stepScale, opts.stepScale);
    const next = tf.tidy(() => {
      const c = tf.tensor2d(coin, [B, 1]);
      const gradStep = tf.mul(g, -opts.lr);
      return tf.add(theta, tf.add(tf.mul(c, rnd), tf.mul(tf.sub(1, c), gradStep)));
    });
    tf.dispose([g, rnd, theta]);
    theta = next;
  }
  theta.dispose();
  return { values };
}
