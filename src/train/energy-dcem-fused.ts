// DCEM over the energy network as ONE differentiable op: ŷ = DCEM_T(E_θ(x, ·)) `[B]` for x `[B]`, y scalar
// (the same iteration as src/solvers/dcem.ts with n = 1, unbounded, fed the same noise from the same Rng).
//
// Why: the generic unrolled solve records ~290 small tfjs kernels per iteration (standardization, LML,
// weighted moments, the stop test and their gradients), and at one point per update that dispatch, not
// arithmetic, is the cost. Here only the network runs in tfjs (src/train/energy-rows.ts); the rest runs on
// the host in Float64:
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
import { lmlBackwardF64, lmlF64 } from '../solvers/lml.ts';
import { NonFiniteError, ShapeError } from '../tensor/check.ts';
import { Rng } from '../tensor/rng.ts';
import { tapeDepth } from '../tensor/tape.ts';
import { checkEnergyLayers, energyRows, energyRowsOp, energyRowsSupport, type EnergyLayers } from './energy-rows.ts';

export type { EnergyLayers } from './energy-rows.ts';

/** Whether `fusedEnergyDcem` supports networks with this activation. */
export const fusedDcemSupports = energyRowsSupport;

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

/**
 * ŷ `[B]` = DCEM's last mean on E(x_b, ·) from μ = 0, σ = σ₀, differentiable w.r.t. the layers' weights
 * (see the file header). x `[B]`; the noise is `rng.normalArray(B·N)` per iteration, as `dcem` draws it.
 */
export function fusedEnergyDcem(layers: EnergyLayers, x: tf.Tensor, rng: Rng, o: FusedDcemOptions): tf.Tensor {
  checkEnergyLayers('fusedEnergyDcem', layers);
  if (x.rank !== 1) throw new ShapeError(`fusedEnergyDcem: x must be [B] (got [${x.shape}])`);
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
  return energyRowsOp('fusedEnergyDcem', layers, x, N, (xRows, taped) => {
    const kept: tf.Tensor[][] = [];
    let mu = new Float64Array(B);
    let sigma = new Float64Array(B).fill(sigma0);
    const recs: IterRecord[] = [];
    for (let it = 0; it < T; it++) {
      const eps = Float64Array.from(rng.normalArray(R));
      const X = new Float64Array(R);
      for (let r = 0; r < R; r++) X[r] = mu[(r / N) | 0]! + sigma[(r / N) | 0]! * eps[r]!;
      const keep = taped ? [] : null;
      // The slopes serve the backward only (X's cotangent); off the tape the network runs without its tangent.
      const { E, slope } = energyRows(layers, xRows, X, keep ? { keep, slope: true } : {});
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
    let saved: tf.Tensor[] | null = null;
    if (taped) {
      // Rows of all iterations, iteration-major (the order of the reverse sweep's cotangents).
      saved = kept[0]!.map((_, i) => (kept.length === 1 ? kept[0]![i]! : tf.concat(kept.map((ts) => ts[i]!), 0)));
      if (kept.length > 1) tf.dispose(kept.flat());
    }
    return { value: mu, saved, rowCotangents: (dy) => reverseSweep(recs, dy, B, N, k, temp, normalize) };
  });
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
