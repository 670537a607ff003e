// The pieces of `bench l2o` (scripts/bench-l2o.ts), registered as two job runners:
//   l2o-train  (L2OTrainConfig, seed) → { checkpoint, log, seconds }: one DDPG training of a learned optimizer
//   l2o-test   (L2OTestConfig, seed)  → { best, ms }: one method on one test instance, best-so-far f per step
// A test piece rebuilds its instance exactly as one sequential pass over the methods would: Rng(seed) makes
// the problem and θ0, then method i runs with the i-th `split()` of that Rng (problems use their Rng only
// when they are built), so its result does not depend on which other pieces ran, or where.
import '../../policies/l2o/problems.ts';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { runAdam, runEpsGreedySgd, runSgd } from '../../policies/l2o/baselines.ts';
import { LearnedOptimizer, type L2OCheckpoint } from '../../policies/l2o/learned-optimizer.ts';
import { makeProblem } from '../../policies/l2o/problems.ts';
import { trainLearnedOptimizer, type EpisodeLog } from '../../policies/l2o/train.ts';
import { registerJobRunner, type Json } from '../../src/exec/job.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { parseJobConfig } from './job-config.ts';

/** Best-so-far values per step: best[t] = min_{τ ≤ t} f_τ (non-finite values never count as best). */
export function bestSoFar(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  let b = Infinity;
  for (let t = 0; t < values.length; t++) {
    const v = values[t]!;
    if (Number.isFinite(v) && v < b) b = v;
    out.push(b);
  }
  return out;
}


export const l2oTrainConfig = z
  .object({
    family: z.string(),
    dims: z.array(z.number().int().positive()).min(1),
    episodes: z.number().int().positive(),
    steps: z.number().int().positive(),
    runs: z.number().int().positive(),
    explorers: z.object({ count: z.number().int().positive() }).strict().nullable(),
  })
  .strict();

export type L2OTrainConfig = z.infer<typeof l2oTrainConfig>;

export interface L2OTrainResult {
  checkpoint: L2OCheckpoint;
  log: EpisodeLog[];
  seconds: number;
}

export async function runL2OTrain(config: Json, seed: number): Promise<Json> {
  const c = parseJobConfig(l2oTrainConfig, config, 'l2o-train');
  const t0 = performance.now();
  const { optimizer, log } = trainLearnedOptimizer({ ...c, seed });
  try {
    const out: L2OTrainResult = { checkpoint: optimizer.toJSON(), log, seconds: (performance.now() - t0) / 1000 };
    return out as unknown as Json;
  } finally {
    optimizer.dispose();
  }
}

const method = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('learned'), checkpoint: z.record(z.string(), z.unknown()) }).strict(),
  z.object({ kind: z.literal('sgd'), lr: z.number().positive() }).strict(),
  z.object({ kind: z.literal('adam'), lr: z.number().positive() }).strict(),
  z.object({ kind: z.literal('eps-greedy-sgd'), lr: z.number().positive(), restarts: z.number().int().positive(), epsilon: z.number().min(0).max(1), stepScale: z.number().positive() }).strict(),
]);

export const l2oTestConfig = z
  .object({
    family: z.string(),
    dim: z.number().int().positive(),
    steps: z.number().int().positive(),
    /** Position of the method in the sequential pass (which `split()` of the instance's Rng it gets). */
    split: z.number().int().nonnegative(),
    method,
  })
  .strict();

export type L2OTestConfig = z.infer<typeof l2oTestConfig>;

export interface L2OTestResult {
  /** Best-so-far f per step `[steps + 1]` (step 0 is θ0). */
  best: number[];
  ms: number;
}

export async function runL2OTest(config: Json, seed: number): Promise<Json> {
  const c = parseJobConfig(l2oTestConfig, config, 'l2o-test');
  const rng = new Rng(seed);
  const p = makeProblem(c.family, c.dim, rng);
  const th = p.init(1, rng);
  let child = rng.split();
  for (let i = 0; i < c.split; i++) child = rng.split();
  const learned = c.method.kind === 'learned' ? LearnedOptimizer.fromJSON(c.method.checkpoint, 'l2o-test job config: method.checkpoint') : undefined;
  try {
    const m = c.method;
    const t0 = performance.now();
    let values: Float32Array[];
    if (learned) {
      const run = learned.run(p, th, c.steps);
      run.theta.dispose();
      values = run.values;
    } else if (m.kind === 'sgd') values = runSgd(p, th, c.steps, m.lr).values;
    else if (m.kind === 'adam') values = runAdam(p, th, c.steps, m.lr).values;
    else if (m.kind === 'eps-greedy-sgd') values = runEpsGreedySgd(p, th, c.steps, { lr: m.lr, restarts: m.restarts, epsilon: m.epsilon, stepScale: m.stepScale, rng: child }).values;
    else throw new Error(`l2o-test: unknown method kind`);
    const ms = performance.now() - t0;
    const out: L2OTestResult = { best: bestSoFar(values.map((v) => v[0]!)), ms };
    return out as unknown as Json;
  } finally {
    learned?.dispose();
    tf.dispose(th);
    p.dispose();
  }
}

registerJobRunner('l2o-train', runL2OTrain, { replace: true });
registerJobRunner('l2o-test', runL2OTest, { replace: true });
