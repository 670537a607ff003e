// Central finite differences for the twin-model gradient tests: compares the analytic directional
// derivative ⟨∇f(θ), v⟩ from tf.grads with a Richardson-extrapolated central difference for a random
// direction v: D(h) = (f(θ + hv) − f(θ − hv)) / 2h, estimate (4·D(h/2) − D(h)) / 3, error O(h⁴).
// The twins run in float32 (relative rounding ~6e-8 on losses of magnitude ~10), so a plain central
// difference with h = 1e-3 carries rounding errors of ~1e-3, the size of the tolerances; the extrapolated one
// allows h = 5e-2 (rounding ~1e-5, truncation ~h⁴ f⁽⁵⁾/480).
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/tensor/rng.ts';

/** Directional derivative of a scalar function of one tensor: [analytic, finite-difference]. */
export function directional(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, rng: Rng, eps = 5e-2): [number, number] {
  return tf.tidy(() => {
    const v = rng.normalTensor(x.shape);
    const g = tf.grad(f)(x);
    const analytic = tf.sum(tf.mul(g, v)).dataSync()[0]!;
    const at = (d: number) => f(tf.add(x, tf.mul(v, d))).dataSync()[0]!;
    return [analytic, richardson(at, eps)];
  });
}

/** (4·D(h/2) − D(h)) / 3 with D(h) = (f(h) − f(−h)) / 2h, for f evaluated at an offset d. */
function richardson(at: (d: number) => number, h: number): number {
  const central = (s: number) => (at(s) - at(-s)) / (2 * s);
  return (4 * central(h / 2) - central(h)) / 3;
}

/**
 * Gradient of f w.r.t. a scalar variable (by tf.variableGrads) and its extrapolated central difference, with
 * the step relative to the variable's size: h = eps·max(1, |v|).
 */
export function variableDerivative(f: () => tf.Scalar, v: tf.Variable, eps = 2e-2): [number, number] {
  const { grads, value } = tf.variableGrads(f, [v]);
  const analytic = grads[v.name]!.dataSync()[0]!;
  tf.dispose([value, ...Object.values(grads)]);
  const v0 = v.dataSync()[0]!;
  const at = (d: number) => {
    v.assign(tf.scalar(v0 + d));
    return tf.tidy(() => f().dataSync()[0]!);
  };
  try {
    return [analytic, richardson(at, eps * Math.max(1, Math.abs(v0)))];
  } finally {
    v.assign(tf.scalar(v0));
  }
}

/**
 * ⟨∇_W f, V⟩ for a tensor variable W along a random direction V: [analytic (tf.variableGrads),
 * extrapolated central difference with step h]. W is restored afterwards.
 */
export function weightDirectional(f: () => tf.Scalar, w: tf.Variable, rng: Rng, h = 2e-2): [number, number] {
  const V = rng.normalTensor(w.shape);
  const { grads, value } = tf.variableGrads(f, [w]);
  const analytic = tf.sum(tf.mul(grads[w.name]!, V)).dataSync()[0]!;
  tf.dispose([value, ...Object.values(grads)]);
  const w0 = w.clone();
  const at = (d: number) => {
    w.assign(tf.tidy(() => tf.add(w0, tf.mul(V, d))));
    return tf.tidy(() => f().dataSync()[0]!);
  };
  try {
    return [analytic, richardson(at, h)];
  } finally {
    w.assign(w0);
    tf.dispose([w0, V]);
  }
}

export function expectClose(name: string, [a, b]: [number, number], rel: number, abs = 1e-4): void {
  const tol = abs + rel * Math.max(Math.abs(a), Math.abs(b));
  if (!(Math.abs(a - b) <= tol)) throw new Error(`${name}: analytic ${a} vs finite difference ${b} (|diff| ${Math.abs(a - b)} > ${tol})`);
}

/** max|a − b| / max|b| over the entries (relative to the reference's scale, not entry by entry). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / Math.max(den, 1e-12);
}
