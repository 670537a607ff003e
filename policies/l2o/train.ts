// Trains the coordinate-wise learned optimizer with DDPG (policies/ddpg.ts) on random instances of one
// problem family: each episode draws a dimension and an instance, runs B learner runs for T steps with
// Gaussian action noise a = clip(μ(s) + σ ξ, ±1), stores the B·M coordinate transitions per step, and
// (optionally) lets an ExplorerEnsemble (explorers.ts) add its own transitions from the same instance.
// After `warmup` transitions, `updatesPerStep` DDPG updates follow each step. Seeded end to end.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/tensor/rng.ts';
import { DDPG, type DDPGConfig } from '../ddpg.ts';
import { makeProblem } from './problems.ts';
import { featureDim, optFeatures, resolveL2OConfig, disposeOptState, type L2OConfig } from './state.ts';
import { startState, stepState } from './env-step.ts';
import { addCoordinateTransitions } from './transitions.ts';
import { ExplorerEnsemble, type ExplorerConfig } from './explorers.ts';
import { LearnedOptimizer, policyActions } from './learned-optimizer.ts';

export interface TrainL2OOptions {
  family: string;
  /** Dimensions sampled per episode. */
  dims: number[];
  episodes: number;
  /** Steps per episode T. */
  steps: number;
  /** Parallel learner runs per episode B. */
  runs?: number;
  /** Explorer ensemble configuration, or null for plain DDPG exploration. */
  explorers?: Partial<ExplorerConfig> | null;
  l2o?: Partial<L2OConfig>;
  hidden?: number[];
  ddpg?: Partial<Omit<DDPGConfig, 'obsDim' | 'actDim' | 'actionLow' | 'actionHigh'>>;
  /** Std of the Gaussian action noise of the learner (default 0.2). */
  actionNoise?: number;
  updatesPerStep?: number;
  warmup?: number;
  seed?: number;
  onEpisode?: (log: EpisodeLog) => void;
}

export interface EpisodeLog {
  episode: number;
  dim: number;
  /** Mean over runs of log10 f_T − log10 f_0 of the (noisy) learner. */
  logImprovement: number;
  criticLoss: number;
  actorLoss: number;
  bufferSize: number;
  explorerResets: number;
  explorerPruned: number;
  envSteps: number;
}

export function trainLearnedOptimizer(opts: TrainL2OOptions): { optimizer: LearnedOptimizer; log: EpisodeLog[] } {
  const cfg = resolveL2OConfig(opts.l2o);
  const seed = opts.seed ?? 0;
  const rng = new Rng(seed);
  const B = opts.runs ?? 4;
  const hidden = opts.hidden ?? [32, 32];
  const sigma = opts.actionNoise ?? 0.2;
  const upd = opts.updatesPerStep ?? 1;
  const warmup = opts.warmup ?? 256;
  if (opts.dims.length === 0) throw new Error('trainLearnedOptimizer: dims must list at least one dimension');
  for (const [k, v] of Object.entries({ episodes: opts.episodes, steps: opts.steps, runs: B, updatesPerStep: upd })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`trainLearnedOptimizer: ${k} must be a positive integer (got ${v})`);
  }
  const agent = new DDPG({
    obsDim: featureDim(cfg),
    actDim: 1,
    actionLow: -1,
    actionHigh: 1,
    actorHidden: hidden,
    criticHidden: [64, 64],
    gamma: 0.9,
    tau: 0.01,
    batchSize: 128,
    bufferSize: 50_000,
    seed: rng.nextSeed(),
    ...opts.ddpg,
  });
  const log: EpisodeLog[] = [];
  let envSteps = 0;
  for (let ep = 0; ep < opts.episodes; ep++) {
    const dim = opts.dims[rng.int(opts.dims.length)]!;
    const problem = makeProblem(opts.family, dim, rng.split());
    const theta0 = problem.init(B, rng);
    let s = startState(problem, theta0, cfg);
    theta0.dispose();
    const f0 = Float32Array.from(s.f.dataSync());
    const ens = opts.explorers === null || opts.explorers === undefined ? null : new ExplorerEnsemble(problem, cfg, rng.split(), opts.explorers);
    let cl = 0;
    let al = 0;
    let nUpd = 0;
    for (let t = 0; t < opts.steps; t++) {
      const feats = optFeatures(s, cfg);
      const action = tf.tidy(() => {
        const mu = policyActions(agent.actor, s, cfg);
        return tf.clipByValue(tf.add(mu, tf.mul(rng.normalTensor(mu.shape), sigma)), -1, 1);
      });
      const { next, reward } = stepState(problem, s, action, cfg);
      const featsNext = optFeatures(next, cfg);
      addCoordinateTransitions(agent.buffer, feats, action, reward, featsNext, false);
      tf.dispose([feats, action, reward, featsNext]);
      disposeOptState(s);
      s = next;
      envSteps += B;
      if (ens) {
        ens.step(agent.buffer);
        envSteps += ens.count;
      }
      if (agent.buffer.size >= warmup) {
        for (let u = 0; u < upd; u++) {
          const st = agent.update();
          cl += st.criticLoss;
          al += st.actorLoss;
          nUpd++;
        }
      }
    }
    const fT = s.f.dataSync();
    let imp = 0;
    for (let b = 0; b < B; b++) imp += Math.log10(fT[b]! + cfg.eps) - Math.log10(f0[b]! + cfg.eps);
    const entry: EpisodeLog = {
      episode: ep,
      dim,
      logImprovement: imp / B,
      criticLoss: nUpd ? cl / nUpd : NaN,
      actorLoss: nUpd ? al / nUpd : NaN,
      bufferSize: agent.buffer.size,
      explorerResets: ens?.totalResets ?? 0,
      explorerPruned: ens?.totalPruned ?? 0,
      envSteps,
    };
    log.push(entry);
    opts.onEpisode?.(entry);
    disposeOptState(s);
    ens?.dispose();
    problem.dispose();
  }
  const optimizer = new LearnedOptimizer({ config: cfg, hidden });
  optimizer.copyFrom(agent.actor);
  optimizer.meta = { family: opts.family, dims: opts.dims, episodes: opts.episodes, steps: opts.steps, explorers: opts.explorers ?? null, seed, envSteps };
  agent.dispose();
  return { optimizer, log };
}
