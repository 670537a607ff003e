// The exhaustive searches of a 2-D plan family: the grid's corners and order, bestOfPlans equal to the
// minimum of rolloutCost taken plan by plan (across chunk boundaries), the decoder's grid equal to decoding
// the grid, and the PCA plane's plans inside the action box.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cartpoleDxSystem, sampleCartpoleStart } from '../../../envs/systems/cartpole-dx.ts';
import { LatentDecoder } from '../../../src/models/latent-decoder.ts';
import { rolloutCost } from '../../../src/models/rollout.ts';
import { compileSystem } from '../../../src/models/system/compile.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { bestOfPlans, decoderGridPlans, latentGrid, pcaGridPlans } from '../../../scripts/lib/latent-search.ts';

const H = 5;
let twin: ReturnType<typeof compileSystem>;
beforeAll(async () => {
  await tf.setBackend('cpu');
  twin = compileSystem(cartpoleDxSystem as never);
});
afterAll(() => twin.dynamics.dispose());

describe('latent-search', () => {
  it('latentGrid spans [lo, hi]² with z₂ varying fastest', () => {
    const g = latentGrid(3, -1, 1);
    expect(Array.from(g)).toEqual([-1, -1, -1, 0, -1, 1, 0, -1, 0, 0, 0, 1, 1, -1, 1, 0, 1, 1]);
    expect(() => latentGrid(1, 0, 1)).toThrow(/g must be an integer ≥ 2/);
  });

  it('bestOfPlans is the per-start minimum of the rollout cost over the plans', () => {
    const rng = new Rng(2);
    const V = 5, G = 7;
    const starts = new Float32Array(V * 5);
    for (let v = 0; v < V; v++) starts.set(sampleCartpoleStart(rng), v * 5);
    const plans = Float32Array.from({ length: G * H }, () => rng.uniformIn(-1, 1));
    const best = bestOfPlans(twin.dynamics, twin.cost, H, plans, starts, 2);
    const J = tf.tidy(() => rolloutCost(twin.dynamics, twin.cost, tf.tensor2d(starts, [V, 5]), tf.tile(tf.tensor3d(plans, [1, G, H]), [V, 1, 1]), H)).arraySync() as number[][];
    for (let v = 0; v < V; v++) expect(best[v]).toBeCloseTo(Math.min(...J[v]!), 5);
    expect(() => bestOfPlans(twin.dynamics, twin.cost, H, plans.subarray(1), starts)).toThrow(/G·H·nu/);
  });

  it("decoderGridPlans decodes the grid; the PCA plane's plans stay in the box", () => {
    const dec = new LatentDecoder({ latentDim: 2, horizon: H, actionDim: 1, low: [-1], high: [1], hidden: 8, rng: new Rng(1) });
    try {
      const plans = decoderGridPlans(dec, 4);
      const direct = tf.tidy(() => dec.decode(tf.tensor2d(latentGrid(4, -1, 1), [16, 2]))).dataSync();
      expect(Array.from(plans)).toEqual(Array.from(direct));
    } finally {
      dec.dispose();
    }
    const rng = new Rng(4);
    const expert = Float32Array.from({ length: 30 * H }, () => 3 * rng.normal());
    const { pca, plans } = pcaGridPlans(expert, H, 5, 2, [-1], [1]);
    expect(pca.r).toBe(2);
    expect(plans.length).toBe(25 * H);
    expect(plans.every((u) => u >= -1 && u <= 1)).toBe(true);
  });
});
