// The piece of `diffmpc energy` (scripts/energy.ts), registered as the job runner `energy-seed`:
//   (EnergySeedConfig, seed) → EnergySeedResult
// trains one contender's energy E_θ with `seed` (data, weights, batches and solver noise all follow from it),
// then, on the trained net, the test MSE of the test-time iteration ablation (noise Rng(100 + index), index =
// the seed's position in the run) and, with `landscape`, the energy landscape of the first seed's panel
// (noise Rng(7)). Everything that needs the net is computed here, so only numbers go back.
import { z } from 'zod';
import { registerJobRunner, type Json } from '../../src/exec/job.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { energyLandscape, evaluateMse, trainEnergyRegression, type ArgminSpec, type EpochRecord } from '../../src/train/energy-regression.ts';
import { ABLATION_ITERATIONS, energyContender } from './energy-contenders.ts';
import { parseJobConfig } from './job-config.ts';

export const energySeedConfig = z
  .object({
    contender: z.string(),
    /** Position of the seed in the run (0, 1, …): picks the ablation's noise. */
    index: z.number().int().nonnegative(),
    epochs: z.number().int().positive(),
    batchSize: z.number().int().positive(),
    yBound: z.number().positive(),
    evalEvery: z.number().int().positive(),
    landscape: z.boolean(),
  })
  .strict();

export type EnergySeedConfig = z.infer<typeof energySeedConfig>;

/** The landscape grid of the panel: nx × ny points of [0, 2π] × [−6, 4]. */
export const LANDSCAPE_GRID = { nx: 64, ny: 64, y0: -6, y1: 4 } as const;

export interface EnergySeedResult {
  trainMse: number;
  testMse: number;
  msPerEpoch: number;
  history: EpochRecord[];
  /** Test MSE with T inner iterations, per T of ABLATION_ITERATIONS (as strings). */
  ablation: Record<string, number>;
  /** With `landscape`: energy `[nx·ny]` (row i = x_i), ŷ `[nx]` and the training data. */
  landscape?: { xs: number[]; ys: number[]; energy: number[]; yhat: number[]; trainX: number[]; trainY: number[] };
}

const bounded = (spec: ArgminSpec, yBound: number): ArgminSpec => ({ ...spec, opts: { ...spec.opts, bounds: [-yBound, yBound] } });

export async function runEnergySeed(config: Json, seed: number): Promise<Json> {
  const c = parseJobConfig(energySeedConfig, config, 'energy-seed');
  const contender = energyContender(c.contender, 'energy-seed job');
  const spec = bounded(contender.spec(), c.yBound);
  const res = trainEnergyRegression({ argmin: spec, seed, epochs: c.epochs, batchSize: c.batchSize, evalEvery: c.evalEvery });
  try {
    const ablation: Record<string, number> = {};
    for (const T of ABLATION_ITERATIONS) ablation[String(T)] = evaluateMse(res.net, res.data.xTest, res.data.yTest, bounded(contender.atIterations(T), c.yBound), new Rng(100 + c.index));
    let landscape: EnergySeedResult['landscape'];
    if (c.landscape) {
      const { nx, ny, y0, y1 } = LANDSCAPE_GRID;
      const xs = Float32Array.from({ length: nx }, (_, i) => (2 * Math.PI * i) / (nx - 1));
      const ys = Float32Array.from({ length: ny }, (_, j) => y0 + ((y1 - y0) * j) / (ny - 1));
      const { energy, yhat } = energyLandscape(res.net, xs, ys, spec, new Rng(7));
      landscape = { xs: Array.from(xs), ys: Array.from(ys), energy: Array.from(energy), yhat: Array.from(yhat), trainX: Array.from(res.data.xTrain), trainY: Array.from(res.data.yTrain) };
    }
    for (const [k, v] of [['train MSE', res.trainMse], ['test MSE', res.testMse]] as const) if (!Number.isFinite(v)) throw new Error(`energy-seed ${c.contender} seed ${seed}: ${k} is ${v}`);
    const out: EnergySeedResult = { trainMse: res.trainMse, testMse: res.testMse, msPerEpoch: res.msPerEpoch, history: res.history, ablation, ...(landscape ? { landscape } : {}) };
    return out as unknown as Json;
  } finally {
    res.net.dispose();
  }
}

registerJobRunner('energy-seed', runEnergySeed, { replace: true });
