// The OptNet denoiser of the paper's "OptNet-tuned TV" row as its code builds it (locuslab/optnet
// denoising/models.py, `OptNet` with `--tvInit`): every parameter of a general QP learned, started at TV.
//   x*(y) = first n entries of z* = argmin_z ½ zᵀ Q z + (W y + c)ᵀ z   s.t.  G z ≤ h          z ∈ R^{2n−1}
//   Q = (M ⊙ L)(M ⊙ L)ᵀ + ε I  (M the lower-triangular ones, ε = 1e-4, the code's `eps`),  h = G z₀ + s₀.
// Initialization (TV with weight λ):  L = chol(diag(I_n, 1e-8 I_{n−1})),  G = [D −I; −D −I] (D the first
// differences),  s₀ = 1 + 1e-6 ξ,  z₀ = −Gᵀ(G Gᵀ)⁻¹ s₀ + 1e-6 ξ' (so h ≈ 0),  W = −[I_n; 0] + 1e-3 ξ'',
// c = (0, λ 1): the TV-QP of tv-qp.ts up to the noise and the slack curvature (1e-8 + ε instead of 1e-6).
// (The code computes z₀ with a ridge pseudo-inverse; G has full row rank, so the exact one is used.)
// Parameters: L, G, z₀, s₀, W, c — (2n−1)² + (2n−2)(2n−1) + (2n−1) + (2n−2) + (2n−1)(n + 1) entries.
import * as tf from '@tensorflow/tfjs';
import { choleskyFactor, choleskySolveFactored } from '../../../src/linalg/cholesky.ts';
import { qpLayer, type QpLayerOptions } from '../../../src/solvers/qp/index.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { differenceMatrix, tvQp } from './tv-qp.ts';

/** ε of Q = (M ⊙ L)(M ⊙ L)ᵀ + ε I (the paper code's default `--eps`). */
export const TV_INIT_EPS = 1e-4;

let instances = 0;

export class TvInitOptNet {
  readonly L: tf.Variable;
  readonly G: tf.Variable;
  readonly z0: tf.Variable;
  readonly s0: tf.Variable;
  readonly W: tf.Variable;
  readonly c: tf.Variable;
  private readonly mask: tf.Tensor2D;
  private readonly eye: tf.Tensor2D;
  readonly n: number;

  constructor(n: number, lambda: number, rng: Rng) {
    if (!Number.isInteger(n) || n < 2) throw new Error(`TvInitOptNet: n must be an integer ≥ 2 (got ${n})`);
    if (!(lambda > 0) || !Number.isFinite(lambda)) throw new Error(`TvInitOptNet: λ must be a positive finite number (got ${lambda})`);
    this.n = n;
    const nz = 2 * n - 1;
    const m = n - 1;
    const L = new Float32Array(nz * nz);
    for (let i = 0; i < nz; i++) L[i * nz + i] = i < n ? 1 : 1e-4; // chol(diag(I, 1e-8 I))
    // G = [D −I; −D −I] `[2m, nz]`: the TV-QP's own (tv-qp.ts).
    const tv = tf.tidy(() => tvQp(differenceMatrix(n), tf.zeros([1, n]) as tf.Tensor2D, lambda));
    const G = Float64Array.from(tv.G.dataSync());
    tf.dispose(Object.values(tv));
    const s0 = Float64Array.from(rng.normalArray(2 * m), (e) => 1 + 1e-6 * e);
    // z₀ = −Gᵀ (G Gᵀ)⁻¹ s₀.
    const GGt = new Float64Array(4 * m * m);
    for (let i = 0; i < 2 * m; i++) for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < nz; k++) s += G[i * nz + k]! * G[j * nz + k]!;
      GGt[i * 2 * m + j] = GGt[j * 2 * m + i] = s;
    }
    const { L: F, info } = choleskyFactor(GGt, 1, 2 * m);
    if (info[0] !== 0) throw new Error('TvInitOptNet: G Gᵀ is not positive definite (G lost full row rank)');
    const u = choleskySolveFactored(F, 1, s0, 1, 2 * m, 1);
    const noise = rng.normalArray(nz);
    const z0 = new Float32Array(nz);
    for (let k = 0; k < nz; k++) {
      let s = 0;
      for (let i = 0; i < 2 * m; i++) s += G[i * nz + k]! * u[i]!;
      z0[k] = -s + 1e-6 * noise[k]!;
    }
    const W = Float32Array.from(rng.normalArray(nz * n), (e) => 1e-3 * e);
    for (let i = 0; i < n; i++) W[i * n + i]! -= 1;
    const c = new Float32Array(nz).fill(lambda, n);
    const id = instances++;
    this.L = tf.variable(tf.tensor2d(L, [nz, nz]), true, `tv-init${id}.L`);
    this.G = tf.variable(tf.tensor2d(Float32Array.from(G), [2 * m, nz]), true, `tv-init${id}.G`);
    this.z0 = tf.variable(tf.tensor1d(z0), true, `tv-init${id}.z0`);
    this.s0 = tf.variable(tf.tensor1d(Float32Array.from(s0)), true, `tv-init${id}.s0`);
    this.W = tf.variable(tf.tensor2d(W, [nz, n]), true, `tv-init${id}.W`);
    this.c = tf.variable(tf.tensor1d(c), true, `tv-init${id}.c`);
    this.mask = tf.keep(tf.linalg.bandPart(tf.ones([nz, nz]), -1, 0) as tf.Tensor2D);
    this.eye = tf.keep(tf.mul(tf.eye(nz), TV_INIT_EPS) as tf.Tensor2D);
  }

  /** x*(y) `[B, n]` for signals y `[B, n]`, differentiable w.r.t. every parameter through the QP layer. */
  predict(y: tf.Tensor2D, opts: QpLayerOptions = {}): tf.Tensor2D {
    return tf.tidy(() => {
      if (y.shape[1] !== this.n) throw new Error(`TvInitOptNet: y must be [B, ${this.n}] (got [${y.shape.join(', ')}])`);
      const Lm = tf.mul(this.L, this.mask);
      const Q = tf.add(tf.matMul(Lm, Lm, false, true), this.eye);
      const p = tf.add(tf.matMul(y, this.W, false, true), this.c);
      const h = tf.add(tf.squeeze(tf.matMul(this.G, tf.reshape(this.z0, [-1, 1])), [1]), this.s0);
      const z = qpLayer({ Q, p, G: this.G, h }, opts);
      return tf.slice(z, [0, 0], [y.shape[0], this.n]) as tf.Tensor2D;
    });
  }

  variables(): tf.Variable[] {
    return [this.L, this.G, this.z0, this.s0, this.W, this.c];
  }

  dispose(): void {
    tf.dispose([...this.variables(), this.mask, this.eye]);
  }
}
