// Central finite differences for the twin-model gradient tests: compares the analytic directional
// derivative ⟨∇f(θ), v⟩ from tf.grads with (f(θ + εv) − f(θ − εv)) / 2ε for a random direction v.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/tensor/rng.ts';

/** Directional derivative of a scalar function of one tensor: [analytic, finite-difference]. */
export function directional(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, rng: Rng, eps = 1e-3): [number, number] {
  return tf.tidy(() => {
    const v = rng.normalTensor(x.shape);
    const g = tf.grad(f)(x);
    const analytic = tf.sum(tf.mul(g, v)).dataSync()[0]!;
    const fp = f(tf.add(x, tf.mul(v, eps))).dataSync()[0]!;
    const fm = f(tf.sub(x, tf.mul(v, eps))).dataSync()[0]!;
    return [analytic, (fp - fm) / (2 * eps)];
  });
}

/** Gradient of f w.r.t. a scalar variable (by tf.variableGrads) and its central difference. */
export function variableDerivative(f: () => tf.Scalar, v: tf.Variable, eps = 1e-3): [number, number] {
  const { grads, value } = tf.variableGrads(f, [v]);
  const analytic = grads[v.name]!.dataSync()[0]!;
  tf.dispose([value, ...Object.values(grads)]);
  const v0 = v.dataSync()[0]!;
  v.assign(tf.scalar(v0 + eps));
  const fp = tf.tidy(() => f().dataSync()[0]!);
  v.assign(tf.scalar(v0 - eps));
  const fm = tf.tidy(() => f().dataSync()[0]!);
  v.assign(tf.scalar(v0));
  return [analytic, (fp - fm) / (2 * eps)];
}

export function expectClose(name: string, [a, b]: [number, number], rel: number, abs = 1e-4): void {
  const tol = abs + rel * Math.max(Math.abs(a), Math.abs(b));
  if (!(Math.abs(a - b) <= tol)) throw new Error(`${name}: analytic ${a} vs finite difference ${b} (|diff| ${Math.abs(a - b)} > ${tol})`);
}
