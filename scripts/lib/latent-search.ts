// Exhaustive searches of a 2-D family of plans: the lowest planned cost any planner over that family can reach
// (facebookresearch/dcem `cartpole_emb-analysis.ipynb`: its surface plots' "best cost" and its PCA baseline).
//   best(x0) = min_{z ∈ grid} J(x0, u(z))
// over a g × g grid, where u(z) is either the decoder's D_θ(z) on its box [−1, 1]² or the PCA plane of expert
// plans, u(z) = m + z₁v₁ + z₂v₂ clipped into the action box (the notebook's grid is 200 × 200 over ±200 N).
// J is the twin's batched rollout cost, so the decoder's sequences are computed once and shared by every start.
import * as tf from '@tensorflow/tfjs';
import { pca, pcaInverse, type Pca } from '../../src/linalg/pca.ts';
import type { LatentDecoder } from '../../src/models/latent-decoder.ts';
import { rolloutCost } from '../../src/models/rollout.ts';
import type { CostModel, DynamicsModel } from '../../src/models/types.ts';

/** The g × g grid over [lo, hi]², row-major `[g², 2]` (z₂ varies fastest). */
export function latentGrid(g: number, lo: number, hi: number): Float32Array {
  if (!Number.isInteger(g) || g < 2) throw new Error(`latentGrid: g must be an integer ≥ 2 (got ${g})`);
  const out = new Float32Array(g * g * 2);
  for (let i = 0; i < g; i++) {
    for (let j = 0; j < g; j++) {
      out[(i * g + j) * 2] = lo + ((hi - lo) * i) / (g - 1);
      out[(i * g + j) * 2 + 1] = lo + ((hi - lo) * j) / (g - 1);
    }
  }
  return out;
}

/**
 * min over the plans `[G, H·nu]` of J(x0, plan) for each start of `starts` `[V·nx]` → `[V]`. Starts go
 * through the rollout `chunk` at a time (chunk·G rows).
 */
export function bestOfPlans(model: DynamicsModel, cost: CostModel, horizon: number, plans: Float32Array, starts: Float32Array, chunk = 4): number[] {
  const n = horizon * model.actionDim, nx = model.stateDim;
  const G = plans.length / n, V = starts.length / nx;
  if (!Number.isInteger(G) || G < 1) throw new Error(`bestOfPlans: plans must hold G·H·nu = G·${n} numbers (got ${plans.length})`);
  if (!Number.isInteger(V) || V < 1) throw new Error(`bestOfPlans: starts must hold V·nx = V·${nx} numbers (got ${starts.length})`);
  const P = tf.tensor3d(plans, [1, G, n]);
  const best: number[] = [];
  try {
    for (let v = 0; v < V; v += chunk) {
      const b = Math.min(chunk, V - v);
      const m = tf.tidy(() => {
        const x0 = tf.tensor2d(starts.subarray(v * nx, (v + b) * nx), [b, nx]);
        return tf.min(rolloutCost(model, cost, x0, tf.tile(P, [b, 1, 1]), horizon), 1);
      });
      best.push(...m.dataSync());
      m.dispose();
    }
  } finally {
    P.dispose();
  }
  if (!best.every(Number.isFinite)) throw new Error('bestOfPlans: a planned cost is not finite');
  return best;
}

/** The decoder's sequences on the g × g grid of its box `[g², H·nu]`. */
export function decoderGridPlans(decoder: LatentDecoder, g: number): Float32Array {
  const u = tf.tidy(() => decoder.decode(tf.tensor2d(latentGrid(g, -1, 1), [g * g, decoder.latentDim])));
  const v = u.dataSync() as Float32Array;
  u.dispose();
  return v;
}

/**
 * The PCA plane of expert plans `[M, H·nu]` (2 components) and its g × g grid of reconstructions over
 * ±range, clipped into [lo, hi] per action `[g², H·nu]`.
 */
export function pcaGridPlans(expertPlans: Float32Array, n: number, g: number, range: number, low: readonly number[], high: readonly number[]): { pca: Pca; plans: Float32Array } {
  const p = pca(expertPlans, expertPlans.length / n, n, 2);
  const plans = pcaInverse(p, latentGrid(g, -range, range));
  const nu = low.length;
  for (let i = 0; i < plans.length; i++) plans[i] = Math.min(high[i % nu]!, Math.max(low[i % nu]!, plans[i]!));
  return { pca: p, plans };
}
