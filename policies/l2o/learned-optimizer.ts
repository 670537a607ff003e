// The learned optimizer: a coordinate-wise deterministic policy a_i = μ(features_i) (the DDPG actor, an
// MLP with tanh output) applied to every coordinate of every run in one batched call, θ ← θ + σ ⊙ μ(·).
// It runs on any problem dimension M, saves to and loads from a JSON checkpoint (atomic write; version 1
// checkpoints predate the adaptive step scale and load with scale 'fixed').
//   features `[B, M, D]` → actor on `[B·M, D]` → actions `[B, M]` → Δθ = σ ⊙ a.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import { writeJsonAtomic } from '../../src/tensor/files.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { Actor } from '../actor.ts';
import type { Problem } from './problems.ts';
import { featureDim, optFeatures, resolveL2OConfig, disposeOptState, type L2OConfig, type OptState } from './state.ts';
import { startState, stepState } from './env-step.ts';

export const L2O_CHECKPOINT_KIND = 'diffmpc/l2o-optimizer';
export const L2O_CHECKPOINT_VERSION = 2;

export interface L2OCheckpoint {
  kind: typeof L2O_CHECKPOINT_KIND;
  version: number;
  config: L2OConfig;
  hidden: number[];
  weights: number[][];
  meta?: Record<string, unknown>;
}

/** Deterministic coordinate-wise actions `[B, M]` of `actor` in state `s`. */
export function policyActions(actor: Actor, s: OptState, cfg: L2OConfig): tf.Tensor {
  return tf.tidy(() => {
    const [B, M] = s.theta.shape as [number, number];
    const feats = optFeatures(s, cfg).reshape([B * M, featureDim(cfg)]);
    return actor.act(feats).reshape([B, M]);
  });
}

export interface RunResult {
  /** Final iterates `[B, M]` (caller disposes). */
  theta: tf.Tensor;
  /** f at every step, including the start: values[t][b]. */
  values: Float32Array[];
}

export class LearnedOptimizer {
  readonly config: L2OConfig;
  readonly actor: Actor;
  readonly hidden: number[];
  meta: Record<string, unknown> = {};

  constructor(opts: { config?: Partial<L2OConfig>; hidden?: number[]; seed?: number } = {}) {
    this.config = resolveL2OConfig(opts.config);
    this.hidden = opts.hidden ?? [32, 32];
    this.actor = new Actor({ obsDim: featureDim(this.config), actDim: 1, low: -1, high: 1, hidden: this.hidden, rng: new Rng(opts.seed ?? 0), name: 'l2o-actor' });
  }

  /** Actions `[B, M]` for a state. */
  actions(s: OptState): tf.Tensor {
    return policyActions(this.actor, s, this.config);
  }

  /** Runs `steps` updates from θ0 `[B, M]`; records f after every step. */
  run(problem: Problem, theta0: tf.Tensor, steps: number): RunResult {
    let s = startState(problem, theta0, this.config);
    const values: Float32Array[] = [s.f.dataSync() as Float32Array];
    for (let t = 0; t < steps; t++) {
      const a = this.actions(s);
      const { next, reward } = stepState(problem, s, a, this.config);
      tf.dispose([a, reward]);
      disposeOptState(s);
      s = next;
      values.push(Float32Array.from(s.f.dataSync()));
    }
    const theta = s.theta.clone();
    disposeOptState(s);
    return { theta, values };
  }

  toJSON(): L2OCheckpoint {
    return {
      kind: L2O_CHECKPOINT_KIND,
      version: L2O_CHECKPOINT_VERSION,
      config: this.config,
      hidden: this.hidden,
      weights: this.actor.net.getWeights(),
      meta: this.meta,
    };
  }

  static fromJSON(j: unknown, source = 'checkpoint'): LearnedOptimizer {
    const c = j as Partial<L2OCheckpoint>;
    if (!c || c.kind !== L2O_CHECKPOINT_KIND) throw new Error(`${source}: not a learned-optimizer checkpoint (kind must be "${L2O_CHECKPOINT_KIND}", got ${JSON.stringify(c?.kind)})`);
    if (c.version !== 1 && c.version !== L2O_CHECKPOINT_VERSION) throw new Error(`${source}: checkpoint version ${c.version} is not supported (expected 1 or ${L2O_CHECKPOINT_VERSION}); retrain or convert it`);
    if (!Array.isArray(c.hidden) || !Array.isArray(c.weights) || !c.config) throw new Error(`${source}: checkpoint must contain config, hidden and weights`);
    const config: Partial<L2OConfig> = c.version === 1 ? { ...c.config, scale: 'fixed' } : c.config;
    const opt = new LearnedOptimizer({ config, hidden: c.hidden });
    opt.actor.net.setWeights(c.weights);
    opt.meta = c.meta ?? {};
    return opt;
  }

  /** Writes the checkpoint atomically (temp file + rename). */
  save(file: string): void {
    writeJsonAtomic(file, this.toJSON());
  }

  static load(file: string): LearnedOptimizer {
    if (!fs.existsSync(file)) throw new Error(`LearnedOptimizer.load: no checkpoint at ${file}; train one first (npx tsx scripts/bench-l2o.ts writes runs/l2o/optimizer.json)`);
    return LearnedOptimizer.fromJSON(JSON.parse(fs.readFileSync(file, 'utf8')), file);
  }

  /** Copies the weights of a trained actor with the same architecture. */
  copyFrom(actor: Actor): void {
    this.actor.net.setWeights(actor.net.getWeights());
  }

  dispose(): void {
    this.actor.dispose();
  }
}
