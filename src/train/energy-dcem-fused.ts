// DCEM over the energy network as ONE differentiable op: ŷ = DCEM_T(E_θ(x, ·)) `[B]` for x `[B]`, y scalar
// (the same iteration as src/solvers/dcem.ts with n = 1, unbounded, fed the same noise from the same Rng).
//
// Why: the generic unrolled solve records ~290 small tfjs kernels per iteration (standardization, LML,
// weighted moments, the stop test and their gradients), and at one point per update that dispatch, not
// arithmetic, is the cost. Here only the network runs in tfjs; the rest runs on the host in Float64:
//   forward, per iteration t:  X_tj = μ + σ ε_tj;  one batched pass gives f_tj = E(x, X_tj) and the slope
//     s_tj = ∂E/∂y(x, X_tj) (a tangent carried through the layers: t_l = σ'(z_l) ⊙ (t_{l−1} W_l));
//     f̃ = (f − mean f)/(std f + 1e-6) (unbiased), I = LML_k(−τ f̃), μ' = Σ I X / k,
//     stop if ‖μ' − μ‖_F < iterEps (σ then kept), σ' = √(Σ I (X − μ')² / k).
//   backward: a host reverse sweep through the iterations gives the total cotangent ḡf_tj of every energy
//     value (through μ', σ', LML, the standardization, and X via s_tj); then ∂L/∂θ = Σ_tj ḡf_tj ∂E(x, X_tj)/∂θ
//     is ONE vector-Jacobian product of the network over all T·B·N rows (recomputed activations, plain
//     products of explicit transposes, which the wasm backend runs fastest).
// Square roots at 0 get derivative 0 (as `sqrtZeroGrad` in dcem.ts). Gradients reach the network's weights
// only (x is data: its cotangent is 0); a gradient of this gradient is refused.
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../models/mlp.ts';
import { lmlBackwardF64, lmlF64 } from '../solvers/lml.ts';
import { NonFiniteError, ShapeError } from '../tensor/check.ts';
import { Rng } from '../tensor/rng.ts';
import { tapeDepth } from '../tensor/tape.ts';

/** Activations with a fused kernel here: σ(z) and its derivative σ'(z) as tfjs ops. */
const SLOPES: Partial<Record<Activation, { f: (z: tf.Tensor) => tf.Tensor; df: (z: tf.Tensor) => tf.Tensor }>> = {
  softplus: { f: (z) => tf.softplus(z), df: (z) => tf.sigmoid(z) },
  tanh: { f: (z) => tf.tanh(z), df: (z) => tf.sub(1, tf.square(tf.tanh(z))) },
};

/** Whether `fusedEnergyDcem` supports networks with this activation. */
export function fusedDcemSupports(activation: Activation): boolean {
  return activation in SLOPES;
}

export interface FusedDcemOptions {
  iterations: number;
  samples: number;
  elites: number;
  /** Initial std σ₀ (initial mean 0). */
  sigma0: number;
  temp?: number;
  normalize?: boolean;
  lmlEps?: number;
  iterEps?: number;
}

/** The network as weights `[in, out]` and biases `[out]` per layer, activation between layers. */
export interface EnergyLayers {
  weights: tf.Tensor[];
  biases: tf.Tensor[];
  activation: Activation;
}

/** Per iteration, what the backward needs (host, Float64): samples, noise, slopes, weights, moments. */
interface IterRecord {
  X: Float64Array;
  eps: Float64Array;
  slope: Float64Array;
  /** Centered values and their std per problem (normalize), LML weights. */
  c: Float64Array;
  std: Float64Array;
  I: Float64Array;
  mu: Float64Array;
  sigma: Float64Array;
}

/** Rows (x_r, y_r) as the network's input `[R, 2]`. */
function inputRows(xs: Float32Array, ys: Float32Array | Float64Array): tf.Tensor2D {
  const R = xs.length;
  const inp = new Float32Array(2 * R);
  for (let r = 0; r < R; r++) {
    inp[2 * r] = xs[r]!;
    inp[2 * r + 1] = ys[r]!;
  }
  return tf.tensor2d(inp, [R, 2]);
}

/**
 * Runs the network on rows (x_r, y_r): E `[R]` and, when `keep` is given, the slope ∂E/∂y `[R]` and in
 * `keep` the tensors its vector-Jacobian product needs: the input `[R, 2]`, then per hidden layer a_l and
 * φ'(z_l) `[R, H_l]` (the caller owns them).
 */
function energyRows(L: EnergyLayers, xs: Float32Array, ys: Float64Array, keep: tf.Tensor[] | null): { E: Float32Array; slope: Float32Array | null } {
  const R = xs.length;
  const act = SLOPES[L.activation]!;
  const kept: tf.Tensor[] = [];
  const out = tf.tidy(() => {
    let h: tf.Tensor = inputRows(xs, ys);
    if (keep) kept.push(tf.keep(h));
    // The tangent of the input along y: the rows' second coordinate.
    let t: tf.Tensor | null = keep ? tf.tensor2d(new Float32Array(2 * R).map((_, i) => i & 1), [R, 2]) : null;
    const last = L.weights.length - 1;
    for (let l = 0; l <= last; l++) {
      const z = tf.fused.matMul({ a: h as tf.Tensor2D, b: L.weights[l] as tf.Tensor2D, bias: L.biases[l]! });
      const tz = t ? tf.matMul(t as tf.Tensor2D, L.weights[l] as tf.Tensor2D) : null;
      if (l === last) {
        h = z;
        t = tz;
      } else {
        h = act.f(z);
        if (tz) {
          const d = act.df(z);
          t = tf.mul(tz, d);
          kept.push(tf.keep(h), tf.keep(d));
        }
      }
    }
    return t ? tf.concat([h, t], 1) : h;
  });
  keep?.push(...kept);
  const d = out.dataSync() as Float32Array;
  out.dispose();
  if (!keep) return { E: d, slope: null };
  const E = new Float32Array(R);
  const slope = new Float32Array(R);
  for (let r = 0; r < R; r++) {
    E[r] = d[2 * r]!;
    slope[r] = d[2 * r + 1]!;
  }
  return { E, slope };
}

/**
 * ∂/∂θ of Σ_r g_r E(x_r, y_r) `[R]`: one vector-Jacobian product over all rows, from the forward's kept
 * tensors (`saved`: the input, then a_l, φ'(z_l) per hidden layer, each concatenated over the rows).
 */
function energyRowsVjp(L: EnergyLayers, saved: tf.Tensor[], g: Float32Array): { dW: tf.Tensor[]; db: tf.Tensor[] } {
  return tf.tidy(() => {
    const last = L.weights.length - 1;
    const input = (l: number): tf.Tensor => (l === 0 ? saved[0]! : saved[2 * l - 1]!);
    let gz: tf.Tensor = tf.tensor2d(g, [g.length, 1]);
    const dW: tf.Tensor[] = new Array(last + 1);
    const db: tf.Tensor[] = new Array(last + 1);
    for (let l = last; l >= 0; l--) {
      dW[l] = tf.matMul(tf.transpose(input(l)) as tf.Tensor2D, gz as tf.Tensor2D);
      db[l] = tf.sum(gz, 0);
      if (l > 0) gz = tf.mul(tf.matMul(gz as tf.Tensor2D, tf.transpose(L.weights[l]!) as tf.Tensor2D), saved[2 * l]!);
    }
    return { dW, db };
  });
}

/**
 * ŷ `[B]` = DCEM's last mean on E(x_b, ·) from μ = 0, σ = σ₀, differentiable w.r.t. the layers' weights
 * (see the file header). x `[B]`; the noise is `rng.normalArray(B·N)` per iteration, as `dcem` draws it.
 */
export function fusedEnergyDcem(layers: EnergyLayers, x: tf.Tensor, rng: Rng, o: FusedDcemOptions): tf.Tensor {
  if (!fusedDcemSupports(layers.activation)) throw new Error(`fusedEnergyDcem: activation "${layers.activation}" is not supported (use ${Object.keys(SLOPES).join(', ')}, or the generic dcem solver)`);
  if (x.rank !== 1) throw new ShapeError(`fusedEnergyDcem: x must be [B] (got [${x.shape}])`);
  const nL = layers.weights.length;
  if (nL < 1 || layers.biases.length !== nL || layers.weights[0]!.shape[0] !== 2 || layers.weights[nL - 1]!.shape[1] !== 1) {
    throw new ShapeError(`fusedEnergyDcem: expected layers [2, …, 1] with one bias per weight (got weights ${layers.weights.map((w) => `[${w.shape}]`).join(' ')})`);
  }
  const { iterations: T, samples: N, elites: k, sigma0 } = o;
  const temp = o.temp ?? 1;
  const normalize = o.normalize ?? true;
  const iterEps = o.iterEps ?? 1e-4;
  const lmlOpts = { eps: o.lmlEps ?? 1e-3 };
  if (!Number.isInteger(T) || T < 1) throw new Error(`fusedEnergyDcem: iterations must be a positive integer (got ${T})`);
  if (!Number.isInteger(k) || k < 2 || k >= N) throw new Error(`fusedEnergyDcem: elites must be an integer with 2 ≤ elites < samples = ${N} (got ${k})`);
  if (tapeDepth() > 1) throw new Error('fusedEnergyDcem: a gradient of its gradient is not supported (use the generic dcem solver)');
  const B = x.shape[0]!;
  const R = B * N;
  const inputs = [x, ...layers.weights, ...layers.biases];
  const op = tf.customGrad(((...args: tf.Tensor[]) => {
    const taped = tapeDepth() > 0;
    // tf.customGrad appends its `save`: tensors given to it reach the backward (and are freed with the tape).
    const save = args[inputs.length] as unknown as (ts: tf.Tensor[]) => void;
    const kept: tf.Tensor[][] = [];
    const xv = args[0]!.dataSync() as Float32Array;
    const xRows = new Float32Array(R);
    for (let b = 0; b < B; b++) xRows.fill(xv[b]!, b * N, (b + 1) * N);
    let mu = new Float64Array(B);
    let sigma = new Float64Array(B).fill(sigma0);
    const recs: IterRecord[] = [];
    for (let it = 0; it < T; it++) {
      const eps = Float64Array.from(rng.normalArray(R));
      const X = new Float64Array(R);
      for (let r = 0; r < R; r++) X[r] = mu[(r / N) | 0]! + sigma[(r / N) | 0]! * eps[r]!;
      const keep = taped ? [] : null;
      const { E, slope } = energyRows(layers, xRows, X, keep);
      if (keep) kept.push(keep);
      let bad = 0;
      for (let r = 0; r < R; r++) if (!Number.isFinite(E[r]!) || (slope && !Number.isFinite(slope[r]!))) bad++;
      if (bad) throw new NonFiniteError(`dcem (fused energy): ${bad} of ${R} energy values or slopes were not finite at iteration ${it + 1}`);
      const c = new Float64Array(R);
      const std = new Float64Array(B);
      const z = new Float64Array(R);
      for (let b = 0; b < B; b++) {
        const o0 = b * N;
        let m = 0;
        for (let j = 0; j < N; j++) m += E[o0 + j]!;
        m /= N;
        let ss = 0;
        for (let j = 0; j < N; j++) {
          c[o0 + j] = E[o0 + j]! - m;
          ss += c[o0 + j]! * c[o0 + j]!;
        }
        std[b] = Math.sqrt(ss / (N - 1));
        for (let j = 0; j < N; j++) z[o0 + j] = -temp * (normalize ? c[o0 + j]! / (std[b]! + 1e-6) : E[o0 + j]!);
      }
      const I = lmlF64(z, B, N, k, lmlOpts).y;
      const muNew = new Float64Array(B);
      let step2 = 0;
      for (let b = 0; b < B; b++) {
        let s = 0;
        for (let j = 0; j < N; j++) s += I[b * N + j]! * X[b * N + j]!;
        muNew[b] = s / k;
        step2 += (muNew[b]! - mu[b]!) ** 2;
      }
      const stop = Math.sqrt(step2) < iterEps;
      const sigmaNew = new Float64Array(B);
      if (!stop) {
        for (let b = 0; b < B; b++) {
          let s = 0;
          for (let j = 0; j < N; j++) s += I[b * N + j]! * (X[b * N + j]! - muNew[b]!) ** 2;
          sigmaNew[b] = Math.sqrt(s / k);
        }
      }
      if (taped) recs.push({ X, eps, slope: Float64Array.from(slope!), c, std, I, mu: muNew, sigma: sigmaNew });
      mu = muNew;
      if (stop) break;
      sigma = sigmaNew;
    }
    if (taped) {
      // Rows of all iterations, iteration-major (the order of the reverse sweep's cotangents).
      const cat = kept[0]!.map((_, i) => (kept.length === 1 ? kept[0]![i]! : tf.concat(kept.map((ts) => ts[i]!), 0)));
      save(cat);
      tf.dispose([...kept.flat(), ...cat]);
    }
    const value = tf.tensor1d(Float32Array.from(mu), 'float32');
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      if (recs.length === 0) throw new Error('fusedEnergyDcem: backward called on a forward run outside a gradient tape');
      const G = reverseSweep(recs, dy.dataSync() as Float32Array, B, N, k, temp, normalize);
      const { dW, db } = energyRowsVjp(layers, saved, G);
      return [tf.zerosLike(args[0]!), ...dW, ...db];
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(...inputs);
}

/**
 * The host reverse sweep: from ḡμ_T = dy `[B]`, the total cotangent of every energy value f_tj, returned
 * `[Tr·B·N]` in iteration-major order (the order of the recorded rows).
 */
function reverseSweep(recs: IterRecord[], dy: Float32Array, B: number, N: number, k: number, temp: number, normalize: boolean): Float32Array {
  const R = B * N;
  const G = new Float64Array(recs.length * R);
  const gMu = Float64Array.from(dy);
  const gSig = new Float64Array(B);
  const gI = new Float64Array(R);
  const gX = new Float64Array(R);
  for (let t = recs.length - 1; t >= 0; t--) {
    const r = recs[t]!;
    // σ' = √v, v = Σ I (X − μ')²/k;  μ' = Σ I X / k.
    for (let b = 0; b < B; b++) {
      const o = b * N;
      const gv = r.sigma[b]! > 0 ? gSig[b]! / (2 * r.sigma[b]!) : 0;
      let sId = 0;
      for (let j = 0; j < N; j++) sId += r.I[o + j]! * (r.X[o + j]! - r.mu[b]!);
      const gm = gMu[b]! - (2 * gv * sId) / k;
      for (let j = 0; j < N; j++) {
        const d = r.X[o + j]! - r.mu[b]!;
        gI[o + j] = (gv * d * d + gm * r.X[o + j]!) / k;
        gX[o + j] = (2 * gv * r.I[o + j]! * d + gm * r.I[o + j]!) / k;
      }
    }
    // I = LML(z), z = −τ f̃.
    const gz = lmlBackwardF64(r.I, gI, B, N);
    for (let b = 0; b < B; b++) {
      const o = b * N;
      if (normalize) {
        // f̃ = c / (s + 1e-6), s = √(Σ c²/(N − 1)), c = f − mean f.
        const s = r.std[b]!;
        const den = s + 1e-6;
        let gden = 0;
        for (let j = 0; j < N; j++) gden -= (-temp * gz[o + j]! * r.c[o + j]!) / (den * den);
        const gs2 = s > 0 ? gden / (2 * s) : 0;
        let gcMean = 0;
        for (let j = 0; j < N; j++) {
          const gc = (-temp * gz[o + j]!) / den + (gs2 * 2 * r.c[o + j]!) / (N - 1);
          gI[o + j] = gc; // reused as scratch: ḡc
          gcMean += gc;
        }
        gcMean /= N;
        for (let j = 0; j < N; j++) G[t * R + o + j] = gI[o + j]! - gcMean;
      } else {
        for (let j = 0; j < N; j++) G[t * R + o + j] = -temp * gz[o + j]!;
      }
      // f = E(x, X): X receives ḡf·s; X = μ + σ ε.
      let gm = 0;
      let gs = 0;
      for (let j = 0; j < N; j++) {
        const g = gX[o + j]! + G[t * R + o + j]! * r.slope[o + j]!;
        gm += g;
        gs += g * r.eps[o + j]!;
      }
      gMu[b] = gm;
      gSig[b] = gs;
    }
  }
  return Float32Array.from(G);
}
