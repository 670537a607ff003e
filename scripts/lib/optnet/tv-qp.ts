// Total-variation denoising with a learnable difference operator as ONE QP (OptNet §5.3):
//   x*(y) = argmin_x ½‖x − y‖² + λ‖D x‖₁,   D `[n−1, n]`   (TV: D = first differences, (Dx)ᵢ = xᵢ − xᵢ₊₁)
// With slacks t ∈ R^{n−1} (tᵢ ≥ |(Dx)ᵢ|) it is the QP over z = (x, t) ∈ R^{2n−1}
//   min ½ zᵀ Q z + pᵀz,  Q = diag(I_n, ε I_{n−1}),  p = (−y, λ·1)
//   s.t.  [ D −I; −D −I ] z ≤ 0
// (ε = 1e-6 keeps Q positive definite, changing the objective by ε/2‖t‖², far below λ‖t‖₁ at these scales).
// G is built from D with tf ops, so ∂L/∂D comes from the QP layer's KKT backward through G.
// Its dual (Fenchel: λ‖v‖₁ = max_{|u|≤λ} uᵀv, then minimise over x) is a box QP in u ∈ R^{n−1}:
//   u* = argmin_u ½ uᵀ(D Dᵀ)u − (D y)ᵀu   s.t.  −λ ≤ u ≤ λ,        x* = y − Dᵀu*
// (D Dᵀ is positive definite when D has full row rank, e.g. first differences or a random D). Each
// interior-point iteration factors an (n−1)² matrix with sparse bound rows instead of a (2n−1)² one with
// 2(n−1) dense rows, so the dual is the default; the gradient reaches D through Q = DDᵀ, p = −Dy and x = y − Dᵀu.
import * as tf from '@tensorflow/tfjs';
import { qpLayer, type QpLayerOptions } from '../../../src/solvers/qp/index.ts';

export const TV_EPS = 1e-6;

/** `[n−1, n]` first-difference matrix: row i is e_i − e_{i+1}. */
export function differenceMatrix(n: number): tf.Tensor2D {
  if (!Number.isInteger(n) || n < 2) throw new Error(`differenceMatrix: n must be an integer ≥ 2 (got ${n})`);
  const d = new Float32Array((n - 1) * n);
  for (let i = 0; i < n - 1; i++) {
    d[i * n + i] = 1;
    d[i * n + i + 1] = -1;
  }
  return tf.tensor2d(d, [n - 1, n]);
}

function checkTv(D: tf.Tensor2D, y: tf.Tensor2D, lambda: number, where: string): void {
  const [m, n] = D.shape;
  if (m !== n - 1) throw new Error(`${where}: D must be [n−1, n] (got [${m}, ${n}])`);
  if (y.shape[1] !== n) throw new Error(`${where}: y must be [B, ${n}] to match D [${m}, ${n}] (got [${y.shape.join(', ')}])`);
  if (!(lambda > 0) || !Number.isFinite(lambda)) throw new Error(`${where}: λ must be a positive finite number (got ${lambda})`);
}

/** The primal (slack-form) QP data of TV denoising for signals y `[B, n]` with operator D `[n−1, n]` and weight λ > 0. */
export function tvQp(D: tf.Tensor2D, y: tf.Tensor2D, lambda: number): { Q: tf.Tensor2D; p: tf.Tensor2D; G: tf.Tensor2D; h: tf.Tensor1D } {
  checkTv(D, y, lambda, 'tvQp');
  const [m, n] = D.shape;
  return tf.tidy(() => {
    const nz = 2 * n - 1;
    const qd = new Float32Array(nz);
    qd.fill(1, 0, n);
    qd.fill(TV_EPS, n);
    const Q = tf.diag(tf.tensor1d(qd)) as tf.Tensor2D;
    const B = y.shape[0];
    const p = tf.concat([tf.neg(y), tf.fill([B, m], lambda)], 1) as tf.Tensor2D;
    const nI = tf.neg(tf.eye(m));
    const G = tf.concat([tf.concat([D, nI], 1), tf.concat([tf.neg(D), nI], 1)], 0) as tf.Tensor2D;
    const h = tf.zeros([2 * m]) as tf.Tensor1D;
    return { Q, p, G, h };
  });
}

/** The dual box QP of TV denoising: Q = DDᵀ `[m, m]`, p = −Dy `[B, m]`, G = [I; −I] `[2m, m]`, h = λ·1 `[2m]`. */
export function tvDualQp(D: tf.Tensor2D, y: tf.Tensor2D, lambda: number): { Q: tf.Tensor2D; p: tf.Tensor2D; G: tf.Tensor2D; h: tf.Tensor1D } {
  checkTv(D, y, lambda, 'tvDualQp');
  const m = D.shape[0];
  return tf.tidy(() => {
    const Q = tf.matMul(D, D, false, true) as tf.Tensor2D;
    const p = tf.neg(tf.matMul(y, D, false, true)) as tf.Tensor2D;
    const I = tf.eye(m);
    const G = tf.concat([I, tf.neg(I)], 0) as tf.Tensor2D;
    const h = tf.fill([2 * m], lambda) as tf.Tensor1D;
    return { Q, p, G, h };
  });
}

/** Which QP tvDenoise solves: the dual box QP (default, cheaper) or the primal slack form. */
export type TvForm = 'dual' | 'primal';

export interface TvDenoiseOptions extends QpLayerOptions {
  form?: TvForm;
}

/**
 * x*(y) `[B, n]`: the TV-QP solution, differentiable w.r.t. D (and y) through the QP layer.
 *
 * @example
 * const x = tvDenoise(differenceMatrix(100), noisy, 20);          // [B, 100]
 */
export function tvDenoise(D: tf.Tensor2D, y: tf.Tensor2D, lambda: number, opts: TvDenoiseOptions = {}): tf.Tensor2D {
  const { form = 'dual', ...layer } = opts;
  if (form !== 'dual' && form !== 'primal') throw new Error(`tvDenoise: form must be 'dual' or 'primal' (got ${String(form)})`);
  return tf.tidy(() => {
    const n = D.shape[1];
    if (form === 'primal') return tf.slice(qpLayer(tvQp(D, y, lambda), layer), [0, 0], [y.shape[0], n]) as tf.Tensor2D;
    const u = qpLayer(tvDualQp(D, y, lambda), layer);
    return tf.sub(y, tf.matMul(u, D)) as tf.Tensor2D;
  });
}
