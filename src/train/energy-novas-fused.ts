// NOVAS over the energy network as ONE op, as the NOVAS regression trains it: T iterations from μ = 0, σ = σ₀,
// the first T − 1 off the tape and only the last differentiated (`pre_compute_init` in iexarchos/NOVAS
// SPEN/regression.py), ŷ = μ_T `[B]` for x `[B]`, y scalar. The same iterations as `novasWarmStart` +
// `novasStep` (src/train/energy-protocol.ts, src/solvers/novas.ts; n = 1, unbounded), fed the same noise from
// the same Rng; the network runs in tfjs (src/train/energy-rows.ts), the rest on the host in Float64:
//   per iteration:  X_j = μ + σ ε_j,  f_j = E(x, X_j),  f̃ = (f − f_lo)/(f_hi − f_lo) (0 when the range ≤ 1e-12;
//     lo, hi the first argmin / argmax), S = shape(f̃, f) with Σ S = 1,  μ' = μ + α Σ S (X − μ),
//     σ'² = Σ S (X − μ')² ('weighted') or σ² + α (Σ S (X − μ)² − σ²) ('natural'),  σ' = √max(σ'² + v₀, σ_min²);
//     the first T − 1 stop early when the whole-batch step ‖μ' − μ‖ < iterEps.
//   backward (last iteration; μ, σ and so X are constants): ḡS_j = α ḡμ' (X_j − μ), back through the shape
//     and the min-max normalization (into f_lo, f_hi and, for 'soft-ce-raw', the γ sample) to ḡf_j, then ONE
//     vector-Jacobian product of the network over the B·N rows.
// Why: a generic update records ~4 000 tfjs kernels (the step's normalization, shape and moments, and their
// gradients, around every network pass); here an update is T network passes and one VJP. Gradients reach the network's weights only (x is
// data: cotangent 0); a gradient of this gradient is refused.
import * as tf from '@tensorflow/tfjs';
import { NOVAS_DEFAULTS, resolveNovasStep, type NovasShape, type NovasStepOptions } from '../solvers/novas.ts';
import { NonFiniteError, ShapeError } from '../tensor/check.ts';
import { Rng } from '../tensor/rng.ts';
import { tapeDepth } from '../tensor/tape.ts';
import { checkEnergyLayers, energyRows, energyRowsOp, energyRowsSupport, type EnergyLayers } from './energy-rows.ts';
import type { EnergyShards, ShardedSave } from './energy-shards.ts';

/** Whether `fusedEnergyNovas` supports networks with this activation. */
export const fusedNovasSupports = energyRowsSupport;

export interface FusedNovasOptions {
  /** T ≥ 1 iterations; the last is differentiated. */
  iterations: number;
  samples: number;
  /** Initial std σ₀ (initial mean 0). */
  sigma0: number;
  /** The step (src/solvers/novas.ts; no bounds). */
  step?: Omit<NovasStepOptions, 'bounds'>;
  /** Stop test of the first T − 1 iterations. Default 1e-4. */
  iterEps?: number;
  /** Evaluate the network's rows on these threads (energy-shards.ts); the same values, gradients to rounding. */
  shards?: EnergyShards;
}

type Step = Required<Omit<NovasStepOptions, 'bounds'>>;

/** One problem's shape function on the host: weights S `[N]` from f̃ and f, and its backward ḡS → (ḡf̃, ḡf). */
interface HostShape {
  forward(fn: Float64Array, f: Float64Array, o: Step): { S: Float64Array; back: (gS: Float64Array, gfn: Float64Array, gf: Float64Array) => void };
}

/** The ⌈ρN⌉-th smallest entry's index (ties by index, as tf.topk): a sorted buffer of the k best so far. */
function eliteIndex(v: Float64Array, rho: number): number {
  const N = v.length;
  const k = Math.min(N, Math.max(1, Math.ceil(rho * N)));
  const idx = new Int32Array(k);
  let n = 0;
  for (let j = 0; j < N; j++) {
    const x = v[j]!;
    // A later index with an equal value ranks after every kept entry, so only a smaller value enters a full buffer.
    if (n === k && !(x < v[idx[k - 1]!]!)) continue;
    let i = n < k ? n++ : k - 1;
    while (i > 0 && x < v[idx[i - 1]!]!) {
      idx[i] = idx[i - 1]!;
      i--;
    }
    idx[i] = j;
  }
  return idx[k - 1]!;
}

const sigmoid = (u: number): number => 1 / (1 + Math.exp(-u));

/** S = W / (Σ W + 1e-12) with W = (1 − f̃) σ(u) for the given u; the backward hands ḡu to `sinkU` (u's own inputs). */
function softCe(fn: Float64Array, u: Float64Array, sinkU: (gu: Float64Array, gfn: Float64Array, gf: Float64Array) => void): ReturnType<HostShape['forward']> {
  const N = fn.length;
  const sg = u.map(sigmoid);
  const W = new Float64Array(N);
  let Z = 1e-12;
  for (let j = 0; j < N; j++) Z += (W[j] = (1 - fn[j]!) * sg[j]!);
  const S = W.map((w) => w / Z);
  return {
    S,
    back: (gS, gfn, gf) => {
      let dot = 0;
      for (let j = 0; j < N; j++) dot += gS[j]! * S[j]!;
      const gu = new Float64Array(N);
      for (let j = 0; j < N; j++) {
        const gW = (gS[j]! - dot) / Z;
        gfn[j]! -= gW * sg[j]!;
        gu[j] = gW * (1 - fn[j]!) * sg[j]! * (1 - sg[j]!);
      }
      sinkU(gu, gfn, gf);
    },
  };
}

const HOST_SHAPES: Record<NovasShape, HostShape> = {
  exp: {
    forward: (fn, _f, o) => {
      const u = fn.map((v) => -o.kappa * v);
      const m = Math.max(...u);
      const e = u.map((v) => Math.exp(v - m));
      const Z = e.reduce((a, b) => a + b, 0);
      const S = e.map((v) => v / Z);
      return {
        S,
        back: (gS, gfn) => {
          let dot = 0;
          for (let j = 0; j < S.length; j++) dot += gS[j]! * S[j]!;
          for (let j = 0; j < S.length; j++) gfn[j]! += -o.kappa * S[j]! * (gS[j]! - dot);
        },
      };
    },
  },
  // γ = f̃ of the ⌈ρN⌉-th best sample, held constant.
  'soft-ce': {
    forward: (fn, _f, o) => {
      const gamma = fn[eliteIndex(fn, o.eliteFraction)]!;
      return softCe(fn, fn.map((v) => o.sharpness * (gamma - v)), (gu, gfn) => {
        for (let j = 0; j < gu.length; j++) gfn[j]! -= o.sharpness * gu[j]!;
      });
    },
  },
  // γ = f of the ⌈ρN⌉-th best sample, differentiated through that sample.
  'soft-ce-raw': {
    forward: (fn, f, o) => {
      const gi = eliteIndex(f, o.eliteFraction);
      const gamma = f[gi]!;
      return softCe(fn, f.map((v) => o.sharpness * (gamma - v)), (gu, _gfn, gf) => {
        let sum = 0;
        for (let j = 0; j < gu.length; j++) {
          gf[j]! -= o.sharpness * gu[j]!;
          sum += gu[j]!;
        }
        gf[gi]! += o.sharpness * sum;
      });
    },
  },
};

/** One problem's step: μ', σ' from (μ, σ), samples X `[N]` and values f `[N]`; `back` maps ḡμ' to ḡf `[N]`. */
function hostStep(mu: number, sigma: number, X: Float64Array, f: Float64Array, o: Step): { mu: number; sigma: number; back: (gMu: number) => Float64Array } {
  const N = f.length;
  let lo = 0;
  let hi = 0;
  for (let j = 1; j < N; j++) {
    if (f[j]! < f[lo]!) lo = j;
    if (f[j]! > f[hi]!) hi = j;
  }
  const range = f[hi]! - f[lo]!;
  const spread = range > 1e-12;
  const fn = spread ? f.map((v) => (v - f[lo]!) / range) : new Float64Array(N);
  const shape = HOST_SHAPES[o.shape].forward(fn, f, o);
  const S = shape.S;
  let m = 0;
  for (let j = 0; j < N; j++) m += S[j]! * (X[j]! - mu);
  const muNew = mu + o.alpha * m;
  let v = 0;
  if (o.variance === 'weighted') {
    for (let j = 0; j < N; j++) v += S[j]! * (X[j]! - muNew) ** 2;
  } else {
    let d2 = 0;
    for (let j = 0; j < N; j++) d2 += S[j]! * (X[j]! - mu) ** 2;
    v = sigma * sigma + o.alpha * (d2 - sigma * sigma);
  }
  const sigmaNew = Math.sqrt(Math.max(v + o.varianceOffset, o.sigmaMin * o.sigmaMin));
  const back = (gMu: number): Float64Array => {
    const gS = X.map((x) => o.alpha * gMu * (x - mu));
    const gfn = new Float64Array(N);
    const gf = new Float64Array(N);
    shape.back(gS, gfn, gf);
    if (spread) {
      // f̃_j = (f_j − f_lo) / (f_hi − f_lo).
      let gLo = 0;
      let gHi = 0;
      for (let j = 0; j < N; j++) {
        gf[j]! += gfn[j]! / range;
        gLo += (gfn[j]! * (fn[j]! - 1)) / range;
        gHi -= (gfn[j]! * fn[j]!) / range;
      }
      gf[lo]! += gLo;
      gf[hi]! += gHi;
    }
    return gf;
  };
  return { mu: muNew, sigma: sigmaNew, back };
}

/**
 * ŷ `[B]` = μ_T of NOVAS on E(x_b, ·), the last iteration differentiable w.r.t. the layers' weights (see the
 * file header). x `[B]`; the noise is `rng.normalArray(B·N)` per iteration, as `novasStep` draws it.
 *
 * @example
 * const yhat = fusedEnergyNovas(layers, tf.tensor1d([1, 2]), new Rng(0), { iterations: 10, samples: 100, sigma0: 10, step: NOVAS_PAPER_STEP });
 */
export function fusedEnergyNovas(layers: EnergyLayers, x: tf.Tensor, rng: Rng, o: FusedNovasOptions): tf.Tensor {
  checkEnergyLayers('fusedEnergyNovas', layers);
  if (x.rank !== 1) throw new ShapeError(`fusedEnergyNovas: x must be [B] (got [${x.shape}])`);
  const { iterations: T, samples: N, sigma0 } = o;
  if (!Number.isInteger(T) || T < 1) throw new Error(`fusedEnergyNovas: iterations must be a positive integer (got ${T})`);
  if (!Number.isInteger(N) || N < 2) throw new Error(`fusedEnergyNovas: samples must be an integer ≥ 2 (got ${N})`);
  if (!(sigma0 > 0)) throw new Error(`fusedEnergyNovas: sigma0 must be a positive number (got ${sigma0})`);
  const step = resolveNovasStep(o.step ?? {});
  const iterEps = o.iterEps ?? NOVAS_DEFAULTS.iterEps;
  if (tapeDepth() > 1) throw new Error('fusedEnergyNovas: a gradient of its gradient is not supported (use novasStep)');
  const B = x.shape[0]!;
  const R = B * N;
  return energyRowsOp('fusedEnergyNovas', layers, x, N, (xRows, taped) => {
    const mu = new Float64Array(B);
    const sigma = new Float64Array(B).fill(sigma0);
    const shards = o.shards;
    let save: ShardedSave | null = null;
    const iterate = (keep: tf.Tensor[] | null, it: number) => {
      const eps = rng.normalArray(R);
      const X = new Float64Array(R);
      for (let r = 0; r < R; r++) X[r] = mu[(r / N) | 0]! + sigma[(r / N) | 0]! * eps[r]!;
      let E: Float32Array;
      if (shards) ({ E, save } = shards.energies(layers, xRows, X, keep ?? undefined));
      else ({ E } = energyRows(layers, xRows, X, keep ? { keep } : {}));
      let bad = 0;
      for (let r = 0; r < R; r++) if (!Number.isFinite(E[r]!)) bad++;
      if (bad) throw new NonFiniteError(`novas (fused energy): ${bad} of ${R} energy values were not finite at iteration ${it + 1}`);
      let step2 = 0;
      const backs: Array<(g: number) => Float64Array> = [];
      for (let b = 0; b < B; b++) {
        const s = hostStep(mu[b]!, sigma[b]!, X.subarray(b * N, (b + 1) * N), Float64Array.from(E.subarray(b * N, (b + 1) * N)), step);
        step2 += (s.mu - mu[b]!) ** 2;
        mu[b] = s.mu;
        sigma[b] = s.sigma;
        backs.push(s.back);
      }
      return { step: Math.sqrt(step2), backs };
    };
    for (let it = 0; it < T - 1; it++) if (iterate(null, it).step < iterEps) break;
    const keep = taped ? [] : null;
    const { backs } = iterate(keep, T - 1);
    const sharded = shards && save ? { shards, save } : null;
    return {
      value: mu,
      saved: keep,
      vjp: sharded ? (saved, g) => sharded.shards.vjp(layers, saved, sharded.save, g) : undefined,
      rowCotangents: (dy) => {
        const G = new Float32Array(R);
        for (let b = 0; b < B; b++) G.set(backs[b]!(dy[b]!), b * N);
        return G;
      },
    };
  });
}
